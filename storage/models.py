"""The tables: coordinators, participants, messages, flow sessions, intakes, translations, escalations
and their history, appointments, reminders, absences, and when periodic chores last ran."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Column, Index, Text, UniqueConstraint, false, text
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
    # The centre registered them (API, CSV) rather than they wrote first; and whether it recorded their consent.
    registered_by_centre: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    consent_via_centre: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # When the bot first wrote to someone the centre registered: who it is, and consent where missing.
    introduced_at: datetime | None = Field(default=None, sa_column=_utc_column())
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
    # How they prefer to be reached (the kennismaking): whatsapp_text, voice, phone_call or paper.
    # 'voice' brings a recorded voice note before each text that has one (bot/voice_notes.py).
    contact: str | None = Field(default=None, max_length=20)
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
    # The question it asks ("herinnering/reminder") and its text's values: on WhatsApp its choices
    # may go as buttons or a list (bot/whatsapp_content.py).
    question: str | None = Field(default=None, max_length=120)
    question_params: dict | None = Field(default=None, sa_column=Column(JSON))
    # How it went out (e.g. "whatsapp", "whatsapp_template:nl", "sms"), and what it replaces.
    route: str | None = Field(default=None, max_length=40)
    fallback_of_id: int | None = Field(default=None, foreign_key="message.id")
    # The message this one goes just before, which waits for it (bot/ordering.py): a voice note
    # before the text it speaks, a lead ("not understood") before the question asked again.
    goes_before_id: int | None = Field(default=None, foreign_key="message.id", index=True)
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
    AMBASSADOR = "ambassador"  # sees only their own recruitment figures, no newcomer's data


class User(SQLModel, table=True):
    """Someone of the centre who logs in to the dashboard."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True, index=True, description="lower case")
    name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    # A begeleider is the coordinator whose participants they see.
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id")
    # An ambassador (or a community source) whose own figures this account sees.
    referrer_id: int | None = Field(default=None, foreign_key="referrer.id")
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


class WhatsAppContent(SQLModel, table=True):
    """A question's choices as a Twilio Content resource, per language and text version.

    Made by `bot whatsapp sync`; sending only looks them up. `kind` is 'session' (inside the
    24-hour window) or 'template' (for WhatsApp's approval, to go outside it).
    """

    __tablename__ = "whatsapp_content"
    __table_args__ = (UniqueConstraint("question", "language", "kind", "version", name="uq_whatsapp_content_version"),)

    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(max_length=120)
    language: str = Field(max_length=8)
    kind: str = Field(max_length=10)
    # A hash of everything the resource shows: a changed text is a new version.
    version: str = Field(max_length=16)
    content_sid: str = Field(max_length=34)
    content_type: str = Field(max_length=30)
    # The WHATSAPP_TEMPLATES name it serves as, and WhatsApp's answer to the approval request.
    template: str | None = Field(default=None, max_length=40)
    approval_status: str | None = Field(default=None, max_length=20)
    approval_checked_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class ReferrerKind(StrEnum):
    AMBASSADOR = "ambassador"
    SOURCE = "source"  # a community association that passes on contacts


class Referrer(SQLModel, table=True):
    """An ambassador or a community source that brings newcomers, known to them by its code."""

    __tablename__ = "referrer"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    name: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=20, description="E.164")
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # Ambassadors work in pairs; each side points at the other.
    partner_id: int | None = Field(default=None, foreign_key="referrer.id")
    neighbourhood: str = Field(default="", max_length=100)
    active: bool = Field(default=True)
    code: str = Field(max_length=12, unique=True, description="e.g. WK-7KQ3, stored upper case")
    # Counted against this in every review period without a target of its own (ReferrerTarget).
    target_per_period: int = Field(default=0, ge=0)
    # Where "someone you invited has arrived" goes: the coordinator row with their number
    # (an ambassador may be a coordinator too; otherwise one is made for their notices).
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id")
    # That row was made only for these notices: it is left out where the centre picks a coordinator.
    coordinator_made: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class ReferrerTarget(SQLModel, table=True):
    """A personal target for one review period, where it differs from the usual one."""

    __tablename__ = "referrer_target"
    __table_args__ = (UniqueConstraint("referrer_id", "period_start", name="uq_referrer_target_period"),)

    id: int | None = Field(default=None, primary_key=True)
    referrer_id: int = Field(foreign_key="referrer.id", index=True)
    period_start: date
    target: int = Field(ge=0)


class Referral(SQLModel, table=True):
    """A newcomer who arrived with a referrer's code: personal data, erased with the newcomer."""

    __tablename__ = "referral"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True)
    referrer_id: int = Field(foreign_key="referrer.id", index=True)
    arrived_at: datetime = Field(sa_column=_utc_column(False))
    # The newcomer said yes to telling the referrer that they arrived, and the notice stored then.
    may_tell_at: datetime | None = Field(default=None, sa_column=_utc_column())
    told_message_id: int | None = Field(default=None, foreign_key="message.id")
    # Set by hand by the centre: the integration plan was signed (the seed's measure).
    plan_signed_at: datetime | None = Field(default=None, sa_column=_utc_column())


class Placement(SQLModel, table=True):
    """What the papers need beyond the kennismaking and the appointments, given by the centre.

    One per participant (`bot document details`): their role and tasks for the getuigschrift,
    what to bring, breaks and lunch, and the consulent's contact details for the werkafspraken.
    """

    __tablename__ = "placement"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True)
    role: str = Field(default="", max_length=100)
    # Tasks in Dutch, as the getuigschrift lists them.
    tasks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # Ids of things to bring (bot/documents/werkafspraken.py BRING): texts in every language.
    bring: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    break_minutes: int | None = Field(default=None)
    # "own" (bring your own) or "provided"; None when not agreed.
    lunch: str | None = Field(default=None, max_length=10)
    consulent_name: str = Field(default="", max_length=100)
    consulent_phone: str = Field(default="", max_length=20)
    consulent_email: str = Field(default="", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))


class Ending(SQLModel, table=True):
    """The ending dialogue (afronden) of one participant: why it ended and what they answered.

    Own words are kept as {"original", "language", "dutch", "status"}, like the kennismaking's,
    so the coordinator sees them beside the Dutch.
    """

    __tablename__ = "ending"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True)
    reason: str = Field(max_length=20, description="newcomer, term or organisation")
    language: str = Field(max_length=8)
    started_at: datetime = Field(sa_column=_utc_column(False))
    # When its first question was stored to send (claimed once: a job run twice asks once).
    asked_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # When they finished the dialogue; None while it waits for their answers.
    answered_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # By output name (flows/afronden.yaml): went_well, went_well_words, better, come_back, papers, answered.
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    # The centre's text for the consulent (ENDING_CONSULENT_NOTE) as it was when the dialogue started.
    consulent_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # When the coordinator was sent the summary (once).
    notified_at: datetime | None = Field(default=None, sa_column=_utc_column())
