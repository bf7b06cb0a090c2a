"""Telling the coordinator, in Dutch, with the newcomer's own words beside the translation."""

import logging
from datetime import datetime

from sqlmodel import Session as DbSession

from bot.flow.outputs import ABSENCE
from bot.i18n import format_when, render_part
from bot.intake import own_words_lines
from bot.own_words import translated, waiting
from bot.relay import ABSENCE_TEMPLATE
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Absence, Appointment, Coordinator, Participant

log = logging.getLogger(__name__)


def absence_notice(services: Services, absence_id: int, now: datetime) -> int | None:
    """Store the message that tells the coordinator of an absence; returns its id."""
    with session_scope(services.db) as db:
        absence = db.get(Absence, absence_id)
        if waiting(absence.own_words):
            absence.own_words = translated(absence.own_words, services.translator)
            db.add(absence)
        appointment = db.get(Appointment, absence.appointment_id)
        lines = _absence_lines(services, absence, appointment, db.get(Participant, absence.participant_id))
        return _to_coordinator(db, appointment, "\n".join(lines), now)


def _absence_lines(
    services: Services, absence: Absence, appointment: Appointment, participant: Participant
) -> list[str]:
    about = _about(services, participant, appointment)
    lines = [_text(services, f"notice.{absence.kind}", about)]
    if absence.reason:
        asked = services.book.producer(ABSENCE).step_saving("absence.reason")
        reason = render_part(services.catalogs, "nl", asked.shown(absence.reason))
        lines.append(_text(services, "notice.reason", {"reason": reason}))
    if absence.minutes_late:
        lines.append(_text(services, "notice.minutes_late", {"minutes": str(absence.minutes_late)}))
    if absence.own_words:
        lines += own_words_lines(absence.own_words, services.coordinator_texts)
    if absence.too_late:
        hours = f"{services.settings.late_cancel.total_seconds() / 3600:g}"
        lines.append(_text(services, "notice.too_late", {"hours": hours}))
    return lines


def _about(services: Services, participant: Participant, appointment: Appointment) -> dict[str, str]:
    return {
        "name": participant.name or "?",
        "phone": participant.phone,
        "kind": _text(services, f"appointment.kind.{appointment.kind}", {}),
        "when": format_when(appointment.starts_at, "nl"),
        "place": appointment.place_name,
    }


def _text(services: Services, key: str, params: dict[str, str]) -> str:
    return services.coordinator_texts.text("nl", key, params)


def _to_coordinator(db: DbSession, appointment: Appointment, body: str, now: datetime) -> int | None:
    participant = db.get(Participant, appointment.participant_id)
    coordinator_id = appointment.coordinator_id or participant.coordinator_id
    coordinator = db.get(Coordinator, coordinator_id) if coordinator_id else None
    if coordinator is None or not coordinator.phone:
        # The absence or escalation row stays visible; there is just nobody to message.
        log.warning("appointment %s: no coordinator with a phone number to tell", appointment.id)
        return None
    message = queries.add_outbound(db, coordinator, body, now)
    # The bot speaks first: outside the 24-hour window a template announces it, the notice follows the reply.
    message.template, message.template_params = ABSENCE_TEMPLATE, {}
    return message.id
