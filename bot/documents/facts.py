"""What the papers say about one participant, gathered once from the database.

The kennismaking gives their own words on customs and what they eat; the appointments
give the place, the days and times and the period; the placement (`bot document details`)
gives what the centre agreed: role, tasks, what to bring, breaks, lunch and the consulent.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session as DbSession
from sqlmodel import select

from bot.flow.outputs import INTAKE
from bot.i18n import PEOPLE_ZONE, format_clock
from bot.intake import output_of
from bot.services import Services
from storage import queries
from storage.models import Appointment, AppointmentKind, AppointmentStatus, Coordinator, Participant, Placement

# Kept, still on or done: the appointments that make up someone's volunteering.
_COUNTED = (
    AppointmentStatus.PLANNED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.LATE,
    AppointmentStatus.ATTENDED,
)
_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Facts:
    participant: Participant
    language: str
    name: str
    coordinator: Coordinator | None
    placement: Placement
    answers: dict[str, Any]  # the kennismaking's answers by step id (customs, lunch, lunch_other)
    appointments: list[Appointment]  # work days (any kind when there are none yet), in order
    now: datetime
    late_cancel_hours: float

    @property
    def organisation(self) -> str:
        return next((a.place_name for a in self.appointments if a.place_name), "")

    @property
    def address(self) -> str:
        return next((a.address for a in self.appointments if a.address), "")

    @property
    def first_day(self) -> date | None:
        return _local_day(self.appointments[0].starts_at) if self.appointments else None

    @property
    def last_day(self) -> date | None:
        """The end date when they ended, else the last appointment."""
        if self.participant.ended_at is not None:
            return _local_day(self.participant.ended_at)
        return _local_day(self.appointments[-1].starts_at) if self.appointments else None

    def week(self) -> list[tuple[str, datetime, datetime]]:
        """(weekday key, start, end) of every distinct weekly slot still to come (else of all)."""
        coming = [a for a in self.appointments if a.starts_at > self.now] or self.appointments
        slots: dict[tuple[int, str, str], tuple[str, datetime, datetime]] = {}
        for appointment in coming:
            start = appointment.starts_at.astimezone(PEOPLE_ZONE)
            key = (start.weekday(), format_clock(start, "nl"), format_clock(appointment.ends_at, "nl"))
            slots.setdefault(key, (_WEEKDAY_KEYS[start.weekday()], appointment.starts_at, appointment.ends_at))
        return [slots[key] for key in sorted(slots)]


def gather(services: Services, db: DbSession, participant: Participant, now: datetime) -> Facts:
    intake = queries.intake_of(db, participant.id)
    return Facts(
        participant=participant,
        language=participant.language or "nl",
        name=participant.name or _intake_name(services, intake) or "",
        coordinator=db.get(Coordinator, participant.coordinator_id) if participant.coordinator_id else None,
        placement=placement_of(db, participant.id) or Placement(participant_id=participant.id),
        answers=dict(intake.answers) if intake else {},
        appointments=_appointments(db, participant.id),
        now=now,
        late_cancel_hours=services.settings.late_cancel_hours,
    )


def placement_of(db: DbSession, participant_id: int) -> Placement | None:
    return db.exec(select(Placement).where(Placement.participant_id == participant_id)).first()


def _intake_name(services: Services, intake: Any) -> str | None:
    if intake is None:
        return None
    name = output_of(intake, services.book.producer(INTAKE), "participant.name")
    return name if isinstance(name, str) else None


def _appointments(db: DbSession, participant_id: int) -> list[Appointment]:
    statement = (
        select(Appointment)
        .where(Appointment.participant_id == participant_id, Appointment.status.in_(_COUNTED))
        .order_by(Appointment.starts_at)
    )
    found = list(db.exec(statement))
    work = [a for a in found if a.kind == AppointmentKind.WORK]
    return work or found


def _local_day(moment: datetime) -> date:
    return moment.astimezone(PEOPLE_ZONE).date()
