"""A Redis server and a PostgreSQL cluster of the test's own, on free ports, to stop and restart
(the shared ones other tests use are never touched)."""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from redis import Redis, RedisError

from tests.support.http import free_port
from tests.support.services import IN_CI


def _need(path: str | None, what: str) -> str:
    """Fail in CI when a server program is missing (CI must run these tests); skip on a laptop."""
    if path:
        return path
    message = f"{what} is not installed"
    if IN_CI:
        pytest.fail(message + " (CI must run the fault suite)")
    pytest.skip(message)


class OwnRedis:
    def __init__(self, directory: Path):
        self.binary = _need(shutil.which("redis-server"), "redis-server")
        self.directory, self.port = directory, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Without persistence: what was queued when it stopped is gone, as after a lost server."""
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, *options, "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with Redis.from_url(self.url, socket_connect_timeout=0.5) as connection:
                    connection.ping()
                return
            except RedisError:
                assert time.monotonic() < deadline, "the own Redis did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def own_redis(directory: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _postgres_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    pg_ctl = found[-1] if found else shutil.which("pg_ctl")
    return str(Path(_need(pg_ctl, "PostgreSQL's pg_ctl and initdb")).parent)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: then as the 'postgres' user Debian's package makes."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class OwnPostgres:
    def __init__(self):
        self.bin, self.port = _postgres_bin(), free_port()
        # Not under pytest's tmp_path: the postgres user cannot enter root's private folders.
        self.data = Path(tempfile.mkdtemp(prefix="welkom-pg-"))
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(_as_postgres([*command]), check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            f"{self.bin}/pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-o", options, "-w", "start"
        )

    def restart(self) -> None:
        """A fast shutdown (connections cut, transactions rolled back), then up again."""
        log = str(self.data / "log")  # not our pipe: the server outlives pg_ctl
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-l", log, "-m", "fast", "-w", "restart")

    def remove(self) -> None:
        subprocess.run(
            _as_postgres([f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.data, ignore_errors=True)

    def accepts(self) -> bool:
        try:
            with psycopg.connect(self.url.replace("+psycopg", ""), connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    cluster = OwnPostgres()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.remove()
