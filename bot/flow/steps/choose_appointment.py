"""`choose_appointment`: which upcoming appointment (the fact `appointments`); asked only with two or more."""

from typing import TYPE_CHECKING, Literal

from bot.flow import texts as T
from bot.flow.events import Option, TextRef
from bot.flow.matching import match_choice
from bot.flow.steps.base import Question, numbered, present

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Input


class ChooseAppointmentStep(Question):
    type: Literal["choose_appointment"]
    needs = "'next' and 'on_none'"
    next: str
    on_none: str

    def targets(self) -> tuple[str, ...]:
        return present([self.next, self.on_none])

    def act(self, turn: "Turn") -> str | None:
        """No question when there is nothing to choose: the one appointment, or `on_none`."""
        appointments = turn.run.facts.get("appointments", [])
        if len(appointments) > 1:
            return turn.ask(self)
        if not appointments:
            return self.on_none
        turn.run.facts["appointment"] = dict(appointments[0])
        turn.run.answers[self.id] = appointments[0]["id"]
        return self.next

    def options(self, turn: "Turn") -> list[Option]:
        return numbered([TextRef(T.APPOINTMENT_OPTION, params=dict(a)) for a in turn.run.facts["appointments"]])

    def answer(self, turn: "Turn", given: "Input") -> None:
        appointments = turn.run.facts["appointments"]
        choices = {str(a["id"]): (n, frozenset[str]()) for n, a in enumerate(appointments, start=1)}
        chosen = match_choice(given.text, given.button_payload, choices)
        if chosen is None:
            return turn.miss(self, given)
        turn.run.facts["appointment"] = next(dict(a) for a in appointments if str(a["id"]) == chosen)
        return turn.accept(self, int(chosen), self.next)
