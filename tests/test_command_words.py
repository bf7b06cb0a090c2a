"""The words that work everywhere: unambiguous in every language, and named in the reader's own script."""

import re

import pytest

from bot.config import ROOT
from bot.flow.loader import load_book
from bot.flow.matching import normalize
from bot.i18n import SUPPORTED_LANGUAGES, Catalogs

CATALOGS = Catalogs.load(ROOT / "translations")
BOOK = load_book(ROOT / "flows", CATALOGS)
# Everyday words that must never stop every message: "wait!", "enough", "no", "end of the list"...
EVERYDAY = {
    "nl": {"wacht", "genoeg", "nee", "klaar"},
    "en": {"wait", "enough", "no", "done"},
    "ar": {"انتظر", "لا", "خلص", "كفى"},
    "fa": {"صبر", "نه", "بس"},
    "ps": {"صبر", "نه", "بس"},
    "ti": {"ጽናሕ", "ኣይፋል"},
    "so": {"sug", "maya", "waa intaas"},
    "uk": {"чекай", "ні", "досить"},
    "tr": {"dur", "bekle", "hayır", "yeter", "tamam"},
}


def words(language: str, key: str) -> set[str]:
    return {normalize(w) for w in CATALOGS.text(language, key).split("|")}


def stop_words() -> set[str]:
    return {w for language in SUPPORTED_LANGUAGES for w in words(language, "global.stop.words")}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_no_everyday_word_stops_every_message(language: str) -> None:
    assert not {normalize(w) for w in EVERYDAY[language]} & stop_words()


def test_no_stop_word_answers_a_question_or_means_another_word() -> None:
    everyday = set(BOOK.skip_words) | {w for _, found in BOOK.yes_no_words.values() for w in found}
    everyday |= {
        w for flow in BOOK.flows.values() for c in flow.choice_words.values() for _, ws in c.values() for w in ws
    }
    everyday |= {w for action, found in BOOK.global_words.items() if action != "stop" for w in found}
    everyday |= {w for language in SUPPORTED_LANGUAGES for w in words(language, "global.start.words")}
    assert not stop_words() & everyday


@pytest.mark.parametrize("language", ["ar", "fa", "ps", "ti"])
def test_right_to_left_and_geez_texts_name_the_native_stop_and_menu_words(language: str) -> None:
    own = words(language, "global.stop.words") | words(language, "global.menu.words")
    for key in CATALOGS.keys(language):
        if key.endswith((".words", ".phrases")):
            continue
        quoted = re.findall(r"'([^']+)'", CATALOGS.text(language, key))
        assert not {"stop", "menu", "start"} & set(quoted), f"{language} {key}: {quoted}"
        named = [q for q in quoted if normalize(q) in stop_words() | BOOK.global_words["menu"]]
        assert all(normalize(q) in own for q in named), f"{language} {key}: {named}"
