"""Outbound sends through the twilio library to Prism running Twilio's OpenAPI spec."""

import contextlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlmodel import select

from bot.channels import Outgoing, SendError, TwilioChannel
from bot.chat import ChatClient
from bot.phone import Address
from bot.services import EXTENSION
from storage.db import session_scope
from storage.models import Channel, Direction, Message
from tests.conftest import make_app
from tests.support.twilio import ACCOUNT_SID as SID
from tests.support.twilio import AUTH_TOKEN, TWILIO_SETTINGS

pytestmark = pytest.mark.prism
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")


@pytest.fixture
def prism(twilio_prism: str) -> str:
    return twilio_prism


@pytest.fixture
def twilio_app(tmp_path: Path, prism: str) -> Iterator[Flask]:
    app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=prism)
    yield app
    app.extensions[EXTENSION].db.dispose()


def test_prism_accepts_what_the_channel_sends(twilio_app: Flask) -> None:
    channel: TwilioChannel = twilio_app.extensions[EXTENSION].channel
    sent = channel.send(Outgoing(Address("+31612345678", Channel.WHATSAPP), "مرحبا 👋"), "https://welkom.example.org/s")
    assert MESSAGE_SID.match(sent.sid)
    request = channel.client.http_client._test_only_last_request
    assert request.data == {
        "To": "whatsapp:+31612345678",
        "From": "whatsapp:+3197010000000",
        "Body": "مرحبا 👋",
        "StatusCallback": "https://welkom.example.org/s",
    }
    assert channel.client.http_client._test_only_last_response.status_code == 201


def test_prism_accepts_the_lookup_before_a_resend(twilio_app: Flask) -> None:
    """An unsure message is looked up by To, From and DateSent: the request has the shape Twilio's spec wants."""
    channel: TwilioChannel = twilio_app.extensions[EXTENSION].channel
    attempted_at = datetime(2026, 11, 29, 4, 30, tzinfo=UTC)
    # Prism makes up the page from the schema, where `messages` is optional: only the request is checked.
    with contextlib.suppress(SendError):
        channel.find(Outgoing(Address("+31612345678", Channel.WHATSAPP), "hallo"), attempted_at)
    request = channel.client.http_client._test_only_last_request
    assert request.method == "GET" and request.url.endswith(f"/Accounts/{SID}/Messages.json")
    assert request.params == {
        "To": "whatsapp:+31612345678",
        "From": "whatsapp:+3197010000000",
        "DateSent>": "2026-11-29T00:00:00Z",
        "PageSize": 50,
    }
    assert channel.client.http_client._test_only_last_response.status_code == 200


def test_prism_refuses_a_request_without_to(prism: str) -> None:
    response = requests.post(
        f"{prism}/2010-04-01/Accounts/{SID}/Messages.json",
        auth=(SID, AUTH_TOKEN),
        data={"From": "+3197020000000", "Body": "hallo"},
        timeout=10,
    )
    assert response.status_code == 422
    assert "'To'" in response.json()["validation"][0]["message"]


def test_a_refusal_by_the_api_is_a_permanent_send_error(tmp_path: Path, prism: str) -> None:
    # An account SID outside the spec's pattern makes Prism refuse the request.
    app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=prism)
    channel: TwilioChannel = app.extensions[EXTENSION].channel
    channel.client.api.base_url = f"{prism}/not-a-twilio-path"
    with pytest.raises(SendError) as refused:
        channel.send(Outgoing(Address("+31612345678", Channel.SMS), "hallo"), "https://welkom.example.org/s")
    assert not refused.value.transient
    app.extensions[EXTENSION].db.dispose()


def test_a_whole_conversation_goes_out_through_twilios_api(twilio_app: Flask) -> None:
    services = twilio_app.extensions[EXTENSION]
    chat = ChatClient(twilio_app, Address("+31612345678", Channel.WHATSAPP))
    [menu] = chat.say("hallo")
    [welcome] = chat.say("3")
    assert menu.startswith(services.catalogs.text("nl", "language.choose"))
    assert welcome.startswith(services.catalogs.text("ar", "welkom.welcome"))
    with session_scope(services.db) as db:
        sent = db.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all()
    assert all(MESSAGE_SID.match(m.twilio_sid) for m in sent)
    assert all(m.attempts == 1 and m.status not in ("pending", "submitting", "retrying") for m in sent)


def test_prism_accepts_a_whatsapp_template_send(twilio_app: Flask) -> None:
    channel: TwilioChannel = twilio_app.extensions[EXTENSION].channel
    template = Outgoing(
        Address("+31612345678", Channel.WHATSAPP),
        "",
        "HX" + "0123456789abcdef" * 2,
        {"1": "dinsdag 1 december, 13:00", "2": "Kringloop"},
    )
    sent = channel.send(template, "https://welkom.example.org/s")
    assert MESSAGE_SID.match(sent.sid)
    request = channel.client.http_client._test_only_last_request
    assert request.data["ContentSid"] == "HX" + "0123456789abcdef" * 2
    assert request.data["ContentVariables"] == '{"1": "dinsdag 1 december, 13:00", "2": "Kringloop"}'
    assert "Body" not in request.data
    assert channel.client.http_client._test_only_last_response.status_code == 201


def test_prism_refuses_a_malformed_content_sid(twilio_app: Flask) -> None:
    channel: TwilioChannel = twilio_app.extensions[EXTENSION].channel
    with pytest.raises(SendError) as refused:
        channel.send(Outgoing(Address("+31612345678", Channel.WHATSAPP), "", "HX123", {}), "https://x.example/s")
    assert not refused.value.transient


@pytest.mark.parametrize(("hours_since_last_message", "expect_template"), [(3, False), (30, True)])
def test_a_reminder_inside_and_outside_the_window_as_prism_sees_it(
    tmp_path: Path, prism: str, hours_since_last_message: int, expect_template: bool
) -> None:
    from datetime import UTC, timedelta

    from tests.test_appointments import EVENING_BEFORE, add_appointment, add_participant, dispatch_at
    from tests.test_whatsapp_window import NL_SID, last_wrote, write_templates

    app = make_app(
        tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=prism, WHATSAPP_TEMPLATES=str(write_templates(tmp_path))
    )
    services = app.extensions[EXTENSION]
    add_appointment(services, add_participant(services))
    last_wrote(services, EVENING_BEFORE.astimezone(UTC) - timedelta(hours=hours_since_last_message))
    dispatch_at(services, EVENING_BEFORE)
    request = services.channel.client.http_client._test_only_last_request
    assert services.channel.client.http_client._test_only_last_response.status_code == 201
    if expect_template:
        assert request.data["ContentSid"] == NL_SID and "Body" not in request.data
    else:
        assert request.data["Body"].startswith("Herinnering:") and "ContentSid" not in request.data
    services.db.dispose()
