"""Stoplight Prism serving Twilio's own OpenAPI spec: a mock that validates every request."""

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.config import ROOT
from tests.support.http import free_port
from tests.support.services import IN_CI

PRISM = ROOT / ".tools" / "node_modules" / ".bin" / "prism"
# Beside the checkout; TWILIO_OPENAPI_SPEC names it when the checkout lives elsewhere (a git worktree).
SPEC = Path(
    os.environ.get("TWILIO_OPENAPI_SPEC") or ROOT.parent / "shared" / "twilio-openapi" / "twilio_api_v2010.json"
)


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} (scripts/test.sh installs Prism; CI must run these tests)")
    pytest.skip(f"{what} (run scripts/test.sh once to install it)")


# Twilio's Content API (WhatsApp buttons, lists and templates), beside the Messages spec.
CONTENT_SPEC = SPEC.parent / "twilio_content_v1.json"


def merged_spec(into: Path, *specs: Path) -> Path:
    """Twilio's specs as one file, so one Prism serves them all (each Prism takes seconds to start).

    Their paths, schemas and tags do not overlap; each path keeps its own `servers`.
    """
    for spec in specs:
        if not spec.exists():
            _missing(f"Twilio's OpenAPI spec is not at {spec}")
    merged = json.loads(specs[0].read_text(encoding="utf-8"))
    for spec in specs[1:]:
        more = json.loads(spec.read_text(encoding="utf-8"))
        merged["paths"].update(more["paths"])
        merged["components"]["schemas"].update(more["components"]["schemas"])
        merged["tags"] = merged.get("tags", []) + more.get("tags", [])
    _form_arrays_as_prism_reads_them(merged)
    into.write_text(json.dumps(merged), encoding="utf-8")
    return into


def _form_arrays_as_prism_reads_them(spec: dict) -> None:
    """Let Prism read a form field that Twilio's spec types as an array (MediaUrl) as one.

    Twilio's client sends each item as its own field (`MediaUrl=...`, repeated for more), which
    Twilio accepts; Prism 5 reads that as a string and refuses every message with media ("must
    be array", stoplightio/prism#2473). Declared as comma-separated instead, one link is read as
    an array of one, and each item is still checked as a URI.
    """
    for form in _forms(spec):
        for name, schema in form.get("schema", {}).get("properties", {}).items():
            if schema.get("type") == "array":
                form.setdefault("encoding", {}).setdefault(name, {"style": "form", "explode": False})


def _forms(spec: dict) -> Iterator[dict]:
    """Each operation's form-encoded request body (a path item also holds `servers` and `parameters`)."""
    for path in spec["paths"].values():
        for operation in path.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                form = operation["requestBody"].get("content", {}).get("application/x-www-form-urlencoded")
                yield from [form] if form else []


@contextmanager
def prism_mock(spec: Path = SPEC) -> Iterator[str]:
    """Prism in dynamic mode: answers are generated from the schema, so each SID differs."""
    if not PRISM.exists():
        _missing(f"Prism is not installed at {PRISM}")
    if not spec.exists():
        _missing(f"Twilio's OpenAPI spec is not at {spec}")
    port = free_port()
    process = subprocess.Popen(
        [str(PRISM), "mock", "-d", "-h", "127.0.0.1", "-p", str(port), str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.communicate(timeout=10)


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prism stopped: {process.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("Prism did not start listening in time")
