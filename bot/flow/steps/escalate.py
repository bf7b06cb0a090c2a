"""`escalate`: a person should look at this conversation; say so and go on."""

from typing import TYPE_CHECKING, Literal

from bot.flow.events import Escalate
from bot.flow.steps.base import StepBase

if TYPE_CHECKING:
    from bot.flow.engine import Turn


class EscalateStep(StepBase):
    type: Literal["escalate"]
    text: str
    next: str

    def act(self, turn: "Turn") -> str | None:
        turn.events.append(Escalate("asked_for_person", turn.run.flow_id, self.id))
        turn.say(self.text)
        return self.next
