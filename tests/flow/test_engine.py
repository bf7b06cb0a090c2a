"""The pure engine against data-driven dialogue cases, without Flask, Redis or SQL."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Template
from typing import Any

import pytest
import yaml

from bot.config import ROOT
from bot.flow import engine
from bot.flow.events import Escalate, FlowEnded, LanguageChosen, SendMessage, Signal, Stopped, TextRef
from bot.flow.loader import load_book
from bot.flow.model import FlowBook, Input, Run
from bot.i18n import Catalogs, render, to_native_digits

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CASES = Path(__file__).parent / "cases"
CATALOGS = Catalogs.load(ROOT / "translations")
WELKOM = yaml.safe_load((CASES / "welkom.yaml").read_text(encoding="utf-8"))
KENNISMAKING = yaml.safe_load((CASES / "kennismaking.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book() -> FlowBook:
    return load_book(ROOT / "flows", CATALOGS)


class Dialogue:
    """One participant talking to the engine; the session goes through JSON between turns."""

    def __init__(self, book: FlowBook, facts: dict[str, Any], now: datetime = NOW):
        self.book, self.facts, self.now = book, facts, now
        self.session: Run | None = None
        self.events: list = []

    def start(self, flow_id: str) -> list:
        self.session, self.events = engine.start(self.book, flow_id, self.facts, self.now)
        return self.events

    def say(
        self, text: str, payload: str | None = None, media: int = 0, later: timedelta = timedelta(0), voice=False
    ) -> list:
        self.now += later
        given = Input(text=text, button_payload=payload, media_count=media, voice=voice)
        if self.session is None or self.session.ended:
            self.session, self.events = engine.begin(self.book, self.facts, given, self.now)
        else:
            restarted = Run.from_dict(json.loads(json.dumps(self.session.to_dict())))
            self.session, self.events = engine.resume(self.book, restarted, given, self.now)
        return self.events

    @property
    def sent(self) -> list[SendMessage]:
        return [e for e in self.events if isinstance(e, SendMessage)]

    @property
    def waits_at(self) -> str:
        return "ended" if self.session.ended else f"{self.session.flow_id}/{self.session.step_id}"

    def keys(self) -> list[list[str]]:
        return [[t.key for t in s.texts if isinstance(t, TextRef)] for s in self.sent]


def event_names(events: list) -> list[str]:
    names = []
    for e in events:
        if isinstance(e, LanguageChosen):
            names.append(f"LanguageChosen:{e.language}")
        elif isinstance(e, Signal):
            names.append(f"Signal:{e.name}")
        elif isinstance(e, Escalate):
            names.append(f"Escalate:{e.reason}")
        elif isinstance(e, FlowEnded):
            names.append(f"FlowEnded:{e.flow_id}")
        elif isinstance(e, Stopped):
            names.append("Stopped")
    return names


def check(expect: dict, dialogue: Dialogue) -> None:
    if "sent" in expect:
        assert dialogue.keys() == expect["sent"]
    for key in expect.get("says", []):
        assert any(key in keys for keys in dialogue.keys()), f"{key} not in {dialogue.keys()}"
    if "languages" in expect:
        assert all(list(s.languages) == expect["languages"] for s in dialogue.sent)
    if "options" in expect:
        labels = [
            o.label.language if o.label.key == "language.self_name" else o.label.key for o in dialogue.sent[-1].options
        ]
        assert labels == expect["options"]
    if "waits_at" in expect:
        assert dialogue.waits_at == expect["waits_at"]
    if "events" in expect:
        assert event_names(dialogue.events) == expect["events"]


@pytest.mark.parametrize("case", WELKOM, ids=[case["name"] for case in WELKOM])
def test_first_contact(book: FlowBook, case: dict) -> None:
    dialogue = Dialogue(book, case["facts"])
    for message in case["messages"]:
        dialogue.say(message["text"], message.get("payload"), message.get("media", 0))
        check(message.get("expect", {}), dialogue)


def fill(text: str, language: str) -> str:
    return Template(text).substitute(KENNISMAKING["own_words"][language])


def intake_dialogue(book: FlowBook, language: str) -> Dialogue:
    dialogue = Dialogue(book, {"language": language, "consent": True, "intake": False})
    dialogue.start("kennismaking")
    return dialogue


@pytest.mark.parametrize("language", list(KENNISMAKING["own_words"]))
def test_the_whole_kennismaking(book: FlowBook, language: str) -> None:
    dialogue = intake_dialogue(book, language)
    assert dialogue.keys() == [["kennismaking.intro"], ["kennismaking.name.ask"]]
    for line in KENNISMAKING["script"]:
        dialogue.say(fill(line["say"], language))
        assert dialogue.waits_at == ("ended" if line["waits_at"] == "ended" else f"kennismaking/{line['waits_at']}")
        assert all(s.languages == (language,) for s in dialogue.sent)
        assert not [e for e in dialogue.events if isinstance(e, Escalate)]
    [ended] = [e for e in dialogue.events if isinstance(e, FlowEnded)]
    own = {key: fill(f"${key}", language) for key in ("name", "country", "learn_words", "customs", "lunch_other")}
    assert ended.completed and ended.answers == {**KENNISMAKING["answers"], **own, "summary": True}


@pytest.mark.parametrize("language", ["nl", "ar", "ti"])
def test_the_summary_shows_every_answer_in_the_participants_language(book: FlowBook, language: str) -> None:
    dialogue = intake_dialogue(book, language)
    for line in KENNISMAKING["script"][:-1]:
        dialogue.say(fill(line["say"], language))
    [summary] = dialogue.sent
    body = render(CATALOGS, summary)
    for key in (
        "kennismaking.name.label",
        "kennismaking.dutch.little",
        "common.day.tue",
        "common.day.thu",
        "kennismaking.lunch.other",
        "summary.is_this_right",
    ):
        assert CATALOGS.text(language, key) in body
    assert fill("$learn_words", language) in body
    assert body.endswith(f"{to_native_digits('2', language)}. {CATALOGS.text(language, 'summary.change')}")


def walk_to(dialogue: Dialogue, step: str, language: str = "nl") -> None:
    for line in KENNISMAKING["script"]:
        if dialogue.waits_at == f"kennismaking/{step}":
            return
        dialogue.say(fill(line["say"], language))
    raise AssertionError(f"never reached {step}")


@pytest.mark.parametrize("language", ["nl", "ar", "ti"])
def test_a_correction_at_the_summary(book: FlowBook, language: str) -> None:
    dialogue = intake_dialogue(book, language)
    walk_to(dialogue, "summary", language)
    dialogue.say("2")
    assert dialogue.keys() == [["summary.which"]]
    labels = [o.label.key for o in dialogue.sent[0].options]
    dialogue.say(str(labels.index("kennismaking.dutch.label") + 1))
    assert dialogue.waits_at == "kennismaking/dutch"
    dialogue.say("4")
    assert dialogue.waits_at == "kennismaking/summary"
    assert CATALOGS.text(language, "kennismaking.dutch.good") in render(CATALOGS, dialogue.sent[0])
    dialogue.say("1")
    [ended] = [e for e in dialogue.events if isinstance(e, FlowEnded)]
    assert ended.answers["dutch"] == "good" and ended.answers["name"] == fill("$name", language)


def test_changing_a_branching_answer_drops_the_branch_no_longer_taken(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "nl")
    walk_to(dialogue, "summary")
    dialogue.say("2")
    dialogue.say("Eten")  # a field can be picked by its label too
    assert dialogue.waits_at == "kennismaking/lunch"
    dialogue.say("halal")
    assert dialogue.waits_at == "kennismaking/summary"
    assert "lunch_other" not in dialogue.session.answers
    assert "Geen varkensvlees." not in render(CATALOGS, dialogue.sent[0])


def test_picking_other_again_asks_the_branch_before_returning(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "nl")
    walk_to(dialogue, "summary")
    dialogue.say("2")
    dialogue.say("Eten")
    dialogue.say("2")  # halal
    dialogue.say("2")
    dialogue.say("Eten")
    dialogue.say("4")  # something else
    assert dialogue.waits_at == "kennismaking/lunch_other"
    dialogue.say("Geen vis.")
    assert dialogue.waits_at == "kennismaking/summary"


@pytest.mark.parametrize("language", ["nl", "ar", "ti"])
def test_misunderstood_twice_brings_a_person(book: FlowBook, language: str) -> None:
    dialogue = intake_dialogue(book, language)
    walk_to(dialogue, "dutch", language)
    dialogue.say("blabla")
    assert dialogue.keys() == [["input.not_understood", "input.send_a_number", "kennismaking.dutch.ask"]]
    assert not [e for e in dialogue.events if isinstance(e, Escalate)]
    dialogue.say("9")
    assert dialogue.keys() == [["input.person_will_help", "kennismaking.dutch.ask"]]
    assert event_names(dialogue.events) == ["Escalate:not_understood"]
    dialogue.say("???")
    assert not [e for e in dialogue.events if isinstance(e, Escalate)]  # once is enough
    dialogue.say("3")
    assert dialogue.waits_at == "kennismaking/contact" and dialogue.session.misses == 0


@pytest.mark.parametrize(("language", "switch_word"), [("nl", "taal"), ("ar", "لغة"), ("ti", "language")])
def test_a_language_switch_midway_comes_back_to_the_question(book: FlowBook, language: str, switch_word: str) -> None:
    dialogue = intake_dialogue(book, language)
    walk_to(dialogue, "contact", language)
    dialogue.say(switch_word)
    assert dialogue.waits_at == "taal/choose"
    dialogue.say("2")
    assert event_names(dialogue.events)[0] == "LanguageChosen:en"
    assert dialogue.keys() == [["language.changed"], ["kennismaking.contact.ask"]]
    assert all(s.languages == ("en",) for s in dialogue.sent)
    assert dialogue.waits_at == "kennismaking/contact"
    dialogue.say("1")
    assert dialogue.waits_at == "kennismaking/reminders"
    assert dialogue.session.answers["name"] == fill("$name", language)


@pytest.mark.parametrize(("language", "stop_word"), [("nl", "stop"), ("ar", "STOP"), ("ti", "stop")])
def test_stop_midway_ends_everything(book: FlowBook, language: str, stop_word: str) -> None:
    dialogue = intake_dialogue(book, language)
    walk_to(dialogue, "days", language)
    dialogue.say(stop_word)
    assert dialogue.keys() == [["global.stop.reply"]]
    assert event_names(dialogue.events) == ["FlowEnded:kennismaking", "Stopped"]
    assert not dialogue.events[0].completed
    assert dialogue.waits_at == "ended"


def test_help_midway_escalates_and_asks_the_question_again(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "nl")
    walk_to(dialogue, "lunch")
    dialogue.say("Hulp!")
    assert event_names(dialogue.events) == ["Escalate:asked_for_person"]
    assert dialogue.keys() == [["global.help.reply", "kennismaking.lunch.ask"]]
    assert dialogue.waits_at == "kennismaking/lunch"


def test_menu_midway_leaves_the_dialogue(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "ar")
    walk_to(dialogue, "future", "ar")
    dialogue.say("menu")
    assert dialogue.waits_at == "menu/menu"


def test_cancel_without_appointments_says_so_and_goes_on(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "nl")
    walk_to(dialogue, "dutch")
    dialogue.say("afmelden")
    assert dialogue.keys() == [["afmelden.no_appointments"], ["kennismaking.dutch.ask"]]
    assert dialogue.waits_at == "kennismaking/dutch"


def test_cancel_before_the_cancel_dialogue_exists_says_so_and_goes_on(book: FlowBook) -> None:
    without = replace(book, flows={k: v for k, v in book.flows.items() if k != "afmelden"})
    dialogue = intake_dialogue(without, "nl")
    walk_to(dialogue, "dutch")
    dialogue.say("afmelden")
    assert dialogue.keys() == [["global.cancel.not_yet", "kennismaking.dutch.ask"]]
    assert dialogue.waits_at == "kennismaking/dutch"


def test_an_optional_question_can_be_skipped(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "nl")
    dialogue.say("Fatima")
    assert dialogue.keys() == [["kennismaking.country.ask", "common.skip_hint"]]
    dialogue.say("0")
    assert dialogue.session.answers["country"] is None and dialogue.waits_at == "kennismaking/dutch"


def test_a_voice_note_for_a_free_text_question_asks_to_write_it(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "so")
    dialogue.say("", media=1)
    assert dialogue.keys() == [["input.media_not_supported", "kennismaking.name.ask"]]


@pytest.mark.parametrize(
    ("answer", "days"),
    [
        ("1 3 5", ["mon", "wed", "fri"]),
        ("135", ["mon", "wed", "fri"]),
        ("2️⃣", ["tue"]),
        ("Maandag, dinsdag", ["mon", "tue"]),
        ("٦ ٧", ["sat", "sun"]),
    ],
)
def test_several_choices_at_once(book: FlowBook, answer: str, days: list[str]) -> None:
    dialogue = intake_dialogue(book, "nl")
    walk_to(dialogue, "days")
    dialogue.say(answer)
    assert dialogue.session.answers["days"] == days


@pytest.mark.parametrize("answer", ["1 9", "maandag misschien", "0"])
def test_several_choices_half_understood_are_asked_again(book: FlowBook, answer: str) -> None:
    dialogue = intake_dialogue(book, "nl")
    walk_to(dialogue, "days")
    dialogue.say(answer)
    assert dialogue.keys() == [
        ["input.not_understood", "input.send_a_number", "kennismaking.days.ask", "common.multi_hint"]
    ]


def test_a_quiet_session_expires_with_a_polite_closing(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "tr")
    walk_to(dialogue, "dutch", "tr")
    dialogue.facts = {**dialogue.facts}
    dialogue.say("2", later=book.session_timeout + timedelta(minutes=1))
    assert dialogue.keys()[0] == ["session.expired"]
    assert "FlowEnded:kennismaking" in event_names(dialogue.events)
    assert dialogue.waits_at != "kennismaking/contact"


def test_a_session_within_the_quiet_time_goes_on(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "tr")
    walk_to(dialogue, "dutch", "tr")
    dialogue.say("2", later=book.session_timeout - timedelta(minutes=1))
    assert dialogue.waits_at == "kennismaking/contact"


def test_resume_does_not_change_the_given_session(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "nl")
    before = dialogue.session.to_dict()
    engine.resume(book, dialogue.session, Input(text="Fatima"), NOW)
    assert dialogue.session.to_dict() == before


def test_a_cycle_of_steps_that_never_wait_is_stopped(book: FlowBook) -> None:
    flow = book.flows["kennismaking"]
    looping = flow.steps["intro"].model_copy(update={"next": "intro"})
    broken = replace(book, flows={**book.flows, "kennismaking": replace(flow, steps={**flow.steps, "intro": looping})})
    with pytest.raises(RuntimeError, match="without waiting"):
        engine.start(broken, "kennismaking", {"language": "nl"}, NOW)


def test_the_kennismaking_ends_with_its_outputs_by_name(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "nl")
    for line in KENNISMAKING["script"]:
        dialogue.say(fill(line["say"], "nl"))
    [ended] = [e for e in dialogue.events if isinstance(e, FlowEnded)]
    answers = KENNISMAKING["answers"]
    assert ended.produces == "intake"
    assert ended.outputs == {
        "participant.name": fill("$name", "nl"),
        "participant.reminders": answers["reminders"],
        "intake.days": answers["days"],
        "intake.day_parts": answers["day_parts"],
        "intake.learn": answers["learn"],
        "intake.learn_words": fill("$learn_words", "nl"),
        "participant.checkin_rhythm": answers["checkin"],
        "participant.holidays": answers["holidays"],
        "participant.contact": answers["contact"],
    }


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_name_longer_than_can_be_kept_is_asked_again_kindly(book: FlowBook, language: str) -> None:
    dialogue = intake_dialogue(book, language)
    for _ in range(3):
        dialogue.say("Fatima " * 20)
        assert dialogue.keys() == [["input.too_long", "kennismaking.name.ask"]]
        assert dialogue.sent[0].languages == (language,)
        assert CATALOGS.text(language, "input.too_long", {"max": "100"}) in render(CATALOGS, dialogue.sent[0])
        assert not [e for e in dialogue.events if isinstance(e, Escalate)] and "name" not in dialogue.session.answers
    dialogue.say("x" * 100)
    assert dialogue.session.answers["name"] == "x" * 100 and dialogue.waits_at == "kennismaking/country"


def test_a_choice_with_on_other_keeps_own_words_and_asks_again_on_a_wrong_number(book: FlowBook) -> None:
    facts = {"language": "nl", "consent": True, "checkin": {"id": "1", "hoped": ""}}
    dialogue = Dialogue(book, facts)
    dialogue.start("checkin")
    assert dialogue.waits_at == "checkin/how"
    dialogue.say("7")  # a number that is no choice: asked again, not taken as own words
    assert dialogue.waits_at == "checkin/how"
    dialogue.say("Het was zwaar vandaag")
    assert dialogue.waits_at == "checkin/wants_person"
    assert dialogue.session.answers["how"] == "Het was zwaar vandaag"
    dialogue.say("2")
    [ended] = [e for e in dialogue.events if isinstance(e, FlowEnded)]
    assert ended.outputs == {"checkin.mood": "Het was zwaar vandaag", "checkin.wants_person": False}


def test_a_good_checkin_is_thanked_only_when_the_host_says_it_is_time(book: FlowBook) -> None:
    for thank, last_text in ((True, "checkin.thanks"), (False, "checkin.done")):
        dialogue = Dialogue(book, {"language": "nl", "consent": True, "checkin_thank": thank})
        dialogue.start("checkin")
        dialogue.say("1")
        assert [t.key for m in dialogue.sent for t in m.texts] == [last_text]


def test_a_voice_note_at_a_choice_gets_the_choices_again_and_a_photo_is_asked_to_be_written(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "so")
    walk_to(dialogue, "dutch", "so")
    assert engine.waits_for_choice(book, dialogue.session, dialogue.now)
    assert not engine.waits_for_choice(book, dialogue.session, dialogue.now + book.session_timeout * 2)  # expired
    dialogue.say("", media=1, voice=True)
    assert dialogue.keys() == [["input.voice_at_choice", "kennismaking.dutch.ask"]]
    dialogue.say("1")  # a new question: the misses start again
    dialogue.say("", media=1)
    assert dialogue.keys() == [["input.media_not_supported", "kennismaking.contact.ask"]]


def test_a_free_text_question_waits_for_no_choice(book: FlowBook) -> None:
    dialogue = intake_dialogue(book, "so")
    assert dialogue.waits_at == "kennismaking/name"
    assert not engine.waits_for_choice(book, dialogue.session, dialogue.now)
