"""`signal`: a fact about the participant for the host to record, e.g. consent given."""

from typing import TYPE_CHECKING, Literal

from bot.flow.events import Signal
from bot.flow.steps.base import StepBase

if TYPE_CHECKING:
    from bot.flow.engine import Turn

# What a signal also tells the rest of the dialogue.
SIGNAL_FACTS = {
    "consent_given": {"consent": True},
    "consent_refused": {"consent": False},
    "absence_cancel": {"absence_kind": "cancel"},
    "absence_late": {"absence_kind": "late"},
}


class SignalStep(StepBase):
    type: Literal["signal"]
    # What a signal may announce; the host knows how to apply each.
    signal: Literal[
        "consent_given",
        "consent_refused",
        "appointment_confirmed",
        "absence_cancel",
        "absence_late",
        "erase_requested",
        "referrer_may_know",
        "ending_requested",
    ]
    next: str

    def act(self, turn: "Turn") -> str | None:
        facts = turn.run.facts
        turn.events.append(Signal(self.signal, facts.get("appointment", {}).get("id")))
        facts.update(SIGNAL_FACTS.get(self.signal, {}))
        return self.next
