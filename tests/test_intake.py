"""The kennismaking end to end: webhook in, intake stored, translated, shown to the coordinator in Dutch."""

from collections.abc import Iterator
from pathlib import Path
from string import Template

import pytest
import yaml
from flask import Flask
from sqlmodel import select

from bot import dispatcher
from bot.own_words import TRANSLATED, UNTRANSLATED
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Direction, Escalation, Intake, Message, Participant
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.support.fake_translators import FakeMyMemory, fake_translation
from tests.support.http import serving
from tests.support.twilio import INBOUND_PATH, inbound_form, sign

SCRIPT = yaml.safe_load((Path(__file__).parent / "flow" / "cases" / "kennismaking.yaml").read_text(encoding="utf-8"))
ARABIC = SCRIPT["own_words"]["ar"]


@pytest.fixture
def translation_service() -> FakeMyMemory:
    return FakeMyMemory()


@pytest.fixture
def translating_app(tmp_path: Path, translation_service: FakeMyMemory) -> Iterator[Flask]:
    with serving(translation_service) as url:
        app = make_app(tmp_path, TRANSLATOR="mymemory", TRANSLATOR_URL=url, TRANSLATOR_TIMEOUT="5")
        app.extensions[EXTENSION].channel.echo = None
        yield app
        app.extensions[EXTENSION].db.dispose()


class Newcomer:
    """Someone writing to the bot through the signed webhook."""

    def __init__(self, app: Flask):
        self.client, self.services = app.test_client(), app.extensions[EXTENSION]
        self.count = 0

    def says(self, *texts: str) -> None:
        for text in texts:
            self.count += 1
            form = inbound_form(f"SM{self.count:04d}", text)
            signature = sign(self.services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
            response = self.client.post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature})
            assert response.status_code == 200
            self.services.queue.join()

    def does_the_kennismaking_in_arabic(self) -> None:
        self.says("hallo", "3", "1")  # menu, Arabic, consent
        self.says(*(Template(line["say"]).substitute(ARABIC) for line in SCRIPT["script"]))


def stored_intake(services: Services) -> Intake:
    with session_scope(services.db) as db:
        return db.exec(select(Intake)).one()


def test_the_kennismaking_in_arabic_is_stored_with_dutch_beside_the_own_words(translating_app: Flask) -> None:
    services = translating_app.extensions[EXTENSION]
    Newcomer(translating_app).does_the_kennismaking_in_arabic()
    intake = stored_intake(services)
    assert intake.language == "ar" and intake.untranslated == 0
    assert intake.answers["name"] == ARABIC["name"]  # a name is not translated
    assert intake.answers["days"] == ["tue", "thu"] and intake.answers["reminders"] is True
    for key in ("country", "learn_words", "customs", "lunch_other"):
        assert intake.answers[key] == {
            "original": ARABIC[key],
            "language": "ar",
            "status": TRANSLATED,
            "dutch": fake_translation(ARABIC[key], "nl-NL"),
        }
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant)).one()
        assert participant.language == "ar" and participant.consent_given_at is not None


def test_bot_intake_prints_the_dutch_version(translating_app: Flask) -> None:
    services = translating_app.extensions[EXTENSION]
    Newcomer(translating_app).does_the_kennismaking_in_arabic()
    result = translating_app.test_cli_runner().invoke(args=["bot", "intake", "+31612345678"])
    assert result.exit_code == 0, result.output
    nl = services.catalogs
    # The name in its own script with a Latin transliteration beside it, then the number to call.
    assert result.output.startswith(f"Kennismaking met {ARABIC['name']} (ftmh)\nTelefoon: +31612345678\n")
    assert f"{nl.text('nl', 'kennismaking.dutch.label')}: {nl.text('nl', 'kennismaking.dutch.little')}" in result.output
    days = f"{nl.text('nl', 'common.day.tue')} en {nl.text('nl', 'common.day.thu')}"
    assert f"{nl.text('nl', 'kennismaking.days.label')}: {days}" in result.output
    lines = result.output.splitlines()
    translated = f"{nl.text('nl', 'kennismaking.customs.label')}: {fake_translation(ARABIC['customs'], 'nl-NL')}"
    original = lines[lines.index(translated) + 1]
    assert original.startswith("  Eigen woorden (Arabisch): ") and ARABIC["customs"] in original


def test_without_a_translator_the_own_words_are_kept_and_marked(app: Flask, services: Services) -> None:
    Newcomer(app).does_the_kennismaking_in_arabic()
    intake = stored_intake(services)
    assert intake.answers["customs"] == {
        "original": ARABIC["customs"],
        "language": "ar",
        "dutch": None,
        "status": UNTRANSLATED,
    }
    result = app.test_cli_runner().invoke(args=["bot", "intake", "0612345678"])
    assert "(nog niet vertaald)" in result.output and ARABIC["customs"] in result.output


def test_without_a_translator_the_dispatcher_does_not_queue_intakes_again(app: Flask, services: Services) -> None:
    Newcomer(app).does_the_kennismaking_in_arabic()
    intake = stored_intake(services)
    assert intake.untranslated > 0
    for tick in range(3):
        later = intake.updated_at + dispatcher.TRANSLATION_RETRY * (tick + 1)
        assert dispatcher.tick(services, later)["translations"] == 0


@pytest.mark.parametrize(
    ("name", "shown"),
    [("Олена Коваль", "Олена Коваль (Olena Koval')"), ("ሰላም", "ሰላም (selam)"), ("Amal", "Amal")],
)
def test_a_name_in_another_script_has_a_latin_transliteration_beside_it(name: str, shown: str) -> None:
    from bot.intake import with_latin

    assert with_latin(name) == shown


def test_a_failed_translation_is_retried_by_the_dispatcher(translating_app, translation_service) -> None:
    services = translating_app.extensions[EXTENSION]
    translation_service.script = ["500"] * 4
    Newcomer(translating_app).does_the_kennismaking_in_arabic()
    first = stored_intake(services)
    assert first.untranslated == 4
    assert dispatcher.tick(services, first.updated_at)["translations"] == 0  # resting
    assert dispatcher.tick(services, first.updated_at + dispatcher.TRANSLATION_RETRY)["translations"] == 1
    services.queue.join()
    assert stored_intake(services).untranslated == 0


def test_a_dutch_intake_needs_no_translation(app: Flask, services: Services) -> None:
    newcomer = Newcomer(app)
    newcomer.says("hallo", "1", "ja")
    newcomer.says(*(Template(line["say"]).substitute(SCRIPT["own_words"]["nl"]) for line in SCRIPT["script"]))
    intake = stored_intake(services)
    assert intake.untranslated == 0 and intake.answers["customs"]["status"] == "original_is_dutch"


def test_bot_intake_for_an_unknown_number(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "intake", "+31699999999"])
    assert result.exit_code == 1 and "geen kennismaking" in result.output


def test_help_and_stop_are_recorded(app: Flask, services: Services) -> None:
    newcomer = Newcomer(app)
    newcomer.says("hallo", "2", "yes", "help")
    with session_scope(services.db) as db:
        [escalation] = db.exec(select(Escalation)).all()
        assert (escalation.reason, escalation.flow_id, escalation.step_id) == (
            "asked_for_person",
            "kennismaking",
            "name",
        )
    newcomer.says("stop")
    with session_scope(services.db) as db:
        assert db.exec(select(Participant)).one().stopped_at is not None
    newcomer.says("hello again")  # after stop, only a start word starts again (see tests/test_opt_out.py)
    with session_scope(services.db) as db:
        assert db.exec(select(Participant)).one().stopped_at is not None
    newcomer.says("start")
    with session_scope(services.db) as db:
        assert db.exec(select(Participant)).one().stopped_at is None


def test_a_name_too_long_to_keep_is_asked_again_in_the_readers_language(app: Flask, services: Services) -> None:
    newcomer = Newcomer(app)
    newcomer.says("hallo", "3", "1", "ف" * 300)  # Arabic, consent, a name of 300 letters
    with session_scope(services.db) as db:
        last = db.exec(
            select(Message).where(Message.direction == Direction.OUTBOUND).order_by(Message.id.desc())
        ).first()
        assert last.body.startswith(services.catalogs.text("ar", "input.too_long", {"max": "100"}))
    newcomer.says(*(Template(line["say"]).substitute(ARABIC) for line in SCRIPT["script"]))
    with session_scope(services.db) as db:
        assert db.exec(select(Participant)).one().name == ARABIC["name"]
        assert db.exec(select(Intake)).one().answers["name"] == ARABIC["name"]


def test_words_the_translator_cannot_translate_are_not_queued_again(tmp_path: Path) -> None:
    """LibreTranslate has no Tigrinya: a Tigrinya intake never waits for it, an Arabic one does."""
    from datetime import UTC, datetime

    from bot.own_words import kept

    app = make_app(tmp_path, TRANSLATOR="libre", TRANSLATOR_URL="http://127.0.0.1:9", TRANSLATOR_API_KEY="k")
    services = app.extensions[EXTENSION]
    then = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    with session_scope(services.db) as db:
        for phone, language in (("+31612345678", "ti"), ("+31612345679", "ar")):
            participant = Participant(phone=phone, channel="whatsapp", language=language, created_at=then)
            db.add(participant)
            db.flush()
            answers = {"customs": kept("ሰላም ንኹሉ" if language == "ti" else "مرحبا بالجميع", language)}
            db.add(Intake(participant_id=participant.id, language=language, answers=answers, untranslated=1,
                          confirmed_at=then, updated_at=then))  # fmt: skip
    assert services.translator.into_dutch == {"ar", "fa", "uk", "tr", "en"}
    assert dispatcher.tick(services, then + dispatcher.TRANSLATION_RETRY)["translations"] == 1  # the Arabic one
    services.queue.join()
    services.db.dispose()
