"""Escalations: a newcomer a person should talk to, whatever the reason.

One open escalation per participant collects further reasons. It goes to the
participant's own coordinator (begeleider); without one, or when the bot could not
reach the newcomer at all, to the coordinator on duty. Its life: open ->
acknowledged -> resolved, each step recorded with who and when.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot.services import Services
from storage.models import Coordinator, Escalation, EscalationEvent, EscalationStatus, Participant

# Lower is more urgent: someone asking for a person, or unreachable, comes first.
PRIORITY = {
    "asked_for_person": 1,
    "send_failed": 1,
    "checkin": 1,
    "not_understood": 2,
    "question": 2,
    "voice_note": 2,
    "absences": 2,
    "no_contact": 3,
}
# Reasons that go to the coordinator on duty even when the newcomer has their own.
TO_DUTY = frozenset({"send_failed"})
ACTIVE = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)
SYSTEM, PARTICIPANT = "system", "participant"
# What a notice to the coordinator says.
OPENED, REASON_ADDED, HANDED_OVER = "opened", "reason_added", "handed_over"
RENOTIFY, TO_DUTY_NOTICE = "renotify", "to_duty"


def coordinator_actor(coordinator_id: int) -> str:
    return f"coordinator:{coordinator_id}"


def active_of(db: DbSession, participant_id: int) -> Escalation | None:
    statement = (
        select(Escalation)
        .where(Escalation.participant_id == participant_id, col(Escalation.status).in_(ACTIVE))
        .order_by(col(Escalation.id).desc())
    )
    return db.exec(statement).first()


def open_or_join(
    services: Services,
    db: DbSession,
    participant: Participant,
    reason: str,
    now: datetime,
    *,
    flow_id: str = "",
    step_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[Escalation, bool]:
    """The participant's active escalation with `reason` added, or a new one; (escalation, is_new)."""
    current = active_of(db, participant.id)
    if current is not None:
        _add_reason(db, current, reason, details, now)
        return current, False
    escalation = Escalation(
        participant_id=participant.id,
        reason=reason,
        reasons=[reason],
        priority=PRIORITY.get(reason, 2),
        coordinator_id=_addressee(services, db, participant, reason),
        flow_id=flow_id,
        step_id=step_id,
        details=dict(details or {}),
        renotify_at=services.settings.office_hours.add(now, services.settings.escalation_renotify),
        notice_due_at=now,
        notice_kind=OPENED,
        created_at=now,
        updated_at=now,
    )
    db.add(escalation)
    db.flush()
    record(db, escalation, SYSTEM, "opened", now, details={"reason": reason})
    return escalation, True


def _add_reason(db: DbSession, escalation: Escalation, reason: str, details: dict | None, now: datetime) -> None:
    if reason not in escalation.reasons:
        escalation.reasons = [*escalation.reasons, reason]
    if details:
        escalation.details = {**escalation.details, **details}
    escalation.priority = min(escalation.priority, PRIORITY.get(reason, 2))
    if escalation.notice_due_at is None:  # else the notice still to send covers it
        escalation.notice_due_at, escalation.notice_kind = now, REASON_ADDED
    escalation.updated_at = now
    db.add(escalation)
    record(db, escalation, SYSTEM, "reason_added", now, details={"reason": reason})


def _addressee(services: Services, db: DbSession, participant: Participant, reason: str) -> int | None:
    if participant.coordinator_id is not None and reason not in TO_DUTY:
        return participant.coordinator_id
    return on_duty_id(services, db) or participant.coordinator_id


def on_duty_id(services: Services, db: DbSession) -> int | None:
    """The setting's coordinator, else the first one flagged on duty."""
    if services.settings.duty_coordinator_id and db.get(Coordinator, services.settings.duty_coordinator_id):
        return services.settings.duty_coordinator_id
    statement = select(Coordinator.id).where(col(Coordinator.on_duty).is_(True)).order_by(Coordinator.id)
    return db.exec(statement).first()


def may_answer(services: Services, db: DbSession, escalation: Escalation, coordinator: Coordinator) -> bool:
    """The coordinator it is addressed to, or whoever is on duty."""
    return coordinator.id in (escalation.coordinator_id, on_duty_id(services, db)) or coordinator.on_duty


def acknowledge(db: DbSession, escalation: Escalation, actor: str, now: datetime) -> bool:
    """Someone has seen it: no more reminders. False when it was no longer open."""
    if escalation.status != EscalationStatus.OPEN:
        return False
    escalation.status = EscalationStatus.ACKNOWLEDGED
    escalation.acknowledged_at, escalation.acknowledged_by = now, actor
    escalation.renotify_at, escalation.updated_at = None, now
    db.add(escalation)
    record(db, escalation, actor, "acknowledged", now)
    return True


def resolve(db: DbSession, escalation: Escalation, actor: str, now: datetime) -> bool:
    """Closed; False when it already was. The caller tells the newcomer (see bot/relay.py)."""
    if escalation.status == EscalationStatus.RESOLVED:
        return False
    if escalation.acknowledged_at is None:
        escalation.acknowledged_at, escalation.acknowledged_by = now, actor
    escalation.status = EscalationStatus.RESOLVED
    escalation.resolved_at, escalation.resolved_by = now, actor
    escalation.renotify_at, escalation.updated_at = None, now
    db.add(escalation)
    record(db, escalation, actor, "resolved", now)
    return True


def hand_over(
    services: Services, db: DbSession, escalation: Escalation, coordinator_id: int, actor: str, now: datetime
) -> None:
    """Give it to another coordinator, who is told as if it were new."""
    previous = escalation.coordinator_id
    escalation.coordinator_id = coordinator_id
    escalation.status = EscalationStatus.OPEN
    escalation.acknowledged_at = escalation.acknowledged_by = None
    escalation.renotify_at = services.settings.office_hours.add(now, services.settings.escalation_renotify)
    escalation.notice_due_at, escalation.notice_kind = now, HANDED_OVER
    escalation.updated_at = now
    db.add(escalation)
    record(db, escalation, actor, "handed_over", now, details={"from": previous, "to": coordinator_id})


def open_for(db: DbSession, coordinator_id: int | None = None) -> Sequence[Escalation]:
    """Active escalations, most urgent and oldest first; one coordinator's, or all."""
    statement = select(Escalation).where(col(Escalation.status).in_(ACTIVE))
    if coordinator_id is not None:
        statement = statement.where(Escalation.coordinator_id == coordinator_id)
    return db.exec(statement.order_by(Escalation.priority, Escalation.created_at)).all()


def listed(db: DbSession, include_resolved: bool = False) -> Sequence[Escalation]:
    """Active ones most urgent and oldest first, then (when asked) the resolved, newest first."""
    active = open_for(db)
    if not include_resolved:
        return active
    resolved = select(Escalation).where(Escalation.status == EscalationStatus.RESOLVED)
    return [*active, *db.exec(resolved.order_by(col(Escalation.resolved_at).desc())).all()]


def schedule_renotifications(services: Services, db: DbSession, now: datetime, limit: int = 100) -> int:
    """Open escalations nobody acknowledged in time: remind once, then bring in the duty coordinator."""
    statement = (
        select(Escalation)
        .where(Escalation.status == EscalationStatus.OPEN, col(Escalation.renotify_at) <= now)
        .order_by(Escalation.renotify_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    due = db.exec(statement).all()
    for escalation in due:
        escalation.renotified += 1
        first = escalation.renotified == 1
        escalation.notice_due_at, escalation.notice_kind = now, RENOTIFY if first else TO_DUTY_NOTICE
        period = services.settings.escalation_renotify
        escalation.renotify_at = services.settings.office_hours.add(now, period) if first else None
        db.add(escalation)
    return len(due)


def due_notices(db: DbSession, now: datetime, limit: int = 100) -> Sequence[int]:
    statement = (
        select(Escalation.id)
        .where(col(Escalation.notice_due_at) <= now)
        .order_by(Escalation.notice_due_at)
        .limit(limit)
    )
    return db.exec(statement).all()


def claim_notice(db: DbSession, escalation_id: int) -> str | None:
    """Take the notice due for an escalation; its kind, or None when another job took it.

    A conditional UPDATE, so only one of two racing jobs wins (SQLite ignores FOR UPDATE).
    """
    kind = db.exec(select(Escalation.notice_kind).where(Escalation.id == escalation_id)).first()
    result = db.execute(
        update(Escalation)
        .where(col(Escalation.id) == escalation_id, col(Escalation.notice_due_at).is_not(None))
        .values(notice_due_at=None, notice_kind=None)
    )
    return (kind or OPENED) if result.rowcount == 1 else None


def history(db: DbSession, escalation_id: int) -> Sequence[EscalationEvent]:
    statement = select(EscalationEvent).where(EscalationEvent.escalation_id == escalation_id)
    return db.exec(statement.order_by(EscalationEvent.at, EscalationEvent.id)).all()


def record(
    db: DbSession,
    escalation: Escalation,
    actor: str,
    action: str,
    now: datetime,
    message_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    db.add(
        EscalationEvent(
            escalation_id=escalation.id,
            at=now,
            actor=actor,
            action=action,
            message_id=message_id,
            details=details or {},
        )
    )
