"""Twilio's webhooks: inbound messages and delivery status callbacks.

Both answer at once; the inbound message is stored first and handled by a job.
"""

import logging

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from bot import jobs, messaging
from bot.phone import InvalidPhone, parse_address
from bot.services import current_services
from bot.signature import twilio_signed
from storage import queries
from storage.db import session_scope

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")
# Twilio's final statuses for a message that did not reach the person.
UNDELIVERED = ("failed", "undelivered")
# Twilio allows ten media items per message.
_MAX_MEDIA = 10


def empty_twiml() -> Response:
    return Response(str(MessagingResponse()), content_type="text/xml; charset=utf-8")


@bp.post("/messages")
@twilio_signed
def inbound_message() -> Response:
    form = request.form
    sid, sender = form.get("MessageSid", "").strip(), form.get("From", "")
    if not sid or not sender:
        abort(400, "MessageSid and From are required")
    try:
        address = parse_address(sender)
    except InvalidPhone:
        abort(400, "From is not a phone number")
    inbound = queries.Inbound(
        sid=sid,
        channel=address.channel,
        body=_storable(form.get("Body", "")),
        button_payload=form.get("ButtonPayload") or None,
        media=_media(form),
    )
    services = current_services()
    now = services.clock()
    with session_scope(services.db) as db:
        # A coordinator answering a notice is never greeted as a newcomer.
        sender = queries.coordinator_by_phone(db, address.phone) or queries.get_or_create_participant(
            db, address.phone, address.channel, now
        )
        message, is_new = queries.record_inbound(db, sender, inbound, now)
        message_id = message.id
    if is_new:
        services.queue.enqueue(jobs.handle_inbound, message_id)
    else:
        log.info("inbound message %s was already received", message_id)
    return empty_twiml()


@bp.post("/status")
@twilio_signed
def message_status() -> Response:
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if not sid or not status:
        abort(400, "MessageSid and MessageStatus are required")
    error_code = request.form.get("ErrorCode", "")
    services = current_services()
    now = services.clock()
    fallback_id = None
    with session_scope(services.db) as db:
        message = queries.message_by_sid(db, sid)
        if message is None:
            # Not ours (or already erased); Twilio retries on errors, so answer OK.
            log.info("status callback for an unknown message")
            return empty_twiml()
        newly_undelivered = status in UNDELIVERED and message.status not in UNDELIVERED
        if queries.apply_status(message, status, int(error_code) if error_code.isdigit() else None, now):
            db.add(message)
        if newly_undelivered:  # Twilio may report it more than once: act on the first
            fallback = messaging.fall_back(services, db, message, now)
            fallback_id = fallback.id if fallback else None
            if fallback is None:
                messaging.open_failure_record(services, db, message, now)
    if fallback_id is not None:
        services.queue.enqueue(jobs.send_message, fallback_id)
    return empty_twiml()


def _media(form) -> list[dict]:
    count = min(_int(form.get("NumMedia")), _MAX_MEDIA)
    return [
        {"url": form.get(f"MediaUrl{i}", ""), "content_type": form.get(f"MediaContentType{i}", "")}
        for i in range(count)
    ]


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _storable(body: str) -> str:
    # PostgreSQL text cannot hold NUL; it is the one character we do not keep as sent.
    return body.replace("\x00", "\ufffd")
