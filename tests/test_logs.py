"""No phone number, name or message body in any log line, at DEBUG, on a whole day of the bot."""

import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from bot.services import EXTENSION
from storage.db import session_scope
from storage.models import Participant
from tests.support.fake_translators import FakeGoogle
from tests.support.http import serving
from tests.support.phones import Phones
from tests.test_relay import BEGELEIDER, MONDAY_10, at, centre, work_day

NEWCOMER = "+31698765432"
SECRETS = (NEWCOMER, "98765432", BEGELEIDER, "Farida Rahimi", "Farida", "Afghanistan", "Mijn zoon is ziek", "ik bel")


def test_a_whole_dialogue_logs_no_number_name_or_words(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serving(FakeGoogle()) as translator_url:
        app = centre(tmp_path, translator_url)
        services, phones = app.extensions[EXTENSION], Phones(app)
        for text in ("hallo", "2", "1", "menu", "1", "Farida Rahimi", "Afghanistan"):  # English, consent, kennismaking
            phones.send(NEWCOMER, text)
        with session_scope(services.db) as db:
            db.get(Participant, 3).coordinator_id = 1  # Anna is her begeleider
            db.add(work_day(3, timedelta(days=1)))
        at(services, MONDAY_10 + timedelta(hours=9))  # the evening reminder
        for text in ("2", "6", "Mijn zoon is ziek", "1"):  # cannot come, another reason, own words, right
            phones.send(NEWCOMER, text)
        phones.send(NEWCOMER, "help")
        phones.send(BEGELEIDER, "#1 Ik bel je zo")
        phones.send(NEWCOMER, "ok, ik bel terug")
        phones.send(BEGELEIDER, "#1 klaar")
    assert len(phones.received(NEWCOMER)) > 8 and len(phones.received(BEGELEIDER)) >= 4
    # The test's own stand-in servers log their requests (werkzeug); the bot's loggers are what counts.
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert lines, "the bot logged nothing at DEBUG"
    # As written, and as they would appear in a logged URL.
    forms = {form.lower() for secret in SECRETS for form in (secret, quote(secret), quote_plus(secret))}
    leaks = [(form, line) for line in lines for form in forms if form in line.lower()]
    assert leaks == []
