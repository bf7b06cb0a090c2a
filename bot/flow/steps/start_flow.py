"""`start_flow`: this flow ends (completed) and `flow` begins."""

from typing import TYPE_CHECKING, Literal

from bot.flow.steps.base import HALT, StepBase

if TYPE_CHECKING:
    from bot.flow.engine import Turn


class StartFlowStep(StepBase):
    type: Literal["start_flow"]
    needs = "'flow'"
    flow: str

    def act(self, turn: "Turn") -> str | None:
        turn.events.append(turn.flow_ended(completed=True))
        turn.enter_flow(self.flow)
        return HALT
