"""The AVG (GDPR) rights of a newcomer: see everything kept about them, and have it erased.

Erasing keeps what statistics need (that an appointment was kept or cancelled, that an
escalation was opened and resolved, in which language) and removes the person: number,
name, the kennismaking, every message's words and media, translations of them (the
cache too), relayed texts, the notices to coordinators that named them, and the link to the
ambassador or community source who brought them (bot/referrals.py).
"""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, and_, cast, func, or_
from sqlmodel import Session as DbSession
from sqlmodel import col, delete, select

from bot import outbound, referrals
from bot.i18n import SUPPORTED_LANGUAGES
from bot.services import Services
from bot.translator import LANGUAGE_CODES
from storage import queries
from storage.db import session_scope
from storage.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    CachedTranslation,
    Ending,
    Escalation,
    EscalationEvent,
    FlowRun,
    Intake,
    Message,
    Participant,
    Placement,
)
from storage.translations import translation_key

EXPORT_VERSION = 1
UNSENT, CANCELED = (queries.PENDING, queries.RETRYING, queries.UNSURE), "canceled"


def erased_phone(participant_id: int) -> str:
    """What stands where the number was: unique, and never a number anyone has."""
    return f"erased:{participant_id}"


def is_erased(participant: Participant) -> bool:
    return participant.phone.startswith("erased:")


# --- the right of access ---------------------------------------------------------------------------


def export(db: DbSession, participant: Participant) -> dict[str, Any]:
    """Everything kept about one participant, in the shape README's "Privacy" describes."""
    intake = db.exec(select(Intake).where(Intake.participant_id == participant.id)).first()
    escalations = _escalations_of(db, participant.id)
    return {
        "export_version": EXPORT_VERSION,
        "participant": participant.model_dump(mode="json", exclude={"id"}),
        "kennismaking": intake.model_dump(mode="json", include={"language", "answers", "confirmed_at"})
        if intake
        else None,
        "appointments": [_dump(a, exclude={"participant_id"}) for a in _rows(db, Appointment, participant.id)],
        "absences": [_dump(a, exclude={"participant_id"}) for a in _rows(db, Absence, participant.id)],
        "papers": [_dump(p, exclude={"participant_id"}) for p in _rows(db, Placement, participant.id)],
        "messages": [_message(m) for m in _messages_of(db, participant, escalations)],
        "escalations": [
            {**_dump(e, exclude={"participant_id"}), "history": [_dump(h) for h in _history(db, e.id)]}
            for e in escalations
        ],
        "referral": referrals.export(db, participant),
        "ending": [_dump(e, exclude={"participant_id"}) for e in _rows(db, Ending, participant.id)],
    }


def _dump(row: Any, exclude: set[str] | None = None) -> dict[str, Any]:
    return row.model_dump(mode="json", exclude=exclude or set())


def _message(message: Message) -> dict[str, Any]:
    fields = {"id", "direction", "channel", "body", "media", "translation", "status", "created_at", "escalation_id"}
    return message.model_dump(mode="json", include=fields)


def _rows(db: DbSession, model: Any, participant_id: int) -> list[Any]:
    return list(db.exec(select(model).where(model.participant_id == participant_id).order_by(model.id)).all())


def _escalations_of(db: DbSession, participant_id: int) -> list[Escalation]:
    return _rows(db, Escalation, participant_id)


def _history(db: DbSession, escalation_id: int) -> list[EscalationEvent]:
    statement = select(EscalationEvent).where(EscalationEvent.escalation_id == escalation_id)
    return list(db.exec(statement.order_by(EscalationEvent.id)).all())


def _messages_of(db: DbSession, participant: Participant, escalations: list[Escalation]) -> list[Message]:
    """Their messages both ways, and those between the bot and a coordinator about them.

    Notices of absences name the person with their number, so the number finds them.
    """
    about = [Message.participant_id == participant.id]
    if escalations:
        about.append(col(Message.escalation_id).in_([e.id for e in escalations]))
    if not is_erased(participant):
        about.append(and_(col(Message.coordinator_id).is_not(None), col(Message.body).contains(participant.phone)))
    return list(db.exec(select(Message).where(or_(*about)).order_by(Message.id)).all())


# --- the right to be forgotten ---------------------------------------------------------------------


def erase(services: Services, db: DbSession, participant: Participant, now: datetime) -> None:
    """Remove the person; keep the counts. Safe to run twice."""
    escalations = _escalations_of(db, participant.id)
    messages = _messages_of(db, participant, escalations)
    _forget_translations(db, _texts_of(db, participant, messages))
    for message in messages:
        _delete_media(services, message.media)
        message.body, message.media, message.button_payload = "", [], None
        message.translation, message.template_params, message.question_params = None, None, None
        if message.participant_id == participant.id and message.status in UNSENT:
            message.status = CANCELED  # nothing goes to a number that is gone
        db.add(message)
    for escalation in escalations:
        escalation.details = {}
        db.add(escalation)
        for event in _history(db, escalation.id):
            event.details = {}
            db.add(event)
    for absence in _rows(db, Absence, participant.id):
        absence.own_words = None
        db.add(absence)
    for appointment in _rows(db, Appointment, participant.id):
        appointment.notes = ""
        db.add(appointment)
    referrals.erase(db, participant)  # who brought them is about them too
    db.exec(delete(Intake).where(col(Intake.participant_id) == participant.id))
    db.exec(delete(Placement).where(col(Placement.participant_id) == participant.id))
    db.exec(delete(Ending).where(col(Ending.participant_id) == participant.id))
    db.exec(delete(FlowRun).where(col(FlowRun.participant_id) == participant.id))
    _anonymise(participant, now)
    db.add(participant)


def _anonymise(participant: Participant, now: datetime) -> None:
    participant.phone = erased_phone(participant.id)
    participant.name = None
    participant.consent_given_at = None
    participant.last_inbound_at = None
    participant.reminders = False
    # Nothing is ever sent to it again.
    participant.stopped_at = participant.stopped_at or now


def _texts_of(db: DbSession, participant: Participant, messages: list[Message]) -> list[str]:
    """Every text that may have gone to a translator: their words, and the coordinators' to them."""
    texts = [m.body for m in messages]
    texts += [value for m in messages if m.translation for value in m.translation.values() if isinstance(value, str)]
    intake = db.exec(select(Intake).where(Intake.participant_id == participant.id)).first()
    if intake:
        texts += [a["original"] for a in intake.answers.values() if isinstance(a, dict) and "original" in a]
    texts += [a.own_words["original"] for a in _rows(db, Absence, participant.id) if a.own_words]
    for ending in _rows(db, Ending, participant.id):
        texts += [a["original"] for a in ending.answers.values() if isinstance(a, dict) and "original" in a]
    return [t.strip() for t in texts if t and t.strip()]


def _forget_translations(db: DbSession, texts: list[str]) -> None:
    """The cache keys on a hash of provider, languages and text: compute each possible key."""
    keys = {
        translation_key(provider, codes[source], codes[target], text)
        for text in texts
        for provider, codes in LANGUAGE_CODES.items()
        for language in SUPPORTED_LANGUAGES
        for source, target in ((language, "nl"), ("nl", language))
        if source in codes and target in codes and source != target
    }
    for chunk in _chunks(sorted(keys), 500):
        db.exec(delete(CachedTranslation).where(col(CachedTranslation.key).in_(chunk)))


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _delete_media(services: Services, items: list[dict]) -> None:
    for item in items:
        if item.get("stored"):
            (Path(services.settings.media_dir) / Path(item["stored"]).name).unlink(missing_ok=True)


def erase_after_goodbye(services: Services, participant_id: int, now: datetime) -> None:
    """The newcomer asked: send what is waiting for them (the goodbye) first, then erase."""
    with session_scope(services.db) as db:
        waiting = db.exec(
            select(Message.id).where(Message.participant_id == participant_id, Message.status == queries.PENDING)
        ).all()
    for message_id in waiting:
        outbound.send(services, message_id, now)
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        if participant is not None and not is_erased(participant):
            erase(services, db, participant, now)


# --- keeping no longer than needed -----------------------------------------------------------------

RETENTION_CHORE, RETENTION_EVERY = "retention", timedelta(hours=1)


def apply_retention(services: Services, now: datetime) -> dict[str, int]:
    """Blank old message texts and erase people long gone; once an hour, by one dispatcher."""
    with session_scope(services.db) as db:
        if not queries.claim_chore(db, RETENTION_CHORE, now, RETENTION_EVERY):
            return {}
    with session_scope(services.db) as db:
        blanked = _blank_old_messages(services, db, now - services.settings.retention_messages)
    with session_scope(services.db) as db:
        cutoff = now - relativedelta(months=services.settings.retention_participant_months)
        gone = _inactive_since(db, cutoff)
        for participant in gone:
            erase(services, db, participant, now)
    return {"messages_blanked": blanked, "participants_erased": len(gone)}


def _blank_old_messages(services: Services, db: DbSession, before: datetime) -> int:
    statement = (
        select(Message)
        .where(col(Message.created_at) < before)
        .where(or_(Message.body != "", col(Message.translation).is_not(None), cast(Message.media, String) != "[]"))
    )
    old = db.exec(statement).all()
    for message in old:
        _delete_media(services, message.media)
        message.body, message.media, message.translation, message.template_params = "", [], None, None
        message.question_params = None
        db.add(message)
    db.exec(delete(CachedTranslation).where(col(CachedTranslation.created_at) < before))
    return len(old)


def _inactive_since(db: DbSession, cutoff: datetime) -> list[Participant]:
    """Not erased, nothing written since `cutoff`, no appointment after it (an ending cancels the
    future ones, so the clock then runs from the last one kept) and not ended after it."""
    recent = select(Appointment.participant_id).where(
        col(Appointment.ends_at) >= cutoff, Appointment.status != AppointmentStatus.CANCELLED
    )
    statement = (
        select(Participant)
        .where(~col(Participant.phone).startswith("erased:"))
        .where(func.coalesce(Participant.last_inbound_at, Participant.created_at) < cutoff)
        .where(col(Participant.id).not_in(recent))
        .where(or_(col(Participant.ended_at).is_(None), col(Participant.ended_at) < cutoff))
    )
    return list(db.exec(statement).all())
