"""A cancellation or lateness, as the afmelden dialogue confirmed it: stored and acted on.

The appointment is marked, its reminders stop, and three absences in four weeks
open an escalation for the coordinator.
"""

from datetime import datetime, timedelta

from sqlmodel import Session as DbSession
from sqlmodel import func, select

from bot import appointments, escalations
from bot.flow.events import FlowEnded
from bot.own_words import kept
from bot.services import Services
from storage.models import Absence, Appointment, AppointmentStatus, Participant

CANCEL, LATE = "cancel", "late"
REPEATED, REPEATED_WITHIN = 3, timedelta(weeks=4)


def record(services: Services, db: DbSession, participant: Participant, ended: FlowEnded, now: datetime) -> Absence:
    outputs = ended.outputs
    appointment = db.get(Appointment, int(ended.facts["appointment"]["id"]))
    kind = outputs.get("absence.kind") or ended.facts.get("absence_kind") or CANCEL
    words = outputs.get("absence.reason_words") or outputs.get("absence.late_words")
    late_by = outputs.get("absence.minutes_late") or ""
    absence = Absence(
        participant_id=participant.id,
        appointment_id=appointment.id,
        kind=kind,
        reason=outputs.get("absence.reason"),
        own_words=kept(words, participant.language or "nl") if words else None,
        minutes_late=int(late_by) if late_by.isdigit() else None,
        too_late=kind == CANCEL and appointment.starts_at - now < services.settings.late_cancel,
        reported_at=now,
    )
    status = AppointmentStatus.CANCELLED if kind == CANCEL else AppointmentStatus.LATE
    appointments.set_status(db, appointment, status, now)
    appointments.cancel_reminders(db, appointment.id)
    db.add(absence)
    db.flush()
    _escalate_when_repeated(services, db, participant, ended.flow_id, now)
    return absence


def recent_count(db: DbSession, participant_id: int, now: datetime) -> int:
    statement = select(func.count(Absence.id)).where(
        Absence.participant_id == participant_id,
        Absence.kind == CANCEL,
        Absence.reported_at > now - REPEATED_WITHIN,
    )
    return db.exec(statement).one()


def _escalate_when_repeated(
    services: Services, db: DbSession, participant: Participant, flow_id: str, now: datetime
) -> None:
    count = recent_count(db, participant.id, now)
    if count == REPEATED:  # once, when the line is crossed
        details = {"count": count}
        escalations.open_or_join(services, db, participant, "absences", now, flow_id=flow_id, details=details)
