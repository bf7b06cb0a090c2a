"""The bot's first message to someone the centre registered (API, CSV) who never wrote.

Their first message must not be an appointment out of nowhere: it says who is writing
(Welkom, for the centre) and, where the centre did not record their consent, asks for it
(flows/introductie.yaml). Nothing else the bot starts goes to them before it: the first
appointment's confirmation waits for a later tick (bot/reminders.py).
"""

import logging
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot import conversation, templates
from bot.flow import engine
from bot.i18n import PEOPLE_ZONE
from bot.services import Services
from storage.db import session_scope
from storage.models import Message, Participant

log = logging.getLogger(__name__)

INTRODUCTION_FLOW = "introductie"
# They never wrote, so there is no 24-hour window: these templates carry the two texts.
TEMPLATE_CONSENTED, TEMPLATE_ASK = "introduction", "introduction_consent"
# At most this many per tick; the next tick takes the rest.
BATCH = 100


def owed(participant: Participant) -> bool:
    """Registered by the centre, never wrote, not yet introduced, and still to be reached.

    People who wrote first met the bot in their own first message (flows/welkom.yaml).
    """
    return (
        participant.registered_by_centre
        and participant.introduced_at is None
        and participant.last_inbound_at is None
        and participant.language is not None
        and participant.stopped_at is None
        and participant.ended_at is None
        and not participant.phone.startswith("erased:")
    )


def may_be_written_to(participant: Participant, now: datetime) -> bool:
    """Whether the bot may start another message: introduced on an earlier tick, or no introduction owed."""
    return not owed(participant) and participant.introduced_at != now


def introduce_due(services: Services, now: datetime) -> list[int]:
    """Introduce everyone owed it (never in quiet hours); returns the message ids to send."""
    if _quiet(services, now):
        return []
    message_ids = []
    with session_scope(services.db) as db:
        candidates = db.exec(
            select(Participant)
            .where(col(Participant.registered_by_centre), col(Participant.introduced_at).is_(None))
            .where(col(Participant.last_inbound_at).is_(None))
            .order_by(Participant.id)
        ).all()
        due = [p.id for p in candidates if owed(p)][:BATCH]
    for participant_id in due:
        with session_scope(services.db) as db:
            participant = db.get(Participant, participant_id)
            if owed(participant) and _claim(db, participant_id, now):
                message_ids.append(_introduce(services, db, participant, now))
    return message_ids


def _claim(db: DbSession, participant_id: int, now: datetime) -> bool:
    """Only one dispatcher ever introduces someone."""
    result = db.execute(
        update(Participant)
        .where(col(Participant.id) == participant_id, col(Participant.introduced_at).is_(None))
        .values(introduced_at=now)
    )
    return result.rowcount == 1


def _introduce(services: Services, db: DbSession, participant: Participant, now: datetime) -> int:
    centre = {"centre": services.settings.centre_name}
    facts = {**conversation.facts_of(db, participant, now), "centre": centre}
    run, events = engine.interrupt(services.book, None, INTRODUCTION_FLOW, facts, now)
    conversation.save_run(db, participant, run, now)
    message_id = conversation.apply_events(services, db, participant, events, now).outbound_ids[0]
    template = TEMPLATE_CONSENTED if participant.consent_given_at else TEMPLATE_ASK
    templates.may_go_as(db.get(Message, message_id), template, centre, participant.language)
    log.info("participant %s introduced (message %s)", participant.id, message_id)
    return message_id


def _quiet(services: Services, now: datetime) -> bool:
    start, end = services.settings.quiet_hours
    local = now.astimezone(PEOPLE_ZONE).time()
    return local >= start or local < end if start > end else start <= local < end
