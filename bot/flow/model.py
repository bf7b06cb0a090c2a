"""What a loaded flow, a run through the dialogues and an input look like to the engine."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.flow.steps import Step
from bot.flow.words import ChoiceWords


@dataclass(frozen=True)
class Flow:
    id: str
    start: str
    steps: dict[str, Step]
    source: Path
    # Languages the prompts are shown in while the participant's own is unknown.
    fallback_languages: tuple[str, ...]
    # step id -> choice id -> normalised words (in every language) that pick it.
    choice_words: dict[str, ChoiceWords] = field(default_factory=dict)
    # What the host makes of the flow's outputs when it ends (see bot/flow/outputs.py).
    produces: str | None = None

    def step_saving(self, output: str) -> Step | None:
        """The step whose answer is saved as `output`, if any."""
        return next((s for s in self.steps.values() if s.output() == output), None)


@dataclass(frozen=True)
class FlowBook:
    """All flows the engine may move between, and the words that work everywhere."""

    flows: dict[str, Flow]
    entry: str
    # action -> normalised words (in every language), e.g. "help" -> {"hulp", "help", "مساعدة", ...}
    global_words: dict[str, frozenset[str]]
    # Per skip-able step: words meaning "skip" (in every language).
    skip_words: frozenset[str]
    session_timeout: timedelta = timedelta(days=7)
    # intent -> its phrases as normalised words, in every language (bot/flow/intents.py)
    intent_phrases: dict[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    # The answers to a yes/no question the engine asks itself ("Do you want to cancel...?").
    yes_no_words: ChoiceWords = field(default_factory=dict)

    def producer(self, product: str) -> Flow:
        """The flow that produces `product` (the loader makes sure there is at most one)."""
        return next(f for f in self.flows.values() if f.produces == product)


@dataclass(frozen=True)
class Input:
    text: str = ""
    button_payload: str | None = None
    media_count: int = 0
    # A voice note among the media: where choices are asked, they come again to tap or send.
    voice: bool = False


@dataclass
class Run:
    """A participant's place in the dialogues; plain data so it can be stored as JSON."""

    flow_id: str
    step_id: str | None
    language: str | None
    updated_at: datetime
    misses: int = 0
    answers: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    # Where to go back to when an interrupting flow (e.g. the language menu) ends.
    stack: list[dict[str, str]] = field(default_factory=list)
    # A summary the participant is correcting: come back to it after the answer.
    return_to: str | None = None
    # A sub-state of the current step, e.g. a summary asking which answer to change.
    phase: str | None = None
    # An intent heard in a sentence, waiting for "yes" before it is acted on.
    intent: str | None = None

    @property
    def ended(self) -> bool:
        return self.step_id is None and self.intent is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow_id": self.flow_id,
            "step_id": self.step_id,
            "language": self.language,
            "updated_at": self.updated_at.isoformat(),
            "misses": self.misses,
            "answers": dict(self.answers),
            "facts": dict(self.facts),
            "stack": [dict(f) for f in self.stack],
            "return_to": self.return_to,
            "phase": self.phase,
            "intent": self.intent,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Run":
        return cls(
            flow_id=data["flow_id"],
            step_id=data.get("step_id"),
            language=data.get("language"),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            misses=int(data.get("misses", 0)),
            answers=dict(data.get("answers", {})),
            facts=dict(data.get("facts", {})),
            stack=[dict(f) for f in data.get("stack", [])],
            return_to=data.get("return_to"),
            phase=data.get("phase"),
            intent=data.get("intent"),
        )
