"""Messages that must arrive in order: one goes just before another, which waits for it.

Twilio keeps no order between messages sent one after the other (and fetches a voice note's
audio first), so a message that must come after another waits until Twilio reports that one
sent; its status callback sends the next (bot/webhooks.py). Voice notes go before the text
they speak (bot/voice_notes.py); a lead such as "not understood" goes before the question
asked again, so that the question alone can go as buttons (bot/conversation.py). Without
callbacks the sweep sends a waiting message after its pending time. A message that failed or
waits for a retry holds nothing up: the one after it carries on alone.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from storage.models import Message
from storage.queries import PENDING, SUBMITTING

# How long a message waits at most for the ones going before it (then the sweep sends it).
WAIT = timedelta(minutes=1)
# A message Twilio took but has not yet sent on (its statuses before 'sent').
IN_TWILIOS_HANDS = ("accepted", "scheduled", "queued", "sending")
# Statuses in which a message holds up the next: waiting itself, being sent, or not yet sent on.
HOLDING = (PENDING, SUBMITTING, *IN_TWILIOS_HANDS)


def put_before(db: DbSession, earlier: Sequence[Message], later_id: int) -> None:
    """`earlier` (stored before the message `later_id`) go just before it."""
    for message in earlier:
        message.goes_before_id = later_id
        db.add(message)


def going_before(db: DbSession, message_id: int) -> Sequence[int]:
    """The messages that go just before this one, oldest first. Only older ones: a chain always ends."""
    statement = select(Message.id).where(Message.goes_before_id == message_id, Message.id < message_id)
    return db.exec(statement.order_by(col(Message.id))).all()


def waits(db: DbSession, message_id: int, now: datetime) -> bool:
    """Whether a message still waits for one going before it that Twilio has not sent on yet."""
    message = db.get(Message, message_id)
    if message is None or now - message.created_at >= WAIT:
        return False
    held_by = select(Message.id).where(Message.goes_before_id == message_id, col(Message.status).in_(HOLDING))
    return db.exec(held_by).first() is not None


def holds_next(message: Message) -> bool:
    """A message going before another, not yet past Twilio's hands: the other waits for it."""
    return message.goes_before_id is not None and message.status in HOLDING


def freed_next(message: Message) -> int | None:
    """The message this one goes before, once this one holds it up no longer (sent on, or failed)."""
    return None if holds_next(message) else message.goes_before_id
