"""Due check-ins become messages, and check-ins left unanswered are counted.

Claimed once, like reminders (bot/reminders.py): two dispatchers, or a lost job, never
send one twice or lose one. The check-in is the first question of flows/checkin.yaml.
"""

import logging
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot import checkins, conversation, escalations, templates
from bot.checkins import ANSWERED, CHECKIN_FLOW, CLAIMED, SCHEDULED, SENT, SKIPPED, UNANSWERED
from bot.flow import engine
from bot.flow.model import Run
from bot.intake import output_of
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import CheckIn, Message, Participant

log = logging.getLogger(__name__)

INTAKE_FLOW = "kennismaking"
CHECKIN_TEMPLATE = "checkin"
# A thank-you after a good answer, when the previous answer was good too and none came lately.
THANKS_AT_MOST_EVERY = 3
# At most this many check-ins per tick; the next tick takes the rest.
BATCH = 200


def dispatch_due(services: Services, now: datetime) -> list[int]:
    """Claim every due check-in once and store its message; returns the message ids to send."""
    message_ids: list[int] = []
    for _ in range(BATCH):
        with session_scope(services.db) as db:
            checkin_id = _next_due(db, now)
            if checkin_id is None:
                break
            if not _claim(db, checkin_id, now):
                continue  # another dispatcher took it
            message_id = _deliver(services, db, db.get(CheckIn, checkin_id), now)
        if message_id is not None:
            message_ids.append(message_id)
    return message_ids


def _deliver(services: Services, db: DbSession, checkin: CheckIn, now: datetime) -> int | None:
    participant = db.get(Participant, checkin.participant_id)
    if not (checkins.wanted(participant) and participant.stopped_at is None):
        checkin.status = SKIPPED
        db.add(checkin)
        return None
    queries.lock_participant(db, participant.id)  # not in the middle of a job's turn
    stored = queries.flow_run_of(db, participant.id)
    current = Run.from_dict(stored.state) if stored and stored.flow_id in services.book.flows else None
    facts = {**conversation.facts_of(db, participant, now), **_facts(services, db, participant, checkin)}
    run, events = engine.interrupt(services.book, current, CHECKIN_FLOW, facts, now)
    conversation.save_run(db, participant, run, now)
    checkin.message_id = conversation.apply_events(services, db, participant, events, now).outbound_ids[0]
    # The bot speaks first: outside the 24-hour window only the template (or SMS) reaches them.
    templates.may_go_as(db.get(Message, checkin.message_id), CHECKIN_TEMPLATE, {}, participant.language)
    checkin.status, checkin.sent_at = SENT, now
    db.add(checkin)
    checkins.plan_next(services, db, participant, now)
    log.info("check-in %s sent as message %s", checkin.id, checkin.message_id)
    return checkin.message_id


def _facts(services: Services, db: DbSession, participant: Participant, checkin: CheckIn) -> dict:
    """What the check-in dialogue shows and branches on."""
    hoped = _hoped(services, db, participant)
    return {
        "checkin": {"id": str(checkin.id), "hoped": hoped},
        "checkin_hoped": bool(hoped),
        "checkin_extended": checkin.extended,
        "checkin_thank": _thanks_due(db, participant.id),
    }


def _hoped(services: Services, db: DbSession, participant: Participant) -> str:
    """What they hoped to learn, from the kennismaking: their own words as written, else their choices."""
    intake = queries.intake_of(db, participant.id)
    flow = services.book.flows.get(INTAKE_FLOW)
    if intake is None or flow is None:
        return ""
    words = output_of(intake, flow, "intake.learn_words")
    if isinstance(words, dict) and words.get("original"):
        return words["original"]
    step, language = flow.step_saving("intake.learn"), participant.language or "nl"
    chosen = output_of(intake, flow, "intake.learn") or []
    return ", ".join(services.catalogs.text(language, c.text) for c in step.picks() if c.id in chosen) if step else ""


def _thanks_due(db: DbSession, participant_id: int) -> bool:
    recent = db.exec(
        checkins.select_of(participant_id)
        .where(col(CheckIn.status).in_((ANSWERED, UNANSWERED)))
        .order_by(col(CheckIn.due_at).desc())
        .limit(THANKS_AT_MOST_EVERY)
    ).all()
    return bool(recent) and recent[0].mood == "good" and not any(c.thanked for c in recent)


def expire_unanswered(services: Services, now: datetime) -> list[int]:
    """Sent check-ins left unanswered; two in a row open `no_contact`. Returns escalations to notify."""
    escalation_ids = []
    with session_scope(services.db) as db:
        late = db.exec(
            select(CheckIn).where(CheckIn.status == SENT, CheckIn.sent_at <= now - checkins.ANSWER_WITHIN)
        ).all()
        for checkin in late:
            checkin.status = UNANSWERED
            db.add(checkin)
            db.flush()
            if _two_unanswered_in_a_row(db, checkin.participant_id):
                participant = db.get(Participant, checkin.participant_id)
                escalation, _ = escalations.open_or_join(
                    services, db, participant, "no_contact", now, flow_id=CHECKIN_FLOW
                )
                escalation_ids.append(escalation.id)
    return escalation_ids


def _two_unanswered_in_a_row(db: DbSession, participant_id: int) -> bool:
    """The last two closed check-ins unanswered, and the one before not (so it is said once)."""
    closed = db.exec(
        checkins.select_of(participant_id)
        .where(col(CheckIn.status).in_((ANSWERED, UNANSWERED)))
        .order_by(col(CheckIn.due_at).desc())
        .limit(3)
    ).all()
    statuses = [c.status for c in closed]
    return statuses[:2] == [UNANSWERED, UNANSWERED] and statuses[2:3] != [UNANSWERED]


def _next_due(db: DbSession, now: datetime) -> int | None:
    statement = (
        select(CheckIn.id)
        .where(CheckIn.status == SCHEDULED, CheckIn.due_at <= now)
        .order_by(CheckIn.due_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.exec(statement).first()


def _claim(db: DbSession, checkin_id: int, now: datetime) -> bool:
    result = db.execute(
        update(CheckIn)
        .where(CheckIn.id == checkin_id, CheckIn.status == SCHEDULED)
        .values(status=CLAIMED, claimed_at=now)
    )
    return result.rowcount == 1
