"""Message catalogs (gettext PO, one per language) and turning events into text."""

from pathlib import Path

from babel.messages.pofile import read_po

from bot.flow.events import SendMessage, TextRef

# The order of the language menu, and the languages the catalogs must cover.
SUPPORTED_LANGUAGES = ("nl", "en", "ar", "fa", "ps", "ti", "so", "uk", "tr")
SOURCE_LANGUAGE = "nl"


class Catalogs:
    """Texts per language, keyed by message id (e.g. 'welkom.welcome')."""

    def __init__(self, texts: dict[str, dict[str, str]]):
        self._texts = texts
        self.languages = tuple(lang for lang in SUPPORTED_LANGUAGES if lang in texts)

    @classmethod
    def load(cls, directory: Path) -> "Catalogs":
        texts: dict[str, dict[str, str]] = {}
        for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
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


def render(catalogs: Catalogs, message: SendMessage) -> str:
    """One message body: the texts in each reader language, then numbered options."""
    blocks = ["\n".join(_text(catalogs, lang, ref) for ref in message.texts) for lang in message.languages]
    if message.options:
        reader = message.languages[0]
        blocks.append("\n".join(f"{o.number}. {_text(catalogs, reader, o.label)}" for o in message.options))
    return "\n\n".join(blocks)


def _text(catalogs: Catalogs, reader: str, ref: TextRef) -> str:
    return catalogs.text(ref.language or reader, ref.key, ref.params)
