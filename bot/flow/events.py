"""Events the engine emits; the bot applies them (send, store, escalate, ...)."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TextRef:
    """A catalog text. `language` pins it to one language (a language's own name)."""

    key: str
    language: str | None = None
    params: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Literal:
    """The participant's own words, shown as they wrote them (isolated in RTL text)."""

    text: str


@dataclass(frozen=True)
class Line:
    """One line made of parts, e.g. a summary line: label, separator, answer.

    `listed` joins the parts as a list in the reader's language ("A, B en C").
    """

    parts: tuple["TextRef | Literal | Line", ...]
    separator: str = ""
    listed: bool = False


@dataclass(frozen=True)
class Option:
    number: int
    label: TextRef | Literal


@dataclass(frozen=True)
class SendMessage:
    """Texts to send in one message, in `languages` (more than one while unknown)."""

    texts: tuple[TextRef | Line, ...]
    languages: tuple[str, ...]
    options: tuple[Option, ...] = ()
    media: tuple[str, ...] = ()  # links to pictures sent along
    # The question it asks ("herinnering/reminder"), so WhatsApp can offer its choices as buttons.
    asks: str | None = None


@dataclass(frozen=True)
class LanguageChosen:
    language: str


@dataclass(frozen=True)
class Signal:
    """A fact about the participant to record, e.g. 'consent_given'.

    `about` is the id of the appointment the dialogue is about, if any.
    """

    name: str
    about: str | None = None


@dataclass(frozen=True)
class Escalate:
    """A person should look at this conversation."""

    reason: str  # "asked_for_person" or "not_understood"
    flow_id: str
    step_id: str | None


@dataclass(frozen=True)
class Stopped:
    """The participant said stop: no more messages until they write again."""


@dataclass(frozen=True)
class FlowEnded:
    flow_id: str
    answers: dict[str, Any] = field(default_factory=dict, hash=False)
    completed: bool = True
    # What the dialogue knew at its end, e.g. the appointment being cancelled.
    facts: dict[str, Any] = field(default_factory=dict, hash=False)
    # The flow's product and its outputs by name (bot/flow/outputs.py): what the host reads.
    produces: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict, hash=False)


Event = SendMessage | LanguageChosen | Signal | Escalate | Stopped | FlowEnded
