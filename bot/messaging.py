"""Sending one stored outbound message, with retries that live in the database."""

import logging
from datetime import datetime, timedelta

from bot.channels import SendError
from bot.phone import Address
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Channel, Coordinator, Message, Participant

log = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, ... attempt after a transient failure.
RETRY_BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))


def send_outbound(services: Services, message_id: int, now: datetime) -> None:
    """Send a pending message once; a second call for the same message does nothing."""
    with session_scope(services.db) as db:
        if not queries.claim_outbound(db, message_id, now):
            return
        message = db.get(Message, message_id)
        recipient = db.get(Participant, message.participant_id) if message.participant_id else None
        recipient = recipient or db.get(Coordinator, message.coordinator_id)
        address = Address(recipient.phone, Channel(message.channel))
        body = message.body
    try:
        sent = services.channel.send(address, body, services.status_callback_url)
    except SendError as error:
        _record_failure(services, message_id, error, now)
        return
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        message.twilio_sid = sent.sid
        queries.apply_status(message, sent.status, None, now)
        db.add(message)


def _record_failure(services: Services, message_id: int, error: SendError, now: datetime) -> None:
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        message.error_code = error.code
        message.updated_at = now
        if error.transient and message.attempts <= len(RETRY_BACKOFF):
            message.status = queries.RETRYING
            message.next_attempt_at = now + RETRY_BACKOFF[message.attempts - 1]
        else:
            message.status = queries.FAILED
            message.next_attempt_at = None
        db.add(message)
    log.warning("message %s not sent (%s, code %s): %s", message_id, error, error.code, message.status)
