"""Chat as a newcomer from a terminal, through the same signed webhook as Twilio.

Works in every mode: the replies are read from the database, whether the job
ran in this process or in an RQ worker, and whatever channel sent it.
"""

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import requests
from flask import Flask
from twilio.request_validator import RequestValidator

from bot.phone import Address
from bot.queue import InProcessJobQueue
from bot.services import EXTENSION, Services
from storage import queries
from storage.db import session_scope
from storage.models import Message

INBOUND_PATH = "/webhooks/twilio/messages"
REPLY_TIMEOUT = timedelta(seconds=30)
# Typing one of these sends a media message instead of text.
MEDIA_COMMANDS = {"/voice": "audio/ogg", "/photo": "image/jpeg"}


class ChatClient:
    """A newcomer's phone, played from a terminal or a test."""

    def __init__(self, app: Flask, address: Address, server_url: str | None = None):
        """Post to `server_url` over HTTP when given, else to the app in this process."""
        self.app = app
        self.services: Services = app.extensions[EXTENSION]
        self.address = address
        self.server_url = server_url.rstrip("/") if server_url else None
        self.last_seen = 0

    def say(self, text: str) -> list[str]:
        """Send one message as the newcomer; return the bot's replies to it."""
        sid = post_inbound(self.app, self.address, text, self.server_url)
        return [m.body for m in self._replies_to(sid)]

    def _replies_to(self, sid: str) -> list[Message]:
        deadline = time.monotonic() + REPLY_TIMEOUT.total_seconds()
        if isinstance(self.services.queue, InProcessJobQueue):
            self.services.queue.join()
        while time.monotonic() < deadline:
            replies = self._poll(sid)
            if replies is not None:
                return replies
            time.sleep(0.1)
        raise TimeoutError("no reply in time: is a worker running?")

    def _poll(self, sid: str) -> list[Message] | None:
        """The new outbound messages, once the inbound one is handled and they left."""
        with session_scope(self.services.db) as db:
            inbound = queries.message_by_sid(db, sid)
            if inbound is None or inbound.processed_at is None:
                return None
            replies = queries.outbound_after(db, inbound.participant_id, max(self.last_seen, inbound.id))
            if any(m.status in (queries.PENDING, queries.SUBMITTING) for m in replies):
                return None
        if replies:
            self.last_seen = replies[-1].id
        return list(replies)


def post_inbound(app: Flask, address: Address, text: str, server_url: str | None = None) -> str:
    """Post `text` from `address` to the webhook, signed as Twilio signs it; returns the MessageSid."""
    settings = app.extensions[EXTENSION].settings
    sid = f"SM{uuid.uuid4().hex}"
    form = _form(settings.twilio_whatsapp_from or settings.twilio_sms_from or "+3197000000000", address, sid, text)
    url = f"{settings.public_base_url}{INBOUND_PATH}"
    headers = {"X-Twilio-Signature": RequestValidator(settings.webhook_token).compute_signature(url, form)}
    if server_url:
        status = requests.post(server_url + INBOUND_PATH, data=form, headers=headers, timeout=30).status_code
    else:
        status = app.test_client().post(INBOUND_PATH, data=form, headers=headers).status_code
    if status != 200:
        raise RuntimeError(f"webhook answered {status}")
    return sid


def _form(sender: str, address: Address, sid: str, text: str) -> dict[str, str]:
    form = {"MessageSid": sid, "From": address.twilio, "To": sender, "Body": text, "NumMedia": "0"}
    if text.strip() in MEDIA_COMMANDS:
        form.update(
            Body="",
            NumMedia="1",
            MediaUrl0="https://example.invalid/media/1",
            MediaContentType0=MEDIA_COMMANDS[text.strip()],
        )
    return form


def run_chat(chat: ChatClient, read: Callable[[], str], write: Callable[[str], None]) -> None:
    while True:
        try:
            line = read()
        except (EOFError, KeyboardInterrupt):
            return
        for body in chat.say(as_typed(line)):
            write(f"\n{body}\n")


def as_typed(line: str) -> str:
    """The line as UTF-8 text, whatever the terminal sent.

    A terminal in another encoding, or a long paste cut in the middle of a letter, gives
    Python undecodable bytes as lone surrogates, which no form or database can take; the
    bytes are decoded again as UTF-8, with U+FFFD for what is not.
    """
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
