"""Short sentences that mean something anywhere ("I can't come today"): recognised, confirmed, then acted on.

The phrases are in the catalogs, per language (`intent.<name>.phrases`, 'a|b|c'), so translators can add
to them. A phrase is found when its normalised words stand together, in order, somewhere in a short message;
the longest phrase found decides, and two intents found as long decide nothing. Whatever could lose
something (cancelling, stopping, a person, another language) is asked about first, with 1 yes / 2 no.
Asking for the next appointment and saying thanks are answered at once. What is done with an intent is the
engine's (Turn.heard_intent).
"""

from typing import Any

from bot.flow.events import TextRef
from bot.flow.matching import normalize

INTENTS = ("cannot_come", "late", "help", "stop", "language", "next_appointment", "thanks")
# Answered at once: a wrong guess costs nothing.
UNASKED = ("next_appointment", "thanks")
# A longer message is a story for a person, not a command.
MAX_WORDS = 12
NEXT_APPOINTMENT = "next_appointment.text"
NO_APPOINTMENT = "next_appointment.none"
THANKS_REPLY = "intent.thanks.reply"
DECLINED = "intent.declined"

# intent -> its phrases, each as a tuple of normalised words
Phrases = dict[str, frozenset[tuple[str, ...]]]


def phrases_key(intent: str) -> str:
    return f"intent.{intent}.phrases"


def confirm_key(intent: str) -> str:
    return f"intent.{intent}.confirm"


def text_keys() -> tuple[str, ...]:
    """Every catalog text this module uses."""
    asked = tuple(confirm_key(i) for i in INTENTS if i not in UNASKED)
    return (*map(phrases_key, INTENTS), *asked, NEXT_APPOINTMENT, NO_APPOINTMENT, THANKS_REPLY, DECLINED)


def as_phrases(texts: list[str]) -> frozenset[tuple[str, ...]]:
    """Catalog texts 'a b|c' -> their phrases as normalised words."""
    phrases = (tuple(normalize(p).split()) for text in texts for p in text.split("|"))
    return frozenset(p for p in phrases if p)


def recognise(text: str, phrases: Phrases) -> str | None:
    """The intent a short message says, or None."""
    words = tuple(normalize(text).split())
    if not words or len(words) > MAX_WORDS:
        return None
    found = {(len(p), intent) for intent, options in phrases.items() for p in options if _contains(words, p)}
    if not found:
        return None
    longest = max(length for length, _ in found)
    (intent, *others) = {i for length, i in found if length == longest}
    return None if others else intent


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def next_appointment(facts: dict[str, Any]) -> TextRef:
    """Date, time, place and route of the first upcoming appointment, or that there is none."""
    upcoming = facts.get("appointments") or []
    if not upcoming:
        return TextRef(NO_APPOINTMENT)
    first = upcoming[0]
    return TextRef(NEXT_APPOINTMENT, params={k: first[k] for k in ("when", "place", "address", "route")})
