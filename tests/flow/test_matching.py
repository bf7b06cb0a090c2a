"""Reading a short answer: numbers in any script, digit emoji, words in any case."""

import pytest

from bot.flow.matching import match_choice, normalize, parse_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3", 3),
        (" 3 ", 3),
        ("3.", 3),
        ("3)", 3),
        ("3️⃣", 3),
        ("3\u20e3", 3),
        ("٣", 3),
        ("۳", 3),
        ("\u200f٣", 3),
        ("10", 10),
        ("１２", 12),
    ],
)
def test_numbers_in_every_script(text: str, number: int) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "three", "3a", "1 2", "1234", "-1", "½", "²"])
def test_things_that_are_not_a_choice_number(text: str) -> None:
    assert parse_number(text) is None


def test_normalize_folds_case_accents_diacritics_and_marks() -> None:
    assert normalize("  TÜRKÇE! ") == "turkce"
    assert normalize("\u2067العَرَبِيَّة\u2069") == "العربية"
    assert normalize("Nederlands.") == "nederlands"


CHOICES = {"yes": (1, frozenset({"ja", "yes"})), "no": (2, frozenset({"nee", "no"}))}


@pytest.mark.parametrize(
    ("text", "payload", "chosen"),
    [
        ("1", None, "yes"),
        ("2️⃣", None, "no"),
        ("JA", None, "yes"),
        ("whatever", "no", "no"),
        ("3", None, None),
        ("misschien", None, None),
        ("", None, None),
        ("ja", "unknown-payload", "yes"),
    ],
)
def test_match_choice(text: str, payload: str | None, chosen: str | None) -> None:
    assert match_choice(text, payload, CHOICES) == chosen


def test_every_apostrophe_is_the_same() -> None:
    assert normalize("п'ятниця") == normalize("Пʼятниця") == normalize("п’ятниця")
    assert normalize("su'aal") == normalize("suaal")
