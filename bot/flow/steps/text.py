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
CONFIRMING = "confirming"
# The fact that holds a sentence while it is being confirmed.
_UNCONFIRMED = "unconfirmed_answer"


class TextStep(Question):
    type: Literal["text"]
    answer_kind = TEXT
    next: str
    optional: bool = False
    translate: bool = Field(default=True, description="translate the answer to Dutch for the coordinator")
    max_length: int | None = Field(default=None, gt=0, description="the longest answer taken; default: the output's")
    confirm_over_words: int | None = Field(
        default=None, gt=0, description="an answer of more words is shown back and taken only after a yes"
    )

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
        if turn.run.phase == CONFIRMING:
            return self.confirmed(turn, given)
        text = given.text.strip()
        if self.optional and (text in SKIP_ANSWERS or normalize(text) in turn.book.skip_words):
            return turn.accept(self, None, self.next)
        if not normalize(text):
            return turn.miss(self, given)
        if len(text) > self.longest():
            return turn.send(self.prompt(turn, [TextRef(T.TOO_LONG, params={"max": str(self.longest())})]))
        if self.confirm_over_words and len(text.split()) > self.confirm_over_words:
            return self.ask_to_confirm(turn, text)
        return turn.accept(self, text, self.next)

    def ask_to_confirm(self, turn: "Turn", text: str) -> None:
        """A sentence where a short answer (a name) was asked: take it only after a yes."""
        turn.run.phase, turn.run.facts[_UNCONFIRMED] = CONFIRMING, text
        turn.ask_yes_no(TextRef(T.CONFIRM_ANSWER, params={"answer": text}))

    def confirmed(self, turn: "Turn", given: "Input") -> None:
        """Yes takes the sentence, no asks again, anything else is a new answer."""
        turn.run.phase, text = None, turn.run.facts.pop(_UNCONFIRMED, "")
        chosen = turn.yes_or_no(given)
        if chosen == "yes":
            return turn.accept(self, text, self.next)
        if chosen == "no":
            return turn.send(self.prompt(turn, []))
        return self.answer(turn, given)
