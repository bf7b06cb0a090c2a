"""`summary`: the answers of `fields` shown back, to confirm or to change one (then back here)."""

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from bot.flow import texts as T
from bot.flow.events import Line, SendMessage, TextRef
from bot.flow.matching import match_choice
from bot.flow.steps.base import Question, answer_shown, numbered
from bot.flow.words import ChoiceWords, Vocabulary, labelled_words

if TYPE_CHECKING:
    from bot.flow.engine import Turn
    from bot.flow.model import Flow, Input

ANSWERS = [("yes", T.SUMMARY_YES), ("change", T.SUMMARY_CHANGE)]
# The sub-question "which answer do you want to change?".
PICK = "pick"


class SummaryStep(Question):
    type: Literal["summary"]
    needs = "'fields'"
    fields: tuple[str, ...] = Field(min_length=1, description="the question steps whose answers are shown")
    next: str

    def problem(self, flow: "Flow") -> str | None:
        for field in self.fields:
            shown = flow.steps.get(field)
            if shown is None or not shown.waits or isinstance(shown, SummaryStep):
                return f"field '{field}' is not a question step"
            if not shown.label:
                return f"field '{field}' has no 'label' to show"
        return None

    def words(self, flow: "Flow", vocabulary: Vocabulary) -> dict[str, ChoiceWords]:
        labels = [(f, flow.steps[f].label) for f in self.fields]
        return {self.id: labelled_words(vocabulary, ANSWERS), self.fields_key: labelled_words(vocabulary, labels)}

    @property
    def fields_key(self) -> str:
        return f"{self.id}#fields"

    def answered(self, turn: "Turn") -> list[str]:
        return [f for f in self.fields if f in turn.run.answers]

    def prompt(self, turn: "Turn", lead: list[TextRef]) -> SendMessage:
        steps, answers = turn.flow.steps, turn.run.answers
        if turn.run.phase == PICK:
            labels = [TextRef(steps[f].label) for f in self.answered(turn)]
            return SendMessage((*lead, TextRef(T.SUMMARY_WHICH)), turn.languages(), tuple(numbered(labels)))
        lines = [
            Line((TextRef(steps[f].label), answer_shown(steps[f], answers[f])), separator=": ")
            for f in self.answered(turn)
        ]
        texts = (*lead, turn.text(self.text, self), *lines, TextRef(T.SUMMARY_QUESTION))
        return SendMessage(texts, turn.languages(), tuple(numbered([TextRef(key) for _, key in ANSWERS])))

    def answer(self, turn: "Turn", given: "Input") -> None:
        if turn.run.phase == PICK:
            return self.pick_field(turn, given)
        chosen = turn.match(self.id, given)
        if chosen is None:
            return turn.miss(self, given)
        if chosen == "yes":
            return turn.accept(self, True, self.next)
        turn.run.misses, turn.run.phase = 0, PICK
        turn.send(self.prompt(turn, []))

    def pick_field(self, turn: "Turn", given: "Input") -> None:
        # Numbered as shown: only the fields that have an answer.
        label_words = turn.words(self.fields_key)
        words = {f: (n, label_words[f][1]) for n, f in enumerate(self.answered(turn), start=1)}
        picked = match_choice(given.text, given.button_payload, words)
        if picked is None:
            return turn.miss(self, given)
        run = turn.run
        run.misses, run.phase, run.return_to = 0, None, self.id
        run.step_id = None  # entering the field's step fresh
        turn.run_from(picked)
