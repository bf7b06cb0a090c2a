"""What every step is, and what every question is. Each step type is a module beside this one.

A step type is a pydantic model (its shape, checked when a flow file is loaded) with its
behaviour next to it: `act` moves the turn on, and a question also has `prompt`, `answer`
and `shown`. `turn` is the engine's turn (bot/flow/engine.py), passed in so that a step
type needs nothing but this module.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.flow import texts as T
from bot.flow.events import Line, Option, SendMessage, TextRef
from bot.flow.events import Literal as OwnWords
from bot.flow.words import ChoiceWords, Vocabulary, labelled_words

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Flow, Input

# What `act` returns when the turn goes no further from here: a question waits for its
# answer, or another flow took over.
HALT: Any = object()

Shown = TextRef | OwnWords | Line


class StepBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    # What a step of this type needs, named when one of those is missing, e.g. "'flow'".
    needs: ClassVar[str | None] = None
    # Whether the step waits for an answer.
    waits: ClassVar[bool] = False
    # Whether its choices' words win over a word that works everywhere (a reminder's
    # "cannot come" answers the reminder, even where the same words mean "cancel").
    choice_words_win: ClassVar[bool] = False

    def act(self, turn: "Turn") -> str | None:
        """Do what the step does; return the next step id, None to end the flow, or HALT."""
        raise NotImplementedError

    def targets(self) -> tuple[str, ...]:
        """The steps it may lead to."""
        return present([getattr(self, "next", None)])

    def text_keys(self) -> tuple[str, ...]:
        return present([getattr(self, "text", None), getattr(self, "label", None)])

    def language_codes(self) -> tuple[str, ...]:
        return ()

    def problem(self, flow: "Flow") -> str | None:
        """What is wrong with it among the flow's other steps, or None."""
        return None

    def words(self, flow: "Flow", vocabulary: Vocabulary) -> dict[str, ChoiceWords]:
        """Key (its id, or a sub-question's) -> the words that pick each of its choices."""
        return {}

    def output(self) -> str | None:
        """The output its answer is saved as (see bot/flow/outputs.py)."""
        return None


class Question(StepBase):
    """A step that sends its text and waits for the answer."""

    waits: ClassVar[bool] = True
    # The kind of answer it gives (bot/flow/outputs.py), if one the host can read.
    answer_kind: ClassVar[str | None] = None

    text: str
    label: str | None = Field(default=None, description="short name of the answer in summaries")
    params: str | None = Field(default=None, description="the fact whose values fill the text's {placeholders}")
    save_as: str | None = Field(default=None, description="the output the host reads the answer as")

    def act(self, turn: "Turn") -> str | None:
        return turn.ask(self)

    def output(self) -> str | None:
        return self.save_as

    def prompt(self, turn: "Turn", lead: list[TextRef]) -> SendMessage:
        texts = (*lead, turn.text(self.text, self), *self.hints())
        return SendMessage(texts, turn.languages(), tuple(self.options(turn)), asks=turn.question_key(self.id))

    def hints(self) -> tuple[TextRef, ...]:
        return ()

    def options(self, turn: "Turn") -> list[Option]:
        return []

    def answer(self, turn: "Turn", given: "Input") -> None:
        raise NotImplementedError

    def shown(self, value: Any) -> Shown:
        """How an answer is shown back; own words as they were written."""
        return OwnWords(str(value))

    def choice_ids(self) -> tuple[str, ...]:
        return ()

    def keeps_own_words(self) -> bool:
        """Whether the answer is the participant's own words, to translate for the coordinator."""
        return False


class Choice(BaseModel):
    # `{id: 15}` is the choice "15": an id is a name, whatever it looks like.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    id: str
    text: str = Field(description="catalog key of its label")
    next: str | None = Field(default=None, description="a branch; else the step's own `next`")


class Choosing(Question):
    """A question answered by picking one of numbered choices."""

    choice_words_win: ClassVar[bool] = True

    next: str | None = None

    def picks(self) -> tuple[Choice, ...]:
        raise NotImplementedError

    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.picks())

    @model_validator(mode="after")
    def _every_choice_leads_somewhere(self) -> "Choosing":
        unrouted = [c.id for c in self.picks() if not c.next]
        if not self.next and unrouted:
            raise ValueError(f"choice '{unrouted[0]}' has no next")
        return self

    def targets(self) -> tuple[str, ...]:
        return present([self.next, *(c.next for c in self.picks())])

    def text_keys(self) -> tuple[str, ...]:
        return (*super().text_keys(), *(c.text for c in self.picks()))

    def options(self, turn: "Turn") -> list[Option]:
        return numbered([TextRef(c.text) for c in self.picks()])

    def words(self, flow: "Flow", vocabulary: Vocabulary) -> dict[str, ChoiceWords]:
        return {self.id: labelled_words(vocabulary, [(c.id, c.text) for c in self.picks()])}

    def answer(self, turn: "Turn", given: "Input") -> None:
        chosen = turn.match(self.id, given)
        if chosen is None:
            return turn.miss(self, given)
        choice = next(c for c in self.picks() if c.id == chosen)
        self.forget_other_branches(turn, choice)
        return turn.accept(self, self.value_of(chosen), choice.next or self.next)

    def value_of(self, chosen: str) -> Any:
        return chosen

    def forget_other_branches(self, turn: "Turn", choice: Choice) -> None:
        """A changed choice drops answers given on the branches it no longer takes."""
        for other in self.picks():
            if other.next and other.next != choice.next and other.next != self.next:
                turn.run.answers.pop(other.next, None)

    def shown(self, value: Any) -> Shown:
        return next((TextRef(c.text) for c in self.picks() if c.id == value), OwnWords(str(value)))


def answer_shown(step: Question, value: Any) -> Shown:
    """How an answer is shown back: choice labels as texts, own words as they were written."""
    return TextRef(T.SUMMARY_SKIPPED) if value is None else step.shown(value)


def present(candidates: Iterable[str | None]) -> tuple[str, ...]:
    """The given names, without blanks and repeats, in order."""
    return tuple(dict.fromkeys(c for c in candidates if c))


def numbered(labels: list[TextRef]) -> list[Option]:
    return [Option(n, label) for n, label in enumerate(labels, start=1)]
