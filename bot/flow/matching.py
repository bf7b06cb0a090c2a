"""Understanding a short answer: a number, a digit emoji, or a word.

People answer "3", "3️⃣", "٣" (Arabic-Indic), "۳" (Persian), "3." or the word
itself in any case, with or without accents and invisible direction marks.
"""

import re
import unicodedata

_KEYCAP = "\u20e3"
# Joiners, direction marks/isolates, variation selectors, BOM: invisible, never meaningful here.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufe00-\ufe0f\ufeff\u00ad\u061c]")
_PUNCTUATION = re.compile(r"[\s\.\,\!\?\)\(\:\;\-\'\"\u060c\u061f\u06d4]+")
# "п'ятниця", "п’ятниця" and CLDR's "пʼятниця" are one word; so are "su'aal" and "suaal".
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4]")
# Skin tones change nothing about what 👍 means.
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")
# Between several answers: spaces, commas (Latin and Arabic), slashes, plus signs.
_SEPARATORS = re.compile(r"[\s,;/+&\u060c]+")


def normalize(text: str) -> str:
    """Fold case, accents, Arabic diacritics and invisible marks away."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = _APOSTROPHES.sub("", _SKIN_TONES.sub("", _INVISIBLE.sub("", text))).casefold()
    return _PUNCTUATION.sub(" ", text).strip()


def parse_number(text: str) -> int | None:
    """The number a short answer names, in any script's digits, or None."""
    cleaned = _INVISIBLE.sub("", text).replace(_KEYCAP, "").strip().rstrip(".)")
    if not cleaned or len(cleaned) > 3 or not all(ch.isdecimal() for ch in cleaned):
        return None
    return int("".join(str(unicodedata.decimal(ch)) for ch in cleaned))


# A button's payload names its question and choice ("herinnering/reminder:cannot_come"): a tap on
# an older message's button never picks a choice of the same id in another question.
_PAYLOAD_SEPARATOR = ":"


def scoped_payload(question: str, choice_id: str) -> str:
    return f"{question}{_PAYLOAD_SEPARATOR}{choice_id}"


def payload_for(question: str, payload: str | None) -> str | None:
    """The choice id a button payload names for `question`: a scoped one only for its own
    question, a bare one (a choice id, as older templates send) as it is."""
    if not payload or _PAYLOAD_SEPARATOR not in payload:
        return payload
    asked, _, choice_id = payload.rpartition(_PAYLOAD_SEPARATOR)
    return choice_id if asked == question else None


def match_choice(text: str, payload: str | None, choices: dict[str, tuple[int, frozenset[str]]]) -> str | None:
    """The id of the choice an answer picks, or None.

    `choices` maps a choice id to its number and the normalised words naming it.
    A WhatsApp button payload is the choice id itself.
    """
    if payload and payload in choices:
        return payload
    number = parse_number(text)
    if number is not None:
        return next((cid for cid, (n, _) in choices.items() if n == number), None)
    answer = normalize(text)
    if not answer:
        return None
    return next((cid for cid, (_, words) in choices.items() if answer in words), None)


def match_several(
    text: str, choices: dict[str, tuple[int, frozenset[str]]], payload: str | None = None
) -> list[str] | None:
    """Every choice named in an answer like "1 3 5", "1,3", "135" or "maandag woensdag".

    All parts must be understood, else None: a half-understood answer is asked again.
    The result keeps the order of the choices.
    """
    whole = match_choice(text, payload, choices)
    if whole is not None:
        return [whole]
    parts = [p for p in _SEPARATORS.split(_INVISIBLE.sub("", text).strip()) if p]
    if len(parts) == 1 and len(choices) < 10 and (number := parse_number(parts[0])) is not None and number > 9:
        parts = list(parts[0])  # "135" means 1, 3 and 5 when no choice has two digits
    picked = [match_choice(part, None, choices) for part in parts]
    if not picked or None in picked:
        return None
    return [cid for cid in choices if cid in picked]
