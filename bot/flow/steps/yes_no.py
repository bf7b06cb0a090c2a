"""`yes_no`: yes or no, saved as true or false; `on_yes` / `on_no` may branch."""

from typing import Any, Literal

from bot.flow import texts as T
from bot.flow.events import TextRef
from bot.flow.outputs import YES_NO
from bot.flow.steps.base import Choice, Choosing, Shown


class YesNoStep(Choosing):
    type: Literal["yes_no"]
    answer_kind = YES_NO
    on_yes: str | None = None
    on_no: str | None = None

    def picks(self) -> tuple[Choice, ...]:
        return (Choice(id="yes", text=T.YES, next=self.on_yes), Choice(id="no", text=T.NO, next=self.on_no))

    def value_of(self, chosen: str) -> Any:
        return chosen == "yes"

    def shown(self, value: Any) -> Shown:
        return TextRef(T.YES if value else T.NO)
