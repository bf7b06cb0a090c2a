"""`choice`: one of numbered choices; a choice may branch with its own `next`."""

from typing import Literal

from pydantic import Field, field_validator

from bot.flow.outputs import CHOICE
from bot.flow.steps.base import Choice, Choosing


class ChoiceStep(Choosing):
    type: Literal["choice"]
    answer_kind = CHOICE
    needs = "'choices'"
    choices: tuple[Choice, ...] = Field(min_length=1)

    @field_validator("choices")
    @classmethod
    def _ids_differ(cls, choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
        seen: set[str] = set()
        for choice in choices:
            if choice.id in seen:
                raise ValueError(f"duplicate choice id '{choice.id}'")
            seen.add(choice.id)
        return choices

    def picks(self) -> tuple[Choice, ...]:
        return self.choices
