"""The ending dialogue (afronden, flows/afronden.yaml): who ended it, and what they answered.

Whoever ends someone's volunteering (`bot end`, the API, the dashboard, or the newcomer
from the menu) comes through `end_volunteering`: bot/ending.py cancels what was planned,
and a row here waits for the answers. bot/ending_start.py asks the first question and
bot/ending_notice.py tells the coordinator in Dutch.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot import ending
from bot.flow.events import FlowEnded
from bot.flow.outputs import OUTPUTS, TEXT
from bot.own_words import kept, waiting
from bot.privacy import is_erased
from bot.services import Services
from storage.models import Ending, Participant

ENDING_FLOW = "afronden"


def end_volunteering(services: Services, db: DbSession, participant: Participant, reason: str, now: datetime) -> int:
    """End it for `reason` and get the dialogue ready; returns how many future appointments were cancelled.

    Ending again (a second reason, or the newcomer after the centre) starts the dialogue afresh.
    """
    cancelled = ending.end(db, participant, reason, now)
    row = of(db, participant.id) or Ending(participant_id=participant.id, reason=reason, language="nl", started_at=now)
    row.reason, row.language, row.started_at = reason, participant.language or "nl", now
    row.asked_at = row.answered_at = row.notified_at = None
    row.answers = {}
    # Kept as it was said: the coordinator's summary shows what the newcomer was told.
    row.consulent_note = services.settings.ending_consulent_note
    db.add(row)
    db.flush()
    return cancelled


def record_answers(db: DbSession, participant: Participant, ended: FlowEnded, now: datetime) -> int | None:
    """Keep what they answered, own words waiting for their Dutch; returns the row's id."""
    row = of(db, participant.id)
    if row is None:
        return None  # not ended through end_volunteering (e.g. erased meanwhile): nothing to add to
    language = participant.language or "nl"
    row.answers = {_short(name): _kept(name, value, language) for name, value in ended.outputs.items()}
    row.language, row.answered_at = language, now
    db.add(row)
    db.flush()
    return row.id


def _short(output: str) -> str:
    return output.removeprefix("ending.")


def _kept(output: str, value: Any, language: str) -> Any:
    return kept(value, language) if OUTPUTS[output].answer == TEXT and value else value


def untranslated(row: Ending) -> list[str]:
    """The answers whose Dutch is still missing."""
    return [name for name, value in row.answers.items() if waiting(value)]


def lost(db: DbSession, older_than: datetime, limit: int = 50) -> tuple[list[int], list[int]]:
    """Work whose job was lost (Redis down, a crash): participants still to be asked, and
    answered dialogues whose summary never went out. The dispatcher enqueues them again."""
    unasked = db.exec(
        select(Ending.participant_id)
        .join(Participant, Participant.id == Ending.participant_id)
        .where(col(Ending.asked_at).is_(None), Ending.started_at <= older_than)
        .where(col(Participant.consent_given_at).is_not(None), col(Participant.stopped_at).is_(None))
        .where(~col(Participant.phone).startswith("erased:"))
        .limit(limit)
    ).all()
    unsent = db.exec(
        select(Ending.id)
        .where(col(Ending.answered_at).is_not(None), col(Ending.notified_at).is_(None))
        .where(Ending.answered_at <= older_than)
        .limit(limit)
    ).all()
    return list(unasked), list(unsent)


def of(db: DbSession, participant_id: int) -> Ending | None:
    return db.exec(select(Ending).where(Ending.participant_id == participant_id)).first()


def reachable(participant: Participant) -> bool:
    """May the bot write to them first: consent given, not stopped, not erased."""
    return participant.consent_given_at is not None and participant.stopped_at is None and not is_erased(participant)
