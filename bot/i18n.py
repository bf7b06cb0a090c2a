"""Message catalogs (gettext PO, one per language) and turning events into text."""

import re
import unicodedata
from datetime import date, datetime
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
# One digit system per language, in dates, option numbers and texts alike.
_DIGITS = {"ar": "٠١٢٣٤٥٦٧٨٩", "fa": "۰۱۲۳۴۵۶۷۸۹", "ps": "۰۱۲۳۴۵۶۷۸۹"}
# Month names the readers know: Dari speakers the Afghan ones (not Iran's), Arabic speakers from Syria
# and Iraq the Levantine ones, shown with the common name beside them for everyone else.
_DATE_LOCALE = {"fa": "fa_AF", "ar": "ar_SY"}
_MONTH_ALSO = {"ar": "ar"}
# CLDR's Pashto weekday names are formal; the catalog's everyday ones (common.day.*) are what people say.
_WEEKDAYS_FROM_CATALOG = frozenset({"ps"})
_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
# A header field in each catalog: has a native speaker reviewed these texts? ('yes' or 'no').
REVIEWED_HEADER = "X-Reviewed-By-Native-Speaker"


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
        template = to_native_digits(template, language)
        return template.format_map(_native_numbers(params, language)) if params else template


def filled_params(params: dict[str, str], language: str) -> dict[str, str]:
    """Placeholder values exactly as `Catalogs.text` puts them into a text (dates written, own digits)."""
    return _native_numbers(shown_params(params, language), language)


def _native_numbers(params: dict[str, str], language: str) -> dict[str, str]:
    """Numbers such as {max} in the reader's digits; place names and addresses stay as written."""
    return {key: to_native_digits(v, language) if v.isascii() and v.isdigit() else v for key, v in params.items()}


@cache
def is_rtl(language: str) -> bool:
    return Locale.parse(language).character_order == "right-to-left"


def render(catalogs: Catalogs, message: SendMessage) -> str:
    """One message body: the texts in each reader language, then numbered options."""
    blocks = ["\n".join(render_part(catalogs, lang, part) for part in message.texts) for lang in message.languages]
    if message.options:
        reader = message.languages[0]
        lines = [
            f"{to_native_digits(str(o.number), reader)}. {render_part(catalogs, reader, o.label)}"
            for o in message.options
        ]
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
    date_locale = _DATE_LOCALE.get(language, language)
    date = f"{_weekday(local, language)} {format_date(local, 'd MMMM', locale=date_locale)}"
    if language in _MONTH_ALSO:
        date += f" ({format_date(local, 'MMMM', locale=_MONTH_ALSO[language])})"
    time = format_time(local, "HH:mm", locale=language)
    pattern = Locale.parse(language).datetime_formats["medium"]
    text = str(pattern).replace("{1}", date).replace("{0}", time)
    return to_native_digits(text, language)


def format_day(day: date, language: str) -> str:
    """'3 december 2026' in the reader's language and digits, with the months they know (as format_when)."""
    text = format_date(day, "d MMMM y", locale=_DATE_LOCALE.get(language, language))
    if language in _MONTH_ALSO:
        text += f" ({format_date(day, 'MMMM', locale=_MONTH_ALSO[language])})"
    return to_native_digits(text, language)


def format_clock(moment: datetime, language: str) -> str:
    """'09:30' on the Amsterdam wall clock, in the reader's digits."""
    return to_native_digits(format_time(moment.astimezone(PEOPLE_ZONE), "HH:mm", locale=language), language)


def to_native_digits(text: str, language: str) -> str:
    digits = _DIGITS.get(language)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def _weekday(moment: datetime, language: str) -> str:
    if language in _WEEKDAYS_FROM_CATALOG:
        return _own_catalogs().text(language, f"common.day.{_WEEKDAY_KEYS[moment.weekday()]}")
    return format_date(moment, "EEEE", locale=_DATE_LOCALE.get(language, language))


@cache
def _own_catalogs() -> Catalogs:
    return Catalogs.load(_TRANSLATIONS)


def native_speaker_review(directory: Path = _TRANSLATIONS, domain: str = "messages") -> dict[str, bool]:
    """Per language, whether its catalog's header says a native speaker reviewed it (for the dashboard)."""
    # Babel keeps only the header fields it knows, so the field is read from the file itself.
    field = re.compile(rf'^"{REVIEWED_HEADER}:\s*(\w+)\\n"$', re.MULTILINE)
    reviewed = {}
    for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po")):
        found = field.search(po_path.read_text(encoding="utf-8"))
        reviewed[po_path.parent.parent.name] = bool(found) and found.group(1).lower() == "yes"
    return reviewed
