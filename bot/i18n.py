"""Message catalogs (gettext PO, one per language) and turning events into text."""

import unicodedata
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.messages.pofile import read_po

from bot.flow.events import Line, Literal, SendMessage, TextRef

# The order of the language menu, and the languages the catalogs must cover.
SUPPORTED_LANGUAGES = ("nl", "en", "ar", "fa", "ps", "ti", "so", "uk", "tr")
SOURCE_LANGUAGE = "nl"
PEOPLE_ZONE = ZoneInfo("Europe/Amsterdam")
# First-strong isolate ... pop directional isolate: keeps a run of the other direction in order.
_FSI, _PDI = "\u2068", "\u2069"
# Digits people read in these languages (CLDR: 'arab' for Arabic, 'arabext' for Persian and Pashto).
_DIGITS = {"ar": "٠١٢٣٤٥٦٧٨٩", "fa": "۰۱۲۳۴۵۶۷۸۹", "ps": "۰۱۲۳۴۵۶۷۸۹"}


class Catalogs:
    """Texts per language, keyed by message id (e.g. 'welkom.welcome')."""

    def __init__(self, texts: dict[str, dict[str, str]]):
        self._texts = texts
        self.languages = tuple(lang for lang in SUPPORTED_LANGUAGES if lang in texts)

    @classmethod
    def load(cls, directory: Path, domain: str = "messages") -> "Catalogs":
        texts: dict[str, dict[str, str]] = {}
        for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po")):
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
            language = po_path.parent.parent.name
            texts[language] = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
        return cls(texts)

    def has(self, language: str, key: str) -> bool:
        return key in self._texts.get(language, {})

    def keys(self, language: str) -> set[str]:
        return set(self._texts.get(language, {}))

    def text(self, language: str, key: str, params: dict[str, str] | None = None) -> str:
        """The text in `language`, falling back to the Dutch source when missing."""
        template = self._texts.get(language, {}).get(key) or self._texts[SOURCE_LANGUAGE][key]
        return template.format_map(params) if params else template


@cache
def is_rtl(language: str) -> bool:
    return Locale.parse(language).character_order == "right-to-left"


def render(catalogs: Catalogs, message: SendMessage) -> str:
    """One message body: the texts in each reader language, then numbered options."""
    blocks = ["\n".join(render_part(catalogs, lang, part) for part in message.texts) for lang in message.languages]
    if message.options:
        reader = message.languages[0]
        lines = [f"{o.number}. {render_part(catalogs, reader, o.label)}" for o in message.options]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render_part(catalogs: Catalogs, reader: str, part: TextRef | Literal | Line) -> str:
    if isinstance(part, Literal):
        return isolate_if_needed(part.text, is_rtl(reader))
    if isinstance(part, Line):
        rendered = [render_part(catalogs, reader, p) for p in part.parts]
        return format_list(rendered, locale=reader) if part.listed else part.separator.join(rendered)
    language = part.language or reader
    return catalogs.text(language, part.key, shown_params(part.params, language) if part.params else None)


def shown_params(params: dict[str, str], reader: str) -> dict[str, str]:
    """Placeholder values as the reader sees them.

    By convention `when` holds an ISO moment, written as a date and time in the
    reader's language; other values (place names, addresses) are shown as given,
    isolated where their direction differs from the reader's. Links stay bare:
    invisible marks around them would stop apps from recognising them.
    """
    return {key: _shown(key, value, reader) for key, value in params.items()}


def _shown(key: str, value: str, reader: str) -> str:
    if key == "when":
        return format_when(datetime.fromisoformat(value), reader)
    if value.startswith(("https://", "http://")):
        return value
    return isolate_if_needed(value, is_rtl(reader))


def isolate_if_needed(text: str, reader_rtl: bool) -> str:
    """Wrap someone's own words in an isolate when their direction differs from the reader's.

    Only where needed: the marks are invisible but cost characters in an SMS.
    """
    directions = {unicodedata.bidirectional(ch) for ch in text}
    foreign = "L" if reader_rtl else {"R", "AL"}
    if directions & set(foreign):
        return f"{_FSI}{text}{_PDI}"
    return text


def format_when(moment: datetime, language: str) -> str:
    """'dinsdag 3 december, 10:00' in the reader's language and Amsterdam time, own digits."""
    local = moment.astimezone(PEOPLE_ZONE)
    date = format_date(local, "EEEE d MMMM", locale=language)
    time = format_time(local, "HH:mm", locale=language)
    pattern = Locale.parse(language).datetime_formats["medium"]
    text = str(pattern).replace("{1}", date).replace("{0}", time)
    return to_native_digits(text, language)


def to_native_digits(text: str, language: str) -> str:
    digits = _DIGITS.get(language)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text
