"""`choice`: one of numbered choices; a choice may branch with its own `next`."""

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from bot.flow.outputs import CHOICE
from bot.flow.steps.base import Choice, Choosing, present

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Input


class ChoiceStep(Choosing):
    type: Literal["choice"]
    answer_kind = CHOICE
    needs = "'choices'"
    choices: tuple[Choice, ...] = Field(min_length=1)
    on_other: str | None = Field(
        default=None, description="own words that pick no choice go here, kept as the answer (else asked again)"
    )

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

    def targets(self) -> tuple[str, ...]:
        return present([*super().targets(), self.on_other])

    def answer(self, turn: "Turn", given: "Input") -> None:
        words = given.text.strip()
        if self.on_other and words and not words.isdigit() and turn.match(self.id, given) is None:
            return turn.accept(self, words, self.on_other)
        return super().answer(turn, given)
