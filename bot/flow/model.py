"""What a loaded flow, a session and an input look like to the engine."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# Step types that wait for an answer.
QUESTION_TYPES = frozenset(
    {"choose_language", "confirm_language", "choose_appointment", "choice", "yes_no", "multi_choice", "text", "summary"}
)
# Step types that act and move on.
ACTION_TYPES = frozenset({"message", "branch", "signal", "escalate", "start_flow", "end"})
STEP_TYPES = QUESTION_TYPES | ACTION_TYPES
# What a `signal` step may announce; the bot knows how to apply each.
SIGNALS = frozenset({"consent_given", "consent_refused", "appointment_confirmed", "absence_cancel", "absence_late"})


@dataclass(frozen=True)
class Choice:
    id: str
    text: str  # catalog key of its label
    next: str | None = None  # a branch; else the step's own `next`


@dataclass(frozen=True)
class Rule:
    """`branch` rule: go to `next` when the answer or fact `name` is one of `values` (or set, if none given)."""

    source: str  # "answer" or "fact"
    name: str
    values: tuple[Any, ...]
    next: str

    def holds(self, answers: dict[str, Any], facts: dict[str, Any]) -> bool:
        value = (answers if self.source == "answer" else facts).get(self.name)
        return value in self.values if self.values else value not in (None, False, "", [])


@dataclass(frozen=True)
class Step:
    id: str
    type: str
    text: str | None = None
    label: str | None = None  # short name of the answer in summaries
    next: str | None = None
    choices: tuple[Choice, ...] = ()
    languages: tuple[str, ...] = ()
    optional: bool = False
    translate: bool = True
    rules: tuple[Rule, ...] = ()
    otherwise: str | None = None
    fields: tuple[str, ...] = ()
    flow: str | None = None
    signal: str | None = None
    no: str | None = None  # confirm_language: where "another language" leads (`on_another`);
    # choose_appointment: where having no appointment leads (`on_none`)
    # The fact (a mapping) whose values fill the text's {placeholders}, e.g. "appointment".
    params: str | None = None
    # A value of that fact that is a link to a picture to send along, e.g. "photo".
    media: str | None = None

    def targets(self) -> tuple[str, ...]:
        branches = (*(c.next for c in self.choices), *(r.next for r in self.rules))
        candidates = (self.next, self.otherwise, self.no, *branches)
        return tuple(dict.fromkeys(t for t in candidates if t))


# choice id -> (its number, the normalised words in any language that pick it)
ChoiceWords = dict[str, tuple[int, frozenset[str]]]


@dataclass(frozen=True)
class Flow:
    id: str
    start: str
    steps: dict[str, Step]
    source: Path
    # Languages the prompts are shown in while the participant's own is unknown.
    fallback_languages: tuple[str, ...]
    # step id -> choice id -> normalised words (in every language) that pick it.
    choice_words: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)


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


@dataclass(frozen=True)
class Input:
    text: str = ""
    button_payload: str | None = None
    media_count: int = 0


@dataclass
class Session:
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

    @property
    def ended(self) -> bool:
        return self.step_id is None

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
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Session":
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
        )
