"""Logging in and out of the dashboard."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from bot.dashboard.access import USER_KEY
from bot.dashboard.texts import t
from bot.services import current_services
from bot.users import TooManyAttempts, check_login
from storage.db import session_scope

bp = Blueprint("login", __name__)


@bp.get("/login")
def login():
    return render_template("dashboard/login.html", next=_safe_next(request.args.get("next")))


@bp.post("/login")
def login_post():
    services = current_services()
    email, password = request.form.get("email", ""), request.form.get("password", "")
    target = _safe_next(request.form.get("next"))
    try:
        with session_scope(services.db) as db:
            user = check_login(db, email, password, request.remote_addr or "?", services.clock())
            user_id = user.id if user else None
    except TooManyAttempts:
        return _form_again(email, target, t("login.too_many"), 429)
    if user_id is None:
        return _form_again(email, target, t("login.wrong"), 401)
    session.clear()  # a new session for the new login: nothing carried over from before
    session.permanent = True
    session[USER_KEY] = user_id
    return redirect(target)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("login.login"))


def _form_again(email: str, target: str, error: str, status: int):
    return render_template("dashboard/login.html", email=email, next=target, error=error), status


def _safe_next(target: str | None) -> str:
    """Only a path on this site: a link to /login?next=https://elsewhere must not send people away."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.home")
    return target
