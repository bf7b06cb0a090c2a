"""Escalations as coordinators read them in Dutch: one line each, and the history."""

from sqlmodel import Session as DbSession

from bot import escalations, notice_lines
from bot.i18n import format_when
from bot.notice_lines import text
from bot.services import Services
from storage.models import Coordinator, Escalation, Participant


def summary_line(services: Services, db: DbSession, escalation: Escalation) -> str:
    participant = db.get(Participant, escalation.participant_id)
    coordinator = db.get(Coordinator, escalation.coordinator_id) if escalation.coordinator_id else None
    params = {
        "ref": str(escalation.id),
        "status": text(services, f"escalation.status.{escalation.status}"),
        "who": notice_lines.who(services, participant),
        "language": notice_lines.language_name(participant.language),
        "reasons": ", ".join(notice_lines.reason_text(services, r) for r in escalation.reasons or [escalation.reason]),
        "coordinator": coordinator.name if coordinator else "-",
        "since": format_when(escalation.created_at, "nl"),
    }
    return text(services, "escalation.line", params)


def history_lines(services: Services, db: DbSession, escalation: Escalation) -> list[str]:
    return [
        text(
            services,
            "escalation.history",
            {
                "at": format_when(event.at, "nl"),
                "actor": actor_name(services, db, event.actor),
                "action": text(
                    services, f"escalation.action.{event.action}", {"reason": event.details.get("reason", "")}
                ),
            },
        )
        for event in escalations.history(db, escalation.id)
    ]


def actor_name(services: Services, db: DbSession, actor: str) -> str:
    """'coordinator:3' -> the coordinator's name; 'system' and 'participant' in Dutch."""
    kind, _, number = actor.partition(":")
    if kind == "coordinator" and number.isdigit():
        coordinator = db.get(Coordinator, int(number))
        return coordinator.name if coordinator else actor
    key = f"actor.{kind}"
    return text(services, key) if services.coordinator_texts.has("nl", key) else actor
