"""`text`: the participant's own words; `optional` may be skipped, `max_length` is re-asked kindly."""

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from bot.flow import texts as T
from bot.flow.events import TextRef
from bot.flow.matching import normalize
from bot.flow.outputs import DEFAULT_MAX_LENGTH, OUTPUTS, TEXT
from bot.flow.steps.base import Question

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Flow, Input

SKIP_ANSWERS = ("0", "-", "0️⃣")


class TextStep(Question):
    type: Literal["text"]
    answer_kind = TEXT
    next: str
    optional: bool = False
    translate: bool = Field(default=True, description="translate the answer to Dutch for the coordinator")
    max_length: int | None = Field(default=None, gt=0, description="the longest answer taken; default: the output's")

    def hints(self) -> tuple[TextRef, ...]:
        return (TextRef(T.SKIP_HINT),) if self.optional else ()

    def longest(self) -> int:
        return self.max_length or self.output_limit() or DEFAULT_MAX_LENGTH

    def output_limit(self) -> int | None:
        output = OUTPUTS.get(self.save_as or "")
        return output.max_length if output else None

    def problem(self, flow: "Flow") -> str | None:
        limit = self.output_limit()
        if limit and self.max_length and self.max_length > limit:
            return f"max_length {self.max_length} is more than output '{self.save_as}' holds ({limit})"
        return None

    def keeps_own_words(self) -> bool:
        return self.translate

    def answer(self, turn: "Turn", given: "Input") -> None:
        text = given.text.strip()
        if self.optional and (text in SKIP_ANSWERS or normalize(text) in turn.book.skip_words):
            return turn.accept(self, None, self.next)
        if not normalize(text):
            return turn.miss(self, given)
        if len(text) > self.longest():
            return turn.send(self.prompt(turn, [TextRef(T.TOO_LONG, params={"max": str(self.longest())})]))
        return turn.accept(self, text, self.next)
