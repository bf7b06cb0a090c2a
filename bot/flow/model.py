"""What a loaded flow, a session and an input look like to the engine."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Step:
    id: str
    type: str
    text: str | None = None
    next: str | None = None
    languages: tuple[str, ...] = ()
    if_language_known: str | None = None

    def targets(self) -> tuple[str, ...]:
        return tuple(t for t in (self.next, self.if_language_known) if t)


@dataclass(frozen=True)
class Flow:
    id: str
    start: str
    steps: dict[str, Step]
    source: Path
    # Languages the prompt is shown in while the participant's own is unknown.
    fallback_languages: tuple[str, ...]
    # Per language code: every normalised word that names it (own script, codes, CLDR names).
    language_words: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Input:
    text: str = ""
    button_payload: str | None = None
    media_count: int = 0


@dataclass
class Session:
    """A participant's place in one flow; plain data so it can be stored as JSON."""

    flow_id: str
    step_id: str | None
    language: str | None
    misses: int = 0
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.step_id is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow_id": self.flow_id,
            "step_id": self.step_id,
            "language": self.language,
            "misses": self.misses,
            "answers": dict(self.answers),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Session":
        return cls(
            flow_id=data["flow_id"],
            step_id=data.get("step_id"),
            language=data.get("language"),
            misses=int(data.get("misses", 0)),
            answers=dict(data.get("answers", {})),
        )
