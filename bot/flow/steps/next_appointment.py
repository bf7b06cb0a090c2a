"""`next_appointment`: say when and where the next appointment is (date, time, place, route), or that none is."""

from typing import TYPE_CHECKING, Literal

from bot.flow import intents
from bot.flow.events import SendMessage
from bot.flow.steps.base import StepBase

if TYPE_CHECKING:
    from bot.flow.engine import Turn


class NextAppointmentStep(StepBase):
    type: Literal["next_appointment"]
    next: str | None = None

    def text_keys(self) -> tuple[str, ...]:
        return (intents.NEXT_APPOINTMENT, intents.NO_APPOINTMENT)

    def act(self, turn: "Turn") -> str | None:
        turn.send(SendMessage((intents.next_appointment(turn.run.facts),), turn.languages()))
        return self.next
