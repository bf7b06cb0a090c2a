"""Query helpers. Each takes the session, so callers own the transaction."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, func, select

from storage.models import (
    Appointment,
    Coordinator,
    Direction,
    FlowRun,
    Intake,
    Maintenance,
    Message,
    Participant,
    Reminder,
    WhatsAppContent,
)


@dataclass(frozen=True)
class Inbound:
    """An inbound message as Twilio described it."""

    sid: str
    channel: str
    body: str
    button_payload: str | None = None
    media: list[dict] = field(default_factory=list)


# Outbound statuses of our own until Twilio takes the message, then Twilio's own
# (the life cycle is bot.outbound's). Unsure: Twilio may have it, look it up first.
PENDING, SUBMITTING, RETRYING, UNSURE, FAILED = "pending", "submitting", "retrying", "unsure", "failed"
RECEIVED = "received"
# The advisory-lock class of "handling this participant's messages" (PostgreSQL).
_HANDLING_LOCK = 1


def _insert_for(session: Session, model: type[SQLModel]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _insert_ignoring_conflict(session: Session, model: type[SQLModel], values: dict, key: str) -> bool:
    """INSERT that does nothing when a row with the same unique `key` exists.

    Webhooks may arrive twice at once (Twilio retries); a plain select-then-insert
    would race, so the database decides.
    """
    statement = _insert_for(session, model).values(**values).on_conflict_do_nothing(index_elements=[key])
    # RETURNING tells whether a row went in; rowcount is -1 on PostgreSQL here.
    return session.execute(statement.returning(getattr(model, key))).first() is not None


def participant_by_phone(session: Session, phone: str) -> Participant | None:
    return session.exec(select(Participant).where(Participant.phone == phone)).first()


def coordinator_by_phone(session: Session, phone: str) -> Coordinator | None:
    return session.exec(select(Coordinator).where(Coordinator.phone == phone).order_by(Coordinator.id)).first()


def intake_of(session: Session, participant_id: int) -> Intake | None:
    return session.exec(select(Intake).where(Intake.participant_id == participant_id)).first()


def get_or_create_participant(session: Session, phone: str, channel: str, now: datetime) -> Participant:
    values = {"phone": phone, "channel": channel, "created_at": now}
    _insert_ignoring_conflict(session, Participant, values, "phone")
    participant = participant_by_phone(session, phone)
    assert participant is not None
    return participant


def participant_for_inbound(session: Session, phone: str, channel: str, now: datetime) -> Participant:
    """The sender of an inbound message, made or updated by one upsert (the webhook's hot path):
    the channel they last used, and when they last wrote."""
    insert = _insert_for(session, Participant).values(phone=phone, channel=channel, created_at=now, last_inbound_at=now)
    latest = case(
        (Participant.last_inbound_at.is_(None), insert.excluded.last_inbound_at),
        (Participant.last_inbound_at < insert.excluded.last_inbound_at, insert.excluded.last_inbound_at),
        else_=Participant.last_inbound_at,
    )
    statement = insert.on_conflict_do_update(
        index_elements=["phone"], set_={"channel": insert.excluded.channel, "last_inbound_at": latest}
    ).returning(Participant)
    return session.scalars(statement, execution_options={"populate_existing": True}).one()


def record_inbound(
    session: Session, sender: Participant | Coordinator, inbound: Inbound, now: datetime
) -> tuple[Message, bool]:
    """Store an inbound message once per Twilio SID, from a newcomer or a coordinator; (message, is_new)."""
    from_participant = isinstance(sender, Participant)
    values: dict[str, Any] = {
        "participant_id": sender.id if from_participant else None,
        "coordinator_id": None if from_participant else sender.id,
        "direction": Direction.INBOUND,
        "channel": inbound.channel,
        "body": inbound.body,
        "button_payload": inbound.button_payload,
        "num_media": len(inbound.media),
        "media": inbound.media,
        "twilio_sid": inbound.sid,
        "status": RECEIVED,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    # One round trip for a new message; a repeated SID (Twilio retried) reads the stored one.
    statement = _insert_for(session, Message).values(**values).on_conflict_do_nothing(index_elements=["twilio_sid"])
    message = session.scalars(statement.returning(Message)).first()
    is_new = message is not None
    message = message or message_by_sid(session, inbound.sid)
    assert message is not None
    # People move between SMS and WhatsApp; answer on the channel they last used
    # (a coordinator who chose e-mail keeps it).
    if from_participant or sender.channel != "email":
        sender.channel = inbound.channel
    sender.last_inbound_at = max(filter(None, [sender.last_inbound_at, now]))
    session.add(sender)
    return message, is_new


def message_by_sid(session: Session, sid: str) -> Message | None:
    return session.exec(select(Message).where(Message.twilio_sid == sid)).first()


def inbound_count_since(session: Session, participant_id: int, since: datetime) -> int:
    statement = select(func.count(Message.id)).where(
        Message.participant_id == participant_id, Message.direction == Direction.INBOUND, Message.created_at > since
    )
    return session.exec(statement).one()


def claim_inbound(session: Session, message_id: int, now: datetime) -> Message | None:
    """Mark an inbound message handled; None when another run already did.

    The conditional UPDATE takes the row (PostgreSQL) or the write lock (SQLite)
    until commit, so a second run of the same job waits and then finds it done.
    A failed run rolls back and leaves the message for the sweeper.
    """
    result = session.execute(
        update(Message)
        .where(Message.id == message_id, Message.direction == Direction.INBOUND, Message.processed_at.is_(None))
        .values(processed_at=now, updated_at=now)
    )
    return session.get(Message, message_id) if result.rowcount == 1 else None


def lock_participant_of(session: Session, message_id: int) -> None:
    """Hold the message's participant until commit: their messages are handled one at a time.

    PostgreSQL: a transaction-level advisory lock on the participant, not a row lock, so
    the webhook can still store their next message meanwhile. SQLite has one writer at a
    time; BEGIN IMMEDIATE takes that lock before the first read, not at the first write.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
        return
    participant_id = select(Message.participant_id).where(Message.id == message_id).scalar_subquery()
    session.execute(select(func.pg_advisory_xact_lock(_HANDLING_LOCK, participant_id)))


def lock_participant(session: Session, participant_id: int) -> None:
    """The same lock, for the bot speaking first (a reminder, a check-in) in a transaction that
    has already written: it must not start its dialogue while a job is in the middle of one.
    SQLite needs nothing more: that transaction holds the one write lock already."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(func.pg_advisory_xact_lock(_HANDLING_LOCK, participant_id)))


def oldest_unhandled_before(session: Session, message_id: int) -> Message | None:
    """The oldest unhandled inbound message of this message's participant, while this one is unhandled."""
    message = session.get(Message, message_id)
    if message is None or message.processed_at is not None:
        return None
    statement = (
        select(Message)
        .where(Message.participant_id == message.participant_id, Message.direction == Direction.INBOUND)
        .where(Message.processed_at.is_(None), Message.id <= message_id)
        .order_by(Message.id)
        .limit(1)
    )
    return session.exec(statement).first()


def add_replacement(session: Session, original: Message, now: datetime, **fields: Any) -> Message:
    """A pending message to the same recipient that stands in for `original` (`fallback_of_id`),
    e.g. the same text by SMS, or the text a template only announced; `fields` say what differs."""
    values = {
        "participant_id": original.participant_id,
        "coordinator_id": original.coordinator_id,
        "direction": original.direction,
        "channel": original.channel,
        "body": original.body,
        **fields,
    }
    message = Message(**values, fallback_of_id=original.id, status=PENDING, created_at=now, updated_at=now)
    session.add(message)
    session.flush()
    return message


def claim_relay(session: Session, message_id: int, translation: dict) -> bool:
    """Mark a newcomer's message as passed on to the coordinator; only one job ever wins."""
    result = session.execute(
        update(Message).where(Message.id == message_id, Message.translation.is_(None)).values(translation=translation)
    )
    return result.rowcount == 1


def unrelayed_inbound(session: Session, older_than: datetime, limit: int = 100) -> Sequence[int]:
    """Newcomers' messages for a coordinator whose relay job was lost."""
    statement = (
        select(Message.id)
        .where(Message.direction == Direction.INBOUND, Message.escalation_id.is_not(None))
        .where(Message.participant_id.is_not(None), Message.translation.is_(None))
        .where(Message.processed_at <= older_than)
        .order_by(Message.id)
        .limit(limit)
    )
    return session.exec(statement).all()


def add_outbound(
    session: Session, recipient: Participant | Coordinator, body: str, now: datetime, media: list[dict] | None = None
) -> Message:
    """Store a message to send, to a newcomer or to a coordinator, before it is sent."""
    to_participant = isinstance(recipient, Participant)
    message = Message(
        participant_id=recipient.id if to_participant else None,
        coordinator_id=None if to_participant else recipient.id,
        direction=Direction.OUTBOUND,
        channel=recipient.channel,
        body=body,
        media=media or [],
        status=PENDING,
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    session.flush()
    return message


def unsent_before(session: Session, message_id: int) -> Sequence[int]:
    """Messages to the same participant stored before this one and not yet handed to a sender."""
    participant_id = select(Message.participant_id).where(Message.id == message_id).scalar_subquery()
    statement = (
        select(Message.id)
        .where(Message.participant_id == participant_id, Message.direction == Direction.OUTBOUND)
        .where(Message.status == PENDING, Message.id < message_id)
        .order_by(Message.id)
    )
    return session.exec(statement).all()


def unprocessed_inbound(session: Session, older_than: datetime, limit: int = 100) -> Sequence[int]:
    """Inbound messages stored but never handled, e.g. after a crash or lost job."""
    statement = (
        select(Message.id)
        .where(Message.direction == Direction.INBOUND, Message.processed_at.is_(None))
        .where(Message.created_at <= older_than)
        .order_by(Message.id)
        .limit(limit)
    )
    return session.exec(statement).all()


def outbound_after(session: Session, participant_id: int, after_id: int) -> Sequence[Message]:
    statement = (
        select(Message)
        .where(Message.participant_id == participant_id, Message.direction == Direction.OUTBOUND)
        .where(Message.id > after_id)
        .order_by(Message.id)
    )
    return session.exec(statement).all()


def flow_run_of(session: Session, participant_id: int) -> FlowRun | None:
    return session.exec(select(FlowRun).where(FlowRun.participant_id == participant_id)).first()


def save_flow_run(session: Session, participant_id: int, flow_id: str, state: dict, now: datetime) -> None:
    row = flow_run_of(session, participant_id) or FlowRun(participant_id=participant_id, flow_id=flow_id)
    row.flow_id, row.state, row.updated_at = flow_id, state, now
    session.add(row)


def end_flow_run(session: Session, participant_id: int) -> None:
    row = flow_run_of(session, participant_id)
    if row is not None:
        session.delete(row)


def intakes_waiting_for_translation(
    session: Session, older_than: datetime, languages: Collection[str], limit: int = 50
) -> Sequence[int]:
    """Intakes with words still to translate, in one of `languages` (those the translator knows)."""
    if not languages:
        return []
    statement = (
        select(Intake.id)
        .where(Intake.untranslated > 0, Intake.updated_at <= older_than, col(Intake.language).in_(languages))
        .order_by(Intake.updated_at)
        .limit(limit)
    )
    return session.exec(statement).all()


def claim_due_reminders(session: Session, now: datetime, limit: int) -> list[Reminder]:
    """Take up to `limit` due reminders, oldest first, in one statement; only one dispatcher ever wins each.

    PostgreSQL: the inner SELECT locks the rows it picks and skips those another dispatcher holds
    (FOR UPDATE SKIP LOCKED), through the index of scheduled reminders only. SQLite serialises the
    writes, and the status check makes a second dispatcher's claim find nothing.
    """
    due = (
        select(Reminder.id)
        .where(Reminder.status == "scheduled", Reminder.due_at <= now)
        .order_by(Reminder.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.execute(
        update(Reminder)
        .where(Reminder.id.in_(due.scalar_subquery()), Reminder.status == "scheduled")
        .values(status="claimed", claimed_at=now)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    )
    ids = claimed.scalars().all()
    if not ids:
        return []
    return list(session.exec(select(Reminder).where(Reminder.id.in_(ids)).order_by(Reminder.due_at, Reminder.id)))


def later_reminder_due(session: Session, reminder: Reminder, now: datetime) -> bool:
    """Another reminder of the same appointment, due after this one and by now (taken or not)."""
    statement = select(Reminder.id).where(
        Reminder.appointment_id == reminder.appointment_id,
        Reminder.due_at > reminder.due_at,
        Reminder.due_at <= now,
        Reminder.status != "cancelled",
    )
    return session.exec(statement.limit(1)).first() is not None


def claim_confirmation(session: Session, appointment_id: int, now: datetime) -> bool:
    """Mark an appointment's confirmation as sent; only one dispatcher ever wins it."""
    result = session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.confirmation_sent_at.is_(None))
        .values(confirmation_sent_at=now)
    )
    return result.rowcount == 1


def claim_chore(session: Session, name: str, now: datetime, every: timedelta) -> bool:
    """True for the one caller that should run chore `name` now (at most once per `every`)."""
    _insert_ignoring_conflict(session, Maintenance, {"name": name, "last_run_at": now - every}, "name")
    result = session.execute(
        update(Maintenance)
        .where(Maintenance.name == name, Maintenance.last_run_at <= now - every)
        .values(last_run_at=now)
    )
    return result.rowcount == 1


def whatsapp_content(session: Session, question: str, language: str, kind: str, version: str) -> WhatsAppContent | None:
    """The Content resource made for this version of a question's choices, if `bot whatsapp sync` made it."""
    statement = select(WhatsAppContent).where(
        WhatsAppContent.question == question,
        WhatsAppContent.language == language,
        WhatsAppContent.kind == kind,
        WhatsAppContent.version == version,
    )
    return session.exec(statement).first()


def whatsapp_templates(session: Session) -> Sequence[WhatsAppContent]:
    """The resources made to serve as templates, newest first per template and language."""
    statement = (
        select(WhatsAppContent)
        .where(WhatsAppContent.template.is_not(None))
        .order_by(WhatsAppContent.template, WhatsAppContent.language, WhatsAppContent.created_at.desc())
    )
    return session.exec(statement).all()
