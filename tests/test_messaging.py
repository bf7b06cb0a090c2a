"""Sending: stored first, sent once, retried on Twilio's 429/5xx, recorded when it fails for good."""

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from bot import dispatcher
from bot.outbound import RETRY_BACKOFF, due_retries
from bot.outbound import send as send_outbound
from bot.services import EXTENSION, Services
from storage import queries
from storage.db import session_scope
from storage.models import Channel, Escalation, Message, Participant
from storage.types import utcnow
from tests.conftest import make_app
from tests.support.fake_twilio import FakeTwilio
from tests.support.http import serving
from tests.support.twilio import ACCOUNT_SID as SID
from tests.support.twilio import AUTH_TOKEN, TWILIO_SETTINGS


@pytest.fixture
def fake_twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def twilio_app(tmp_path: Path, fake_twilio: FakeTwilio):
    with serving(fake_twilio) as base_url:
        app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=base_url)
        yield app
        app.extensions[EXTENSION].db.dispose()


def outbound(services: Services, body: str = "Hallo!", channel: str = Channel.WHATSAPP) -> int:
    now = utcnow()
    with session_scope(services.db) as db:
        participant = queries.get_or_create_participant(db, "+31612345678", channel, now)
        return queries.add_outbound(db, participant, body, now).id


def stored(services: Services, message_id: int) -> Message:
    with session_scope(services.db) as db:
        return db.get(Message, message_id)


def test_a_message_goes_out_through_twilio_with_a_status_callback(twilio_app: Flask, fake_twilio) -> None:
    services = twilio_app.extensions[EXTENSION]
    message_id = outbound(services)
    send_outbound(services, message_id, utcnow())
    [sent] = fake_twilio.requests
    assert sent["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert sent["auth"].username == SID and sent["auth"].password == AUTH_TOKEN
    assert sent["form"] == {
        "To": "whatsapp:+31612345678",
        "From": "whatsapp:+3197010000000",
        "Body": "Hallo!",
        "StatusCallback": f"https://welkom.example.org/webhooks/twilio/status?m={message_id}",
    }
    message = stored(services, message_id)
    assert message.twilio_sid.startswith("SM") and message.status == "queued" and message.attempts == 1


def test_sms_participants_get_sms_from_the_sms_number(twilio_app: Flask, fake_twilio) -> None:
    services = twilio_app.extensions[EXTENSION]
    send_outbound(services, outbound(services, channel=Channel.SMS), utcnow())
    assert fake_twilio.requests[0]["form"]["To"] == "+31612345678"
    assert fake_twilio.requests[0]["form"]["From"] == "+3197020000000"


def test_sending_twice_sends_once(twilio_app: Flask, fake_twilio) -> None:
    services = twilio_app.extensions[EXTENSION]
    message_id = outbound(services)
    send_outbound(services, message_id, utcnow())
    send_outbound(services, message_id, utcnow())
    assert len(fake_twilio.requests) == 1


def test_429_and_5xx_are_retried_by_the_dispatcher_until_sent(twilio_app: Flask, fake_twilio) -> None:
    services = twilio_app.extensions[EXTENSION]
    fake_twilio.script = [429, 503]
    message_id, now = outbound(services), utcnow()
    send_outbound(services, message_id, now)
    first = stored(services, message_id)
    assert (first.status, first.error_code, first.next_attempt_at) == ("retrying", 20429, now + RETRY_BACKOFF[0])

    assert dispatcher.tick(services, now)["retries"] == 0  # not due yet
    now += RETRY_BACKOFF[0]
    assert dispatcher.tick(services, now)["retries"] == 1
    services.queue.join()
    assert stored(services, message_id).status == "retrying"  # the 503

    assert dispatcher.tick(services, now + RETRY_BACKOFF[1])["retries"] == 1
    services.queue.join()
    final = stored(services, message_id)
    assert final.status == "queued" and final.attempts == 3 and len(fake_twilio.requests) == 3


def test_a_message_that_keeps_failing_is_recorded_as_failed(twilio_app: Flask, fake_twilio) -> None:
    services = twilio_app.extensions[EXTENSION]
    fake_twilio.script = [500] * 10
    message_id, now = outbound(services), utcnow()
    for _ in range(len(RETRY_BACKOFF) + 1):
        send_outbound(services, message_id, now)
        now += timedelta(hours=1)
    message = stored(services, message_id)
    assert message.status == "failed" and message.error_code == 20500
    with session_scope(services.db) as db:
        [record] = db.exec(select(Escalation)).all()
        assert (record.reason, record.details["message_id"], record.details["error_code"]) == (
            "send_failed",
            message_id,
            20500,
        )
    assert len(fake_twilio.requests) == len(RETRY_BACKOFF) + 1
    with session_scope(services.db) as db:
        assert due_retries(db, now) == []


def test_a_refused_message_fails_at_once_with_twilios_code(twilio_app: Flask, fake_twilio) -> None:
    services = twilio_app.extensions[EXTENSION]
    fake_twilio.script = [400]
    message_id = outbound(services)
    send_outbound(services, message_id, utcnow())
    message = stored(services, message_id)
    assert (message.status, message.error_code, message.attempts) == ("failed", 21211, 1)


def test_a_network_failure_is_retried(tmp_path: Path) -> None:
    # Nothing listens on port 9 of the loopback: the connection is refused.
    app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL="http://127.0.0.1:9")
    services = app.extensions[EXTENSION]
    message_id = outbound(services)
    send_outbound(services, message_id, utcnow())
    assert stored(services, message_id).status == "retrying"
    services.db.dispose()


def test_no_sender_for_the_channel_fails_without_calling_twilio(twilio_app: Flask, fake_twilio) -> None:
    services = twilio_app.extensions[EXTENSION]
    services.channel.senders[Channel.SMS] = None
    message_id = outbound(services, channel=Channel.SMS)
    send_outbound(services, message_id, utcnow())
    assert stored(services, message_id).status == "failed"
    assert fake_twilio.requests == []


def test_the_dispatcher_finishes_inbound_messages_whose_job_was_lost(app: Flask, services: Services) -> None:
    now = utcnow()
    with session_scope(services.db) as db:
        participant = queries.get_or_create_participant(db, "+31612345678", Channel.WHATSAPP, now)
        queries.record_inbound(db, participant, queries.Inbound("SM1", Channel.WHATSAPP, "hallo"), now)
    assert dispatcher.tick(services, now)["stale_inbound"] == 0  # its job may still be on the way
    assert dispatcher.tick(services, now + dispatcher.STALE_INBOUND)["stale_inbound"] == 1
    services.queue.join()
    with session_scope(services.db) as db:
        replies = db.exec(select(Message).where(Message.direction == "out")).all()
        assert len(replies) == 1 and replies[0].status == "sent"
        assert db.exec(select(Participant)).one().last_inbound_at == now
