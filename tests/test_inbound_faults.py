"""Inbound messages under faults: two workers racing for one person, Redis down or paused, a message
that keeps failing. Every message is handled once, in the order it arrived, and answered once."""

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis
from rq import Worker
from sqlmodel import select

from bot import conversation, dispatcher
from bot.config import ROOT
from bot.queue import WORKER_QUEUES, RedisJobQueue
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Direction, Escalation, Message
from storage.types import utcnow
from tests.conftest import make_app
from tests.support.databases import fresh_database
from tests.support.services import REDIS_URL
from tests.support.twilio import inbound_form
from tests.test_rq import RQ, post, redis, replies, run_worker, worker_env  # noqa: F401 (fixtures)

WORKERS = 2


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def workers(redis: Redis, worker_env: dict[str, str], database_url: str) -> Iterator[None]:  # noqa: F811
    """Two real RQ workers, waiting for jobs before any message arrives. Plain workers: each job builds
    the app and loads the language models, so two jobs of one person overlap for seconds."""
    env = {**worker_env, "DATABASE_URL": database_url}
    command = [RQ, "worker", "--url", REDIS_URL, *WORKER_QUEUES]
    processes = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(WORKERS)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(Worker.all(connection=redis)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(Worker.all(connection=redis)) == WORKERS, "the workers did not start"
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def wait_for_replies(services: Services, count: int, seconds: float = 90) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with session_scope(services.db) as db:
            out = db.exec(select(Message).where(Message.direction == Direction.OUTBOUND).order_by(Message.id)).all()
        if len(out) >= count and all(m.status == "sent" for m in out):
            return [m.body for m in out]
        time.sleep(0.2)
    raise AssertionError(f"not {count} replies sent in time")


def test_two_quick_messages_of_one_person_are_handled_in_order_by_two_workers(
    tmp_path: Path,
    database_url: str,
    workers: None,
) -> None:
    app = make_app(tmp_path, REDIS_URL=REDIS_URL, DATABASE_URL=database_url)
    services = app.extensions[EXTENSION]
    try:
        post(app, "SM1", "hallo")
        time.sleep(0.05)
        post(app, "SM2", "3")
        menu, welcome = wait_for_replies(services, 2)
        assert menu.startswith(services.catalogs.text("nl", "language.choose"))
        assert welcome.startswith(services.catalogs.text("ar", "welkom.welcome"))
        with session_scope(services.db) as db:
            inbound = db.exec(select(Message).where(Message.direction == Direction.INBOUND).order_by(Message.id)).all()
            assert [m.processed_at is not None for m in inbound] == [True, True]
            assert inbound[0].processed_at <= inbound[1].processed_at
    finally:
        services.db.dispose()


def silent_redis() -> Iterator[str]:
    """A Redis that accepts connections and never answers, as a paused (SIGSTOP) server does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        server.close()


@pytest.fixture(params=["stopped", "paused"])
def unavailable_redis(request) -> Iterator[str]:
    if request.param == "stopped":
        yield "redis://127.0.0.1:9/0"  # nothing listens on the loopback's port 9
    else:
        yield from silent_redis()


def test_the_webhook_answers_200_when_redis_is_unavailable_and_the_sweep_hands_it_over(
    tmp_path: Path,
    unavailable_redis: str,
    redis: Redis,  # noqa: F811
    worker_env: dict[str, str],  # noqa: F811
) -> None:
    app = make_app(tmp_path, REDIS_URL=unavailable_redis)
    services = app.extensions[EXTENSION]
    try:
        started = time.monotonic()
        post(app, "SM1", "hallo")  # asserts the 200
        assert time.monotonic() - started < 4
        with session_scope(services.db) as db:
            [stored] = db.exec(select(Message)).all()
            assert stored.processed_at is None

        services.queue = RedisJobQueue(REDIS_URL)  # Redis is back
        assert dispatcher.tick(services, utcnow() + dispatcher.STALE_INBOUND)["stale_inbound"] == 1
        run_worker(worker_env)
        assert len(replies(services)) == 1
    finally:
        services.db.dispose()


def test_a_message_that_keeps_failing_is_given_up_and_the_next_one_is_handled(
    app: Flask, services: Services, signed_post, monkeypatch
) -> None:
    signed_post("/webhooks/twilio/messages", inbound_form("SM1", "hallo"))
    advance = conversation._advance

    def failing_on_poison(services, db, participant, message, now):
        if message.body == "gif":
            raise RuntimeError("a value the database refuses")
        return advance(services, db, participant, message, now)

    monkeypatch.setattr(conversation, "_advance", failing_on_poison)
    signed_post("/webhooks/twilio/messages", inbound_form("SM2", "gif"))
    signed_post("/webhooks/twilio/messages", inbound_form("SM3", "3"))
    now = utcnow()
    for tick in range(1, conversation.MAX_ATTEMPTS + 2):
        dispatcher.tick(services, now + tick * dispatcher.STALE_INBOUND)
        services.queue.join()

    menu, welcome = replies(services)
    assert welcome.startswith(services.catalogs.text("ar", "welkom.welcome"))
    with session_scope(services.db) as db:
        poison = db.exec(select(Message).where(Message.twilio_sid == "SM2")).one()
        assert (poison.status, poison.attempts, poison.processed_at is not None) == (
            "failed",
            conversation.MAX_ATTEMPTS,
            True,
        )
        [record] = db.exec(select(Escalation)).all()
        assert (record.reason, record.details) == ("handling_failed", {"message_id": poison.id})
    assert dispatcher.tick(services, now + 10 * dispatcher.STALE_INBOUND)["stale_inbound"] == 0
