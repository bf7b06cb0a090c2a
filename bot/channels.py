"""Ways out: Twilio (WhatsApp or SMS) or the console, behind one small interface."""

import json
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TextIO

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from bot.config import Settings
from bot.phone import WHATSAPP_PREFIX, Address, masked
from storage.models import Channel

# Twilio answers these when it is busy or broken; trying again later may work.
_TRANSIENT_HTTP = {429, 500, 502, 503, 504}
# Twilio's clock and ours may differ a little when matching a message we may have sent.
CLOCK_SKEW = timedelta(minutes=2)

# The twilio library logs request and response bodies (numbers, texts) at INFO.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Outgoing:
    """One message as it leaves: free text, or a WhatsApp template with its variables."""

    to: Address
    body: str
    content_sid: str | None = None
    content_variables: dict[str, str] | None = None
    media_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sent:
    sid: str | None
    status: str


class SendError(Exception):
    """A send that did not succeed; `ambiguous` when Twilio may have taken it all the same
    (the request went out and the answer was lost), so it must be looked up before a resend."""

    def __init__(self, reason: str, code: int | None = None, transient: bool = False, ambiguous: bool = False):
        super().__init__(reason)
        self.code = code
        self.transient = transient or ambiguous
        self.ambiguous = ambiguous


class MessageChannel(Protocol):
    def send(self, outgoing: Outgoing, status_callback: str) -> Sent: ...

    def find(self, outgoing: Outgoing, attempted_at: datetime, known: frozenset[str] = frozenset()) -> Sent | None:
        """The message as the provider has it, if an earlier attempt at `attempted_at` reached it;
        never one of the `known` ids (other messages of ours, maybe of the same text)."""
        ...


class ConsoleChannel:
    """Prints what would be sent; `echo=None` keeps it quiet (the chat prints itself)."""

    def __init__(self, echo: TextIO | None = sys.stdout):
        self.echo = echo

    def send(self, outgoing: Outgoing, status_callback: str) -> Sent:
        if self.echo is not None:
            to = outgoing.to
            template = f" (template {outgoing.content_sid})" if outgoing.content_sid else ""
            pictures = "".join(f"\n[picture: {url}]" for url in outgoing.media_urls)
            print(f"--- {to.channel} to {masked(to.phone)}{template} ---", file=self.echo)
            print(f"{outgoing.body}{pictures}\n", file=self.echo, flush=True)
        return Sent(sid=None, status="sent")

    def find(self, outgoing: Outgoing, attempted_at: datetime, known: frozenset[str] = frozenset()) -> Sent | None:
        return None  # printing never leaves a doubt


class TwilioChannel:
    def __init__(self, settings: Settings):
        http = TwilioHttpClient(timeout=settings.twilio_timeout)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http)
        # Lets tests and staging talk to a Twilio-compatible server instead of Twilio.
        self.client.api.base_url = settings.twilio_api_base_url
        self.senders = {Channel.WHATSAPP: settings.twilio_whatsapp_from, Channel.SMS: settings.twilio_sms_from}

    def send(self, outgoing: Outgoing, status_callback: str) -> Sent:
        to = outgoing.to
        content = (
            {"content_sid": outgoing.content_sid, "content_variables": json.dumps(outgoing.content_variables or {})}
            if outgoing.content_sid
            else {"body": outgoing.body}
        )
        if outgoing.media_urls:
            content["media_url"] = list(outgoing.media_urls)
        try:
            message = self.client.messages.create(
                to=to.twilio, from_=self._sender(to.channel), status_callback=status_callback, **content
            )
        except TwilioRestException as error:
            raise SendError("twilio refused", error.code, error.status in _TRANSIENT_HTTP) from error
        except requests.RequestException as error:
            raise SendError(
                f"network: {type(error).__name__}", transient=True, ambiguous=_may_have_arrived(error)
            ) from error
        return Sent(sid=message.sid, status=str(message.status or "queued"))

    def find(self, outgoing: Outgoing, attempted_at: datetime, known: frozenset[str] = frozenset()) -> Sent | None:
        """Twilio has no idempotency key: list what went to this number from our sender since that day
        and match the text (a template's text is Twilio's own, so the time must do). The same text
        may have gone to them before ("menu" twice): a message already stored as ours is skipped."""
        to = outgoing.to
        try:
            # One page (the newest 50) is enough: the attempt was minutes ago.
            listed = list(
                self.client.messages.page(
                    to=to.twilio, from_=self._sender(to.channel), date_sent_after=attempted_at.date(), page_size=50
                )
            )
        except TwilioRestException as error:
            raise SendError("twilio refused the lookup", error.code, ambiguous=True) from error
        except TwilioException as error:  # an answer that is not a page of messages
            raise SendError(f"lookup: {error}", ambiguous=True) from error
        except requests.RequestException as error:
            raise SendError(f"network during lookup: {type(error).__name__}", ambiguous=True) from error
        for message in listed:
            created = message.date_created
            if message.sid in known or (created is not None and created < attempted_at - CLOCK_SKEW):
                continue
            if outgoing.content_sid or message.body == outgoing.body:
                return Sent(sid=message.sid, status=str(message.status or "queued"))
        return None

    def _sender(self, channel: str) -> str:
        sender = self.senders.get(Channel(channel))
        if not sender:
            raise SendError(f"no sender number configured for {channel}")
        if channel == Channel.WHATSAPP and not sender.startswith(WHATSAPP_PREFIX):
            return f"{WHATSAPP_PREFIX}{sender}"
        return sender


def _may_have_arrived(error: requests.RequestException) -> bool:
    """A read timeout or a connection dropped after connecting: Twilio may have the message."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    if isinstance(error, requests.ConnectionError):
        reason = getattr(error.args[0], "reason", None) if error.args else None
        return not isinstance(reason, NewConnectionError)
    return isinstance(error, requests.Timeout)


def make_channel(settings: Settings) -> MessageChannel:
    return TwilioChannel(settings) if settings.messaging_backend == "twilio" else ConsoleChannel()
