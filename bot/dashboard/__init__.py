"""The coordinators' dashboard: server-rendered pages under /dashboard, login at /login.

Every form carries a CSRF token (Flask-WTF); the Twilio webhooks (signed) and the
JSON API (bearer token) are exempt, since no browser session can call them.
"""

from flask import Flask
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot import api, webhooks
from bot.config import Settings
from bot.dashboard import (  # noqa: F401  (routes)
    ambassadors,
    appointments,
    ending,
    holidays,
    inbox,
    login,
    overview,
    papers,
    participants,
    privacy,
    voice,
)
from bot.dashboard.access import bp
from bot.dashboard.texts import local, refused, t, when

csrf = CSRFProtect()
SESSION_HOURS = 12


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        # Plain http only on a developer's machine (PUBLIC_BASE_URL http://127.0.0.1:5000).
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600,
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
    )
    csrf.init_app(app)
    csrf.exempt(webhooks.bp)
    csrf.exempt(api.bp)
    app.jinja_env.globals["t"] = t
    app.jinja_env.filters.update(when=when, local=local)
    app.register_blueprint(login.bp)
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, lambda _error: refused("error.csrf", 400))
