"""What a voice note says: which texts are spoken, and the words of each one.

A text with placeholders (a date, a place) is spoken without them: the recording
says the fixed part and the details stay in the written text. A question with
numbered choices is spoken with its choices, so someone who cannot read hears them.
"""

import re
import string

from bot.flow import texts as T
from bot.flow.model import FlowBook
from bot.i18n import Catalogs, to_native_digits

# Texts of the engine's own that are said as sentences (besides each step's text).
ENGINE_SPOKEN = (
    T.NOT_UNDERSTOOD,
    T.MEDIA_NOT_SUPPORTED,
    T.VOICE_AT_CHOICE,
    T.PERSON_WILL_HELP,
    T.HELP_REPLY,
    T.STOP_REPLY,
    T.CANCEL_NOT_YET,
    T.SESSION_EXPIRED,
    T.SUMMARY_QUESTION,
)
# Texts bot/conversation.py sends outside the flows.
HOST_SPOKEN = ("global.start.reply", "flood.notice", "escalation.expect_soon", "escalation.expect_later")
# Said after a text whose details (date, place) were left out of the spoken words.
DETAILS_IN_TEXT = "voice.details_in_text"
# A line with less than this many words before its first placeholder ("Waar: {place}") is not said.
_MIN_WORDS = 3
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,:;!?،؛؟])")


def spoken_keys(book: FlowBook) -> list[str]:
    """Every text a voice note may speak, in the order of the flows (for the status lists)."""
    keys: dict[str, None] = {}
    for flow in book.flows.values():
        for step in flow.steps.values():
            text = getattr(step, "text", None)
            if isinstance(text, str):
                keys[text] = None
    keys.update(dict.fromkeys((*ENGINE_SPOKEN, *HOST_SPOKEN)))
    return list(keys)


def choices_of(book: FlowBook, key: str) -> list[str]:
    """The text keys of the choices of the question whose text is `key` (none if it is no such question)."""
    for flow in book.flows.values():
        for step in flow.steps.values():
            if getattr(step, "text", None) == key and hasattr(step, "picks"):
                return [choice.text for choice in step.picks()]
    return []


def fixed_part(text: str) -> tuple[str, bool]:
    """The text without its placeholders, and whether any were left out.

    Each line is cut before its first placeholder; a line with hardly any words left goes.
    """
    lines, left_out = [], False
    for line in text.splitlines():
        parts = list(string.Formatter().parse(line))
        if all(field is None for _, field, _, _ in parts):
            lines.append(line.strip())
            continue
        left_out = True
        before = parts[0][0].strip().rstrip(":,;-–")
        if len(before.split()) >= _MIN_WORDS:
            lines.append(before)
    spoken = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", "\n".join(line for line in lines if line))
    return spoken, left_out


def script(catalogs: Catalogs, book: FlowBook, language: str, key: str) -> str:
    """What to say for one text in one language: its fixed part, then its numbered choices."""
    spoken, left_out = fixed_part(catalogs.text(language, key))
    lines = [spoken] if spoken else []
    if left_out and catalogs.has(language, DETAILS_IN_TEXT):
        lines.append(catalogs.text(language, DETAILS_IN_TEXT))
    for number, choice in enumerate(choices_of(book, key), start=1):
        lines.append(f"{to_native_digits(str(number), language)}. {catalogs.text(language, choice)}")
    return "\n".join(lines)
