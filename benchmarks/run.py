"""Welkom's speed, each figure beside a bare baseline measured in the same run (issue 13).

Starts everything itself on free loopback ports: gunicorn with 2 workers (Welkom, and a bare
Flask app for the ingest baseline), two Welkom workers as production runs them
(bot.queue.WORKER_COMMAND), a Twilio-compatible server that answers at once
(benchmarks/fast_twilio.py), its own Redis database (db 12) and its own PostgreSQL
database (welkom_bench, dropped and made again). Needs wrk (Debian, /usr/bin/wrk).
Not part of the tests.

    .venv/bin/python benchmarks/run.py [--messages 300] [--reminders 2000] [--backlog 1000]
"""

import argparse
import http.client
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from redis import Redis  # noqa: E402
from rq import Queue, Worker  # noqa: E402
from rq.job import Job  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

BIN = Path(sys.executable).parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "welkom_bench"
DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/12"
AUTH_TOKEN = "bench-token"
INBOUND_PATH = "/webhooks/twilio/messages"
BOT_NUMBER = "whatsapp:+3197010000000"
FIRST_MESSAGES = [
    "Goedemorgen, ik ben nieuw hier",
    "Hello, I am new here and want to help",
    "Привіт, я нова тут",
    "Merhaba, burada yeniyim",
    "Iska warran, waxaan ahay qof cusub",
    "مرحبا، أنا جديد هنا",
]
INGEST_SECONDS = 8
WRK_CONNECTIONS, WRK_THREADS = 16, 2
# Distinct senders in the ingest run: most messages come from people already known.
INGEST_SENDERS = 2000
WAIT_CAP_SECONDS = 90
BURST_SIDS = 1_000_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- processes and memory


class Stack:
    """The processes this run started, their logs, and the peak RSS of each role's processes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.roles: dict[str, list[int]] = {}
        self.peak_kib: dict[str, int] = {}
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def start(self, name: str, command: list[str], env: dict[str, str], role: str | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((name, process))
        if role:
            self.roles.setdefault(role, []).append(process.pid)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self) -> None:
        self._stop.set()
        for _, process in reversed(self.processes):
            self.stop(process)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            children = _children()
            for role, pids in list(self.roles.items()):
                for pid in [p for root in pids for p in _tree(root, children)]:
                    rss = _rss_kib(pid)
                    self.peak_kib[role] = max(self.peak_kib.get(role, 0), rss)


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    return children


def _tree(root: int, children: dict[int, list[int]]) -> Iterator[int]:
    yield root
    for child in children.get(root, []):
        yield from _tree(child, children)


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


# ---------------------------------------------------------------- database and settings


def fresh_database() -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def welkom_env(web_port: int, twilio_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "MESSAGING_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef" * 2,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_WHATSAPP_FROM": "+3197010000000",
        "TWILIO_SMS_FROM": "+3197020000000",
        "TWILIO_API_BASE_URL": f"http://127.0.0.1:{twilio_port}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "WHATSAPP_TEMPLATES": "",
        # The run must not depend on the hour it is started at.
        "QUIET_HOURS": "03:00-03:01",
        "FLOOD_PER_MINUTE": "1000",
        "LOG_LEVEL": "WARNING",
        "BENCH_DATABASE_URL": DATABASE_URL,
        "BENCH_REDIS_URL": REDIS_URL,
    }


def gunicorn(app: str, port: int) -> list[str]:
    return [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app]


def worker_command(queues: tuple[str, ...] | None = None) -> list[str]:
    """The worker as the README runs it, with this run's Redis (other queues for the no-op baseline)."""
    from bot.queue import WORKER_OPTIONS, WORKER_QUEUES

    return [str(BIN / "rq"), "worker", "--url", REDIS_URL, *WORKER_OPTIONS, *(queues or WORKER_QUEUES)]


# ---------------------------------------------------------------- figures


def signed_form(base_url: str, n: int, sender: str, body: str) -> tuple[str, str]:
    form = {
        "MessageSid": f"SM{n:032x}",
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": BOT_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "ProfileName": "Bench",
        "WaId": sender.split("+")[-1],
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(base_url + INBOUND_PATH, form)
    return signature, urlencode(form)


def write_forms(path: Path, base_url: str, count: int, first: int) -> None:
    with path.open("w") as out:
        for n in range(first, first + count):
            sender = f"whatsapp:+3161{n % INGEST_SENDERS:07d}"
            signature, body = signed_form(base_url, n, sender, FIRST_MESSAGES[n % len(FIRST_MESSAGES)])
            out.write(f"{signature}\t{body}\n")


def wrk(port: int, forms: Path, delay_ms: float = 0) -> dict[str, float]:
    """Signed webhooks for INGEST_SECONDS; the requests still in flight when wrk stops are let finish."""
    env = {**os.environ, "FORMS": str(forms), "THREADS": str(WRK_THREADS), "DELAY_MS": str(delay_ms)}
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{INGEST_SECONDS}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "benchmarks" / "ingest.lua"), f"http://127.0.0.1:{port}{INBOUND_PATH}"]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    time.sleep(1)
    return {k: float(v) for k, v in (item.split("=") for item in line.split()[1:])}


def post_burst(port: int, base_url: str, first: int, count: int) -> dict[str, float]:
    """Posts `count` first messages from new numbers as fast as 8 connections go; when each was posted."""
    posted: dict[str, float] = {}
    forms = []
    for n in range(first, first + count):
        sender = f"whatsapp:+3162{n:07d}"
        # MessageSids of their own: the ingest's forms count up from 0 (and from 100,000).
        sid = BURST_SIDS + n
        forms.append((sender, *signed_form(base_url, sid, sender, FIRST_MESSAGES[n % len(FIRST_MESSAGES)])))

    def post_some(part: list[tuple[str, str, str]]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for sender, signature, body in part:
            headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
            posted[sender] = time.time()
            connection.request("POST", INBOUND_PATH, body, headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(post_some, [forms[i::8] for i in range(8)]))
    return posted


def twilio_stats(port: int) -> dict[str, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/stats")
    return json.loads(connection.getresponse().read())["first_seen"]


def wait_for_arrivals(port: int, recipients: set[str], since: float) -> dict[str, float]:
    """First arrival at Twilio of each recipient, waiting at most WAIT_CAP_SECONDS from `since`."""
    while True:
        seen = twilio_stats(port)
        arrived = {to: seen[to] for to in recipients if to in seen}
        if len(arrived) == len(recipients) or time.time() - since > WAIT_CAP_SECONDS:
            return arrived
        time.sleep(0.5)


def latencies(posted: dict[str, float], arrived: dict[str, float]) -> tuple[float, float]:
    waits = sorted(arrived[to] - posted[to] for to in arrived)
    if not waits:
        return float("nan"), float("nan")
    return statistics.median(waits), waits[min(len(waits) - 1, int(len(waits) * 0.99))]


def noop_jobs_per_second(redis: Redis, env: dict[str, str], stack: Stack, label: str, jobs: int) -> float:
    """Two workers in burst mode on `jobs` no-op jobs: jobs per second from the first start to the last end."""
    from benchmarks.noop import noop

    queue = Queue("noop", connection=redis)
    with redis.pipeline() as pipe:
        ids = [queue.enqueue(noop, n, pipeline=pipe).id for n in range(jobs)]
        pipe.execute()
    plain = [str(BIN / "rq"), "worker", "--url", REDIS_URL, "noop"]
    command = [*(plain if label == "plain" else worker_command(("noop",))), "--burst"]
    workers = [stack.start(f"noop-{label}-{n}", command, env, role=f"noop_{label}") for n in range(2)]
    for process in workers:
        process.wait(300)
    done = [job for job in Job.fetch_many(ids, connection=redis) if job is not None and job.ended_at]
    start = min(job.started_at for job in done)
    end = max(job.ended_at for job in done)
    return len(done) / (end - start).total_seconds()


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def add_due_reminders(services, count: int, first: int) -> None:
    """`count` consenting participants in the window, each with an appointment in three hours and
    its reminder due now (the 'one minute' of the evening reminders)."""
    from storage.models import Appointment, Participant, Reminder

    now = services.clock()
    with services.db.begin() as connection:
        people = [
            {
                "phone": f"+3163{n:07d}",
                "channel": "whatsapp",
                "language": "nl",
                "name": "Bench",
                "reminders": True,
                "consent_given_at": now,
                "last_inbound_at": now,
                "holidays": [],
                "created_at": now,
            }
            for n in range(first, first + count)
        ]
        ids = connection.execute(insert(Participant).returning(Participant.id), people).scalars().all()
        appointments = [
            {
                "participant_id": pid,
                "kind": "work",
                "starts_at": now + timedelta(hours=3),
                "ends_at": now + timedelta(hours=6),
                "place_name": "Kringloop",
                "address": "Markt 1, Doetinchem",
                "notes": "",
                "status": "planned",
                "confirmation_sent_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for pid in ids
        ]
        appointment_ids = connection.execute(insert(Appointment).returning(Appointment.id), appointments).scalars()
        due = now - timedelta(seconds=30)
        reminders = [
            {"appointment_id": a, "kind": "hours_before", "due_at": due, "status": "scheduled", "created_at": now}
            for a in appointment_ids
        ]
        connection.execute(insert(Reminder), reminders)


def drain_reminders(services, count: int) -> dict[str, float]:
    """Dispatcher ticks back to back (as `bot dispatch` runs one) until no reminder is due."""
    from bot import dispatcher
    from storage.models import Reminder

    progress: list[tuple[float, int]] = []
    claimed = 0
    start = time.perf_counter()
    while claimed < count and time.perf_counter() - start < WAIT_CAP_SECONDS:
        claimed += dispatcher.tick(services, services.clock())["reminders"]
        progress.append((time.perf_counter() - start, claimed))
    elapsed = time.perf_counter() - start
    with services.db.connect() as connection:
        left = connection.execute(select(func.count()).where(Reminder.status == "scheduled")).scalar()
    ticks = _first_and_last_tick(progress)
    return {"claimed": claimed, "seconds": elapsed, "ticks": len(progress), "left": left, **ticks}


def _first_and_last_tick(progress: list[tuple[float, int]]) -> dict[str, float]:
    """Claim rate of the first and of the last tick of the drain (a tick claims for up to its time
    budget, so a drain of a few thousand is only a few ticks: finer steps are not seen)."""
    rates = [(c1 - c0) / (t1 - t0) for (t0, c0), (t1, c1) in itertools.pairwise([(0.0, 0), *progress]) if t1 > t0]
    first, last = (rates[0], rates[-1]) if rates else (float("nan"), float("nan"))
    return {"first_tick": first, "last_tick": last}


def baseline_insert_enqueue(redis: Redis, count: int) -> float:
    from benchmarks.noop import noop

    engine = create_engine(DATABASE_URL)
    queue = Queue("bare", connection=redis)
    statement = text("INSERT INTO bare_inbound (sid, sender, body) VALUES (:sid, '', '')")
    with timed() as elapsed, engine.begin() as connection:
        for n in range(count):
            connection.execute(statement, {"sid": f"dispatch{n}"})
            queue.enqueue(noop, n)
    queue.empty()
    engine.dispose()
    return count / elapsed()


def tick_as_job(redis: Redis) -> float:
    """Enqueue the cron's tick job on the queue `rq cron` uses; milliseconds from enqueue to its end."""
    from bot.cron import TICK_QUEUE
    from bot.tick import dispatch

    job = Queue(TICK_QUEUE, connection=redis).enqueue(dispatch)
    deadline = time.time() + 60
    while time.time() < deadline:
        job.refresh()
        if job.ended_at:
            return (job.ended_at - job.enqueued_at).total_seconds() * 1000
        time.sleep(0.01)
    return float("nan")


# ---------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200, help="first messages per burst")
    parser.add_argument("--reminders", type=int, default=1000, help="reminders due at one minute")
    parser.add_argument("--backlog", type=int, default=500, help="reminders queued before the latency burst")
    parser.add_argument("--noop-jobs", type=int, default=500)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install wrk)")
    # Stopped (Ctrl-C, kill): the finally below still stops every process this run started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    folder = Path(tempfile.mkdtemp(prefix="welkom-bench-"))
    stack = Stack(folder)
    try:
        rows = run(args, stack, folder)
    finally:
        stack.close()
        Redis.from_url(REDIS_URL).flushdb()
        drop_database()
    print_table(rows, stack.peak_kib, args)
    print(f"(logs in {folder})")


def run(args, stack: Stack, folder: Path) -> dict[str, object]:  # noqa: PLR0915 (one run, in order)
    started = time.perf_counter()
    fresh_database()
    redis = Redis.from_url(REDIS_URL)
    redis.flushdb()
    web_port, bare_port, twilio_port = free_port(), free_port(), free_port()
    env = welkom_env(web_port, twilio_port)
    base_url = env["PUBLIC_BASE_URL"]
    os.environ.update(env)
    from app import create_app
    from bot.services import EXTENSION
    from storage.migrate import upgrade

    upgrade(DATABASE_URL)
    with psycopg.connect(DATABASE_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("CREATE TABLE bare_inbound (sid text PRIMARY KEY, sender text, body text)")
    services = create_app(env).extensions[EXTENSION]
    stack.start("fast_twilio", [sys.executable, "benchmarks/fast_twilio.py", str(twilio_port)], env)
    stack.start("welkom_web", gunicorn("app:create_app()", web_port), env, role="web")
    stack.start("bare_web", gunicorn("benchmarks.bare_app:create_app()", bare_port), env, role="bare_web")
    for port in (twilio_port, web_port, bare_port):
        wait_for_port(port)
    rows: dict[str, object] = {}

    # Ingest: no workers run, so the web workers have the machine (with wrk).
    forms = folder / "forms.txt"
    write_forms(forms, base_url, 40_000, 0)
    rows["ingest_bare"] = wrk(bare_port, forms)
    rows["ingest"] = wrk(web_port, forms)
    stored = _settle(services)
    rows["ingest_rows"] = (stored, rows["ingest"]["ok"])
    _reset(services, redis)
    half = rows["ingest"]["rate"] / 2
    paced = WRK_CONNECTIONS * 1000 / half
    write_forms(forms, base_url, 40_000, 100_000)
    rows["ingest_half"] = wrk(web_port, forms, delay_ms=paced)
    _settle(services)
    _reset(services, redis)
    rows["ingest_bare_half"] = wrk(bare_port, forms, delay_ms=paced)
    _reset(services, redis)

    # Processing baselines: no-op jobs through a plain rq worker, and through Welkom's worker command.
    rows["noop_plain"] = noop_jobs_per_second(redis, env, stack, "plain", args.noop_jobs)
    rows["noop_welkom"] = noop_jobs_per_second(redis, env, stack, "welkom", args.noop_jobs)

    # Processing: two Welkom workers, a burst of first messages from new numbers.
    workers = [stack.start(f"worker-{n}", worker_command(), env, role="worker") for n in range(2)]
    _wait_for_workers(redis, 2)
    rows["idle_latency"] = _idle_latency(web_port, twilio_port, base_url)
    posted = post_burst(web_port, base_url, 0, args.messages)
    start = min(posted.values())
    arrived = wait_for_arrivals(twilio_port, set(posted), start)
    rows["processing"] = (len(arrived), len(posted), _rate(arrived, start))
    rows["processing_latency"] = latencies(posted, arrived)

    # Dispatch: reminders due at one minute, claimed and queued; then sent by the workers.
    add_due_reminders(services, args.reminders, 0)
    dispatch_start = time.time()
    rows["dispatch"] = drain_reminders(services, args.reminders)
    rows["dispatch_bare"] = baseline_insert_enqueue(redis, args.reminders)
    recipients = {f"whatsapp:+3163{n:07d}" for n in range(args.reminders)}
    sent = wait_for_arrivals(twilio_port, recipients, dispatch_start)
    rows["reminders_sent"] = (len(sent), args.reminders, _rate(sent, dispatch_start))
    from bot import dispatcher

    drain_reminders(services, args.reminders - rows["dispatch"]["claimed"])  # what the cap left
    with timed() as elapsed:
        for _ in range(5):
            dispatcher.tick(services, services.clock())
    rows["empty_tick"] = elapsed() / 5 * 1000
    rows["empty_tick_job"] = statistics.median(tick_as_job(redis) for _ in range(5))

    # Latency under a burst: the same burst, behind a backlog of reminders just queued.
    add_due_reminders(services, args.backlog, args.reminders)
    drain_reminders(services, args.backlog)
    posted = post_burst(web_port, base_url, 10_000, args.messages)
    arrived = wait_for_arrivals(twilio_port, set(posted), min(posted.values()))
    rows["burst_latency"] = latencies(posted, arrived)
    rows["burst_arrived"] = (len(arrived), len(posted))
    for process in workers:
        stack.stop(process)
    rows["seconds"] = time.perf_counter() - started
    return rows


def _rate(arrived: dict[str, float], start: float) -> float:
    return len(arrived) / (max(arrived.values()) - start) if arrived else 0.0


def _wait_for_workers(redis: Redis, count: int) -> None:
    deadline = time.monotonic() + 120
    while len(Worker.all(connection=redis)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start")
        time.sleep(0.2)


def _idle_latency(web_port: int, twilio_port: int, base_url: str) -> float:
    """One first message at a time on idle workers: the fastest a reply can come."""
    waits = []
    for n in range(5):
        posted = post_burst(web_port, base_url, 20_000 + n, 1)
        arrived = wait_for_arrivals(twilio_port, set(posted), min(posted.values()))
        waits.extend(arrived[to] - posted[to] for to in arrived)
    return statistics.median(waits) if waits else float("nan")


def _settle(services) -> int:
    """The inbound rows once the requests gunicorn still held when wrk stopped are done."""
    counts = [-1]
    while True:
        with services.db.connect() as connection:
            counts.append(connection.execute(text("SELECT count(*) FROM message WHERE direction = 'in'")).scalar())
        if counts[-1] == counts[-2]:
            return counts[-1]
        time.sleep(1.5)


def _reset(services, redis: Redis) -> None:
    """The ingest's messages count as handled and their jobs go: the later figures start clean."""
    with services.db.begin() as connection:
        connection.execute(text("UPDATE message SET processed_at = now() WHERE processed_at IS NULL"))
    redis.flushdb()


def print_table(rows: dict, peak_kib: dict[str, int], args) -> None:
    def rate(r: dict) -> str:
        return f"{r['rate']:,.0f}/s (p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms)"

    ingest, bare = rows["ingest"], rows["ingest_bare"]
    stored, answered = rows["ingest_rows"]
    done, posted, per_s = rows["processing"]
    dispatch = rows["dispatch"]
    sent, due, sent_rate = rows["reminders_sent"]
    p50, p99 = rows["processing_latency"]
    b50, b99 = rows["burst_latency"]
    mib = {role: kib / 1024 for role, kib in peak_kib.items()}
    table = [
        (
            "signed webhook ingest (wrk, 16 connections)",
            rate(ingest),
            "bare route, 1 insert + 1 enqueue: " + rate(bare),
            f"{ingest['rate'] / bare['rate']:.2f}",
        ),
        (
            "ingest paced at half that rate",
            rate(rows["ingest_half"]),
            "bare, same pace: " + rate(rows["ingest_bare_half"]),
            "",
        ),
        # wrk stops with requests in flight: those are stored, but their answers are not counted.
        (
            "ingest: rows stored, 200 answers counted",
            f"{stored:,.0f} >= {answered:,.0f}",
            "",
            "ok" if stored >= answered else "LOST",
        ),
        (
            f"first messages handled end to end ({posted} in a burst)",
            f"{per_s:.1f}/s ({done} of {posted} replies)",
            f"no-op jobs: plain rq worker {rows['noop_plain']:.0f}/s, Welkom's worker {rows['noop_welkom']:.0f}/s",
            f"{per_s / rows['noop_welkom']:.2f}",
        ),
        (
            "webhook to reply at Twilio, that burst",
            f"p50 {p50:.2f} s, p99 {p99:.2f} s",
            f"one message on idle workers: {rows['idle_latency']:.2f} s",
            "",
        ),
        (
            f"reminders claimed and queued ({args.reminders} due at one minute)",
            f"{dispatch['claimed'] / dispatch['seconds']:,.0f}/s ({dispatch['ticks']} ticks, {dispatch['left']} left)",
            f"insert + enqueue a no-op job: {rows['dispatch_bare']:,.0f}/s",
            f"{dispatch['claimed'] / dispatch['seconds'] / rows['dispatch_bare']:.3f}",
        ),
        (
            "claim rate, first and last tick of the drain",
            f"{dispatch['first_tick']:,.0f}/s, {dispatch['last_tick']:,.0f}/s",
            "",
            "",
        ),
        ("reminders sent at Twilio", f"{sent_rate:.1f}/s ({sent} of {due} within {WAIT_CAP_SECONDS} s)", "", ""),
        (
            "empty dispatcher tick",
            f"{rows['empty_tick']:.1f} ms in process, {rows['empty_tick_job']:.0f} ms as an RQ job (enqueue to end)",
            "",
            "",
        ),
        (
            f"latency of a burst behind {args.backlog} queued reminders",
            f"p50 {b50:.2f} s, p99 {b99:.2f} s ({rows['burst_arrived'][0]} of {rows['burst_arrived'][1]})",
            f"same burst, no backlog: p50 {p50:.2f} s, p99 {p99:.2f} s",
            f"{b50 / p50:.1f}x",
        ),
        (
            "peak RSS, web worker (gunicorn)",
            f"{mib.get('web', 0):.0f} MiB",
            f"bare Flask: {mib.get('bare_web', 0):.0f} MiB",
            "",
        ),
        (
            "peak RSS, worker (and its job processes)",
            f"{mib.get('worker', 0):.0f} MiB",
            f"plain rq worker: {mib.get('noop_plain', 0):.0f} MiB",
            "",
        ),
    ]
    print()
    print("| figure | Welkom | bare baseline (same run) | ratio |")
    print("|---|---|---|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    print(f"\nwhole run: {rows['seconds']:.0f} s")


if __name__ == "__main__":
    main()
