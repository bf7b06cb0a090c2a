"""`multi_choice`: several of numbered choices at once ("1 3 5"), saved as a list of choice ids."""

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from bot.flow import texts as T
from bot.flow.events import Line, TextRef
from bot.flow.matching import match_several
from bot.flow.outputs import CHOICES
from bot.flow.steps.base import Choice, Choosing, Shown

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Input


class MultiChoiceStep(Choosing):
    type: Literal["multi_choice"]
    answer_kind = CHOICES
    needs = "'choices'"
    choice_words_win: ClassVar[bool] = False
    choices: tuple[Choice, ...] = Field(min_length=1)
    next: str

    def picks(self) -> tuple[Choice, ...]:
        return self.choices

    def hints(self) -> tuple[TextRef, ...]:
        return (TextRef(T.MULTI_HINT),)

    def answer(self, turn: "Turn", given: "Input") -> None:
        chosen = match_several(given.text, turn.words(self.id), given.button_payload)
        return turn.accept(self, chosen, self.next) if chosen else turn.miss(self, given)

    def shown(self, value: Any) -> Shown:
        return Line(tuple(TextRef(c.text) for c in self.choices if c.id in value), listed=True)
