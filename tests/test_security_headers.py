"""Every answer, HTML or JSON, success or error, carries the security headers; the server names nobody."""

import threading

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from waitress import create_server

from bot.security_headers import HEADERS, WAITRESS_OPTIONS
from tests.support.twilio import INBOUND_PATH, inbound_form


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/openapi.json", 200),
        ("get", "/api/appointments/1", 401),  # JSON error
        ("post", INBOUND_PATH, 403),  # Flask's HTML error page
        ("get", "/nowhere", 404),
    ],
)
def test_every_answer_carries_the_security_headers(client: FlaskClient, method: str, path: str, status: int) -> None:
    response = getattr(client, method)(path, data=inbound_form("SM1", "hallo") if method == "post" else None)
    assert response.status_code == status
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_signed_webhook_answer_carries_them_too(signed_post) -> None:
    response = signed_post(INBOUND_PATH, inbound_form("SM1", "hallo"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_waitress_as_bot_serve_runs_it_names_no_server_or_python_version(app: Flask) -> None:
    server = create_server(app, host="127.0.0.1", port=0, **WAITRESS_OPTIONS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        response = requests.get(f"http://127.0.0.1:{server.effective_port}/api/openapi.json", timeout=10)
    finally:
        server.close()
    assert response.status_code == 200
    assert "Server" not in response.headers
    assert not any("python" in value.lower() or "waitress" in value.lower() for value in response.headers.values())
