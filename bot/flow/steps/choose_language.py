"""`choose_language`: a numbered menu of languages, each in its own name and script."""

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from bot.flow import texts as T
from bot.flow.events import Option, TextRef
from bot.flow.steps.base import Question
from bot.flow.words import ChoiceWords, Vocabulary, numbered_words

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Flow, Input


class ChooseLanguageStep(Question):
    type: Literal["choose_language"]
    needs = "'languages' and 'next'"
    languages: tuple[str, ...] = Field(min_length=1)
    next: str

    def language_codes(self) -> tuple[str, ...]:
        return self.languages

    def options(self, turn: "Turn") -> list[Option]:
        names = [TextRef(T.LANGUAGE_SELF_NAME, language=code) for code in self.languages]
        return [Option(n, name) for n, name in enumerate(names, start=1)]

    def words(self, flow: "Flow", vocabulary: Vocabulary) -> dict[str, ChoiceWords]:
        return {self.id: numbered_words([(code, vocabulary.of_language(code)) for code in self.languages])}

    def answer(self, turn: "Turn", given: "Input") -> None:
        chosen = turn.match(self.id, given)
        if chosen is None:
            return turn.miss(self, given)
        return turn.choose_language(self, chosen)
