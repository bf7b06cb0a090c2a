"""Which route a stored outbound message takes, and the fallback when it was not delivered.

WhatsApp allows free text only within 24 hours of the person's last message.
Outside that window a message that has a template goes as the approved template
(the person's language, else Dutch, else English), and without one by SMS when an
SMS number is configured. A delivery failure reported later falls back once more.
Sending itself, retries and recovery: bot.outbound.
"""

import logging
from datetime import datetime, timedelta

from sqlmodel import Session as DbSession
from sqlmodel import select

from bot import escalations
from bot.channels import Outgoing
from bot.i18n import SOURCE_LANGUAGE
from bot.phone import Address
from bot.services import Services
from bot.sms import short_text_key, within_segments
from bot.whatsapp_content import APPROVED, SESSION, TEMPLATE, session_spec_for, template_spec_for
from storage import queries
from storage.models import EMAIL, Channel, Coordinator, Message, Participant

log = logging.getLogger(__name__)

SERVICE_WINDOW = timedelta(hours=24)
# The route of a question whose choices went as WhatsApp buttons or a list.
BUTTONS = "buttons"
# A voice note's media item names the text key it speaks under this name (bot/voice_notes.py).
VOICE_NOTE_MARK = "voice"


def route(services: Services, db: DbSession, message: Message, now: datetime) -> tuple[Outgoing, str]:
    """How a message goes out now: e-mail, free text, the approved template, or SMS; and that route's name."""
    participant = db.get(Participant, message.participant_id) if message.participant_id else None
    recipient = participant or db.get(Coordinator, message.coordinator_id)
    # Coordinators read Dutch: their templates and SMS forms are the Dutch ones.
    language = participant.language if participant else SOURCE_LANGUAGE
    media = tuple(item["url"] for item in message.media if item.get("url"))
    if message.channel == EMAIL:
        return Outgoing(Address(recipient.email or "", EMAIL), message.body, media_urls=media), EMAIL
    channel = Channel(message.channel)
    if channel == Channel.WHATSAPP and message.template and not _in_window(recipient, now):
        if (approved := approved_buttons(services, db, message, language)) is not None:
            return Outgoing(Address(recipient.phone, channel), message.body, *approved), f"template:{language}"
        # Their own language first: a template in it, else an SMS in it, and only then the Dutch or English template.
        picked = services.templates.pick(message.template, language, fall_back=False)
        if picked is None and services.settings.twilio_sms_from:
            body = sms_body(services, message, language)
            return Outgoing(Address(recipient.phone, Channel.SMS), body), str(Channel.SMS)
        picked = picked or services.templates.pick(message.template, language)
        if picked:
            template, picked_language, sid = picked
            variables = template.content_variables(message.template_params or {})
            outgoing = Outgoing(Address(recipient.phone, channel), message.body, sid, variables)
            return outgoing, f"template:{picked_language}"
    if channel == Channel.WHATSAPP and participant and not media and _in_window(recipient, now):
        buttons = as_buttons(services, db, message, language)
        if buttons is not None:
            sid, values = buttons
            return Outgoing(Address(recipient.phone, channel), message.body, sid, values), BUTTONS
    return Outgoing(Address(recipient.phone, channel), message.body, media_urls=media), str(channel)


def as_buttons(
    services: Services, db: DbSession, message: Message, language: str | None
) -> tuple[str, dict[str, str]] | None:
    """The Content SID and variables that show this message's question with buttons or a list.

    Only a resource `bot whatsapp sync` made for the current texts, and only when it reads exactly
    as the stored body (a message that says more, e.g. "not understood" first, goes as text).
    """
    if not message.question or not language:
        return None
    return synced_buttons(services, db, language, message.question, message.question_params or {}, message.body)


def synced_buttons(
    services: Services, db: DbSession, language: str, question: str, params: dict, body: str
) -> tuple[str, dict[str, str]] | None:
    """The synced resource asking `question` whose text, filled from `params`, reads exactly as `body`."""
    spec = session_spec_for(services.book, services.catalogs, question, language)
    values = spec.values(params) if spec else None
    if values is None or spec.fill(values) != body:
        return None
    made = queries.whatsapp_content(db, spec.question, spec.language, SESSION, spec.version)
    return (made.content_sid, values) if made else None


def buttons_possible(participant: Participant, now: datetime) -> bool:
    """Whether a question to them may go as WhatsApp buttons now: free-form messages, in their language."""
    whatsapp = participant.channel == Channel.WHATSAPP and participant.language is not None
    return whatsapp and _in_window(participant, now)


def approved_buttons(
    services: Services, db: DbSession, message: Message, language: str | None
) -> tuple[str, dict[str, str]] | None:
    """Outside the window: the question as the buttons WhatsApp approved as its template, in their language."""
    if not message.question or not language:
        return None
    spec = template_spec_for(services.book, services.catalogs, services.templates, message.question, language)
    values = spec.values(message.question_params or {}) if spec else None
    made = queries.whatsapp_content(db, spec.question, language, TEMPLATE, spec.version) if values else None
    return (made.content_sid, values) if made and made.approval_status == APPROVED else None


def sms_body(services: Services, message: Message, language: str | None) -> str:
    """A templated message's short SMS form (two segments at most); else its own body."""
    key = short_text_key(message.template) if message.template else None
    if key and services.catalogs.has(SOURCE_LANGUAGE, key):
        return within_segments(
            lambda params: services.catalogs.text(language or "nl", key, params), message.template_params or {}
        )
    return message.body


def is_voice_note(message: Message) -> bool:
    return any(VOICE_NOTE_MARK in item for item in message.media)


def _in_window(recipient: Participant | Coordinator, now: datetime) -> bool:
    return recipient.last_inbound_at is not None and now - recipient.last_inbound_at < SERVICE_WINDOW


def fall_back(services: Services, db: DbSession, failed: Message, now: datetime) -> Message | None:
    """Once per message: a WhatsApp message that was not delivered goes again by SMS.

    Returns the new message (to send), or None when there is no next route.
    """
    already = db.exec(select(Message.id).where(Message.fallback_of_id == failed.id)).first()
    # A voice note has no SMS form: the text it goes before carries the words.
    if already or is_voice_note(failed) or failed.channel != Channel.WHATSAPP or not services.settings.twilio_sms_from:
        return None
    participant = db.get(Participant, failed.participant_id) if failed.participant_id else None
    language = participant.language if participant else None
    copy = queries.add_replacement(
        db,
        failed,
        now,
        channel=Channel.SMS,
        body=sms_body(services, failed, language),
        template=failed.template,
        template_params=failed.template_params,
    )
    log.info("message %s failed on WhatsApp (%s); message %s goes by SMS", failed.id, failed.error_code, copy.id)
    return copy


def open_failure_record(services: Services, db: DbSession, message: Message, now: datetime) -> None:
    """A message that could not reach the newcomer by any route: the coordinator on duty must know."""
    if message.participant_id is None:
        log.error("message %s to a coordinator failed for good (code %s)", message.id, message.error_code)
        return
    if is_voice_note(message):
        log.warning("voice note %s failed for good (code %s); its text goes alone", message.id, message.error_code)
        return
    details = {"message_id": message.id, "error_code": message.error_code, "route": message.route}
    participant = db.get(Participant, message.participant_id)
    if participant.phone.startswith("erased:"):
        return  # they asked to be forgotten; there is nobody to reach
    escalations.open_or_join(services, db, participant, "send_failed", now, flow_id="messaging", details=details)
