"""The webhooks over a real HTTP connection, signed as Twilio signs them."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from bot.services import EXTENSION, Services
from tests.support.http import free_port, serving
from tests.support.twilio import INBOUND_PATH, inbound_form, sign
from tests.test_webhooks import replies

PORT = free_port()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Services, Flask]]:
    from tests.conftest import make_app

    base_url = f"http://127.0.0.1:{PORT}"
    app: Flask = make_app(tmp_path, PUBLIC_BASE_URL=base_url)
    services = app.extensions[EXTENSION]
    services.channel.echo = None
    with serving(app, PORT):
        yield base_url, services, app
    services.db.dispose()


def post(base_url: str, services: Services, form: dict[str, str], signature: str | None = None) -> requests.Response:
    signature = signature or sign(services.settings.webhook_token, base_url + INBOUND_PATH, form)
    response = requests.post(base_url + INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}, timeout=10)
    services.queue.join()
    return response


def test_a_conversation_over_http(served) -> None:
    base_url, services, _ = served
    first = post(base_url, services, inbound_form("SM1", "hallo"))
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert post(base_url, services, inbound_form("SM2", "٣")).status_code == 200
    menu, welcome = replies(services)
    assert "3. العربية" in menu
    assert welcome.startswith(services.catalogs.text("ar", "welkom.welcome"))


def test_a_forged_request_over_http_is_refused(served) -> None:
    base_url, services, _ = served
    response = post(base_url, services, inbound_form("SM1", "hallo"), signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403
    assert replies(services) == []


def test_bot_chat_can_talk_to_a_running_server(served) -> None:
    from bot.chat import ChatClient
    from bot.phone import Address
    from storage.models import Channel

    base_url, services, app = served
    chat = ChatClient(app, Address("+31612345678", Channel.SMS), server_url=base_url)
    assert chat.say("hallo")[0].startswith(services.catalogs.text("nl", "language.choose"))
    [welcome] = chat.say("Tigrinya")
    assert welcome.startswith(services.catalogs.text("ti", "welkom.welcome"))
