"""The holidays participants keep, coming up: for their coordinators (dashboard and `bot holidays`)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot import holidays
from bot.i18n import PEOPLE_ZONE, Catalogs
from storage.models import Participant

# How far ahead a coordinator looks by default.
DAYS_AHEAD = 60


@dataclass(frozen=True)
class Upcoming:
    day: date
    holiday: str  # a choice id of the kennismaking, e.g. "eid_al_fitr"
    participant_id: int
    name: str | None
    phone: str


def upcoming(db: DbSession, now: datetime, coordinator_id: int | None = None, days: int = DAYS_AHEAD) -> list[Upcoming]:
    """Every holiday of every active participant (of one coordinator, if given) in the next `days` days."""
    start = now.astimezone(PEOPLE_ZONE).date()
    until = start + timedelta(days=days)
    statement = select(Participant).where(
        col(Participant.ended_at).is_(None), ~col(Participant.phone).startswith("erased:")
    )
    if coordinator_id is not None:
        statement = statement.where(Participant.coordinator_id == coordinator_id)
    found = [
        Upcoming(day, holiday, p.id, p.name, p.phone)
        for p in db.exec(statement).all()
        for day, holiday in holidays.upcoming(p.holidays, start, until)
    ]
    return sorted(found, key=lambda u: (u.day, u.name or "", u.participant_id))


def in_dutch(catalogs: Catalogs, item: Upcoming) -> tuple[str, str]:
    """The day and the holiday's name as a coordinator reads them: ('zaterdag 20 maart 2027', 'Nowruz')."""
    return format_date(item.day, "EEEE d MMMM y", locale="nl"), catalogs.text("nl", f"holiday.{item.holiday}")
