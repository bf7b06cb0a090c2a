"""`message`: say a text (with a picture, if `media` names one) and go on."""

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from bot.flow.steps.base import StepBase

if TYPE_CHECKING:
    from bot.flow.engine import Turn


class MessageStep(StepBase):
    type: Literal["message"]
    text: str
    next: str
    params: str | None = Field(default=None, description="the fact whose values fill the text's {placeholders}")
    media: str | None = Field(default=None, description="the value of that fact that links to a picture")

    def act(self, turn: "Turn") -> str | None:
        turn.say(self.text, self)
        return self.next
