"""The end of someone's volunteering (afronden): nothing more is planned for them.

Future appointments are cancelled (and their reminders with them), no more check-ins,
and `ended_at` starts the privacy retention clock.
"""

from datetime import datetime

from sqlmodel import Session as DbSession

from bot import appointments, checkins
from storage.models import AppointmentStatus, Participant

REASONS = ("newcomer", "term", "organisation")
# Enough for any schedule: appointments.MAX_OCCURRENCES per series, a few series.
_ALL_UPCOMING = 1000


def end(db: DbSession, participant: Participant, reason: str, now: datetime) -> int:
    """End their volunteering for `reason`; returns how many future appointments were cancelled."""
    if reason not in REASONS:
        raise ValueError(f"reason: one of {', '.join(REASONS)}")
    participant.ended_at, participant.end_reason = now, reason
    db.add(participant)
    future = appointments.upcoming(db, participant.id, now, limit=_ALL_UPCOMING)
    for appointment in future:
        appointments.set_status(db, appointment, AppointmentStatus.CANCELLED, now)
    checkins.cancel_planned(db, participant.id)
    return len(future)
