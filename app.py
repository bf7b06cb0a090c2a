"""The Welkom web app. `flask --app app ...` finds create_app; nothing runs at import."""

from collections.abc import Mapping

from flask import Flask

from bot import api, cli, dashboard, media, simulator, voice_notes, webhooks
from bot.config import ROOT, load_settings
from bot.security_headers import add_security_headers
from bot.services import EXTENSION, build_services


def create_app(config: Mapping[str, str] | None = None) -> Flask:
    """Build the app; `config` overrides environment variables by their names."""
    settings = load_settings(config)
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config["SECRET_KEY"] = settings.secret_key
    app.extensions[EXTENSION] = build_services(settings, app)
    app.after_request(add_security_headers)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(api.bp)
    dashboard.init_app(app, settings)
    app.register_blueprint(simulator.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(voice_notes.bp)
    app.cli.add_command(cli.bot)
    return app
