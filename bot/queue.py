"""Where jobs run: RQ on Redis, or a thread in this process when there is no Redis.

Jobs take ids, not objects, and are safe to run twice; the database decides
who does the work (see storage.queries.claim_*).
"""

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask
from redis import Redis, RedisError
from rq import Queue, Retry

log = logging.getLogger(__name__)

QUEUE_NAME = "welkom"
# Replies to someone who just wrote. A worker takes jobs from its queues in order, so these go
# before reminders, notices and sweeps: under a burst a reply waits only behind the messages
# that came before it, not behind the evening's reminders.
REPLY_QUEUE = "welkom-replies"
# How production runs a worker (README): `rq worker --url "$REDIS_URL" OPTIONS QUEUES`; benchmarks/run.py too.
WORKER_OPTIONS = ("--with-scheduler", "-w", "bot.worker.WelkomWorker")
WORKER_QUEUES = (REPLY_QUEUE, QUEUE_NAME)
_REPLY_MARK = "welkom_reply_job"
# A job that fails (database busy, a bug fixed by a deploy) is tried again.
_RETRY = Retry(max=3, interval=[10, 60, 300])
# A stopped or paused Redis must not hold up a webhook: the work is in the database already.
_REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 2}


def reply_job(func: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a job that answers a person now: it goes on REPLY_QUEUE."""
    setattr(func, _REPLY_MARK, True)
    return func


class JobQueue(Protocol):
    def enqueue(self, func: Callable[..., Any], *args: Any) -> None: ...


class RedisJobQueue:
    def __init__(self, redis_url: str):
        self.connection = Redis.from_url(redis_url, **_REDIS_TIMEOUTS)
        self.queue = Queue(QUEUE_NAME, connection=self.connection)
        self.replies = Queue(REPLY_QUEUE, connection=self.connection)

    def enqueue(self, func: Callable[..., Any], *args: Any) -> None:
        queue = self.replies if getattr(func, _REPLY_MARK, False) else self.queue
        queue.enqueue(func, *args, retry=_RETRY)


def hand_over(jobs: JobQueue, func: Callable[..., Any], *args: Any) -> bool:
    """Enqueue work whose row the dispatcher sweep finds again: a Redis that is down only delays it."""
    try:
        jobs.enqueue(func, *args)
        return True
    except RedisError as error:
        log.warning("%s(%s) left for the sweep: Redis is unavailable (%s)", func.__name__, args, type(error).__name__)
        return False


class InProcessJobQueue:
    """One worker thread, jobs in order, each inside the app's context.

    A job that fails is logged and left: its row stays unclaimed in the
    database, and the dispatcher tick picks it up again.
    """

    def __init__(self, app: Flask):
        self.app = app
        self._jobs: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def enqueue(self, func: Callable[..., Any], *args: Any) -> None:
        self._jobs.put((func, args))
        self._ensure_worker()

    def join(self) -> None:
        """Wait until every job enqueued so far (and what it enqueued) is done."""
        self._jobs.join()

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="welkom-jobs", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            func, args = self._jobs.get()
            try:
                with self.app.app_context():
                    func(*args)
            except Exception:
                log.exception("job %s failed; the dispatcher will retry it", func.__name__)
            finally:
                self._jobs.task_done()
