"""Appointments and their reminders: made, rescheduled and cancelled in one place.

Whoever creates an appointment (a coordinator's command, the API, a CSV file)
goes through here, so every appointment gets its reminders the same way.
"""

import uuid
from datetime import UTC, date, datetime, time
from urllib.parse import quote_plus

from pydantic import ConfigDict
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot.flow.model import Flow
from bot.i18n import PEOPLE_ZONE, Catalogs, format_when, shown_params
from bot.intake import output_of
from bot.schedule import ReminderRules, occurrences, plan_reminders
from storage.models import (
    Appointment,
    AppointmentBase,
    AppointmentKind,
    AppointmentStatus,
    Coordinator,
    Intake,
    Participant,
    Reminder,
)
from storage.queries import add_outbound

SCHEDULED, CLAIMED, CANCELLED = "scheduled", "claimed", "cancelled"
# The WhatsApp template (whatsapp_templates.example.yaml) of each notice the centre starts.
TEMPLATES = {"appointment.moved": "appointment_moved", "appointment.cancelled": "appointment_cancelled"}
# An appointment in one of these has no reminders any more.
CLOSED = {AppointmentStatus.CANCELLED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW}


class NewAppointment(AppointmentBase):
    """An appointment (or a recurring series) to make: the stored fields, before it is stored."""

    model_config = ConfigDict(frozen=True)


class AppointmentError(ValueError):
    """Input that cannot become an appointment; the message says which field and why."""


# The kennismaking's day-parts on the clock (Amsterdam), and its days as RRULE weekdays.
DAY_PARTS = {
    "morning": (time(9, 0), time(12, 0)),
    "afternoon": (time(13, 0), time(17, 0)),
    "evening": (time(18, 0), time(21, 0)),
}
WEEKDAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


def route_url(address: str) -> str:
    """A directions link that opens in the map app people already have."""
    return f"https://www.google.com/maps/dir/?api=1&destination={quote_plus(address)}" if address else ""


def create(db: DbSession, new: NewAppointment, now: datetime, rules: ReminderRules) -> list[Appointment]:
    """One appointment, or every occurrence of a recurring one, each with its reminders."""
    participant = _checked(db, new)
    times = (
        occurrences(new.starts_at, new.ends_at - new.starts_at, new.rrule)
        if new.rrule
        else [(new.starts_at, new.ends_at)]
    )
    series = str(uuid.uuid4()) if new.rrule else None
    made = []
    for starts_at, ends_at in times:
        appointment = Appointment(
            **new.model_dump(exclude={"coordinator_id", "starts_at", "ends_at"}),
            coordinator_id=new.coordinator_id or participant.coordinator_id,
            starts_at=starts_at,
            ends_at=ends_at,
            series_id=series,
            created_at=now,
            updated_at=now,
        )
        db.add(appointment)
        db.flush()
        schedule_reminders(db, appointment, participant, now, rules)
        made.append(appointment)
    return made


def from_intake(
    db: DbSession,
    participant: Participant,
    intake: Intake,
    intake_flow: Flow,
    first_day: date,
    last_day: date,
    place: NewAppointment,
    now: datetime,
    rules: ReminderRules,
) -> list[Appointment]:
    """Work days from the kennismaking: every chosen day-part on the chosen weekdays, weekly.

    `place` gives kind, place, address and coordinator; its times are ignored.
    """
    days = [WEEKDAYS[d] for d in output_of(intake, intake_flow, "intake.days") or []]
    parts = output_of(intake, intake_flow, "intake.day_parts") or []
    if not days or not parts:
        raise AppointmentError("days: the kennismaking names no days or day-parts")
    until = datetime.combine(last_day, time(23, 59), PEOPLE_ZONE).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    made = []
    for part in parts:
        begins, ends = (datetime.combine(first_day, t, PEOPLE_ZONE) for t in DAY_PARTS[part])
        rule = f"FREQ=WEEKLY;BYDAY={','.join(days)};UNTIL={until}"
        made += create(
            db,
            place.model_copy(
                update={"participant_id": participant.id, "starts_at": begins, "ends_at": ends, "rrule": rule}
            ),
            now,
            rules,
        )
    return made


def _checked(db: DbSession, new: NewAppointment) -> Participant:
    participant = db.get(Participant, new.participant_id)
    if participant is None:
        raise AppointmentError(f"participant_id: no participant {new.participant_id}")
    if new.kind not in set(AppointmentKind):
        raise AppointmentError(f"kind: must be one of {', '.join(AppointmentKind)}")
    if new.starts_at.tzinfo is None or new.ends_at.tzinfo is None:
        raise AppointmentError("starts_at: give times with their UTC offset, e.g. 2026-12-01T09:00:00+01:00")
    if new.ends_at <= new.starts_at:
        raise AppointmentError("ends_at: must be after starts_at")
    if new.coordinator_id is not None and db.get(Coordinator, new.coordinator_id) is None:
        raise AppointmentError(f"coordinator_id: no coordinator {new.coordinator_id}")
    return participant


def schedule_reminders(
    db: DbSession, appointment: Appointment, participant: Participant, now: datetime, rules: ReminderRules
) -> list[Reminder]:
    """Reminders only for someone who said yes to them, and not for a closed appointment."""
    if not participant.reminders or appointment.status in CLOSED:
        return []
    reminders = [
        Reminder(appointment_id=appointment.id, kind=kind, due_at=due, created_at=now)
        for kind, due in plan_reminders(appointment.starts_at, now, rules)
    ]
    db.add_all(reminders)
    return reminders


def cancel_reminders(db: DbSession, appointment_id: int) -> int:
    pending = db.exec(select(Reminder).where(Reminder.appointment_id == appointment_id, Reminder.status == SCHEDULED))
    count = 0
    for reminder in pending:
        reminder.status = CANCELLED
        db.add(reminder)
        count += 1
    return count


def reschedule(
    db: DbSession,
    appointment: Appointment,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    rules: ReminderRules,
) -> None:
    if ends_at <= starts_at:
        raise AppointmentError("ends_at: must be after starts_at")
    for reminder in db.exec(select(Reminder).where(Reminder.appointment_id == appointment.id)):
        if reminder.status == SCHEDULED:
            db.delete(reminder)  # planned anew below; sent ones stay as the record
    db.flush()
    appointment.starts_at, appointment.ends_at, appointment.updated_at = starts_at, ends_at, now
    db.add(appointment)
    schedule_reminders(db, appointment, db.get(Participant, appointment.participant_id), now, rules)


def move(
    db: DbSession,
    catalogs: Catalogs,
    appointment: Appointment,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    rules: ReminderRules,
) -> int | None:
    """The centre moves an appointment: reminders follow, and the participant is told in their language.

    Returns the id of the message to send (None when they cannot be reached).
    """
    before = appointment.starts_at
    reschedule(db, appointment, starts_at, ends_at, now, rules)
    if before == starts_at:
        return None
    return _tell(db, catalogs, appointment, "appointment.moved", now, before=before)


def cancel(db: DbSession, catalogs: Catalogs, appointment: Appointment, now: datetime) -> int | None:
    """The centre cancels an appointment: reminders stop, and the participant is told in their language."""
    if appointment.status == AppointmentStatus.CANCELLED:
        return None
    set_status(db, appointment, AppointmentStatus.CANCELLED, now)
    return _tell(db, catalogs, appointment, "appointment.cancelled", now)


def _tell(
    db: DbSession, catalogs: Catalogs, appointment: Appointment, key: str, now: datetime, before: datetime | None = None
) -> int | None:
    participant = db.get(Participant, appointment.participant_id)
    if participant.consent_given_at is None or participant.stopped_at is not None or appointment.ends_at <= now:
        return None
    language = participant.language or "nl"
    params = shown_params({"when": appointment.starts_at.isoformat(), "place": appointment.place_name}, language)
    if before is not None:
        params["before"] = format_when(before, language)
    message = add_outbound(db, participant, catalogs.text(language, key, params), now)
    # The centre speaks first: outside the 24-hour window only a template (or SMS) reaches them.
    message.template, message.template_params = TEMPLATES[key], params
    return message.id


def set_status(db: DbSession, appointment: Appointment, status: str, now: datetime) -> None:
    appointment.status, appointment.updated_at = status, now
    db.add(appointment)
    if status in CLOSED:
        cancel_reminders(db, appointment.id)


# Someone who said they will be late may still find they cannot come at all.
STILL_ON = (AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED, AppointmentStatus.LATE)


def upcoming(db: DbSession, participant_id: int, now: datetime, limit: int = 5) -> list[Appointment]:
    statement = (
        select(Appointment)
        .where(Appointment.participant_id == participant_id, Appointment.starts_at > now)
        .where(Appointment.status.in_(STILL_ON))
        .order_by(Appointment.starts_at)
        .limit(limit)
    )
    return list(db.exec(statement).all())


def upcoming_any(db: DbSession, now: datetime, participant_id: int | None = None) -> Appointment | None:
    """The next planned or confirmed appointment, of one participant or of anyone."""
    statement = select(Appointment).where(
        Appointment.starts_at > now,
        Appointment.status.in_([AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED]),
    )
    if participant_id is not None:
        statement = statement.where(Appointment.participant_id == participant_id)
    return db.exec(statement.order_by(Appointment.starts_at).limit(1)).first()


def as_fact(appointment: Appointment) -> dict[str, str]:
    """What a dialogue needs to know of an appointment (text placeholders and its id)."""
    return {
        "id": str(appointment.id),
        "when": appointment.starts_at.isoformat(),
        "place": appointment.place_name,
        "address": appointment.address,
        "route": route_url(appointment.address),
        "photo": appointment.entrance_photo_url or "",
    }


def first_to_confirm(db: DbSession, now: datetime, limit: int = 100) -> list[Appointment]:
    """Per newcomer who never had an appointment confirmed: their first upcoming one."""
    confirmed = select(Appointment.participant_id).where(Appointment.confirmation_sent_at.is_not(None))
    statement = (
        select(Appointment)
        .where(Appointment.starts_at > now, Appointment.status == AppointmentStatus.PLANNED)
        .where(Appointment.participant_id.not_in(confirmed))
        .order_by(Appointment.participant_id, Appointment.starts_at)
    )
    firsts: dict[int, Appointment] = {}
    for appointment in db.exec(statement):
        firsts.setdefault(appointment.participant_id, appointment)
        if len(firsts) >= limit:
            break
    return list(firsts.values())
