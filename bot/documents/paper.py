"""A bilingual paper as data: sections of rows, each row in Dutch and in the participant's language.

Builders (werkafspraken, certificaat) say which catalog texts go where; the renderer lays
them out. Keeping texts and layout apart keeps every text in the catalogs.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.i18n import SOURCE_LANGUAGE, Catalogs, is_rtl, shown_params

# A placeholder's value, or how to write it in a given language (a date, a list of names).
Param = str | Callable[[str], str]


@dataclass(frozen=True)
class Pair:
    """One text in Dutch and in the reader's language (the same text when they read Dutch)."""

    nl: str
    own: str


@dataclass(frozen=True)
class Row:
    text: Pair
    link: str = ""  # a row that opens a link (the route), shown as the text
    # Data as written (an address, a name and phone number): its own left-to-right line under
    # the text in both columns, so a right-to-left column cannot reorder a number or an address.
    detail: str = ""


@dataclass(frozen=True)
class Section:
    heading: Pair
    rows: list[Row]


@dataclass(frozen=True)
class Paper:
    kind: str
    language: str
    title: Pair
    sections: list[Section]
    lead: Pair | None = None
    footer: list[Pair] = field(default_factory=list)

    @property
    def bilingual(self) -> bool:
        return self.language != SOURCE_LANGUAGE

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language)


@dataclass(frozen=True)
class Texts:
    """Catalog texts in both languages of one paper."""

    catalogs: Catalogs
    language: str

    def pair(self, key: str, params: Mapping[str, Param] | None = None) -> Pair:
        return Pair(self.one(SOURCE_LANGUAGE, key, params), self.one(self.language, key, params))

    def one(self, language: str, key: str, params: Mapping[str, Param] | None = None) -> str:
        if not params:
            return self.catalogs.text(language, key)
        values = {name: value(language) if callable(value) else value for name, value in params.items()}
        return self.catalogs.text(language, key, shown_params(values, language))

    def row(self, key: str, params: Mapping[str, Param] | None = None, link: str = "", detail: str = "") -> Row:
        return Row(self.pair(key, params), link, detail)
