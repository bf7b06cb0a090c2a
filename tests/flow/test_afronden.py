"""The ending dialogue (flows/afronden.yaml) on the pure engine: its questions, own words, and outputs."""

import pytest

from bot.flow.events import FlowEnded, TextRef
from bot.flow.model import FlowBook
from bot.i18n import render
from tests.flow.test_engine import CATALOGS, Dialogue, book  # noqa: F401  (the fixture)

NOTE = "Olena heeft drie maanden goed meegewerkt."


def ended(dialogue: Dialogue) -> FlowEnded:
    [done] = [e for e in dialogue.events if isinstance(e, FlowEnded)]
    return done


def started(book: FlowBook, facts: dict | None = None) -> Dialogue:  # noqa: F811
    dialogue = Dialogue(book, {"language": "uk", "consent": True, "intake": True, **(facts or {})})
    dialogue.start("afronden")
    return dialogue


def test_the_whole_ending_with_own_words_and_the_centres_note(book: FlowBook) -> None:  # noqa: F811
    dialogue = started(book, {"ending": {"note": NOTE}, "ending_note_given": True})
    assert dialogue.keys() == [["afronden.start"]] and dialogue.waits_at == "afronden/start"
    dialogue.say("1")
    assert dialogue.keys()[0][0] == "afronden.went_well"
    dialogue.say("1 3")
    assert dialogue.keys()[0][0] == "afronden.went_well_words"
    dialogue.say("Колеги були дуже добрі")
    dialogue.say("0")  # nothing to say about what could be better
    assert dialogue.keys()[0][0] == "afronden.come_back"
    dialogue.say("3")
    dialogue.say("3")
    assert dialogue.keys() == [["afronden.note"], ["afronden.bye"]] and dialogue.waits_at == "ended"
    note = next(t for t in dialogue.sent[0].texts if isinstance(t, TextRef) and t.key == "afronden.note")
    assert note.params == {"note": NOTE}
    assert NOTE in render(CATALOGS, dialogue.sent[0])
    assert ended(dialogue).produces == "ending" and ended(dialogue).outputs == {
        "ending.answered": True,
        "ending.went_well": ["work", "dutch"],
        "ending.went_well_words": "Колеги були дуже добрі",
        "ending.better": None,
        "ending.come_back": "maybe",
        "ending.papers": "both",
    }


def test_no_questions_still_hears_what_the_consulent_is_told(book: FlowBook) -> None:  # noqa: F811
    dialogue = started(book, {"ending": {"note": ""}, "ending_note_given": False})
    dialogue.say("2")
    assert dialogue.keys() == [["afronden.note.default"], ["afronden.bye"]]
    assert ended(dialogue).outputs == {"ending.answered": False}


@pytest.mark.parametrize("language", ["ar", "ti", "fa"])
def test_a_wrong_answer_is_asked_again_in_their_language_and_loses_nothing(book: FlowBook, language: str) -> None:  # noqa: F811
    dialogue = started(book, {"language": language})
    for answer in ("1", "2", "-", "More breaks"):
        dialogue.say(answer)
    assert dialogue.waits_at == "afronden/come_back"
    dialogue.say("banana")
    assert dialogue.waits_at == "afronden/come_back"
    assert "input.send_a_number" in dialogue.keys()[0] and all(s.languages == (language,) for s in dialogue.sent)
    dialogue.say("1")
    dialogue.say("4")
    assert ended(dialogue).outputs["ending.went_well"] == ["people"]
    assert ended(dialogue).outputs["ending.better"] == "More breaks"
    assert ended(dialogue).outputs["ending.come_back"] == "yes"
    assert ended(dialogue).outputs["ending.papers"] == "none"
