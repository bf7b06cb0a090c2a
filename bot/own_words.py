"""A newcomer's own words, kept beside their Dutch translation.

Stored as {"original", "language", "dutch", "status"}: whoever reads the Dutch can
always see what was really written, and what failed to translate is retried.
"""

from typing import Any, Protocol

PENDING, TRANSLATED, UNTRANSLATED, ORIGINAL_IS_DUTCH = "pending", "translated", "untranslated", "original_is_dutch"


class TranslationResult(Protocol):
    text: str | None
    status: str


class FreeTextTranslator(Protocol):
    def translate(self, text: str, source: str, target: str = "nl") -> TranslationResult: ...


def kept(text: str, language: str) -> dict[str, Any]:
    if language == "nl":
        return {"original": text, "language": language, "dutch": text, "status": ORIGINAL_IS_DUTCH}
    return {"original": text, "language": language, "dutch": None, "status": PENDING}


def is_own_words(value: Any) -> bool:
    return isinstance(value, dict) and "original" in value


def waiting(value: Any) -> bool:
    return is_own_words(value) and value["status"] in (PENDING, UNTRANSLATED)


def translated(value: dict[str, Any], translator: FreeTextTranslator) -> dict[str, Any]:
    """The words with their Dutch, or marked untranslated (to try again later)."""
    result = translator.translate(value["original"], value["language"], "nl")
    done = result.status in ("translated", "same_language") and result.text
    return {**value, "dutch": result.text if done else None, "status": TRANSLATED if done else UNTRANSLATED}
