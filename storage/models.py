"""The tables: participants, their messages and their flow sessions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _utc_column(nullable: bool = True) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    SMS = "sms"


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class Participant(SQLModel, table=True):
    """A newcomer, known by phone number; nothing more is kept before consent."""

    __tablename__ = "participant"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20, unique=True, index=True, description="E.164")
    channel: str = Field(max_length=10)
    language: str | None = Field(default=None, max_length=8)
    consent_given_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # Said 'stop': nothing is sent until they write again.
    stopped_at: datetime | None = Field(default=None, sa_column=_utc_column())
    last_inbound_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Message(SQLModel, table=True):
    """One message in or out, stored before it is handled or sent."""

    __tablename__ = "message"
    __table_args__ = (UniqueConstraint("twilio_sid", name="uq_message_twilio_sid"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    direction: str = Field(max_length=3)
    channel: str = Field(max_length=10)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    button_payload: str | None = Field(default=None, max_length=256)
    num_media: int = Field(default=0)
    media: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    twilio_sid: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=20)
    error_code: int | None = Field(default=None)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_column=_utc_column())
    processed_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class FlowSession(SQLModel, table=True):
    """Where a participant is in a dialogue: the engine's serialised session."""

    __tablename__ = "flow_session"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True)
    flow_id: str = Field(max_length=64)
    state: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Intake(SQLModel, table=True):
    """The confirmed kennismaking answers of one participant (the latest confirmation).

    Free-text answers are stored as {"original", "language", "dutch", "status"} so the
    coordinator always sees the newcomer's own words beside the translation.
    """

    __tablename__ = "intake"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True)
    language: str = Field(max_length=8)
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Free-text answers still waiting for a Dutch translation; the dispatcher retries them.
    untranslated: int = Field(default=0, index=True)
    confirmed_at: datetime = Field(sa_column=_utc_column(False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class CachedTranslation(SQLModel, table=True):
    """A translation already fetched, keyed by a hash of provider, languages and text."""

    __tablename__ = "cached_translation"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, description="sha256 hex")
    provider: str = Field(max_length=20)
    translated_text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Escalation(SQLModel, table=True):
    """A conversation a person should look at: asked for help, or not understood twice."""

    __tablename__ = "escalation"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    reason: str = Field(max_length=32)
    flow_id: str = Field(max_length=64)
    step_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    resolved_at: datetime | None = Field(default=None, sa_column=_utc_column())
