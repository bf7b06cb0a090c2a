"""Referral codes: made, and found in what a newcomer writes first (pure, no I/O).

A code is a fixed prefix and four characters, e.g. `WK-7KQ3`. The four always hold a letter
and a digit, so no word of any language and no year ("het WK 2026") is ever taken for one;
the alphabet leaves out 0/O, 1/I/L, which are easily mixed up on a flyer. Found in any
case, with or without the hyphen (or a space), with Arabic-Indic or Persian digits, and
between words of any script, also without a space beside it (`مرحباWK-7KQ3`).
"""

import re
import secrets
from dataclasses import dataclass

PREFIX = "WK"
ALPHABET = "ACDEFGHJKMNPQRTUVWXY2345679"
LENGTH = 4
# Arabic-Indic and Extended (Persian) digits, as phones with those keyboards type them.
_WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Direction marks a phone puts around Latin text inside Arabic script.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_CODE = re.compile(rf"(?<![0-9A-Za-z]){PREFIX}[\s\-\u2010-\u2015_.]?([0-9A-Za-z]{{{LENGTH}}})(?![0-9A-Za-z])", re.I)


@dataclass(frozen=True)
class Found:
    code: str  # as stored: upper case, with the hyphen
    # The text without it, for language recognition and the dialogue (direction marks
    # dropped and digits written 0-9, as the dialogue reads them anyway).
    rest: str


def new_code() -> str:
    """A random code with at least one letter and one digit."""
    while True:
        tail = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if _is_code_tail(tail):
            return f"{PREFIX}-{tail}"


def find_codes(text: str) -> list[Found]:
    """Every code-shaped part of `text`, each with the text that is left without it."""
    plain = text.translate(_MARKS).translate(_WESTERN_DIGITS)
    found = []
    for match in _CODE.finditer(plain):
        tail = match.group(1).upper()
        if _is_code_tail(tail):
            rest = plain[: match.start()] + " " + plain[match.end() :]
            found.append(Found(f"{PREFIX}-{tail}", " ".join(rest.split())))
    return found


def _is_code_tail(tail: str) -> bool:
    return any(c.isdigit() for c in tail) and any(c.isalpha() for c in tail)
