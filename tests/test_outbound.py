"""Nothing lost, nothing doubled: sends whose answer was lost, and claims left by a worker that died.

Counted at a Twilio-compatible HTTP server: each message reaches Twilio once.
"""

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from bot import dispatcher, jobs, messaging, outbound
from bot.config import ROOT
from bot.i18n import PEOPLE_ZONE
from bot.queue import QUEUE_NAME
from bot.services import EXTENSION, Services
from storage import queries
from storage.db import session_scope
from storage.models import Message
from storage.types import utcnow
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.support.fake_twilio import LATE, FakeTwilio
from tests.support.http import serving
from tests.support.services import REDIS_URL
from tests.support.twilio import STATUS_PATH, TWILIO_SETTINGS, sign
from tests.test_messaging import outbound as stored_outbound
from tests.test_messaging import stored
from tests.test_rq import RQ, redis, run_dispatch, run_worker, worker_env  # noqa: F401 (fixtures)

CLIENT_TIMEOUT = 0.5


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio(late_seconds=3 * CLIENT_TIMEOUT)


@pytest.fixture
def app(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Flask]:
    with serving(twilio) as base_url:
        app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=base_url)
        app.extensions[EXTENSION].channel.client.http_client.timeout = CLIENT_TIMEOUT
        yield app
        app.extensions[EXTENSION].db.dispose()


def test_a_send_answered_after_the_timeout_is_looked_up_not_sent_again(services: Services, twilio) -> None:
    twilio.script = [LATE]
    message_id, now = stored_outbound(services), utcnow()
    outbound.send(services, message_id, now)
    assert stored(services, message_id).status == queries.UNSURE

    assert dispatcher.tick(services, now + outbound.RETRY_BACKOFF[0])["retries"] == 1
    services.queue.join()
    message = stored(services, message_id)
    assert len(twilio.sent) == 1
    assert (message.status, message.twilio_sid) == ("queued", twilio.messages[0]["sid"])
    assert [r["query"]["To"] for r in twilio.requests if r["method"] == "GET"] == ["whatsapp:+31612345678"]


def test_a_lookup_does_not_take_an_earlier_message_of_the_same_text_for_this_one(services: Services, twilio) -> None:
    """The menu asked for twice: the second send's answer is lost; the first is at Twilio with the
    same text, but it is another message of ours, so the second is sent, not marked as that one."""
    first, second, now = stored_outbound(services, "Menu"), stored_outbound(services, "Menu"), utcnow()
    outbound.send(services, first, now)
    twilio.script = [503]  # refused: certainly not taken
    outbound.send(services, second, now)
    with session_scope(services.db) as db:  # as a worker killed in the HTTP call leaves it
        db.get(Message, second).status = queries.UNSURE
    dispatcher.tick(services, now + outbound.RETRY_BACKOFF[0])
    services.queue.join()
    assert [form["Body"] for form in twilio.sent] == ["Menu", "Menu"]
    assert stored(services, first).twilio_sid != stored(services, second).twilio_sid
    assert [r["method"] for r in twilio.requests] == ["POST", "POST", "GET", "POST"]


def test_a_refused_send_is_retried_without_a_lookup(services: Services, twilio) -> None:
    twilio.script = [503]  # refused outright: certainly not taken, retried without a lookup
    message_id, now = stored_outbound(services), utcnow()
    outbound.send(services, message_id, now)
    assert stored(services, message_id).status == queries.RETRYING
    dispatcher.tick(services, now + outbound.RETRY_BACKOFF[0])
    services.queue.join()
    assert len(twilio.sent) == 1 and not [r for r in twilio.requests if r["method"] == "GET"]


def claim_and_die(services: Services, message_id: int, now, reached_twilio: bool) -> None:
    """What a worker killed during the HTTP call leaves: a committed claim and no SID."""
    with session_scope(services.db) as db:
        message, _ = outbound.claim(db, message_id, now)
        outgoing, _ = messaging.route(services, db, message, now)
    if reached_twilio:
        services.channel.send(outgoing, outbound.status_callback_url(services, message_id))


@pytest.mark.parametrize("reached_twilio", [False, True], ids=["died before Twilio", "died after Twilio took it"])
def test_a_claim_left_by_a_dead_worker_is_recovered_and_sent_once(services: Services, twilio, reached_twilio) -> None:
    message_ids, now = [stored_outbound(services, f"Antwoord {n}") for n in range(3)], utcnow()
    for message_id in message_ids:
        claim_and_die(services, message_id, now, reached_twilio)

    assert dispatcher.tick(services, now + outbound.SUBMIT_TIMEOUT / 2)["stuck"] == 0  # may still be sending
    assert dispatcher.tick(services, now + outbound.SUBMIT_TIMEOUT)["stuck"] == 3
    services.queue.join()
    assert sorted(form["Body"] for form in twilio.sent) == ["Antwoord 0", "Antwoord 1", "Antwoord 2"]
    sids = {m["sid"] for m in twilio.messages}
    for message_id in message_ids:
        message = stored(services, message_id)
        assert message.status == "queued" and message.twilio_sid in sids
    assert dispatcher.tick(services, now + 4 * outbound.SUBMIT_TIMEOUT)["stuck"] == 0


def test_a_status_callback_names_a_message_whose_sid_was_never_stored(app: Flask, services: Services, twilio) -> None:
    message_id, now = stored_outbound(services), utcnow()
    claim_and_die(services, message_id, now, reached_twilio=True)
    [request] = twilio.requests
    callback = request["form"]["StatusCallback"]
    assert callback == f"{PUBLIC_BASE_URL}{STATUS_PATH}?m={message_id}"

    form = {"MessageSid": twilio.messages[0]["sid"], "MessageStatus": "delivered"}
    headers = {"X-Twilio-Signature": sign(services.settings.webhook_token, callback, form)}
    assert app.test_client().post(f"{STATUS_PATH}?m={message_id}", data=form, headers=headers).status_code == 200
    message = stored(services, message_id)
    assert (message.status, message.twilio_sid) == ("delivered", twilio.messages[0]["sid"])
    assert dispatcher.tick(services, now + outbound.SUBMIT_TIMEOUT)["stuck"] == 0
    assert len(twilio.sent) == 1


def test_a_worker_killed_while_twilio_is_slow_leaves_nothing_unsent_or_doubled(
    tmp_path: Path,
    redis,  # noqa: F811
    worker_env: dict[str, str],  # noqa: F811
) -> None:
    """A real RQ worker, SIGKILLed (with its job process) while Twilio holds the request; the sweep
    after SUBMIT_TIMEOUT looks the message up and finds it sent, so it is not sent again."""
    twilio = FakeTwilio(script=[LATE], late_seconds=20)
    with serving(twilio) as base_url:
        env = {**worker_env, **TWILIO_SETTINGS, "TWILIO_API_BASE_URL": base_url}
        app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=base_url, REDIS_URL=REDIS_URL)
        services = app.extensions[EXTENSION]
        message_id = stored_outbound(services)
        services.queue.enqueue(jobs.send_message, message_id)
        worker = subprocess.Popen(
            [RQ, "worker", "--url", REDIS_URL, QUEUE_NAME],
            env=env,
            cwd=ROOT,
            start_new_session=True,  # its own process group: the job process dies with it
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not twilio.requests and time.monotonic() < deadline:
                time.sleep(0.1)
            assert twilio.requests, "the worker never called Twilio"
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        assert stored(services, message_id).status == queries.SUBMITTING

        later = datetime.now(UTC) + outbound.SUBMIT_TIMEOUT
        assert "vastgelopen verzendingen: 1" in run_dispatch(env, later.isoformat())
        run_worker(env)
        message = stored(services, message_id)
        assert len(twilio.sent) == 1
        assert (message.status, message.twilio_sid) == ("queued", twilio.messages[0]["sid"])
        services.db.dispose()


def test_a_reply_sends_what_was_stored_before_it_first_and_nothing_twice(app: Flask, twilio) -> None:
    """The reply queue goes before the reminders' queue; a reminder stored before the reply still reaches
    the person first, and its own job later finds it sent."""
    services = app.extensions[EXTENSION]
    reminder_id = stored_outbound(services, "Herinnering")
    reply_id = stored_outbound(services, "Antwoord")
    with app.app_context():
        jobs.send_reply(reply_id)
        jobs.send_message(reminder_id)
    assert [form["Body"] for form in twilio.sent] == ["Herinnering", "Antwoord"]
    assert {stored(services, m).status for m in (reminder_id, reply_id)} == {"queued"}


def test_a_reminder_whose_send_falls_in_quiet_hours_waits_for_the_morning(app: Flask, twilio) -> None:
    services = app.extensions[EXTENSION]
    reminder_id, answer_id = stored_outbound(services, "Herinnering"), stored_outbound(services, "Antwoord")
    with session_scope(services.db) as db:
        db.get(Message, reminder_id).template = "reminder"
    night = datetime(2026, 12, 1, 22, 30, tzinfo=PEOPLE_ZONE)  # quiet hours are 21:00-08:00
    outbound.send(services, reminder_id, night)
    outbound.send(services, answer_id, night)  # an answer to someone who just wrote is not held
    assert [form["Body"] for form in twilio.sent] == ["Antwoord"]
    morning = datetime(2026, 12, 2, 8, 0, tzinfo=PEOPLE_ZONE)
    assert (stored(services, reminder_id).status, stored(services, reminder_id).next_attempt_at) == (
        queries.RETRYING,
        morning,
    )
    assert dispatcher.tick(services, morning - timedelta(minutes=1))["retries"] == 0
    assert dispatcher.tick(services, morning)["retries"] == 1
    services.queue.join()
    # In the morning, outside the 24-hour window: as the reminder's template or short SMS.
    assert len(twilio.sent) == 2 and twilio.sent[1]["Body"].startswith("Herinnering")
    assert stored(services, reminder_id).status == "queued"
