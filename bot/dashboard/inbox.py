"""The inbox: open escalations, most urgent and oldest first; acknowledge, resolve, hand over.

Every action goes through bot.escalations (which keeps the escalation's own history)
and is written to the audit trail of the participant.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot import audit, escalations, jobs, relay
from bot.dashboard.access import bp, current_user, escalation_or_404, sees_everything
from bot.dashboard.participants import conversation
from bot.dashboard.texts import t
from bot.intake import language_name
from bot.referrers import real_coordinators
from bot.services import Services, current_services
from storage.db import session_scope
from storage.models import Coordinator, Escalation, EscalationStatus, Participant, User

# The conversation beside an escalation: its last messages.
EXCERPT = 8


@bp.get("/inbox")
def inbox():
    services = current_services()
    user = current_user()
    now = services.clock()
    with session_scope(services.db) as db:
        mine = None if sees_everything(user) else user.coordinator_id
        rows = [_row(db, escalation, now) for escalation in escalations.open_for(db, mine)]
    return render_template("dashboard/inbox.html", rows=rows)


def _row(db: DbSession, escalation: Escalation, now: datetime) -> dict:
    participant = db.get(Participant, escalation.participant_id)
    return {
        "escalation": escalation,
        "participant": participant,
        "language": language_name(participant.language) if participant.language else "–",
        "waiting": waiting_time(now - escalation.created_at),
    }


def waiting_time(waited: timedelta) -> str:
    minutes = max(int(waited.total_seconds() // 60), 0)
    if minutes < 60:
        return t("inbox.waiting_minutes", minutes=minutes)
    if minutes < 48 * 60:
        return t("inbox.waiting_hours", hours=minutes // 60, minutes=minutes % 60)
    return t("inbox.waiting_days", days=minutes // (24 * 60))


@bp.get("/escalations/<int:escalation_id>")
def escalation_page(escalation_id: int):
    return _escalation_page(escalation_id)


def _escalation_page(escalation_id: int, draft: str = "", preview: str | None = None):
    services = current_services()
    with session_scope(services.db) as db:
        escalation, participant = escalation_or_404(db, current_user(), escalation_id)
        context = {
            "escalation": escalation,
            "participant": participant,
            "language": language_name(participant.language) if participant.language else "–",
            "waiting": waiting_time(services.clock() - escalation.created_at),
            "conversation": conversation(services, db, participant)[-EXCERPT:],
            "history": [(event, _actor_name(db, event.actor)) for event in escalations.history(db, escalation.id)],
            "coordinators": list(db.exec(select(Coordinator).where(real_coordinators()).order_by(Coordinator.name))),
            "draft": draft,
            "preview": preview,
        }
    return render_template("dashboard/escalation.html", **context)


def _actor_name(db: DbSession, actor: str) -> str:
    """'user:5' and 'coordinator:3' as the names people know; others by their Dutch label."""
    kind, _, number = actor.partition(":")
    model = {"user": User, "coordinator": Coordinator}.get(kind)
    found = db.get(model, int(number)) if model and number.isdigit() else None
    return found.name if found else t(f"actor.{kind}") if kind in ("system", "participant") else actor


@bp.post("/escalations/<int:escalation_id>/preview")
def escalation_preview(escalation_id: int):
    """The reply as the newcomer will read it, translated, before anything is sent."""
    services, draft = current_services(), request.form.get("text", "").strip()
    if not draft:
        flash(t("inbox.reply_empty"))
        return redirect(url_for("dashboard.escalation_page", escalation_id=escalation_id))
    with session_scope(services.db) as db:
        escalation, _ = escalation_or_404(db, current_user(), escalation_id)
    return _escalation_page(escalation_id, draft, relay.preview(services, escalation, draft))


@bp.post("/escalations/<int:escalation_id>/acknowledge")
def escalation_acknowledge(escalation_id: int):
    return _act(escalation_id, "escalation.acknowledged", _acknowledge)


@bp.post("/escalations/<int:escalation_id>/reply")
def escalation_reply(escalation_id: int):
    return _act(escalation_id, "escalation.replied", _reply)


@bp.post("/escalations/<int:escalation_id>/resolve")
def escalation_resolve(escalation_id: int):
    return _act(escalation_id, "escalation.resolved", _resolve)


@bp.post("/escalations/<int:escalation_id>/hand-over")
def escalation_hand_over(escalation_id: int):
    return _act(escalation_id, "escalation.handed_over", _hand_over)


# An action on an escalation: the messages to send, or None when nothing changed.
Change = Callable[[Services, DbSession, Escalation, str, datetime], list[int] | None]


def _acknowledge(_services: Services, db: DbSession, escalation: Escalation, actor: str, now: datetime):
    return [] if escalations.acknowledge(db, escalation, actor, now) else None


def _reply(services: Services, db: DbSession, escalation: Escalation, actor: str, now: datetime):
    text = request.form.get("text", "").strip()
    if not text or escalation.status == EscalationStatus.RESOLVED:
        return None
    return relay.reply(services, db, escalation, text, actor, now)


def _resolve(services: Services, db: DbSession, escalation: Escalation, actor: str, now: datetime):
    """Resolved, and the newcomer is told kindly how to ask again."""
    return relay.close(services, db, escalation, actor, now) or None


def _hand_over(services: Services, db: DbSession, escalation: Escalation, actor: str, now: datetime):
    chosen = request.form.get("coordinator_id", "")
    if not chosen.isdigit() or db.get(Coordinator, int(chosen)) is None or int(chosen) == escalation.coordinator_id:
        return None
    escalations.hand_over(services, db, escalation, int(chosen), actor, now)
    return []


def _act(escalation_id: int, action: str, change: Change):
    services, user = current_services(), current_user()
    now = services.clock()
    with session_scope(services.db) as db:
        escalation, participant = escalation_or_404(db, user, escalation_id)
        to_send = change(services, db, escalation, f"user:{user.id}", now)
        if to_send is not None:
            audit.record(db, user.id, action, participant.id, now, escalation_id=escalation.id)
    for message_id in to_send or []:
        services.queue.enqueue(jobs.send_message, message_id)
    flash(t(f"inbox.{action}" if to_send is not None else "inbox.unchanged", ref=f"#{escalation_id}"))
    if action in ("escalation.handed_over", "escalation.resolved") and to_send is not None:
        return redirect(url_for("dashboard.inbox"))
    return redirect(url_for("dashboard.escalation_page", escalation_id=escalation_id))
