"""Fixtures: an app on a fresh SQLite file, its test client, and a signed poster."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from bot.services import EXTENSION, Services
from storage.migrate import upgrade
from tests.support.databases import fresh_database
from tests.support.prism import CONTENT_SPEC, SPEC, merged_spec, prism_mock
from tests.support.twilio import sign

PUBLIC_BASE_URL = "https://welkom.example.org"
# As scripts/serve.sh makes one: 32 random bytes.
SECRET = "k7Qx2pVb9LrT4mWs8NcJ1fHd6GyZ3aEu5RoK0iBn"
# Every variable the app reads, emptied so a developer's shell or .env cannot leak in.
CLEAN_ENV = {
    name: ""
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "MESSAGING_BACKEND",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_WHATSAPP_FROM",
        "TWILIO_SMS_FROM",
        "TWILIO_API_BASE_URL",
        "TWILIO_CONTENT_BASE_URL",
        "TWILIO_TIMEOUT",
        "PUBLIC_BASE_URL",
        "SECRET_KEY",
        "TRANSLATOR",
        "TRANSLATOR_API_KEY",
        "TRANSLATOR_URL",
        "TRANSLATOR_TIMEOUT",
        "SESSION_TIMEOUT_DAYS",
        "QUIET_HOURS",
        "REMINDER_EVENING_AT",
        "REMINDER_HOURS_BEFORE",
        "LATE_CANCEL_HOURS",
        "API_TOKEN",
        "WHATSAPP_TEMPLATES",
        "DUTY_COORDINATOR_ID",
        "SMTP_URL",
        "SMTP_FROM",
        "ESCALATION_RENOTIFY_MINUTES",
        "OFFICE_HOURS",
        "CENTRE_NAME",
        "MEDIA_DIR",
        "VOICE_DIR",
        "VOICE_SYNTHETIC",
        "FLOOD_PER_MINUTE",
        "RETENTION_MESSAGES_DAYS",
        "RETENTION_PARTICIPANT_MONTHS",
        "ENDING_CONSULENT_NOTE",
        "DEMO",
        "LOG_LEVEL",
        "AMBASSADOR_PERIOD_START",
        "AMBASSADOR_PERIOD_DAYS",
        "AMBASSADOR_CAMPAIGN_START",
        "AMBASSADOR_CAMPAIGN_MONTHS",
        "AMBASSADOR_GROUP_TARGET",
        "AMBASSADOR_TARGET_STAGE",
        "LANGUAGE_DETECTION",
    )
}


def make_app(tmp_path: Path, **overrides: str) -> Flask:
    config = {
        **CLEAN_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'welkom.db'}",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SECRET_KEY": SECRET,
        "MEDIA_DIR": str(tmp_path / "media"),
        "VOICE_DIR": str(tmp_path / "voice"),
        # Tests type a whole dialogue within a second; flood control has its own tests.
        "FLOOD_PER_MINUTE": "1000",
        **overrides,
    }
    app = create_app(config)
    upgrade(app.extensions[EXTENSION].settings.database_url)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    app.extensions[EXTENSION].channel.echo = None
    yield app
    app.extensions[EXTENSION].db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on SQLite, then on a fresh PostgreSQL database."""
    with fresh_database(request.param, tmp_path) as url:
        app = make_app(tmp_path, DATABASE_URL=url)
        app.extensions[EXTENSION].channel.echo = None
        yield app
        app.extensions[EXTENSION].db.dispose()


@pytest.fixture
def services(app: Flask) -> Services:
    return app.extensions[EXTENSION]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def signed_post(client: FlaskClient, services: Services) -> Callable[[str, dict[str, str]], TestResponse]:
    """POST a form signed as Twilio would, then wait for the in-process jobs."""

    def post(path: str, form: dict[str, str]) -> TestResponse:
        signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + path, form)
        response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
        services.queue.join()
        return response

    return post


@pytest.fixture(scope="session")
def twilio_prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Prism for the whole run, serving Twilio's Messages and Content specs (each start takes seconds)."""
    spec = merged_spec(tmp_path_factory.mktemp("twilio-spec") / "twilio.json", SPEC, CONTENT_SPEC)
    with prism_mock(spec) as base_url:
        yield base_url
