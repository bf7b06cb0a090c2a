"""The papers: werkafspraken and certificaat read back in Dutch and the participant's language
(Ukrainian, Arabic, Tigrinya), the getuigschrift in Dutch; sent as media or as a link."""

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlmodel import select

from bot import dispatcher, documents, privacy
from bot.i18n import Catalogs, format_day, is_rtl
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Appointment, Coordinator, Intake, Message, Participant, Placement
from tests.conftest import make_app
from tests.support.services import IN_CI

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PDFTOTEXT = "pdftotext"
A4_WIDTH, A4_HEIGHT = 596, 842  # points, as pdftotext measures at its default 72 dpi
# Embedding and isolate marks pdftotext puts around right-to-left runs.
_NO_BIDI_MARKS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
FIRST_DAY = datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM)  # a Tuesday
CUSTOMS = {
    "uk": ("Я не працюю в неділю.", "Ik werk niet op zondag."),
    "ar": ("أحتاج وقتاً قصيراً للصلاة.", "Ik heb korte tijd nodig om te bidden."),
    "ti": ("ብሰንበት ኣይሰርሕን እየ።", "Op zondag werk ik niet."),
}
NAMES = {"uk": "Олена", "ar": "أمل", "ti": "ሳባ"}
PHONES = {"uk": "+31612345601", "ar": "+31612345602", "ti": "+31612345603"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    if shutil.which("pdftotext") is None:
        message = "pdftotext not found (Debian's poppler-utils; scripts/test.sh installs it)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    app = make_app(tmp_path_factory.mktemp("papers"))
    app.extensions[EXTENSION].channel.echo = None
    yield app
    app.extensions[EXTENSION].db.dispose()


@pytest.fixture(scope="module")
def services(app: Flask) -> Services:
    return app.extensions[EXTENSION]


@pytest.fixture(scope="module")
def people(services: Services) -> dict[str, int]:
    with session_scope(services.db) as db:
        coordinator = Coordinator(name="Anna de Vries", phone="+31600000001", email="anna@kringloop.example")
        db.add(coordinator)
        db.flush()
        return {language: _participant(db, coordinator.id, language) for language in NAMES}


def _participant(db, coordinator_id: int, language: str) -> int:
    participant = Participant(
        phone=PHONES[language],
        channel="whatsapp" if language != "ti" else "sms",
        language=language,
        name=NAMES[language],
        consent_given_at=NOW - timedelta(days=3),
        coordinator_id=coordinator_id,
        holidays=["orthodox_christmas"] if language == "uk" else [],
    )
    db.add(participant)
    db.flush()
    original, dutch = CUSTOMS[language]
    customs = {"original": original, "language": language, "dutch": dutch, "status": "translated"}
    db.add(
        Intake(
            participant_id=participant.id,
            language=language,
            confirmed_at=NOW,
            answers={"customs": customs, "lunch": "halal"},
        )
    )
    for week in range(3):
        start = FIRST_DAY + timedelta(weeks=week)
        db.add(
            Appointment(
                participant_id=participant.id,
                coordinator_id=coordinator_id,
                kind="work",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                place_name="Kringloop Oost",
                address="Dapperstraat 1, Amsterdam",
            )
        )
    db.add(
        Placement(
            participant_id=participant.id,
            role="winkelhulp",
            tasks=["Kleding sorteren", "Klanten helpen"],
            bring=["id_card", "sturdy_shoes"],
            break_minutes=15,
            lunch="own",
            consulent_name="Mehmet Yilmaz",
            consulent_phone="+31201234567",
        )
    )
    return participant.id


def _columns(pdf: bytes) -> tuple[str, str]:
    """The text of the left (Dutch) and right (own language) halves of the pages, each on one line."""
    half = ["-W", str(A4_WIDTH // 2), "-H", str(A4_HEIGHT), "-y", "0"]
    return _read(pdf, [*half, "-x", "0"]), _read(pdf, [*half, "-x", str(A4_WIDTH // 2)])


def _read(pdf: bytes, crop: list[str] | None = None) -> str:
    """The text as poppler's pdftotext reads it (right-to-left words in reading order), on one line."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run([PDFTOTEXT, *(crop or []), file.name, "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.translate(_NO_BIDI_MARKS).split())


def _words(text: str) -> set[str]:
    """Words without punctuation: text read back from right-to-left lines keeps its words, not their order.

    pdftotext writes the lam-alef ligature's letters in visual order ('عىل' for 'على') and
    splits off vowel marks, so lam, the alef forms and the marks are left out of Arabic words.
    """
    text = re.sub("[\u064b-\u0652\u0644\u0627\u0623\u0625\u0622\u0649]", "", text)
    return set(re.findall(r"\w+", text))


def _render(services: Services, participant_id: int, kind: str) -> bytes:
    with session_scope(services.db) as db:
        return documents.render(services, db, db.get(Participant, participant_id), kind, NOW)


@pytest.fixture(scope="module")
def werkafspraken(services: Services, people: dict[str, int]) -> dict[str, tuple[str, str]]:
    return {language: _columns(_render(services, pid, "werkafspraken")) for language, pid in people.items()}


def _in_column(catalogs: Catalogs, column: str, language: str, key: str) -> bool:
    expected = catalogs.text(language, key)
    return _words(expected) <= _words(column) if is_rtl(language) else expected in column


@pytest.mark.parametrize("language", sorted(NAMES))
def test_werkafspraken_has_dutch_and_the_participants_language(
    services: Services, werkafspraken: dict[str, tuple[str, str]], language: str
) -> None:
    dutch, own = werkafspraken[language]
    for key in ("paper.werkafspraken.title", "paper.cancel.reason", "paper.bring.sturdy_shoes", "paper.lunch.own"):
        assert services.catalogs.text("nl", key) in dutch, key
        assert _in_column(services.catalogs, own, language, key), key
        assert services.catalogs.text("nl", key) not in own, key
    original, translation = CUSTOMS[language]
    assert translation in dutch and _words(original) <= _words(own)  # their own words beside the Dutch
    for column in (dutch, own):
        assert "Kringloop Oost, Dapperstraat 1, Amsterdam" in column
        assert "Anna de Vries, +31600000001, anna@kringloop.example" in column
        assert "Mehmet Yilmaz, +31201234567" in column


def test_werkafspraken_names_the_days_times_and_period_in_both_languages(
    services: Services, werkafspraken: dict[str, tuple[str, str]]
) -> None:
    dutch, own = werkafspraken["ar"]
    assert "Dinsdag: 09:00 tot 12:00" in dutch
    assert _words(services.catalogs.text("ar", "common.day.tue")) <= _words(own)
    assert {"٠٩", "٠٠", "١٢"} <= _words(own) and "09:00" not in own  # Arabic digits in the Arabic column
    last_day = FIRST_DAY.date() + timedelta(weeks=2)
    assert format_day(FIRST_DAY.date(), "nl") in dutch and format_day(last_day, "nl") in dutch
    assert "12 uur van tevoren" in dutch  # LATE_CANCEL_HOURS


def test_werkafspraken_names_their_holidays_and_diet(
    services: Services, werkafspraken: dict[str, tuple[str, str]]
) -> None:
    dutch, own = werkafspraken["uk"]
    assert services.catalogs.text("uk", "holiday.orthodox_christmas") in own
    assert services.catalogs.text("nl", "holiday.orthodox_christmas") in dutch
    assert services.catalogs.text("nl", "kennismaking.lunch.halal") in dutch


def test_certificaat_is_bilingual(services: Services, people: dict[str, int]) -> None:
    dutch, own = _columns(_render(services, people["uk"], "certificaat"))
    for key in ("paper.certificaat.title", "paper.certificaat.thanks"):
        assert services.catalogs.text("nl", key) in dutch and services.catalogs.text("uk", key) in own
    assert "Олена deed vrijwilligerswerk bij Kringloop Oost." in dutch
    assert "Сертифікат видано Олена за волонтерську роботу в Kringloop Oost." in own


def test_getuigschrift_is_dutch_after_the_seeds_template(services: Services, people: dict[str, int]) -> None:
    text = _read(_render(services, people["uk"], "getuigschrift"))
    assert "Hierbij verklaart Anna de Vries, namens Kringloop Oost, dat Олена (Olena) van 1 december 2026" in text
    assert "als winkelhulp" in text
    assert "Kleding sorteren" in text and "Klanten helpen" in text
    assert "anna@kringloop.example" in text
    assert "Сертифікат" not in text


def test_sending_on_whatsapp_attaches_the_pdf_by_a_signed_link(
    app: Flask, services: Services, people: dict[str, int]
) -> None:
    with session_scope(services.db) as db:
        message_id = documents.send(db, db.get(Participant, people["uk"]), "werkafspraken", services, NOW)
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        body, media = message.body, message.media
    assert body.startswith(services.catalogs.text("uk", "paper.sent.werkafspraken"))
    assert media[0]["content_type"] == "application/pdf" and media[0]["url"] in body
    with app.test_client().get(media[0]["url"].removeprefix(services.settings.public_base_url)) as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert services.catalogs.text("uk", "paper.werkafspraken.title") in _read(response.data)


def test_sending_by_sms_gives_the_link_in_the_text(services: Services, people: dict[str, int]) -> None:
    with session_scope(services.db) as db:
        message_id = documents.send(db, db.get(Participant, people["ti"]), "certificaat", services, NOW)
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        body, media = message.body, message.media
    link = body.splitlines()[-1]
    assert link.startswith(f"{services.settings.public_base_url}/media/")
    assert media[0]["url"] == "" and (Path(services.settings.media_dir) / media[0]["stored"]).is_file()


def test_the_first_confirmation_brings_the_werkafspraken_after_the_kennismaking(
    services: Services, people: dict[str, int]
) -> None:
    with session_scope(services.db) as db:
        others = db.exec(select(Appointment).where(Appointment.participant_id != people["ar"])).all()
        for appointment in others:  # already confirmed: only Amal's first appointment is due
            appointment.confirmation_sent_at = NOW
            db.add(appointment)
        without_kennismaking = Participant(
            phone="+31612345609", channel="whatsapp", language="nl", consent_given_at=NOW
        )
        db.add(without_kennismaking)
        db.flush()
        start = FIRST_DAY + timedelta(days=1)
        db.add(
            Appointment(
                participant_id=without_kennismaking.id, kind="work", starts_at=start, ends_at=start + timedelta(hours=3)
            )
        )
        last_id = max(m.id for m in db.exec(select(Message))) if db.exec(select(Message)).first() else 0
    assert dispatcher.tick(services, NOW)["confirmations"] == 2
    services.queue.join()
    with session_scope(services.db) as db:
        made = db.exec(select(Message).where(Message.id > last_id).order_by(Message.id)).all()
        sent = [(m.participant_id, [i["content_type"] for i in m.media], m.status) for m in made]
    pdf = ["application/pdf"]
    assert sent.count((people["ar"], pdf, "sent")) == 1  # the confirmation first, then the paper
    assert [p for p, media, _ in sent if media == pdf] == [people["ar"]]
    assert sent.index((people["ar"], pdf, "sent")) > [p for p, *_ in sent].index(people["ar"])


def test_the_cli_sets_the_details_and_writes_the_paper(app: Flask, services: Services, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    given = [
        "--consulent-name",
        "Fatima Bakkali",
        "--consulent-email",
        "f.bakkali@gemeente.example",
        "--bring",
        "phone",
    ]
    result = runner.invoke(args=["bot", "document", "details", PHONES["ti"], *given])
    assert result.exit_code == 0, result.output
    out = tmp_path / "werkafspraken.pdf"
    result = runner.invoke(args=["bot", "document", "werkafspraken", PHONES["ti"], "--out", str(out)])
    assert result.exit_code == 0, result.output
    dutch, own = _columns(out.read_bytes())
    assert "Fatima Bakkali, +31201234567, f.bakkali@gemeente.example" in own  # the phone number stays as it was
    assert services.catalogs.text("ti", "paper.bring.phone") in own
    assert services.catalogs.text("nl", "paper.bring.id_card") not in dutch  # --bring replaced the list
    assert "Mehmet Yilmaz" not in dutch
    assert runner.invoke(args=["bot", "document", "certificaat", PHONES["ti"]]).exit_code == 2  # no --out, no --send


def test_erasure_removes_the_papers_details_and_their_pdfs(services: Services) -> None:
    with session_scope(services.db) as db:
        participant = Participant(phone="+31612345610", channel="whatsapp", language="so", consent_given_at=NOW)
        db.add(participant)
        db.flush()
        db.add(Placement(participant_id=participant.id, role="kok", consulent_name="Mehmet Yilmaz"))
        message_id = documents.send(db, participant, "certificaat", services, NOW)
        participant_id = participant.id
    with session_scope(services.db) as db:
        stored = Path(services.settings.media_dir) / db.get(Message, message_id).media[0]["stored"]
        assert stored.is_file()
        privacy.erase(services, db, db.get(Participant, participant_id), NOW)
    with session_scope(services.db) as db:
        assert not stored.exists()
        assert db.exec(select(Placement).where(Placement.participant_id == participant_id)).first() is None
