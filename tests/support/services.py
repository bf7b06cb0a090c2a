"""Real services for tests: Redis and PostgreSQL must be up in CI; locally they may be skipped."""

import os
import socket
from urllib.parse import urlsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def require(url: str, default_port: int, what: str) -> None:
    """Fail in CI when a service is down (CI must test it); skip on a laptop without it."""
    if reachable(url, default_port):
        return
    message = f"{what} is not reachable at {urlsplit(url).netloc}"
    if IN_CI:
        pytest.fail(message + " (CI must run these tests against the real server)")
    pytest.skip(message + " (start it to run these tests)")


def require_redis() -> None:
    require(REDIS_URL, 6379, "Redis")


def require_postgres() -> None:
    require(POSTGRES_URL, 5432, "PostgreSQL")
