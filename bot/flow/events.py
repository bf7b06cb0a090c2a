"""Events the engine emits; the bot applies them (send, store, ...)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextRef:
    """A catalog text. `language` pins it to one language (a language's own name)."""

    key: str
    language: str | None = None
    params: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Option:
    number: int
    label: TextRef


@dataclass(frozen=True)
class SendMessage:
    """Texts to send in one message, in `languages` (more than one while unknown)."""

    texts: tuple[TextRef, ...]
    languages: tuple[str, ...]
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class LanguageChosen:
    language: str


@dataclass(frozen=True)
class FlowEnded:
    flow_id: str


Event = SendMessage | LanguageChosen | FlowEnded
