"""Telling a coordinator of an escalation, in Dutch, with the newcomer's last words beside it.

The notice is due in the escalation row (see bot/escalations.py); this job sends it
once. Translations and media copies are fetched before the transaction that claims
the notice, so no lock waits on a translator or on Twilio's media host.
"""

import logging
from datetime import datetime, timedelta

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot import escalations, media, notice_lines
from bot.i18n import format_when
from bot.notice_lines import text
from bot.own_words import kept, translated
from bot.relay import ESCALATION_TEMPLATE
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import EMAIL, Appointment, Channel, Coordinator, Direction, Escalation, Message, Participant

log = logging.getLogger(__name__)

# The newcomer's last messages shown in a notice.
EXCERPT_SIZE, EXCERPT_WITHIN = 3, timedelta(hours=24)


def notify(services: Services, escalation_id: int, now: datetime) -> list[int]:
    """Send the notice due for an escalation; returns outbound message ids."""
    with session_scope(services.db) as db:
        escalation = db.get(Escalation, escalation_id)
        if escalation is None or escalation.notice_due_at is None:
            return []
        participant = db.get(Participant, escalation.participant_id)
        excerpt = _excerpt(db, participant, now)
    language = participant.language or "nl"
    prepared = {m.id: _prepared(services, m, language) for m in excerpt}
    with session_scope(services.db) as db:
        kind = escalations.claim_notice(db, escalation_id)
        if kind is None:
            return []
        escalation = db.get(Escalation, escalation_id)
        lines, links = _lines(services, db, escalation, participant, kind, prepared)
        recipients = _recipients(services, db, escalation, kind)
        return [_send(services, db, escalation, c, lines, links, now) for c in recipients]


def _excerpt(db: DbSession, participant: Participant, now: datetime) -> list[Message]:
    """The newcomer's last messages (nothing is kept before consent, so nothing is shown)."""
    statement = (
        select(Message)
        .where(Message.participant_id == participant.id, Message.direction == Direction.INBOUND)
        .where(col(Message.created_at) > now - EXCERPT_WITHIN)
        .order_by(col(Message.id).desc())
        .limit(EXCERPT_SIZE)
    )
    return [m for m in reversed(db.exec(statement).all()) if _says_something(m)]


def _says_something(message: Message) -> bool:
    """Words or media; a bare number only answered one of the bot's own questions."""
    body = message.body.strip()
    return bool(message.media) or bool(body) and not body.isdigit()


def _prepared(services: Services, message: Message, language: str) -> tuple[dict | None, list[dict]]:
    """(the words with their Dutch, media with stored copies) of one message."""
    words = message.translation or (kept(message.body, language) if message.body.strip() else None)
    if words and words.get("status") == "pending":
        words = translated(words, services.translator)
    return words, media.store_copies(services, list(message.media))


def _lines(
    services: Services,
    db: DbSession,
    escalation: Escalation,
    participant: Participant,
    kind: str,
    prepared: dict[int, tuple[dict | None, list[dict]]],
) -> tuple[list[str], list[dict]]:
    """The notice's lines, and links to the media the newcomer sent."""
    params = {
        "ref": str(escalation.id),
        "who": notice_lines.who(services, participant),
        "reason": notice_lines.reason_text(services, escalation.reasons[-1] if escalation.reasons else "?"),
        "language": notice_lines.language_name(participant.language),
        "since": format_when(escalation.created_at, "nl"),
        "coordinator": _name(db, escalation.coordinator_id),
    }
    lines = [text(services, f"escalation.{kind}", params)]
    appointment = (
        db.get(Appointment, escalation.details["appointment_id"]) if escalation.details.get("appointment_id") else None
    )
    if appointment is not None:
        lines.append(text(services, "escalation.about", notice_lines.appointment_params(services, appointment)))
    if escalation.details.get("contact_way"):
        lines.append(notice_lines.contact_wish(services, escalation.details))
    if prepared:
        lines.append(text(services, "escalation.recent"))
    links: list[dict] = []
    for message_id, (words, items) in prepared.items():
        _keep(db, message_id, words, items)
        forwarded = media.forwardable(services, items)
        lines += notice_lines.words(services, words, forwarded)
        links += forwarded
    lines.append(text(services, "escalation.how_to_answer", params))
    return lines, links


def _keep(db: DbSession, message_id: int, words: dict | None, items: list[dict]) -> None:
    """Store the Dutch and the media copies on the message, so they are fetched once."""
    message = db.get(Message, message_id)
    if message.translation is None and message.escalation_id is None and words:
        message.translation = words  # (a relayed message's translation marks it relayed: leave those)
    message.media = items
    db.add(message)


def _name(db: DbSession, coordinator_id: int | None) -> str:
    coordinator = db.get(Coordinator, coordinator_id) if coordinator_id else None
    return coordinator.name if coordinator else "?"


def _recipients(services: Services, db: DbSession, escalation: Escalation, kind: str) -> list[Coordinator]:
    ids = [escalation.coordinator_id]
    if kind == escalations.TO_DUTY_NOTICE:
        ids.append(escalations.on_duty_id(services, db))
    found = [db.get(Coordinator, i) for i in dict.fromkeys(i for i in ids if i)]
    reachable = [c for c in found if c is not None and _reachable(services, c)]
    if not reachable:
        # The escalation stays visible in the dashboard; there is just nobody to message.
        log.warning("escalation %s: no coordinator to tell", escalation.id)
    return reachable


def _reachable(services: Services, coordinator: Coordinator) -> bool:
    if coordinator.channel == EMAIL:
        return bool(coordinator.email and services.mailer)
    return bool(coordinator.phone)


def _send(
    services: Services,
    db: DbSession,
    escalation: Escalation,
    coordinator: Coordinator,
    lines: list[str],
    links: list[dict],
    now: datetime,
) -> int:
    body = "\n".join(lines)
    if coordinator.channel == EMAIL:  # the first line is the subject
        body = text(services, "escalation.subject", {"ref": str(escalation.id)}) + "\n" + body
    # On WhatsApp a voice note plays where it arrives; elsewhere the links in the text serve.
    attached = links if coordinator.channel == Channel.WHATSAPP else []
    message = queries.add_outbound(db, coordinator, body, now, attached)
    message.escalation_id = escalation.id
    message.template, message.template_params = ESCALATION_TEMPLATE, {"ref": str(escalation.id)}
    db.add(message)
    escalations.record(db, escalation, escalations.SYSTEM, "notified", now, message_id=message.id)
    return message.id
