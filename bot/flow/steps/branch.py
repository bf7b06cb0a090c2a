"""`branch`: go where the first rule that holds says, else `otherwise`."""

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.flow.steps.base import StepBase, present

if TYPE_CHECKING:
    from bot.flow.engine import Turn


class Rule(BaseModel):
    """Go to `next` when the answer or fact named is one of `in` (or set, if `in` is not given)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    answer: str | None = None
    fact: str | None = None
    values: tuple[Any, ...] = Field(default=(), alias="in")
    next: str

    @model_validator(mode="before")
    @classmethod
    def _one_source(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if ("answer" in data) == ("fact" in data):
                raise ValueError("a rule needs one of 'answer' or 'fact', and a 'next'")
            if "in" in data and not isinstance(data["in"], list):
                data = {**data, "in": [data["in"]]}
        return data

    def holds(self, answers: dict[str, Any], facts: dict[str, Any]) -> bool:
        value = answers.get(self.answer) if self.answer else facts.get(self.fact or "")
        return value in self.values if self.values else value not in (None, False, "", [])


class BranchStep(StepBase):
    type: Literal["branch"]
    needs = "'rules' and 'otherwise'"
    rules: tuple[Rule, ...] = Field(min_length=1)
    otherwise: str

    def targets(self) -> tuple[str, ...]:
        return present([*(r.next for r in self.rules), self.otherwise])

    def act(self, turn: "Turn") -> str | None:
        run = turn.run
        return next((r.next for r in self.rules if r.holds(run.answers, run.facts)), self.otherwise)
