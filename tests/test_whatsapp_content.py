"""A question's choices as WhatsApp buttons or a list: labels that fit, bodies that read as the text."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.flow import engine
from bot.flow.loader import load_book
from bot.flow.matching import scoped_payload
from bot.flow.model import Input
from bot.i18n import SUPPORTED_LANGUAGES, Catalogs, render
from bot.services import EXTENSION
from bot.templates import Templates
from bot.whatsapp_content import (
    BUTTON_TITLE_CHARS,
    LIST_ITEM_CHARS,
    LIST_PICKER,
    QUICK_REPLY,
    SESSION,
    TEMPLATE,
    TEXT,
    ContentSpec,
    has_buttons,
    session_spec_for,
    specs,
)
from storage.db import session_scope
from storage.models import WhatsAppContent
from tests.conftest import make_app
from tests.support.http import free_port
from tests.support.twilio import TWILIO_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = Catalogs.load(ROOT / "translations")
BOOK = load_book(ROOT / "flows", CATALOGS)
TEMPLATES = Templates.load(
    ROOT / "whatsapp_templates.example.yaml", CATALOGS, Catalogs.load(ROOT / "translations", "coordinator")
)
NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
APPOINTMENT = {
    "id": "7",
    "when": "2026-12-01T12:00:00+00:00",
    "place": "Buurthuis De Linde",
    "address": "Lindelaan 1, Doetinchem",
    "route": "https://www.google.com/maps/dir/?api=1&destination=Lindelaan+1",
}


def test_every_choice_fits_its_button_or_list_item_in_every_language() -> None:
    """Twilio: a quick-reply button's title at most 20 characters, a list item at most 24."""
    made, too_long = specs(BOOK, CATALOGS, TEMPLATES)
    assert too_long == []
    assert {s.language for s in made} == set(SUPPORTED_LANGUAGES)
    for spec in made:
        limit = BUTTON_TITLE_CHARS if spec.content_type == QUICK_REPLY else LIST_ITEM_CHARS
        assert [t for _, t in spec.choices if len(t) > limit] == [], (spec.question, spec.language)
        assert len(spec.choices) <= (3 if spec.content_type == QUICK_REPLY and spec.kind == SESSION else 10)
        assert spec.list_button is None or 0 < len(spec.list_button) <= BUTTON_TITLE_CHARS


def test_every_single_choice_question_of_the_flows_and_the_engine_has_buttons() -> None:
    asked = {s.question for s in specs(BOOK, CATALOGS, TEMPLATES)[0]}
    expected = {
        f"{flow.id}/{step.id}" for flow in BOOK.flows.values() for step in flow.steps.values() if has_buttons(step)
    }
    engines = {"intent/cannot_come", "intent/late", "intent/help", "intent/stop", "intent/language"}
    assert {"herinnering/reminder", "afmelden/reason", "checkin/how", "menu/menu", "taal/choose"} <= expected
    assert asked == expected | engines


def test_the_reminder_is_a_list_inside_the_window_and_buttons_for_approval() -> None:
    """Four choices: more than a session message's three buttons; a list cannot be a template."""
    reminder = [s for s in specs(BOOK, CATALOGS, TEMPLATES)[0] if s.question == "herinnering/reminder"]
    kinds = {(s.language, s.kind): s for s in reminder}
    assert len(kinds) == 18
    session, template = kinds[("so", SESSION)], kinds[("so", TEMPLATE)]
    assert session.content_type == LIST_PICKER and session.list_button == "Dooro"
    assert template.content_type == QUICK_REPLY and template.template == "reminder"
    assert session.types()[TEXT] == {"body": session.body}
    cannot_come = {"id": "herinnering/reminder:cannot_come", "item": "Ma imaan karo"}
    assert session.types()[LIST_PICKER]["items"][1] == cannot_come
    assert template.types()[QUICK_REPLY]["actions"][1]["id"] == "herinnering/reminder:cannot_come"
    assert template.variables == ("when", "place", "address", "route")
    # WhatsApp refuses a template whose body starts or ends with a variable.
    assert not template.body.startswith("{{") and not template.body.endswith("}}")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_filled_body_is_the_text_the_engine_writes(language: str) -> None:
    """The body with its variables reads exactly as the numbered text: SMS and WhatsApp say the same."""
    facts = {"language": language, "consent": True, "appointment": APPOINTMENT}
    _, events = engine.start(BOOK, "herinnering", facts, NOW)
    [asked] = events
    spec = session_spec_for(BOOK, CATALOGS, asked.asks, language)
    values = spec.values(APPOINTMENT)
    assert asked.asks == "herinnering/reminder"
    assert spec.fill(values) == render(CATALOGS, asked)
    assert set(values) == {"1", "2", "3", "4"} and "{{" not in spec.fill(values)


def test_a_missing_value_gives_no_variables() -> None:
    spec = session_spec_for(BOOK, CATALOGS, "herinnering/reminder", "nl")
    assert spec.values({**APPOINTMENT, "route": ""}) is None


def test_a_changed_label_is_a_new_version() -> None:
    before = session_spec_for(BOOK, CATALOGS, "herinnering/reminder", "so")
    changed = Catalogs({lang: dict(CATALOGS._texts[lang]) for lang in CATALOGS.languages})
    changed._texts["so"]["reminder.cannot_come"] = "Ma iman karo"
    after = session_spec_for(BOOK, changed, "herinnering/reminder", "so")
    assert before.version != after.version
    assert before.version == session_spec_for(BOOK, CATALOGS, "herinnering/reminder", "so").version
    assert session_spec_for(BOOK, CATALOGS, "herinnering/reminder", "nl").version != before.version


def test_questions_without_fixed_choices_have_no_spec() -> None:
    assert session_spec_for(BOOK, CATALOGS, "kennismaking/days", "nl") is None  # several at once
    assert session_spec_for(BOOK, CATALOGS, "nothing/here", "nl") is None


def reminder_run(language: str = "so"):
    facts = {"language": language, "consent": True, "appointment": APPOINTMENT, "appointments": [APPOINTMENT]}
    run, _ = engine.start(BOOK, "herinnering", facts, NOW)
    return run


def test_a_button_payload_picks_its_choice_whatever_the_text_says() -> None:
    payload = scoped_payload("herinnering/reminder", "cannot_come")
    run, events = engine.resume(BOOK, reminder_run(), Input(text="Waan imanayaa", button_payload=payload), NOW)
    assert run.flow_id == "afmelden"
    assert events[-1].asks.startswith("afmelden/")


def test_a_button_of_another_question_picks_nothing_here() -> None:
    """An old message's button whose choice id this question also has: not taken as this answer."""
    payload = scoped_payload("checkin/how", "coming")
    run, events = engine.resume(BOOK, reminder_run(), Input(text="", button_payload=payload), NOW)
    assert (run.flow_id, run.step_id) == ("herinnering", "reminder")
    assert render(CATALOGS, events[-1]).startswith(CATALOGS.text("so", "input.not_understood"))


def test_a_bare_payload_still_works_as_the_choice_id() -> None:
    run, _ = engine.resume(BOOK, reminder_run(), Input(text="", button_payload="coming"), NOW)
    assert run.step_id is None and run.answers["reminder"] == "coming"


def test_spec_is_plain_data() -> None:
    spec = ContentSpec("a/b", "nl", SESSION, QUICK_REPLY, "x {{1}}", ("place",), (("a/b:y", "Ja"),))
    assert spec.fill({"1": "De Brug"}) == "x De Brug"
    assert spec.friendly_name == f"welkom_a_b_nl_session_{spec.version[:8]}"


def test_sync_that_cannot_reach_twilio_says_so_and_keeps_nothing_half_made(tmp_path: Path) -> None:
    app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_CONTENT_BASE_URL=f"http://127.0.0.1:{free_port()}")
    services = app.extensions[EXTENSION]
    result = app.test_cli_runner().invoke(args=["bot", "whatsapp", "sync"])
    assert result.exit_code == 1
    assert "Twilio's Content API gaf een fout: POST /v1/Content: ConnectionError" in result.output
    with session_scope(services.db) as db:
        assert db.exec(select(WhatsAppContent)).all() == []
    assert services.settings.twilio_content_base_url.startswith("http://127.0.0.1:")
    services.db.dispose()


def test_the_engines_own_yes_no_goes_as_two_buttons_and_a_tap_answers_only_it() -> None:
    """ "Do you want to cancel an appointment? 1 yes / 2 no" after "I can't come": the body is the text the
    engine writes; its yes button acts whatever the text says, another question's yes does not."""
    run, events = engine.resume(BOOK, menu_run("en"), Input(text="sorry I cannot come"), NOW)
    [asked] = events
    spec = session_spec_for(BOOK, CATALOGS, asked.asks, "en")
    assert asked.asks == "intent/cannot_come" and spec.content_type == QUICK_REPLY
    assert spec.fill(spec.values({})) == render(CATALOGS, asked)
    assert [title for _, title in spec.choices] == ["Yes", "No"]

    other = scoped_payload("intent/stop", "yes")
    kept, again = engine.resume(BOOK, run, Input(text="", button_payload=other), NOW)
    assert kept.flow_id != "afmelden" and kept.intent is None  # not taken as this question's yes
    tapped, _ = engine.resume(BOOK, run, Input(text="...", button_payload=spec.choices[0][0]), NOW)
    assert tapped.flow_id == "afmelden"


def test_the_language_menu_is_a_list_of_each_language_in_its_own_name() -> None:
    run, events = engine.resume(BOOK, menu_run("so"), Input(text="language"), NOW)
    asked = events[-1]
    spec = session_spec_for(BOOK, CATALOGS, asked.asks, "so")
    assert asked.asks == "taal/choose" and spec.content_type == LIST_PICKER
    assert spec.fill({}) == render(CATALOGS, asked)
    titles = dict(spec.choices)
    assert len(titles) == 9 and titles["taal/choose:ar"] == CATALOGS.text("ar", "language.self_name")
    chosen, _ = engine.resume(BOOK, run, Input(text="", button_payload="taal/choose:uk"), NOW)
    assert chosen.language == "uk"


def menu_run(language: str):
    facts = {"language": language, "consent": True, "intake": True, "appointments": [APPOINTMENT]}
    run, _ = engine.start(BOOK, "menu", facts, NOW)
    return run
