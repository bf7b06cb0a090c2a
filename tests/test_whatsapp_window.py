"""The WhatsApp 24-hour rule: free text inside the window, the approved template outside, then SMS."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from bot.config import ConfigError
from bot.i18n import Catalogs
from bot.services import EXTENSION, Services
from bot.sms import segments
from bot.templates import Templates
from storage.db import session_scope
from storage.models import Escalation, Message, Participant
from tests.conftest import make_app
from tests.support.fake_twilio import FakeTwilio
from tests.support.http import serving
from tests.support.twilio import STATUS_PATH, TWILIO_SETTINGS
from tests.test_appointments import EVENING_BEFORE, add_appointment, add_participant, dispatch_at

NL_SID, EN_SID, AR_SID = "HX" + "a" * 32, "HX" + "b" * 32, "HX" + "c" * 32
TEMPLATES = f"""
reminder:
  text: reminder.text
  variables: [when, place, address, route]
  content_sids: {{nl: {NL_SID}, en: {EN_SID}, ar: {AR_SID}}}
"""


def write_templates(tmp_path: Path, text: str = TEMPLATES) -> Path:
    path = tmp_path / "templates.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def window_app(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Flask]:
    with serving(twilio) as url:
        app = make_app(
            tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=url, WHATSAPP_TEMPLATES=str(write_templates(tmp_path))
        )
        yield app
        app.extensions[EXTENSION].db.dispose()


def last_wrote(services: Services, when: datetime | None) -> None:
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant)).one()
        participant.last_inbound_at = when
        db.add(participant)


def sent_reminder(services: Services, twilio: FakeTwilio, language: str, last_inbound: datetime | None) -> dict:
    add_appointment(services, add_participant(services, language=language))
    last_wrote(services, last_inbound)
    dispatch_at(services, EVENING_BEFORE)
    [request] = twilio.requests
    return request["form"]


def test_inside_the_window_the_reminder_is_free_text(window_app: Flask, twilio: FakeTwilio) -> None:
    services = window_app.extensions[EXTENSION]
    form = sent_reminder(services, twilio, "nl", EVENING_BEFORE.astimezone(UTC) - timedelta(hours=23))
    assert form["Body"].startswith("Herinnering: je hebt een afspraak op dinsdag 1 december, 13:00.")
    assert "ContentSid" not in form


def test_outside_the_window_it_is_the_template_in_the_persons_language(window_app, twilio) -> None:
    services = window_app.extensions[EXTENSION]
    form = sent_reminder(services, twilio, "ar", EVENING_BEFORE.astimezone(UTC) - timedelta(hours=25))
    assert form["ContentSid"] == AR_SID and "Body" not in form
    variables = __import__("json").loads(form["ContentVariables"])
    assert variables["1"] == "الثلاثاء ١ كانون الأول (ديسمبر)، ١٣:٠٠"
    assert variables["2"] == "\u2068Buurthuis De Linde\u2069"
    assert variables["4"].startswith("https://www.google.com/maps/dir/?api=1&destination=")
    with session_scope(services.db) as db:
        assert db.exec(select(Message).where(Message.participant_id.is_not(None))).one().route == "template:ar"


def test_without_a_template_in_that_language_an_sms_in_it(window_app, twilio) -> None:
    services = window_app.extensions[EXTENSION]
    form = sent_reminder(services, twilio, "ti", None)  # never wrote: no window at all
    assert "ContentSid" not in form and not form["To"].startswith("whatsapp:")
    assert form["Body"].startswith(services.catalogs.text("ti", "reminder.sms").split("{")[0])
    assert "ሰሉስ 1 ታሕሳስ 13:00" in form["Body"]


def test_without_a_template_in_that_language_nor_sms_the_dutch_one(tmp_path: Path, twilio: FakeTwilio) -> None:
    with serving(twilio) as url:
        settings = {**TWILIO_SETTINGS, "TWILIO_SMS_FROM": ""}
        app = make_app(tmp_path, **settings, TWILIO_API_BASE_URL=url, WHATSAPP_TEMPLATES=str(write_templates(tmp_path)))
        services = app.extensions[EXTENSION]
        form = sent_reminder(services, twilio, "ti", None)
        services.db.dispose()
    assert form["ContentSid"] == NL_SID
    assert __import__("json").loads(form["ContentVariables"])["1"] == "ሰሉስ 1 ታሕሳስ 13:00"


def test_without_any_template_it_goes_by_sms(tmp_path: Path, twilio: FakeTwilio) -> None:
    with serving(twilio) as url:
        app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=url)
        services = app.extensions[EXTENSION]
        form = sent_reminder(services, twilio, "nl", None)
        services.db.dispose()
    assert form["To"] == "+31612345678" and form["From"] == TWILIO_SETTINGS["TWILIO_SMS_FROM"]
    assert form["Body"].startswith("Herinnering: dinsdag 1 december, 13:00, Buurthuis De Linde. Antwoord: 1")
    assert segments(form["Body"]) == ("GSM-7", 1)


@pytest.mark.parametrize("language", ["nl", "ar", "ti"])
def test_someone_on_sms_gets_the_short_reminder(window_app: Flask, twilio: FakeTwilio, language: str) -> None:
    services = window_app.extensions[EXTENSION]
    add_appointment(services, add_participant(services, language=language, channel="sms"))
    dispatch_at(services, EVENING_BEFORE)
    [request] = twilio.requests
    assert request["form"]["To"] == "+31612345678" and segments(request["form"]["Body"])[1] <= 2


def test_an_undelivered_status_falls_back_to_sms_once(window_app: Flask, twilio: FakeTwilio, signed_post) -> None:
    services = window_app.extensions[EXTENSION]
    sent_reminder(services, twilio, "nl", EVENING_BEFORE.astimezone(UTC) - timedelta(hours=1))
    with session_scope(services.db) as db:
        whatsapp = db.exec(select(Message)).one()
    client = window_app.test_client()
    from tests.conftest import PUBLIC_BASE_URL
    from tests.support.twilio import sign

    for _ in range(2):  # Twilio may report it twice
        form = {"MessageSid": whatsapp.twilio_sid, "MessageStatus": "undelivered", "ErrorCode": "63016"}
        signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + STATUS_PATH, form)
        assert client.post(STATUS_PATH, data=form, headers={"X-Twilio-Signature": signature}).status_code == 200
        services.queue.join()
    assert len(twilio.requests) == 2
    assert twilio.requests[1]["form"]["To"] == "+31612345678"
    with session_scope(services.db) as db:
        sms = db.exec(select(Message).where(Message.fallback_of_id == whatsapp.id)).one()
        assert (sms.channel, sms.route, sms.status) == ("sms", "sms", "queued")
        assert db.get(Message, whatsapp.id).error_code == 63016
        assert db.exec(select(Escalation)).all() == []  # it went another way: nothing failed for good


CATALOGS = Catalogs.load(Path(__file__).resolve().parent.parent / "translations")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (TEMPLATES.replace("[when, place, address, route]", "[when, place]"), "variables"),
        (TEMPLATES.replace(NL_SID, "HX123"), "is not a Content SID"),
        (TEMPLATES.replace("nl:", "xx:"), "unknown language 'xx'"),
        (TEMPLATES.replace("reminder.text", "reminder.nothing"), "is not in the"),
        ("reminder: [1, 2]", "needs 'text'"),
    ],
)
def test_a_template_file_that_does_not_fit_the_texts_stops_start_up(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=f"^WHATSAPP_TEMPLATES: .*{problem}"):
        Templates.load(write_templates(tmp_path, text), CATALOGS)


def test_the_shipped_example_fits_the_texts() -> None:
    example = Path(__file__).resolve().parent.parent / "whatsapp_templates.example.yaml"
    coordinator_texts = Catalogs.load(Path(__file__).resolve().parent.parent / "translations", "coordinator")
    templates = Templates.load(example, CATALOGS, coordinator_texts)
    assert templates.pick("reminder", "so")[1] == "nl"
    assert templates.pick("escalation", "nl")[0].variables == ("ref",)  # the coordinators' text
    assert templates.pick("referral_arrived", "nl")[0].variables == ("name", "code")  # to an ambassador
