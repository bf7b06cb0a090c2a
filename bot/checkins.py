"""Check-ins: "how did it go?" at the rhythm the participant chose, and what they answered.

Planned as rows with a due time, like reminders: the dispatcher claims each once, so
losing Redis or running two dispatchers loses or doubles nothing. The dialogue is
flows/checkin.yaml; what it ends with is stored here, and a wish to talk to a person
opens an escalation `checkin`. Two check-ins in a row without an answer open `no_contact`.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot import escalations
from bot.checkin_schedule import RHYTHMS, next_due
from bot.flow.events import FlowEnded
from bot.own_words import kept
from bot.services import Services
from storage.db import session_scope
from storage.models import Appointment, AppointmentKind, AppointmentStatus, CheckIn, Participant

CHECKIN_FLOW = "checkin"
SCHEDULED, CLAIMED, SENT, ANSWERED, UNANSWERED, SKIPPED = (
    "scheduled",
    "claimed",
    "sent",
    "answered",
    "unanswered",
    "skipped",
)
# A check-in not answered in this time counts as unanswered.
ANSWER_WITHIN = timedelta(days=2)
# Every third check-in also asks whether the work fits and whether they learn what they hoped.
EXTENDED_EVERY = 3


def plan_next(services: Services, db: DbSession, participant: Participant, now: datetime) -> CheckIn | None:
    """The participant's next check-in, planned if there is none; None when none is wanted."""
    if not wanted(participant):
        return None
    waiting = db.exec(select_of(participant.id).where(CheckIn.status == SCHEDULED)).first()
    if waiting is not None:
        return waiting
    # What was sent counts; one planned and then dropped (a new rhythm, a stop) does not.
    earlier = db.exec(
        select_of(participant.id).where(CheckIn.status != SKIPPED).order_by(col(CheckIn.due_at).desc())
    ).all()
    due = next_due(
        participant.checkin_rhythm,
        earlier[0].due_at if earlier else None,
        _work_ends(db, participant.id),
        now,
        services.settings.reminder_rules,
        participant.holidays,
    )
    if due is None:
        return None
    checkin = CheckIn(
        participant_id=participant.id, due_at=due, extended=(len(earlier) + 1) % EXTENDED_EVERY == 0, created_at=now
    )
    try:
        with db.begin_nested():
            db.add(checkin)
    except IntegrityError:
        return None  # another dispatcher planned the same one just now
    return checkin


def change_rhythm(services: Services, db: DbSession, participant: Participant, rhythm: str, now: datetime) -> CheckIn:
    """A coordinator sets another rhythm: the planned check-in makes way for one at the new rhythm."""
    if rhythm not in RHYTHMS:
        raise ValueError(f"rhythm: one of {', '.join(RHYTHMS)}")
    participant.checkin_rhythm = rhythm
    db.add(participant)
    cancel_planned(db, participant.id)
    return plan_next(services, db, participant, now)


def cancel_planned(db: DbSession, participant_id: int) -> None:
    db.execute(
        update(CheckIn)
        .where(CheckIn.participant_id == participant_id, CheckIn.status == SCHEDULED)
        .values(status=SKIPPED)
    )


def plan_missing(services: Services, now: datetime, limit: int = 100) -> int:
    """Plan for everyone who should have a next check-in and has none (new work days, a new rhythm)."""
    planned = 0
    with session_scope(services.db) as db:
        has_one = select(CheckIn.participant_id).where(CheckIn.status == SCHEDULED)
        statement = (
            select(Participant)
            .where(
                col(Participant.checkin_rhythm).is_not(None),
                col(Participant.ended_at).is_(None),
                col(Participant.consent_given_at).is_not(None),
                col(Participant.id).not_in(has_one),
            )
            .limit(limit)
        )
        for participant in db.exec(statement).all():
            planned += plan_next(services, db, participant, now) is not None
    return planned


def record_answers(
    services: Services, db: DbSession, participant: Participant, ended: FlowEnded, now: datetime
) -> int | None:
    """Store what they answered; a wish to talk to someone opens `checkin`. Returns its escalation id."""
    checkin = db.get(CheckIn, int(ended.facts.get("checkin", {}).get("id", 0)))
    if checkin is None or checkin.participant_id != participant.id:
        return None
    outputs, language = ended.outputs, participant.language or "nl"
    mood = outputs.get("checkin.mood")
    answers = {name.removeprefix("checkin."): value for name, value in outputs.items() if name != "checkin.mood"}
    if mood not in ("good", "okay", "not_good") and mood:
        answers["words"], mood = kept(str(mood), language), None
    checkin.mood, checkin.answers, checkin.answered_at, checkin.status = mood, answers, now, ANSWERED
    checkin.thanked = mood == "good" and bool(ended.facts.get("checkin_thank"))
    db.add(checkin)
    if not answers.get("wants_person"):
        return None
    details = {"checkin_id": checkin.id, **{k: answers[k] for k in ("contact_way", "with_whom") if k in answers}}
    escalation, _ = escalations.open_or_join(
        services, db, participant, "checkin", now, flow_id=CHECKIN_FLOW, details=details
    )
    return escalation.id


def answers_of(db: DbSession, participant_id: int) -> Sequence[CheckIn]:
    return db.exec(select_of(participant_id).where(CheckIn.status != SKIPPED).order_by(col(CheckIn.due_at))).all()


def select_of(participant_id: int):  # noqa: ANN201 - a select of CheckIn
    return select(CheckIn).where(CheckIn.participant_id == participant_id)


def wanted(participant: Participant) -> bool:
    return (
        participant.checkin_rhythm in RHYTHMS
        and participant.ended_at is None
        and participant.consent_given_at is not None
    )


def _work_ends(db: DbSession, participant_id: int) -> list[datetime]:
    statement = (
        select(Appointment.ends_at)
        .where(
            Appointment.participant_id == participant_id,
            Appointment.kind == AppointmentKind.WORK,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(col(Appointment.ends_at))
    )
    return list(db.exec(statement).all())
