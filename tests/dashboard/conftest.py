"""The dashboard served over real HTTP, a real Chromium, and a small centre to look at."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from bot import appointments
from bot.services import EXTENSION, Services
from bot.users import NewUser, add_user
from storage.db import session_scope
from storage.models import Coordinator, Participant
from tests.conftest import make_app
from tests.support.browser import CHROMIUM, require_chromium
from tests.support.fake_translators import FakeGoogle
from tests.support.http import serving

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday; the clock of these tests
PASSWORD = "a-long-password-1"
CENTRE, ANNA = "centrum@welkom.example", "anna@welkom.example"
AMAL, OKSANA = "+31612345678", "+31612345680"
ANNA_PHONE = "+31600000001"
FIRST_START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # Tuesday 13:00 in Amsterdam


@dataclass
class Live:
    app: Flask
    services: Services
    url: str


@dataclass(frozen=True)
class Centre:
    """Anna guides Amal (Arabic); Bram guides Oksana (Ukrainian). Each has one appointment."""

    amal: int
    oksana: int
    amal_appointment: int
    oksana_appointment: int


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # A fake microphone (a beep), allowed without asking: the Spraak page's recorder is tested with it.
        fake_microphone = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=fake_microphone)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def translator_url() -> Iterator[str]:
    """A Google Translate stand-in that answers '[<target>] <text>'."""
    with serving(FakeGoogle()) as url:
        yield url


@pytest.fixture
def live(tmp_path: Path, translator_url: str) -> Iterator[Live]:
    app = make_app(tmp_path, DEMO="1", TRANSLATOR="google", TRANSLATOR_URL=translator_url)
    services = app.extensions[EXTENSION]
    services.channel.echo = None
    services.clock = lambda: NOW
    with serving(app) as url:
        yield Live(app, services, url)
    services.db.dispose()


@pytest.fixture
def page(browser, live: Live):
    context = browser.new_context(base_url=live.url)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture
def centre(live: Live) -> Centre:
    services = live.services
    with session_scope(services.db) as db:
        anna = Coordinator(name="Anna", phone=ANNA_PHONE, channel="whatsapp", created_at=NOW)
        bram = Coordinator(name="Bram", phone="+31600000002", channel="whatsapp", created_at=NOW)
        db.add_all([anna, bram])
        db.flush()
        amal = _participant(db, "Amal", AMAL, "ar", anna.id)
        oksana = _participant(db, "Oksana", OKSANA, "uk", bram.id)
        add_user(db, NewUser(CENTRE, "Centrum", "centre", PASSWORD), NOW)
        add_user(db, NewUser(ANNA, "Anna", "begeleider", PASSWORD, anna.id), NOW)
        ids = [_appointment(services, db, p.id) for p in (amal, oksana)]
        return Centre(amal.id, oksana.id, *ids)


def _participant(db, name: str, phone: str, language: str, coordinator_id: int) -> Participant:
    participant = Participant(
        phone=phone,
        channel="whatsapp",
        language=language,
        name=name,
        reminders=True,
        consent_given_at=NOW - timedelta(days=7),
        last_inbound_at=NOW - timedelta(hours=1),
        coordinator_id=coordinator_id,
        created_at=NOW - timedelta(days=7),
    )
    db.add(participant)
    db.flush()
    return participant


def _appointment(services: Services, db, participant_id: int) -> int:
    new = appointments.NewAppointment(
        participant_id=participant_id,
        kind="work",
        starts_at=FIRST_START,
        ends_at=FIRST_START + timedelta(hours=3),
        place_name="Kringloop",
        address="Markt 1, Doetinchem",
    )
    (made,) = appointments.create(db, new, NOW, services.settings.reminder_rules)
    made.confirmation_sent_at = NOW
    return made.id


def login(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
