"""The life cycle of one outbound message, and the sweep that keeps it moving.

    pending ──claim──▶ submitting ──Twilio took it──▶ queued, sent, delivered, ... (Twilio's own)
       ▲                   │
       │                   ├─ 429/5xx, no connection ──▶ retrying ──due──▶ claim again
       │                   ├─ the answer was lost ──────▶ unsure ─────due──▶ look it up at Twilio, then claim
       │                   ├─ refused, or out of tries ─▶ failed (a record for the coordinator)
       │                   └─ stuck (worker killed) ────▶ unsure, by the sweep after SUBMIT_TIMEOUT
       └─ stored by whoever has something to say; the sweep re-enqueues it when its job was lost

Twilio has no idempotency key, so a message that may have reached it is looked up
(by recipient, sender and date) before it is sent again. Statuses never move back:
callbacks can arrive out of order. Route choice lives in bot.messaging.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot import messaging
from bot.channels import MessageChannel, Outgoing, SendError, Sent
from bot.schedule import after_quiet_hours
from bot.services import Services
from bot.templates import REMINDER_TEMPLATE
from storage.db import session_scope
from storage.models import Direction, Message
from storage.queries import FAILED, PENDING, RETRYING, SUBMITTING, UNSURE

log = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, ... attempt after a transient failure.
RETRY_BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
# A claim older than this is a worker that died mid-send (the HTTP call times out long before).
SUBMIT_TIMEOUT = timedelta(minutes=5)
# A pending message older than this lost its job (Redis down, a crash before the enqueue).
STALE_PENDING = timedelta(minutes=2)
_CLAIMABLE = (PENDING, RETRYING, UNSURE)

_STATUS_RANK = {
    PENDING: 0,
    RETRYING: 1,
    UNSURE: 1,
    SUBMITTING: 2,
    "accepted": 3,
    "scheduled": 3,
    "queued": 4,
    "sending": 4,
    "sent": 5,
    "delivered": 6,
    "read": 7,
    FAILED: 8,
    "undelivered": 8,
    "canceled": 8,
}


def send(services: Services, message_id: int, now: datetime) -> None:
    """Send a claimable message once; a second call for the same message does nothing."""
    with session_scope(services.db) as db:
        if _waits_for_the_morning(services, db, message_id, now):
            return
        claimed = claim(db, message_id, now)
        if claimed is None:
            return
        message, last_attempt_at = claimed
        outgoing, message.route = messaging.route(services, db, message, now)
        message.channel = outgoing.to.channel
        db.add(message)
        known = _known_sids(db, message, last_attempt_at) if last_attempt_at else frozenset()
    try:
        sender = services.sender_for(outgoing.to.channel)
        sent = _already_there(sender, outgoing, last_attempt_at, known) or sender.send(
            outgoing, status_callback_url(services, message_id)
        )
    except SendError as error:
        _record_failure(services, message_id, error, now)
        return
    with session_scope(services.db) as db:
        _record_sent(db.get(Message, message_id), sent, now)


def _waits_for_the_morning(services: Services, db: DbSession, message_id: int, now: datetime) -> bool:
    """Quiet hours checked at send time too: a reminder whose send falls in them (a long drain, a
    queue far behind) waits for their end, when the retry sweep sends it. Answers are not held."""
    message = db.get(Message, message_id)
    if message is None or message.template != REMINDER_TEMPLATE or message.status not in (PENDING, RETRYING):
        return False
    morning = after_quiet_hours(now, services.settings.reminder_rules)
    if morning == now:
        return False
    message.status, message.next_attempt_at, message.updated_at = RETRYING, morning, now
    db.add(message)
    log.info("message %s is a reminder in quiet hours; it waits until %s", message_id, morning.isoformat())
    return True


def status_callback_url(services: Services, message_id: int) -> str:
    """Carries our id, so a callback finds the message even when its SID was never stored.
    Twilio signs the whole URL, query included."""
    return f"{services.status_callback_url}?m={message_id}"


def claim(db: DbSession, message_id: int, now: datetime) -> tuple[Message, datetime | None] | None:
    """Move a claimable message to 'submitting'; only one caller ever wins.

    Returns the message and, when an earlier attempt may have reached Twilio, when it was made.
    """
    message = db.get(Message, message_id)
    if message is None or message.status not in _CLAIMABLE:
        return None
    seen_status, last_attempt_at = message.status, message.updated_at
    result = db.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == seen_status)
        .values(status=SUBMITTING, attempts=Message.attempts + 1, updated_at=now)
    )
    if result.rowcount != 1:
        return None
    db.refresh(message)
    return message, (last_attempt_at if seen_status == UNSURE else None)


def _already_there(
    sender: MessageChannel, outgoing: Outgoing, last_attempt_at: datetime | None, known: frozenset[str]
) -> Sent | None:
    if last_attempt_at is None:
        return None
    found = sender.find(outgoing, last_attempt_at, known)
    if found is not None:
        log.info("an earlier attempt reached Twilio (%s); not sent again", found.sid)
    return found


def _known_sids(db: DbSession, message: Message, since: datetime) -> frozenset[str]:
    """Twilio ids of our other messages to the same person since the day of `since`: a lookup
    must not take one of them (the same text, e.g. the menu twice) for this message."""
    recipient = (
        Message.participant_id == message.participant_id
        if message.participant_id is not None
        else Message.coordinator_id == message.coordinator_id
    )
    statement = select(Message.twilio_sid).where(
        recipient,
        Message.direction == Direction.OUTBOUND,
        Message.id != message.id,
        Message.twilio_sid.is_not(None),
        Message.updated_at >= since - timedelta(days=1),
    )
    return frozenset(db.exec(statement).all())


def _record_sent(message: Message, sent: Sent, now: datetime) -> None:
    message.twilio_sid = sent.sid
    message.next_attempt_at = None
    apply_status(message, sent.status, None, now)


def _record_failure(services: Services, message_id: int, error: SendError, now: datetime) -> None:
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        message.error_code = error.code
        message.updated_at = now
        if error.transient and message.attempts <= len(RETRY_BACKOFF):
            message.status = UNSURE if error.ambiguous else RETRYING
            message.next_attempt_at = now + RETRY_BACKOFF[message.attempts - 1]
        else:
            message.status = FAILED
            message.next_attempt_at = None
            messaging.open_failure_record(services, db, message, now)
        db.add(message)
    log.warning("message %s not sent (%s, code %s): %s", message_id, error, error.code, message.status)


def apply_status(message: Message, status: str, error_code: int | None, now: datetime) -> bool:
    """Set a newer status on a message; returns False when it would move backwards."""
    if _STATUS_RANK.get(status, 5) < _STATUS_RANK.get(message.status, 0):
        return False
    message.status = status
    if error_code is not None:
        message.error_code = error_code
    message.updated_at = now
    return True


def sweep(db: DbSession, now: datetime) -> dict[str, Sequence[int]]:
    """What must be (re)sent now: due retries, pending messages whose job was lost, stuck claims."""
    return {
        "retries": due_retries(db, now),
        "unsent": stale_pending(db, now - STALE_PENDING),
        "stuck": recover_stuck(db, now),
    }


def due_retries(db: DbSession, now: datetime, limit: int = 100) -> Sequence[int]:
    statement = (
        select(Message.id)
        .where(Message.status.in_([RETRYING, UNSURE]), Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at)
        .limit(limit)
    )
    return db.exec(statement).all()


def stale_pending(db: DbSession, older_than: datetime, limit: int = 100) -> Sequence[int]:
    """Outbound messages stored but never handed to a sender: their job was lost."""
    statement = (
        select(Message.id)
        .where(Message.direction == Direction.OUTBOUND, Message.status == PENDING, Message.created_at <= older_than)
        .order_by(Message.id)
        .limit(limit)
    )
    return db.exec(statement).all()


def recover_stuck(db: DbSession, now: datetime, limit: int = 100) -> Sequence[int]:
    """Claims left in 'submitting' by a worker that died, or a database that went away after
    the send: Twilio may have them, so they become 'unsure' and are looked up before a resend."""
    statement = (
        select(Message.id)
        .where(Message.status == SUBMITTING, Message.updated_at <= now - SUBMIT_TIMEOUT)
        .order_by(Message.id)
        .limit(limit)
    )
    stuck = db.exec(statement).all()
    if stuck:
        db.execute(
            update(Message)
            .where(Message.id.in_(stuck), Message.status == SUBMITTING)
            .values(status=UNSURE, next_attempt_at=now)
        )
        log.warning("%d messages were stuck while being sent; they are looked up before a resend", len(stuck))
    return stuck
