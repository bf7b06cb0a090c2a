"""Jobs on a real Redis, run by a real `rq worker`, and the tick scheduled by `rq cron`."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis
from rq import Queue
from sqlmodel import select

from bot.config import ROOT
from bot.queue import QUEUE_NAME, REPLY_QUEUE, WORKER_QUEUES, RedisJobQueue
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Direction, Message
from storage.types import utcnow
from tests.conftest import CLEAN_ENV, PUBLIC_BASE_URL, SECRET, make_app
from tests.support.services import REDIS_URL, require_redis
from tests.support.twilio import INBOUND_PATH, inbound_form, sign

pytestmark = pytest.mark.redis
RQ = str(Path(sys.executable).parent / "rq")


@pytest.fixture
def redis() -> Iterator[Redis]:
    require_redis()
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    """The environment a worker process reads its settings from, same as the web app's."""
    return {
        **os.environ,
        **CLEAN_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'welkom.db'}",
        "REDIS_URL": REDIS_URL,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SECRET_KEY": SECRET,
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture
def redis_app(redis: Redis, tmp_path: Path, worker_env: dict[str, str]) -> Iterator[Flask]:
    app = make_app(tmp_path, REDIS_URL=REDIS_URL)
    yield app
    app.extensions[EXTENSION].db.dispose()


def post(app: Flask, sid: str, body: str) -> None:
    form = inbound_form(sid, body)
    signature = sign(SECRET, PUBLIC_BASE_URL + INBOUND_PATH, form)
    assert app.test_client().post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}).status_code == 200


def run_worker(env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [RQ, "worker", "--burst", "--url", REDIS_URL, *options, *WORKER_QUEUES],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def run_dispatch(env: dict[str, str], now: str) -> str:
    """`flask bot dispatch --now ...` in its own process, as an operator or cron would."""
    command = [sys.executable, "-m", "flask", "--app", "app", "bot", "dispatch", "--now", now]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def replies(services: Services) -> list[str]:
    with session_scope(services.db) as db:
        return [m.body for m in db.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all()]


def test_the_webhook_enqueues_a_job_by_id_on_redis(redis_app: Flask, redis: Redis) -> None:
    services = redis_app.extensions[EXTENSION]
    assert isinstance(services.queue, RedisJobQueue)
    post(redis_app, "SM1", "hallo")
    [job] = Queue(REPLY_QUEUE, connection=redis).get_jobs()
    assert job.func_name == "bot.jobs.handle_inbound"
    assert job.args == (1,)
    assert replies(services) == []  # nothing is handled in the web process


@pytest.mark.parametrize("options", [(), ("-w", "bot.worker.WelkomWorker")], ids=["rq Worker", "WelkomWorker"])
def test_a_worker_runs_the_conversation(redis_app: Flask, worker_env: dict[str, str], options) -> None:
    services = redis_app.extensions[EXTENSION]
    post(redis_app, "SM1", "hallo")
    run_worker(worker_env, *options)
    post(redis_app, "SM2", "3")
    run_worker(worker_env, *options)
    menu, welcome = replies(services)
    assert menu.startswith(services.catalogs.text("nl", "language.choose"))
    assert welcome.startswith(services.catalogs.text("ar", "welkom.welcome"))
    with session_scope(services.db) as db:
        assert {m.status for m in db.exec(select(Message).where(Message.direction == Direction.OUTBOUND))} == {"sent"}


def test_a_job_run_twice_answers_once(redis_app: Flask, redis: Redis, worker_env: dict[str, str]) -> None:
    services = redis_app.extensions[EXTENSION]
    post(redis_app, "SM1", "hallo")
    [job] = Queue(REPLY_QUEUE, connection=redis).get_jobs()
    services.queue.enqueue(job.func, *job.args)  # the same job again, as after a worker crash
    run_worker(worker_env)
    assert len(replies(services)) == 1


def test_losing_redis_loses_no_message(redis_app: Flask, redis: Redis, worker_env: dict[str, str]) -> None:
    services = redis_app.extensions[EXTENSION]
    post(redis_app, "SM1", "hallo")
    redis.flushdb()  # the queued job is gone
    run_worker(worker_env)
    assert replies(services) == []
    # A few minutes on: the message counts as stale (not decades on, when retention would erase everyone).
    assert "blijven liggen (binnen): 1" in run_dispatch(worker_env, (utcnow() + timedelta(minutes=5)).isoformat())
    run_worker(worker_env)
    assert len(replies(services)) == 1


def test_rq_cron_enqueues_the_dispatcher_tick(redis_app: Flask, redis: Redis, worker_env: dict[str, str]) -> None:
    cron = subprocess.Popen(
        [RQ, "cron", "--url", REDIS_URL, "bot.cron"],
        env=worker_env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        queue, deadline = Queue(QUEUE_NAME, connection=redis), time.monotonic() + 30
        while not queue.get_jobs() and time.monotonic() < deadline:
            time.sleep(0.2)
        jobs = queue.get_jobs()
    finally:
        cron.terminate()
        output = cron.communicate(timeout=10)[0]
    assert [job.func_name for job in jobs] == ["bot.tick.dispatch"], output
    run_worker(worker_env)
    assert jobs[0].get_status(refresh=True) == "finished"


def test_losing_redis_loses_no_reminder(redis_app: Flask, redis: Redis, worker_env: dict[str, str]) -> None:
    """Scheduled in the database, claimed by the dispatcher, sent by a worker, whatever Redis forgot."""
    from tests.test_appointments import EVENING_BEFORE, add_appointment, add_participant

    services = redis_app.extensions[EXTENSION]
    add_appointment(services, add_participant(services))
    redis.flushdb()  # between scheduling and the due time

    assert "herinneringen: 1" in run_dispatch(worker_env, EVENING_BEFORE.isoformat())
    redis.flushdb()  # and again after the dispatcher enqueued its send job
    run_worker(worker_env)
    with session_scope(services.db) as db:
        [message] = db.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all()
        assert message.status == "pending"
    assert "alsnog te versturen: 1" in run_dispatch(worker_env, (EVENING_BEFORE + timedelta(minutes=5)).isoformat())
    run_worker(worker_env)
    with session_scope(services.db) as db:
        assert db.get(Message, message.id).status == "sent"
