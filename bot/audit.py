"""The audit trail: every change made in the dashboard, with who and when."""

from datetime import datetime
from typing import Any

from sqlmodel import Session as DbSession
from sqlmodel import select

from storage.models import AuditEntry


def record(db: DbSession, user_id: int, action: str, participant_id: int | None, now: datetime, **details: Any) -> None:
    db.add(AuditEntry(user_id=user_id, participant_id=participant_id, action=action, details=details, at=now))


def trail(db: DbSession, participant_id: int) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.participant_id == participant_id).order_by(AuditEntry.at.desc())
    return list(db.exec(statement))
