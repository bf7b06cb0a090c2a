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

ABSENCE_FLOW = "afmelden"
CANCEL, LATE = "cancel", "late"
REPEATED, REPEATED_WITHIN = 3, timedelta(weeks=4)


def record(services: Services, db: DbSession, participant: Participant, ended: FlowEnded, now: datetime) -> Absence:
    answers = ended.answers
    appointment = db.get(Appointment, int(ended.facts["appointment"]["id"]))
    kind = answers.get("ask_kind") or ended.facts.get("absence_kind") or CANCEL
    words = answers.get("reason_words") or answers.get("late_words")
    late_by = answers.get("how_late", "")
    absence = Absence(
        participant_id=participant.id,
        appointment_id=appointment.id,
        kind=kind,
        reason=answers.get("reason"),
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
    _escalate_when_repeated(services, db, participant, now)
    return absence


def recent_count(db: DbSession, participant_id: int, now: datetime) -> int:
    statement = select(func.count(Absence.id)).where(
        Absence.participant_id == participant_id,
        Absence.kind == CANCEL,
        Absence.reported_at > now - REPEATED_WITHIN,
    )
    return db.exec(statement).one()


def _escalate_when_repeated(services: Services, db: DbSession, participant: Participant, now: datetime) -> None:
    count = recent_count(db, participant.id, now)
    if count == REPEATED:  # once, when the line is crossed
        details = {"count": count}
        escalations.open_or_join(services, db, participant, "absences", now, flow_id=ABSENCE_FLOW, details=details)
