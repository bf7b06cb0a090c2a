"""`confirm_language`: "I think you write Arabic — 1 yes / 2 another language", in that language."""

from typing import TYPE_CHECKING, ClassVar, Literal

from bot.flow import texts as T
from bot.flow.events import SendMessage, TextRef
from bot.flow.steps.base import Question, numbered, present
from bot.flow.words import ChoiceWords, Vocabulary, labelled_words

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Flow, Input

ANSWERS = [("yes", T.YES), ("another", T.ANOTHER_LANGUAGE)]


class ConfirmLanguageStep(Question):
    type: Literal["confirm_language"]
    needs = "'next' and 'on_another'"
    choice_words_win: ClassVar[bool] = True
    next: str
    on_another: str

    def targets(self) -> tuple[str, ...]:
        return present([self.next, self.on_another])

    def prompt(self, turn: "Turn", lead: list[TextRef]) -> SendMessage:
        options = numbered([TextRef(key) for _, key in ANSWERS])
        return SendMessage((*lead, TextRef(self.text)), (turn.run.facts["detected_language"],), tuple(options))

    def words(self, flow: "Flow", vocabulary: Vocabulary) -> dict[str, ChoiceWords]:
        return {self.id: labelled_words(vocabulary, ANSWERS)}

    def answer(self, turn: "Turn", given: "Input") -> None:
        chosen = turn.match(self.id, given)
        if chosen is None:
            return turn.miss(self, given)
        if chosen == "yes":
            return turn.choose_language(self, turn.run.facts["detected_language"])
        turn.run.misses = 0
        return turn.run_from(self.on_another)
