"""The first-message test set (tests/data/first_messages.yaml) against bot/language_detection.py.

Prints, per language, how many were recognised right, asked ("ask": the language menu) and guessed
wrong (`pytest -s` shows the table), and holds the goal: at least 90 % right in every language and
at most 1 % confident wrong guesses overall.
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.language_detection import detect_language, use_low_accuracy

SET = yaml.safe_load((Path(__file__).parent / "data" / "first_messages.yaml").read_text(encoding="utf-8"))
ASK = "ask"


def cases() -> list[tuple[str, str, str]]:
    """(writer's language, text, wanted answer) for every message in the set."""
    found = []
    for language, items in SET.items():
        for item in items:
            text, wanted = (item["text"], item["expect"]) if isinstance(item, dict) else (str(item), language)
            found.append((language, text, ASK if language == "other" else wanted))
    return found


def outcome(text: str, wanted: str) -> str:
    answer = detect_language(text) or ASK
    if answer == wanted:
        return "right"
    return "asked" if answer == ASK else "wrong"


def table() -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for language, text, wanted in cases():
        counts.setdefault(language, Counter())[outcome(text, wanted)] += 1
    return counts


def test_the_set_has_twenty_messages_per_language() -> None:
    assert all(len(items) >= 20 for language, items in SET.items() if language != "other")
    assert set(SET) == {"nl", "en", "ar", "fa", "ps", "ti", "so", "uk", "tr", "other"}


def test_recognition_report() -> None:
    counts = table()
    lines = [f"{'language':<9} {'messages':>8} {'right':>7} {'asked':>7} {'wrong':>7}"]
    for language, count in counts.items():
        total = sum(count.values())
        shares = [f"{100 * count[k] / total:6.1f}%" for k in ("right", "asked", "wrong")]
        lines.append(f"{language:<9} {total:>8} {' '.join(shares)}")
    all_wrong, total = sum(c["wrong"] for c in counts.values()), sum(sum(c.values()) for c in counts.values())
    lines.append(f"{'all':<9} {total:>8} wrong {100 * all_wrong / total:.1f}%")
    print("\n" + "\n".join(lines))
    assert all(c["right"] / sum(c.values()) >= 0.9 for c in counts.values()), "\n".join(lines)
    assert all_wrong / total <= 0.01, "\n".join(lines)


@pytest.mark.parametrize(("language", "text", "wanted"), cases(), ids=[f"{c[0]}:{c[1]}" for c in cases()])
def test_no_message_is_guessed_wrong(language: str, text: str, wanted: str) -> None:
    """Each message is recognised or asked about, never taken for another language."""
    assert (detect_language(text) or ASK) in (wanted, ASK)


def test_the_low_accuracy_mode_asks_more_and_guesses_no_more_wrong() -> None:
    """LANGUAGE_DETECTION=low (a tenth of the memory): still at most 1 % confident wrong guesses, and
    at least 80 % right in every language; the rest get the language menu."""
    use_low_accuracy(True)
    try:
        counts = table()
    finally:
        use_low_accuracy(False)
    total = sum(sum(c.values()) for c in counts.values())
    assert sum(c["wrong"] for c in counts.values()) / total <= 0.01
    assert all(c["right"] / sum(c.values()) >= 0.8 for c in counts.values()), counts
