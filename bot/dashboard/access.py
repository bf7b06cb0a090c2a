"""Who is logged in, and what they may see: a begeleider only their coordinator's participants.

Anything outside someone's view answers 404, exactly like an id that does not exist,
so guessing ids tells nothing.
"""

from flask import Blueprint, abort, g, redirect, request, session, url_for
from sqlalchemy import ColumnElement, true
from sqlmodel import Session as DbSession

from bot.dashboard.texts import refused
from bot.services import current_services
from storage.db import session_scope
from storage.models import Appointment, Escalation, Participant, Role, User

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates", static_folder="static")
USER_KEY = "user_id"


@bp.before_request
def _logged_in():
    if request.endpoint == "dashboard.static":  # the login page's stylesheet
        return None
    user_id = session.get(USER_KEY)
    if user_id is not None:
        with session_scope(current_services().db) as db:
            g.user = db.get(User, user_id)
    if getattr(g, "user", None) is None:
        session.pop(USER_KEY, None)
        return redirect(url_for("login.login", next=request.full_path.rstrip("?")))
    return _ambassador_view() if g.user.role == Role.AMBASSADOR else None


# An ambassador's account sees their own figures and nothing else (no newcomer's data).
AMBASSADOR_ENDPOINTS = {"dashboard.ambassadors", "dashboard.ambassadors_csv", "dashboard.referrer_qr"}


def _ambassador_view():
    if request.endpoint == "dashboard.home":
        return redirect(url_for("dashboard.ambassadors"))
    if request.endpoint not in AMBASSADOR_ENDPOINTS:
        abort(404)
    return None


@bp.errorhandler(404)
def _not_found(_error):
    return refused("error.not_found", 404)


def current_user() -> User:
    return g.user


def sees_everything(user: User) -> bool:
    return user.role == Role.CENTRE


def visible_participants(user: User) -> ColumnElement[bool]:
    """A condition on Participant for the rows this user may see."""
    if sees_everything(user):
        return true()
    return Participant.coordinator_id == user.coordinator_id


def participant_or_404(db: DbSession, user: User, participant_id: int) -> Participant:
    participant = db.get(Participant, participant_id)
    if participant is None or not (sees_everything(user) or participant.coordinator_id == user.coordinator_id):
        abort(404)
    return participant


def appointment_or_404(db: DbSession, user: User, appointment_id: int) -> tuple[Appointment, Participant]:
    appointment = db.get(Appointment, appointment_id)
    if appointment is None:
        abort(404)
    return appointment, participant_or_404(db, user, appointment.participant_id)


def escalation_or_404(db: DbSession, user: User, escalation_id: int) -> tuple[Escalation, Participant]:
    """The centre sees every escalation; a begeleider those addressed to their coordinator."""
    escalation = db.get(Escalation, escalation_id)
    if escalation is None or not (sees_everything(user) or escalation.coordinator_id == user.coordinator_id):
        abort(404)
    return escalation, db.get(Participant, escalation.participant_id)
