"""The tables: coordinators, participants, messages, flow sessions, intakes, translations, escalations
and their history, appointments, reminders, absences, and when periodic chores last ran."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _utc_column(nullable: bool = True) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    SMS = "sms"


# Coordinators may also be told by e-mail (never newcomers).
EMAIL = "email"


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class Coordinator(SQLModel, table=True):
    """Whoever guides a newcomer and hears about absences: begeleider, centre staff, consulent."""

    __tablename__ = "coordinator"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=20, description="E.164")
    channel: str = Field(default="whatsapp", max_length=10)
    email: str | None = Field(default=None, max_length=200)
    # Gets the escalations of newcomers without their own coordinator, and hand-overs.
    on_duty: bool = Field(default=False)
    # For WhatsApp's 24-hour window, as for participants.
    last_inbound_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Participant(SQLModel, table=True):
    """A newcomer, known by phone number; nothing more is kept before consent."""

    __tablename__ = "participant"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20, unique=True, index=True, description="E.164")
    channel: str = Field(max_length=10)
    language: str | None = Field(default=None, max_length=8)
    name: str | None = Field(default=None, max_length=100)
    # Said yes to reminders (kennismaking or the centre); None until asked.
    reminders: bool | None = Field(default=None)
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id")
    consent_given_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # Said 'stop': nothing is sent until they write again.
    stopped_at: datetime | None = Field(default=None, sa_column=_utc_column())
    last_inbound_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # How often they are asked how it goes (bot/checkins.py); from the kennismaking, a coordinator may change it.
    checkin_rhythm: str | None = Field(default=None, max_length=20)
    # The holidays they keep (bot/holidays.py): no check-ins then, appointments on them flagged.
    holidays: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # Their volunteering ended (bot/ending.py): nothing more is planned, the retention clock starts.
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column())
    end_reason: str | None = Field(default=None, max_length=20, description="newcomer, term or organisation")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Message(SQLModel, table=True):
    """One message in or out, stored before it is handled or sent."""

    __tablename__ = "message"
    __table_args__ = (UniqueConstraint("twilio_sid", name="uq_message_twilio_sid"),)

    id: int | None = Field(default=None, primary_key=True)
    # The other side: a participant, or a coordinator being told something.
    participant_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id")
    direction: str = Field(max_length=3)
    channel: str = Field(max_length=10)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    button_payload: str | None = Field(default=None, max_length=256)
    num_media: int = Field(default=0)
    media: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    twilio_sid: str | None = Field(default=None, max_length=64)
    # A message that may go out as a WhatsApp template outside the 24-hour window:
    # the template's name and the values of its variables.
    template: str | None = Field(default=None, max_length=40)
    template_params: dict | None = Field(default=None, sa_column=Column(JSON))
    # How it went out (e.g. "whatsapp", "whatsapp_template:nl", "sms"), and what it replaces.
    route: str | None = Field(default=None, max_length=40)
    fallback_of_id: int | None = Field(default=None, foreign_key="message.id")
    # A message relayed between a newcomer and a coordinator, and both its texts:
    # {"original", "language", "dutch", "status"} (see bot/own_words.py).
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id", index=True)
    translation: dict | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    status: str = Field(max_length=20)
    error_code: int | None = Field(default=None)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_column=_utc_column())
    processed_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class FlowRun(SQLModel, table=True):
    """Where a participant is in a dialogue: the engine's serialised run (bot/flow/model.py)."""

    __tablename__ = "flow_session"  # its name from before the model was renamed; no migration needed

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


class EscalationStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Escalation(SQLModel, table=True):
    """A newcomer a person should talk to; shown to people as `#<id>`.

    One stays open per participant and collects further reasons, so a coordinator
    gets one thread, not a new alarm for every message.
    """

    __tablename__ = "escalation"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    # The first reason; `reasons` holds every reason added while it was open.
    reason: str = Field(max_length=32)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    priority: int = Field(default=2, description="1 urgent, 2 normal, 3 low")
    status: str = Field(default=EscalationStatus.OPEN, max_length=12, index=True)
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id", index=True)
    flow_id: str = Field(max_length=64)
    step_id: str | None = Field(default=None, max_length=64)
    # What the coordinator needs to see, e.g. the question asked or the absences counted.
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    # Who did it: "coordinator:3", "user:5", "participant" or "system".
    acknowledged_at: datetime | None = Field(default=None, sa_column=_utc_column())
    acknowledged_by: str | None = Field(default=None, max_length=40)
    resolved_at: datetime | None = Field(default=None, sa_column=_utc_column())
    resolved_by: str | None = Field(default=None, max_length=40)
    # A notice to send to the coordinator ("opened", "reason_added", "renotify", "to_duty"):
    # stored first, so a lost job is found again by the dispatcher.
    notice_due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    notice_kind: str | None = Field(default=None, max_length=16)
    # When the coordinator is reminded (office hours counted), and how often it happened.
    renotify_at: datetime | None = Field(default=None, sa_column=_utc_column())
    renotified: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class EscalationEvent(SQLModel, table=True):
    """What happened to an escalation, by whom and when: its history."""

    __tablename__ = "escalation_event"

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    at: datetime = Field(sa_column=_utc_column(False))
    actor: str = Field(max_length=40)
    # opened, reason_added, notified, renotified, acknowledged, resolved, handed_over,
    # relayed_to_newcomer, relayed_to_coordinator
    action: str = Field(max_length=32)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))


class AppointmentKind(StrEnum):
    KENNISMAKING = "kennismaking"
    WORK = "work"
    CONSULENT = "consulent"
    OTHER = "other"


class AppointmentStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    LATE = "late"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class AppointmentBase(SQLModel):
    """What whoever makes an appointment gives, declared once: the table below, the API's
    AppointmentIn and AppointmentOut (bot/api.py) and NewAppointment (bot/appointments.py)."""

    participant_id: int = Field(foreign_key="participant.id", index=True)
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id")
    kind: str = Field(max_length=20)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ends_at: datetime = Field(sa_column=_utc_column(False))
    place_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    entrance_photo_url: str | None = Field(default=None, max_length=500)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    rrule: str | None = Field(default=None, max_length=500)


class Appointment(AppointmentBase, table=True):
    """One meeting or work day-part; a recurring schedule is stored as its occurrences."""

    __tablename__ = "appointment"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=AppointmentStatus.PLANNED, max_length=20)
    # Occurrences of one recurring schedule share a series id and its RRULE.
    series_id: str | None = Field(default=None, max_length=36, index=True)
    # The newcomer's first appointment is confirmed to them once (route, photo, trusted person).
    confirmation_sent_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Reminder(SQLModel, table=True):
    """A reminder to send at `due_at`; the dispatcher claims it once."""

    __tablename__ = "reminder"
    # Per due time: a rescheduled appointment gets new reminders, the sent ones stay as the record.
    __table_args__ = (
        UniqueConstraint("appointment_id", "kind", "due_at", name="uq_reminder_appointment_kind_due"),
        # The dispatcher's claim reads only reminders still to send: the index holds no others, so
        # a drain of 100,000 does not walk past the ones already claimed (migration 0012).
        Index(
            "ix_reminder_scheduled_due_at",
            "due_at",
            postgresql_where=text("status = 'scheduled'"),
            sqlite_where=text("status = 'scheduled'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    kind: str = Field(max_length=20)
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    status: str = Field(default="scheduled", max_length=20, index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    claimed_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Absence(SQLModel, table=True):
    """A cancellation or lateness reported by the newcomer, with their reason."""

    __tablename__ = "absence"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    appointment_id: int = Field(foreign_key="appointment.id")
    kind: str = Field(max_length=10)  # "cancel" or "late"
    reason: str | None = Field(default=None, max_length=30)
    # Own words, as {"original", "language", "dutch", "status"} like intake answers.
    own_words: dict | None = Field(default=None, sa_column=Column(JSON))
    minutes_late: int | None = Field(default=None)
    too_late: bool = Field(default=False)
    reported_at: datetime = Field(sa_column=_utc_column(False))


class Role(StrEnum):
    CENTRE = "centre"  # sees every participant and escalation
    BEGELEIDER = "begeleider"  # sees only their coordinator's participants and escalations


class User(SQLModel, table=True):
    """Someone of the centre who logs in to the dashboard."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True, index=True, description="lower case")
    name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    # A begeleider is the coordinator whose participants they see.
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id")
    password_hash: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class LoginAttempt(SQLModel, table=True):
    """A failed login, counted per e-mail address and per client to slow down guessing."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, index=True)
    client: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class AuditEntry(SQLModel, table=True):
    """Who changed what in the dashboard, when, and about which participant."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    participant_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    action: str = Field(max_length=40)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(sa_column=_utc_column(False))


class Maintenance(SQLModel, table=True):
    """When a periodic chore (e.g. retention) last ran: one dispatcher of many does it."""

    __tablename__ = "maintenance"

    name: str = Field(primary_key=True, max_length=40)
    last_run_at: datetime = Field(sa_column=_utc_column(False))


class CheckIn(SQLModel, table=True):
    """A "how did it go?" to send at `due_at`, claimed once like a reminder, and its answers."""

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("participant_id", "due_at", name="uq_checkin_participant_due"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # scheduled, claimed, sent, answered, unanswered, skipped
    status: str = Field(default="scheduled", max_length=12, index=True)
    # Every third also asks whether the work fits and whether they learn what they hoped.
    extended: bool = Field(default=False)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    claimed_at: datetime | None = Field(default=None, sa_column=_utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column())
    answered_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # good, okay, not_good, or None with their own words in `answers`
    mood: str | None = Field(default=None, max_length=10)
    # fits, learning, words ({"original", "language", "dutch", "status"}), wants_person, contact_way, with_whom
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    thanked: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
