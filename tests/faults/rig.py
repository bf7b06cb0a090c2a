"""The fault suite's rig: real RQ workers (WelkomWorker, as production runs them), the web app, the
dispatcher tick, and the outside world's stand-ins over HTTP (Twilio, a translator).

The web app runs in the test process (the same code a web process runs); workers are
subprocesses with their own environment, so a fault can kill them or pull their Redis or
PostgreSQL away.
"""

import itertools
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask
from redis import Redis, RedisError
from rq import Queue, Worker
from rq.job import Job
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from sqlmodel import select

from bot import dispatcher
from bot.config import ROOT
from bot.queue import WORKER_OPTIONS, WORKER_QUEUES
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Direction, Message
from storage.queries import PENDING, RETRYING, SUBMITTING, UNSURE
from storage.types import utcnow
from tests.conftest import CLEAN_ENV, PUBLIC_BASE_URL, SECRET, make_app
from tests.support.fake_translators import FakeGoogle
from tests.support.fake_twilio import FakeTwilio
from tests.support.http import serving
from tests.support.twilio import INBOUND_PATH, TWILIO_SETTINGS, inbound_form, sign
from tests.test_rq import RQ

# Short timeouts, so a hanging Twilio or translator costs the suite seconds, not minutes.
TWILIO_TIMEOUT_SECONDS = 1.0
TRANSLATOR_TIMEOUT_SECONDS = 1.0
# Ticking this far ahead finds everything a fault left behind: stale inbound messages (2 min),
# lost sends (2 min), stuck claims (5 min) and the third retry of a send (10 min).
SWEEP_AHEAD = timedelta(minutes=12)
# Not yet with Twilio, or not yet decided: a message in one of these is still on its way.
IN_FLIGHT = (PENDING, SUBMITTING, RETRYING, UNSURE)


@dataclass
class Outside:
    """Twilio and a translation service, each a real HTTP server on the loopback."""

    twilio: FakeTwilio
    twilio_url: str
    translator: FakeGoogle
    translator_url: str

    def reset(self) -> None:
        self.twilio.script.clear()
        self.twilio.requests.clear()
        self.twilio.messages.clear()
        self.translator.reset()


@contextmanager
def outside_world() -> Iterator[Outside]:
    twilio, translator = FakeTwilio(), FakeGoogle()
    with serving(twilio) as twilio_url, serving(translator) as translator_url:
        yield Outside(twilio, twilio_url, translator, translator_url)


def settings(outside: Outside, database_url: str, redis_url: str) -> dict[str, str]:
    """What the web app, the workers and the dispatcher all read from their environment."""
    return {
        **TWILIO_SETTINGS,
        "TWILIO_API_BASE_URL": outside.twilio_url,
        "TWILIO_TIMEOUT": str(TWILIO_TIMEOUT_SECONDS),
        "TRANSLATOR": "google",
        "TRANSLATOR_URL": outside.translator_url,
        "TRANSLATOR_TIMEOUT": str(TRANSLATOR_TIMEOUT_SECONDS),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # The load types faster than a person; flood control has its own tests.
        "FLOOD_PER_MINUTE": "1000",
    }


def process_env(overrides: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        **CLEAN_ENV,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SECRET_KEY": SECRET,
        "MEDIA_DIR": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
        **overrides,
    }


class Workers:
    """Workers as production runs them (bot.queue.WORKER_OPTIONS on WORKER_QUEUES), each in its own
    process group (a SIGKILL takes everything of it along, as when a machine loses the worker)."""

    def __init__(self, env: dict[str, str], redis_url: str, log_dir: Path):
        self.env, self.redis_url, self.log_dir = env, redis_url, log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self._numbers = itertools.count()
        self.restarted = 0

    def start(self, count: int = 1) -> None:
        names = [f"fault-{os.getpid()}-{next(self._numbers)}" for _ in range(count)]
        for name in names:
            log = (self.log_dir / f"{name}.log").open("w")  # read when a test fails
            command = [RQ, "worker", *WORKER_OPTIONS, "-n", name]
            self.processes[name] = subprocess.Popen(
                [*command, "--url", self.redis_url, *WORKER_QUEUES],
                env=self.env,
                cwd=ROOT,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            log.close()
        self._wait_registered(names)

    def _wait_registered(self, names: list[str], seconds: float = 60) -> None:
        """A WelkomWorker registers once its models are loaded: then it takes jobs at once."""
        with Redis.from_url(self.redis_url) as connection:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if set(names) <= {w.name for w in Worker.all(connection=connection)}:
                    return
                dead = [name for name in names if self.processes[name].poll() is not None]
                assert not dead, f"worker {dead} exited before it registered"
                time.sleep(0.2)
        raise AssertionError(f"workers {names} did not register in {seconds} s")

    def current_job(self, index: int = 0) -> str | None:
        """The function of the job worker `index` is running now, if any."""
        name = list(self.processes)[index]
        with Redis.from_url(self.redis_url) as connection:
            worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=connection)
            job = worker.get_current_job() if worker else None
            return job.func_name if job else None

    def kill(self, index: int = 0) -> None:
        process = list(self.processes.values())[index]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def alive(self) -> int:
        return len(self.running())

    def running(self) -> set[str]:
        return {name for name, process in self.processes.items() if process.poll() is None}

    def replace_exited(self) -> int:
        """Start a new worker for each that exited, as a supervisor (systemd Restart=always) does."""
        exited = [name for name, process in self.processes.items() if process.poll() is not None]
        for name in exited:
            del self.processes[name]
        if exited:
            self.start(len(exited))
        self.restarted += len(exited)
        return len(exited)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: the job in hand finishes
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@dataclass
class Rig:
    """One system under test: its web app (in this process), workers and the outside world."""

    app: Flask
    outside: Outside
    workers: Workers
    redis_url: str
    # Webhook posts answered with a 5xx (the sender would deliver them again).
    refused: int = 0
    _posted: set[str] = field(default_factory=set)

    @property
    def services(self) -> Services:
        return self.app.extensions[EXTENSION]

    def post(self, sid: str, sender: str, body: str) -> int:
        form = inbound_form(sid, body, sender=sender)
        signature = sign(self.services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
        status = self.app.test_client().post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature})
        self._posted.add(sid)
        self.refused += status.status_code >= 500
        return status.status_code

    def tick(self, ahead: timedelta = timedelta(0)) -> dict[str, int]:
        """One dispatcher tick, at the workers' clock or ahead of it (what later ticks would find)."""
        return dispatcher.tick(self.services, utcnow() + ahead)

    def settle(self, expected_outbound: int, seconds: float = 60, quiet: float = 1.5, supervise: bool = False) -> None:
        """Until every inbound message is handled and `expected_outbound` messages are with Twilio
        or failed for good. When nothing moves (and no job waits), tick ahead, as later ticks would;
        `supervise`: start a worker again when one exits, as a supervisor would."""
        deadline, last, still_since = time.monotonic() + seconds, None, time.monotonic()
        while time.monotonic() < deadline:
            if supervise:
                self.workers.replace_exited()
            snapshot = _progress(self.services)
            unhandled, outbound, in_flight = snapshot[0], snapshot[1], snapshot[2]
            if unhandled == 0 and outbound >= expected_outbound and in_flight == 0:
                return
            if snapshot != last:
                last, still_since = snapshot, time.monotonic()
            elif time.monotonic() - still_since > quiet and self._jobs_waiting() == 0:
                self.tick(SWEEP_AHEAD)
                still_since = time.monotonic()
            time.sleep(0.2)
        raise AssertionError(f"not settled in {seconds} s: {last}; outbound statuses {_statuses(self.services)}")

    def _jobs_waiting(self) -> int:
        try:
            with Redis.from_url(self.redis_url, socket_connect_timeout=1, socket_timeout=2) as connection:
                queues = [Queue(name, connection=connection) for name in WORKER_QUEUES]
                started = [StartedJobRegistry(queue=queue).get_job_ids() for queue in queues]
                jobs = Job.fetch_many([job_id for ids in started for job_id in ids], connection=connection)
                # A killed worker's job stays "started" in RQ until its timeout: only the dispatcher's
                # sweep brings its work back, so it must not hold the rig from ticking ahead.
                running = self.workers.running()
                return sum(q.count for q in queues) + sum(1 for job in jobs if job and job.worker_name in running)
        except RedisError:
            return 0


def _progress(services: Services) -> tuple[int, int, int, int]:
    with session_scope(services.db) as db:
        messages = db.exec(select(Message)).all()
    inbound = [m for m in messages if m.direction == Direction.INBOUND]
    outbound = [m for m in messages if m.direction == Direction.OUTBOUND]
    return (
        sum(m.processed_at is None for m in inbound),
        len(outbound),
        sum(m.status in IN_FLIGHT for m in outbound),
        sum(m.twilio_sid is not None for m in outbound),
    )


def _statuses(services: Services) -> dict[tuple[str, int | None], int]:
    with session_scope(services.db) as db:
        outbound = db.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all()
    return dict(Counter((m.status, m.error_code) for m in outbound))


def clear_jobs(redis_url: str) -> None:
    """Nothing of an earlier test left in the queue or waiting for a retry."""
    with Redis.from_url(redis_url) as connection:
        for name in WORKER_QUEUES:
            queue = Queue(name, connection=connection)
            queue.empty()
            scheduled = ScheduledJobRegistry(queue=queue)
            for job_id in scheduled.get_job_ids():
                try:
                    scheduled.remove(job_id, delete_job=True)
                except ValueError:  # RQ could not find an execution a stopped worker never finished writing
                    scheduled.remove(job_id)
                    connection.delete(Job.key_for(job_id))


def build_rig(
    outside: Outside, database_url: str, redis_url: str, tmp_path: Path, workers: Workers | None = None
) -> Rig:
    overrides = settings(outside, database_url, redis_url)
    app = make_app(tmp_path, **overrides)
    return Rig(app, outside, workers or Workers(process_env(overrides, tmp_path), redis_url, tmp_path), redis_url)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.1)
