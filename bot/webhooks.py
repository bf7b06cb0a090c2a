"""Twilio's webhooks: inbound messages and delivery status callbacks.

Both answer at once; the inbound message is stored first and handled by a job.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.datastructures import MultiDict

from bot import jobs, messaging, ordering, outbound, twilio_forms
from bot.limits import BODY_CHARS
from bot.phone import InvalidPhone, parse_address
from bot.queue import hand_over
from bot.services import current_services
from bot.signature import twilio_signed
from storage import queries
from storage.db import session_scope
from storage.models import Direction, Message

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")
# Twilio's final statuses for a message that did not reach the person.
UNDELIVERED = ("failed", "undelivered")
MAX_FORM_BYTES = 64 * 1024


def empty_twiml() -> Response:
    return Response(str(MessagingResponse()), content_type="text/xml; charset=utf-8")


@bp.before_request
def _limit_size() -> None:
    # Twilio's largest form (1,600 characters, ten media links) is far below this; refused unread.
    request.max_content_length = MAX_FORM_BYTES


@bp.post("/messages")
@twilio_signed
def inbound_message() -> Response:
    form, media = _checked(twilio_forms.inbound_form)
    try:
        address = parse_address(form.sender)
    except InvalidPhone:
        abort(400, "From: not a phone number")
    if len(request.form.get("Body", "")) > BODY_CHARS:
        log.warning("inbound message body longer than %d characters: cut", BODY_CHARS)
    inbound = queries.Inbound(
        sid=form.sid,
        channel=address.channel,
        body=form.body,
        button_payload=form.button_payload or form.list_id or None,
        media=[item.model_dump() for item in media],
    )
    services = current_services()
    now = services.clock()
    with session_scope(services.db) as db:
        # A coordinator answering a notice is never greeted as a newcomer.
        sender = queries.coordinator_by_phone(db, address.phone) or queries.participant_for_inbound(
            db, address.phone, address.channel, now
        )
        message, is_new = queries.record_inbound(db, sender, inbound, now)
        message_id = message.id
    if is_new:
        hand_over(services.queue, jobs.handle_inbound, message_id)
    else:
        log.info("inbound message %s was already received", message_id)
    return empty_twiml()


@bp.post("/status")
@twilio_signed
def message_status() -> Response:
    form = _checked(twilio_forms.status_form)
    sid, status = form.sid, form.status
    services = current_services()
    now = services.clock()
    fallback_id = next_id = None
    with session_scope(services.db) as db:
        message = queries.message_by_sid(db, sid) or _awaiting_its_sid(db, request.args.get("m", ""), sid)
        if message is None:
            # Not ours (or already erased); Twilio retries on errors, so answer OK.
            log.info("status callback for an unknown message")
            return empty_twiml()
        newly_undelivered = status in UNDELIVERED and message.status not in UNDELIVERED
        was_holding = ordering.holds_next(message)
        if outbound.apply_status(message, status, form.error_number, now):
            db.add(message)
        # The message this one goes before waited for it (bot/ordering.py): it may go now.
        next_id = message.goes_before_id if was_holding and not ordering.holds_next(message) else None
        if newly_undelivered:  # Twilio may report it more than once: act on the first
            fallback = messaging.fall_back(services, db, message, now)
            fallback_id = fallback.id if fallback else None
            if fallback is None:
                messaging.open_failure_record(services, db, message, now)
    for message_id in (fallback_id, next_id):
        if message_id is not None:
            hand_over(services.queue, jobs.send_message, message_id)
    return empty_twiml()


def _awaiting_its_sid(db, message_id: str, sid: str) -> Message | None:
    """Our message named in the callback URL, sent but never told its SID (a worker died after
    the send, or the answer was lost): the callback tells it."""
    known = message_id.isascii() and message_id.isdigit() and len(message_id) < 19
    message = db.get(Message, int(message_id)) if known else None
    if message is None or message.twilio_sid is not None or message.direction != Direction.OUTBOUND:
        return None
    message.twilio_sid = sid
    return message


Parsed = TypeVar("Parsed")


def _checked(parse: Callable[[MultiDict[str, str]], Parsed]) -> Parsed:
    try:
        return parse(request.form)
    except twilio_forms.MalformedForm as error:
        abort(400, str(error))
