"""SMS length: how many segments a text costs, and the short form of a reminder.

GSM-7 carries 160 characters in one segment (153 each when split); a single
character outside it (Arabic, Ge'ez, Cyrillic, most emoji) makes the whole text
UCS-2: 70 characters (67 each when split), counted in UTF-16 units.
"""

import math
from collections.abc import Callable

# A short form is meant to cost at most this many segments.
MAX_SEGMENTS = 2
# A place name is shortened no further than this many characters: it must still be recognised.
MIN_PLACE = 12
_ISOLATES = "\u2068\u2069"

# GSM 03.38: the basic set, and the extension set whose characters cost two.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = set("^{}\\[~]|€\f")


def segments(text: str) -> tuple[str, int]:
    """('GSM-7' or 'UCS-2', number of segments) for one SMS body."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENSION for ch in text):
        units = sum(2 if ch in _GSM_EXTENSION else 1 for ch in text)
        return "GSM-7", 1 if units <= 160 else math.ceil(units / 153)
    units = len(text.encode("utf-16-le")) // 2
    return "UCS-2", 1 if units <= 70 else math.ceil(units / 67)


def short_text_key(template: str) -> str:
    """The catalog key of a message's SMS form, e.g. 'reminder.sms'."""
    return f"{template}.sms"


def within_segments(fill: Callable[[dict[str, str]], str], params: dict[str, str], field: str = "place") -> str:
    """The text `fill` writes with `params`, the `field` abbreviated ("Buurthuis De Lin.") until it fits.

    Abbreviated a character at a time, down to MIN_PLACE, so it keeps as much of the name as fits.
    """
    text = fill(params)
    value = params.get(field, "")
    name = value.strip(_ISOLATES)
    length = len(name)
    while segments(text)[1] > MAX_SEGMENTS and length > MIN_PLACE:
        length -= 1
        short = name[:length].rstrip() + "."
        text = fill({**params, field: value.replace(name, short) if name else short})
    return text
