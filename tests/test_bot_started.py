"""Every message the bot starts itself takes the route a reminder takes: outside the 24-hour
window (someone who never wrote has none) the template in their language, else an SMS in it,
else the Dutch template. Free text there is refused by WhatsApp (Twilio error 63016)."""

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from bot import appointments, notices, outbound
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Absence, Appointment, Message, Participant
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.support.fake_twilio import FakeTwilio
from tests.support.http import serving
from tests.support.twilio import INBOUND_PATH, TWILIO_SETTINGS, inbound_form, sign
from tests.test_appointments import COORDINATOR_PHONE, CREATED, START, add_appointment, add_participant, dispatch_at
from tests.test_checkins import CHECKIN_DUE, newcomer

NAMES = ["confirm_nl", "confirm_ar", "moved_nl", "cancel_nl", "checkin_nl", "absence_nl"]
SIDS = {name: f"HX{n:032x}" for n, name in enumerate(NAMES)}
TEMPLATES = f"""
confirmation:
  text: confirmation.text
  variables: [when, place, address, route]
  content_sids: {{nl: {SIDS["confirm_nl"]}, ar: {SIDS["confirm_ar"]}}}
appointment_moved:
  text: appointment.moved
  variables: [place, before, when]
  content_sids: {{nl: {SIDS["moved_nl"]}}}
appointment_cancelled:
  text: appointment.cancelled
  variables: [place, when]
  content_sids: {{nl: {SIDS["cancel_nl"]}}}
checkin:
  text: checkin.how
  variables: []
  content_sids: {{nl: {SIDS["checkin_nl"]}}}
absence:
  text: absence.teaser
  variables: []
  content_sids: {{nl: {SIDS["absence_nl"]}}}
"""


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio()


def started_app(tmp_path: Path, twilio_url: str, **settings: str) -> Flask:
    templates = tmp_path / "templates.yaml"
    templates.write_text(TEMPLATES, encoding="utf-8")
    config = {**TWILIO_SETTINGS, "TWILIO_API_BASE_URL": twilio_url, "WHATSAPP_TEMPLATES": str(templates), **settings}
    return make_app(tmp_path, **config)


@pytest.fixture
def app(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Flask]:
    with serving(twilio) as url:
        app = started_app(tmp_path, url)
        yield app
        app.extensions[EXTENSION].db.dispose()


@pytest.fixture
def services(app: Flask) -> Services:
    return app.extensions[EXTENSION]


def confirm_first(services: Services, language: str) -> None:
    """A newcomer the centre registered, who never wrote, and their first appointment confirmed."""
    add_appointment(services, add_participant(services, language=language), confirmed=False)
    assert dispatch_at(services, CREATED + timedelta(minutes=1))["confirmations"] == 1


def test_the_first_confirmation_goes_as_the_template_in_their_language(services: Services, twilio) -> None:
    confirm_first(services, "ar")
    [form] = twilio.sent
    assert form["ContentSid"] == SIDS["confirm_ar"] and "Body" not in form
    variables = json.loads(form["ContentVariables"])
    assert variables["1"] == "الثلاثاء ١ كانون الأول (ديسمبر)، ١٣:٠٠"
    assert variables["4"].startswith("https://www.google.com/maps/dir/?api=1&destination=")
    with session_scope(services.db) as db:
        assert db.exec(select(Message)).one().route == "template:ar"


def test_without_a_template_in_their_language_the_confirmation_is_an_sms_in_it(services: Services, twilio) -> None:
    confirm_first(services, "uk")
    [form] = twilio.sent
    assert "ContentSid" not in form and form["To"] == "+31612345678"
    assert form["Body"].startswith(services.catalogs.text("uk", "confirmation.text").split("{")[0])


def test_without_sms_the_dutch_template(tmp_path: Path, twilio: FakeTwilio) -> None:
    with serving(twilio) as url:
        services = started_app(tmp_path, url, TWILIO_SMS_FROM="").extensions[EXTENSION]
        confirm_first(services, "ti")
        services.db.dispose()
    [form] = twilio.sent
    assert form["ContentSid"] == SIDS["confirm_nl"]


def test_inside_the_window_the_confirmation_is_free_text(services: Services, twilio) -> None:
    participant_id = add_participant(services, language="ar")
    with session_scope(services.db) as db:
        db.get(Participant, participant_id).last_inbound_at = CREATED
    add_appointment(services, participant_id, confirmed=False)
    dispatch_at(services, CREATED + timedelta(minutes=1))
    [form] = twilio.sent
    assert "ContentSid" not in form and form["To"] == "whatsapp:+31612345678"


@pytest.mark.parametrize(("change", "template"), [("move", "moved_nl"), ("cancel", "cancel_nl")])
def test_a_move_or_cancellation_by_the_centre_goes_as_its_template(services: Services, twilio, change, template):
    [appointment_id] = add_appointment(services, add_participant(services, language="nl"))
    now = CREATED + timedelta(days=2)  # they never wrote: no window
    with session_scope(services.db) as db:
        appointment = db.get(Appointment, appointment_id)
        if change == "move":
            later, rules = START + timedelta(hours=1), services.settings.reminder_rules
            ends = later + timedelta(hours=3)
            message_id = appointments.move(db, services.catalogs, appointment, later, ends, now, rules)
        else:
            message_id = appointments.cancel(db, services.catalogs, appointment, now)
    outbound.send(services, message_id, now)
    [form] = twilio.sent
    assert form["ContentSid"] == SIDS[template]
    variables = json.loads(form["ContentVariables"])
    assert variables["1"] == "Buurthuis De Linde" and variables[str(len(variables))] == "dinsdag 1 december, 1" + (
        "4:00" if change == "move" else "3:00"
    )


def test_a_checkin_outside_the_window_goes_as_its_template(services: Services, twilio) -> None:
    newcomer(services, language="nl")
    dispatch_at(services, CREATED)  # plans it
    assert dispatch_at(services, CHECKIN_DUE)["checkins"] == 1
    [form] = twilio.sent
    assert form["ContentSid"] == SIDS["checkin_nl"] and json.loads(form["ContentVariables"]) == {}


def test_an_absence_notice_to_a_coordinator_outside_the_window_is_announced_then_follows_the_reply(
    app: Flask, services: Services, twilio: FakeTwilio
) -> None:
    [appointment_id] = add_appointment(services, add_participant(services, language="nl"))
    now = CREATED + timedelta(days=2)
    with session_scope(services.db) as db:
        absence = Absence(participant_id=1, appointment_id=appointment_id, kind="cancel", reason="ill", reported_at=now)
        db.add(absence)
    message_id = notices.absence_notice(services, absence.id, now)
    outbound.send(services, message_id, now)
    [teaser] = twilio.sent
    assert teaser["ContentSid"] == SIDS["absence_nl"] and teaser["To"] == f"whatsapp:{COORDINATOR_PHONE}"

    form = inbound_form("SMcoordinator1", "ok", sender=f"whatsapp:{COORDINATOR_PHONE}")
    services.clock = lambda: now + timedelta(minutes=5)
    client = app.test_client()
    signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
    assert client.post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}).status_code == 200
    services.queue.join()
    assert twilio.sent[-1]["Body"].startswith("Amal (+31612345678) kan niet komen")
