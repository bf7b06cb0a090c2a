"""The words that pick a choice: numbered, in every language, a word naming two choices picking neither."""

from collections import Counter
from typing import Protocol

# choice id -> (its number, the normalised words in any language that pick it)
ChoiceWords = dict[str, tuple[int, frozenset[str]]]


class Vocabulary(Protocol):
    """Normalised words in every catalog language, built by the loader."""

    def of_text(self, key: str) -> set[str]:
        """A catalog text in every language, and the extra words the catalogs list for it."""
        ...

    def of_language(self, code: str) -> set[str]:
        """Every way to name a language."""
        ...


def numbered_words(choices: list[tuple[str, set[str]]]) -> ChoiceWords:
    """Number the choices; a word that names two of them (in two languages) picks neither."""
    count = Counter(word for _, words in choices for word in words)
    return {cid: (n, frozenset(w for w in words if count[w] == 1)) for n, (cid, words) in enumerate(choices, 1)}


def labelled_words(vocabulary: Vocabulary, labelled: list[tuple[str, str]]) -> ChoiceWords:
    """(choice id, catalog key of its label) pairs -> their numbered words."""
    return numbered_words([(cid, vocabulary.of_text(key)) for cid, key in labelled])
