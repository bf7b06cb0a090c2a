"""Faults on the shared Redis and PostgreSQL: a worker killed, Twilio failing and hanging, the
translator down and hanging, one webhook at two web processes at once, two dispatchers at once.

Two WelkomWorkers serve the whole module (loading their models costs seconds); each test
starts from empty tables and an empty queue. Counted at the Twilio stand-in: every message
handled once, every answer, reminder and relayed message taken once.
"""

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from sqlmodel import SQLModel, select

from bot import dispatcher
from bot.config import ROOT
from bot.services import EXTENSION
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Direction, Message
from storage.types import utcnow
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.faults.load import Row, assert_survived, count, seed
from tests.faults.rig import (
    TRANSLATOR_TIMEOUT_SECONDS,
    TWILIO_TIMEOUT_SECONDS,
    Outside,
    Rig,
    Workers,
    build_rig,
    clear_jobs,
    outside_world,
    process_env,
    settings,
    wait_for,
)
from tests.support.databases import fresh_database
from tests.support.fake_twilio import LATE
from tests.support.http import free_port
from tests.support.services import REDIS_URL, require_redis
from tests.support.twilio import INBOUND_PATH, inbound_form, sign

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@dataclass
class Shared:
    outside: Outside
    database_url: str
    workers: Workers
    tmp_path: Path


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    require_redis()
    tmp_path = tmp_path_factory.mktemp("faults")
    with fresh_database("postgres", tmp_path) as database_url, outside_world() as outside:
        upgrade(database_url)
        clear_jobs(REDIS_URL)
        workers = Workers(process_env(settings(outside, database_url, REDIS_URL), tmp_path), REDIS_URL, tmp_path)
        try:
            workers.start(2)
            yield Shared(outside, database_url, workers, tmp_path)
        finally:
            workers.stop()
            clear_jobs(REDIS_URL)


@pytest.fixture
def rig(shared: Shared, tmp_path: Path) -> Iterator[Rig]:
    _empty_tables(shared.database_url)
    shared.outside.reset()
    clear_jobs(REDIS_URL)
    rig = build_rig(shared.outside, shared.database_url, REDIS_URL, tmp_path, shared.workers)
    yield rig
    rig.services.db.dispose()


def _empty_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    names = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def send_all(rig: Rig, load) -> None:
    for message in load.inbound:
        assert rig.post(message.sid, message.sender, message.body) == 200


def test_a_worker_killed_in_the_middle_of_jobs(rig: Rig, record: Callable[[Row], None]) -> None:
    load = seed(rig.services, talkers=4, relayed=2, each=4)
    send_all(rig, load)
    rig.tick()  # the reminders fall due
    wait_for(lambda: len(rig.outside.twilio.sent) >= 6, 60, "the first answers")
    running = []
    wait_for(lambda: running.append(rig.workers.current_job(0)) or running[-1], 30, "a job in hand")
    rig.workers.kill(0)  # SIGKILL, with the job process it forked
    rig.workers.start(1)  # as a supervisor would
    rig.settle(load.expected_outbound)
    note = f"killed while running {running[-1].removeprefix('bot.jobs.')}"
    row = count("worker SIGKILLed mid-jobs", rig.services, rig.outside.twilio, load, note)
    record(row)
    assert_survived(row)


def test_twilio_answering_500_then_429_then_hanging(rig: Rig, record: Callable[[Row], None]) -> None:
    twilio = rig.outside.twilio
    twilio.script = [500] * 6 + [429] * 6 + [LATE] * 4
    twilio.late_seconds = 3 * TWILIO_TIMEOUT_SECONDS  # taken, but answered after the client gave up
    load = seed(rig.services, talkers=4, relayed=2, each=4)
    send_all(rig, load)
    rig.tick()
    rig.settle(load.expected_outbound, seconds=90)
    refused = sum(1 for r in twilio.requests if r["method"] == "POST" and not r["taken"])
    lookups = sum(1 for r in twilio.requests if r["method"] == "GET")
    note = f"{refused} sends refused (500/429), 4 answered late, {lookups} looked up"
    row = count("Twilio 500, then 429, then hanging", rig.services, twilio, load, note)
    record(row)
    assert_survived(row)
    assert not twilio.script  # every scripted failure was met


def test_the_translator_down_then_hanging(rig: Rig, record: Callable[[Row], None]) -> None:
    translator = rig.outside.translator
    translator.script[:] = ["500"] * 4 + ["slow"] * 3
    translator.slow_seconds = 3 * TRANSLATOR_TIMEOUT_SECONDS
    load = seed(rig.services, talkers=2, relayed=4, each=4)
    send_all(rig, load)
    rig.tick()
    rig.settle(load.expected_outbound)
    with session_scope(rig.services.db) as db:
        relayed = db.exec(select(Message).where(Message.direction == Direction.INBOUND)).all()
        statuses = [m.translation["status"] for m in relayed if m.translation]
    untranslated = statuses.count("untranslated")
    note = f"{untranslated} relayed untranslated, {statuses.count('translated')} translated"
    row = count("translator 500, then hanging", rig.services, rig.outside.twilio, load, note)
    record(row)
    assert_survived(row)
    assert untranslated >= 1 and not translator.script


def test_the_same_webhook_at_two_web_processes_at_once(rig: Rig, shared: Shared, record: Callable[[Row], None]) -> None:
    servers = [_web_process(shared) for _ in range(2)]
    try:
        urls = [_ready(server) for server in servers]
        load = seed(rig.services, talkers=4, relayed=2, each=4)
        token = rig.services.settings.webhook_token
        statuses = []
        with ThreadPoolExecutor(max_workers=2) as pool:
            for message in load.inbound:
                form = inbound_form(message.sid, message.body, sender=message.sender)
                headers = {"X-Twilio-Signature": sign(token, PUBLIC_BASE_URL + INBOUND_PATH, form)}
                both = threading.Barrier(2)
                statuses += pool.map(lambda url, f=form, h=headers, b=both: _post(url, f, h, b), urls)
        rig.tick()
        rig.settle(load.expected_outbound)
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=15)
    assert set(statuses) == {200}
    note = f"{len(statuses)} deliveries, each answered 200"
    row = count("one webhook at two web processes at once", rig.services, rig.outside.twilio, load, note)
    record(row)
    assert_survived(row)


def _web_process(shared: Shared) -> tuple[subprocess.Popen, int]:
    """A web process as production runs one: waitress serving create_app() from the environment."""
    port = free_port()
    env = process_env(settings(shared.outside, shared.database_url, REDIS_URL), shared.tmp_path)
    command = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--call", "app:create_app"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def _ready(server: tuple[subprocess.Popen, int]) -> str:
    process, port = server
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert process.poll() is None, "the web process exited"
        try:
            return requests.get(url + "/api/openapi.json", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(answers, 60, "the web process")
    return url


def _post(url: str, form: dict, headers: dict, both: threading.Barrier) -> int:
    both.wait(timeout=10)  # the two deliveries leave at the same moment
    return requests.post(url + INBOUND_PATH, data=form, headers=headers, timeout=10).status_code


def test_two_dispatchers_ticking_the_same_due_minute(rig: Rig, tmp_path: Path, record: Callable[[Row], None]) -> None:
    other = make_app(tmp_path, **settings(rig.outside, rig.services.settings.database_url, REDIS_URL))
    dispatchers = [rig.services, other.extensions[EXTENSION]]
    load = seed(rig.services, talkers=10, relayed=2, each=2)
    send_all(rig, load)
    now, both = utcnow(), threading.Barrier(2)

    def tick(services) -> int:
        both.wait(timeout=10)
        return dispatcher.tick(services, now)["reminders"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        claimed = list(pool.map(tick, dispatchers))
    other.extensions[EXTENSION].db.dispose()
    rig.settle(load.expected_outbound)
    note = f"reminders claimed {claimed[0]} + {claimed[1]}"
    row = count("two dispatchers, the same due minute", rig.services, rig.outside.twilio, load, note)
    record(row)
    assert_survived(row)
    assert sum(claimed) == load.reminders
