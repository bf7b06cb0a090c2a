"""`end`: the flow ends here, after its text if it has one."""

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from bot.flow.steps.base import HALT, StepBase

if TYPE_CHECKING:
    from bot.flow.engine import Turn


class EndStep(StepBase):
    type: Literal["end"]
    text: str | None = None
    params: str | None = Field(default=None, description="the fact whose values fill the text's {placeholders}")
    media: str | None = Field(default=None, description="the value of that fact that links to a picture")

    def act(self, turn: "Turn") -> str | None:
        if self.text:
            turn.say(self.text, self)
        turn.end_flow(completed=True)
        return HALT
