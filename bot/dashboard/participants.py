"""Participants: the list with search and filters, and one participant's page."""

import re
from dataclasses import dataclass
from datetime import datetime

from flask import redirect, render_template, request, url_for
from sqlalchemy import or_
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot import audit, checkins, ending, ending_dialogue, ending_notice, ending_papers, privacy
from bot.dashboard.access import bp, current_user, participant_or_404, sees_everything, visible_participants
from bot.dashboard.checkin_chart import checkin_view
from bot.flow.outputs import INTAKE
from bot.i18n import SUPPORTED_LANGUAGES
from bot.intake import dutch_fields, language_name, own_words_lines
from bot.own_words import TRANSLATED, kept, translated
from bot.referrers import real_coordinators
from bot.services import Services, current_services
from storage import queries
from storage.db import session_scope
from storage.models import Absence, Appointment, AuditEntry, Coordinator, Direction, Message, Participant, User

STATUSES = ("active", "no_consent", "stopped")
PAGE_SIZE = 200


@dataclass(frozen=True)
class ConversationLine:
    at: datetime
    inbound: bool
    lines: list[str]  # the Dutch first, then the original with its language (as own_words_lines)
    status: str


@bp.get("/")
def home():
    return redirect(url_for("dashboard.inbox"))


@bp.get("/participants")
def participants():
    user = current_user()
    search = request.args.get("q", "").strip()
    filters = {name: request.args.get(name, "") for name in ("coordinator_id", "language", "status")}
    with session_scope(current_services().db) as db:
        statement = select(Participant).where(visible_participants(user))
        statement = _filtered(statement, search, filters, sees_everything(user))
        found = list(db.exec(statement.order_by(Participant.name, Participant.id).limit(PAGE_SIZE)))
        coordinators = coordinator_names(db)
    return render_template(
        "dashboard/participants.html",
        participants=found,
        coordinators=coordinators,
        languages={code: language_name(code) for code in SUPPORTED_LANGUAGES},
        statuses=STATUSES,
        search=search,
        filters=filters,
        may_filter_coordinator=sees_everything(user),
    )


def _filtered(statement, search: str, filters: dict[str, str], any_coordinator: bool):
    if search:
        digits = re.sub(r"\D", "", search)
        matches = [Participant.name.ilike(f"%{search}%")]
        if digits:
            matches.append(Participant.phone.endswith(digits))
        statement = statement.where(or_(*matches))
    if any_coordinator and filters["coordinator_id"].isdigit():
        statement = statement.where(Participant.coordinator_id == int(filters["coordinator_id"]))
    if filters["language"] in SUPPORTED_LANGUAGES:
        statement = statement.where(Participant.language == filters["language"])
    if filters["status"] == "active":
        statement = statement.where(Participant.consent_given_at.is_not(None), Participant.stopped_at.is_(None))
    elif filters["status"] == "no_consent":
        statement = statement.where(Participant.consent_given_at.is_(None))
    elif filters["status"] == "stopped":
        statement = statement.where(Participant.stopped_at.is_not(None))
    return statement


def coordinator_names(db: DbSession) -> dict[int, str]:
    statement = select(Coordinator).where(real_coordinators()).order_by(Coordinator.name)
    return {c.id: c.name for c in db.exec(statement)}


@bp.get("/participants/<int:participant_id>")
def participant(participant_id: int):
    services = current_services()
    with session_scope(services.db) as db:
        shown = participant_or_404(db, current_user(), participant_id)
        context = {
            "participant": shown,
            "language": language_name(shown.language) if shown.language else None,
            "coordinator": db.get(Coordinator, shown.coordinator_id) if shown.coordinator_id else None,
            "intake": _intake(services, db, shown),
            "appointments": _appointments(db, shown.id),
            "absences": _absences(db, shown.id),
            "conversation": conversation(services, db, shown),
            "trail": _trail(db, shown.id),
            "ending": _ending(services, db, shown),
            "papers_asked": ending_papers.asked(ending_dialogue.of(db, shown.id)),
            "reasons": ending.REASONS,
            **checkin_view(list(checkins.answers_of(db, shown.id))),
            "may_erase": sees_everything(current_user()) and not privacy.is_erased(shown),
        }
    return render_template("dashboard/participant.html", **context)


def _intake(services: Services, db: DbSession, participant: Participant) -> list[tuple[str, list[str]]]:
    stored = queries.intake_of(db, participant.id)
    if stored is None:
        return []
    flow = services.book.producer(INTAKE)
    return dutch_fields(stored, flow, services.catalogs, services.coordinator_texts)


def _ending(services: Services, db: DbSession, participant: Participant) -> tuple[str, list] | None:
    """The ending dialogue's heading and (Dutch label, lines) per answer; None before any ending."""
    row = ending_dialogue.of(db, participant.id)
    if row is None:
        return None
    return ending_notice.heading(services, row, participant), ending_notice.fields(services, row)


def _appointments(db: DbSession, participant_id: int) -> list[Appointment]:
    statement = select(Appointment).where(Appointment.participant_id == participant_id)
    return list(db.exec(statement.order_by(Appointment.starts_at)))


def _absences(db: DbSession, participant_id: int) -> list[tuple[Absence, Appointment]]:
    statement = (
        select(Absence, Appointment)
        .join(Appointment, Appointment.id == Absence.appointment_id)
        .where(Absence.participant_id == participant_id)
        .order_by(Absence.reported_at.desc())
    )
    return list(db.exec(statement))


def conversation(services: Services, db: DbSession, participant: Participant) -> list[ConversationLine]:
    """Every message in and out, in its original and in Dutch (translated now; the translator caches)."""
    statement = select(Message).where(Message.participant_id == participant.id).order_by(Message.id)
    language = participant.language or "nl"
    return [_line(services, message, language) for message in db.exec(statement) if message.body]


def _line(services: Services, message: Message, language: str) -> ConversationLine:
    words = kept(message.body, language)
    if words["dutch"] is None and (message.translation or {}).get("dutch"):
        # Relayed: the coordinator's own Dutch, or the newcomer's words as translated when passed on.
        words = {**words, "dutch": message.translation["dutch"], "status": TRANSLATED}
    if words["dutch"] is None:
        words = translated(words, services.translator)
    lines = own_words_lines(words, services.coordinator_texts)
    return ConversationLine(message.created_at, message.direction == Direction.INBOUND, lines, message.status)


def _trail(db: DbSession, participant_id: int) -> list[tuple[AuditEntry, str]]:
    names = {u.id: u.name for u in db.exec(select(User))}
    return [(entry, names.get(entry.user_id, "?")) for entry in audit.trail(db, participant_id)]
