"""How long a newcomer's first message takes in an RQ worker: plain `Worker` vs `WelkomWorker`.

Runs both workers in burst mode on the same kind of job (a first message from a new
number, handled end to end), on a real Redis and a temporary SQLite file, and prints
wall time per job and the peak memory of the worker. Needs Redis on 127.0.0.1:6379 (db 14).

    .venv/bin/python benchmarks/worker_jobs.py [jobs]
"""

import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REDIS_URL = "redis://127.0.0.1:6379/14"
FIRST_MESSAGES = [
    "Goedemorgen, ik ben nieuw hier",
    "Hello, I am new here and want to help",
    "Привіт, я нова тут",
    "Merhaba, burada yeniyim",
    "Iska warran, waxaan ahay qof cusub",
]


def environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "MESSAGING_BACKEND": "console",
        "PYTHONPATH": str(ROOT),
    }


def enqueue_first_messages(env: dict[str, str], jobs: int) -> None:
    os.environ.update(env)
    from app import create_app
    from bot.services import EXTENSION
    from storage import queries
    from storage.db import session_scope
    from storage.migrate import upgrade
    from storage.types import utcnow

    app = create_app()
    services = app.extensions[EXTENSION]
    upgrade(services.settings.database_url)
    services.queue.connection.flushdb()
    from bot import jobs as job_functions

    with session_scope(services.db) as db:
        ids = []
        for n in range(jobs):
            participant = queries.get_or_create_participant(db, f"+316{n:08d}", "sms", utcnow())
            body = FIRST_MESSAGES[n % len(FIRST_MESSAGES)]
            inbound = queries.Inbound(sid=f"SMbench{n}", channel="sms", body=body)
            ids.append(queries.record_inbound(db, participant, inbound, utcnow())[0].id)
    for message_id in ids:
        services.queue.enqueue(job_functions.handle_inbound, message_id)


def run_worker(env: dict[str, str], worker_class: str | None) -> tuple[float, int]:
    from bot.queue import WORKER_QUEUES

    command = [str(Path(sys.executable).parent / "rq"), "worker", "--burst", "--url", REDIS_URL, *WORKER_QUEUES]
    if worker_class:
        command += ["-w", worker_class]
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def measure(label: str, worker_class: str | None, jobs: int) -> None:
    """In its own process, so the peak memory of its workers is its own."""
    with tempfile.TemporaryDirectory() as folder:
        env = environment(Path(folder) / "bench.db")
        subprocess.run([sys.executable, __file__, "--enqueue", str(jobs)], env=env, check=True)
        elapsed, peak = run_worker(env, worker_class)
    # handle_inbound enqueues a send job per message: 2 jobs per first message.
    print(
        f"{label:24s} {jobs} first messages ({2 * jobs} jobs): {elapsed:6.2f} s, "
        f"{elapsed / jobs * 1000:7.1f} ms per first message, "
        f"peak RSS of the largest worker or job process {peak // 1024} MiB"
    )


def main() -> None:
    jobs = sys.argv[1] if len(sys.argv) > 1 else "10"
    for label, worker_class in (("rq Worker (baseline)", ""), ("WelkomWorker", "bot.worker.WelkomWorker")):
        subprocess.run([sys.executable, __file__, "--measure", label, worker_class, jobs], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--enqueue"]:
        enqueue_first_messages(dict(os.environ), int(sys.argv[2]))
    elif sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2], sys.argv[3] or None, int(sys.argv[4]))
    else:
        main()
