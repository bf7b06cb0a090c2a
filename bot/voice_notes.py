"""Spoken prompts: a recorded voice note before each text that has one, for those who chose voice.

Only on WhatsApp and inside its 24-hour window (a voice note is free-form media, which
WhatsApp refuses outside it; a template or SMS then carries the text alone). Each voice
note is an outbound message of its own that goes just before the text it speaks, which waits
for it (bot/ordering.py), so it follows the same life cycle: stored first, sent once, its
statuses recorded. The text's send job sends it first. Twilio fetches the audio from this app
by a signed link that expires; the lookup is in the voice catalog's index (bot/voice_catalog.py).
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import Blueprint, abort, send_file
from flask.typing import ResponseReturnValue
from sqlmodel import Session as DbSession

from bot import ordering, signed_links
from bot.flow.events import SendMessage, TextRef
from bot.messaging import SERVICE_WINDOW, VOICE_NOTE_MARK
from bot.services import Services, current_services
from storage import queries
from storage.models import Channel, Message, Participant

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")
VOICE = "voice"  # the kennismaking's choice (participant.contact)
CONTENT_TYPE = "audio/ogg"
# Twilio fetches media within seconds; a day leaves room for retries.
LINK_LIFETIME_SECONDS = 24 * 3600
# More would bury the text under voice notes (a lead, the question, a hint at most).
MAX_PER_MESSAGE = 3
_SALT = "welkom-voice"


def keys_said(messages: Iterable[SendMessage], language: str | None) -> list[str]:
    """The catalog keys of the texts in these messages, in order, as the participant reads them."""
    keys: list[str] = []
    for message in messages:
        if message.languages != (language,):
            continue  # shown in several languages while theirs is unknown: nothing to speak
        keys += [p.key for p in message.texts if isinstance(p, TextRef) and p.language in (None, language)]
    return keys


def add_outbound(
    services: Services,
    db: DbSession,
    participant: Participant,
    body: str,
    now: datetime,
    media: list[dict] | None = None,
    keys: Sequence[str] = (),
) -> Message:
    """Store a text for a participant, preceded by a voice note for each of `keys` that has one
    in their language, when they chose voice and WhatsApp may carry it now."""
    notes = [_note(services, db, participant, key, now) for key in _voiced(services, participant, keys, now)]
    text = queries.add_outbound(db, participant, body, now, media)
    ordering.put_before(db, notes, text.id)
    return text


def _voiced(services: Services, participant: Participant, keys: Sequence[str], now: datetime) -> list[str]:
    if not keys or not _wants_voice(participant, now) or services.voice is None:
        return []
    found = [key for key in dict.fromkeys(keys) if services.voice.find(participant.language, key)]
    return found[:MAX_PER_MESSAGE]


def _wants_voice(participant: Participant, now: datetime) -> bool:
    return (
        participant.contact == VOICE
        and participant.channel == Channel.WHATSAPP
        and participant.language is not None
        and participant.last_inbound_at is not None
        and now - participant.last_inbound_at < SERVICE_WINDOW
    )


def _note(services: Services, db: DbSession, participant: Participant, key: str, now: datetime) -> Message:
    item = {"url": signed_url(services, participant.language, key), "content_type": CONTENT_TYPE, VOICE_NOTE_MARK: key}
    return queries.add_outbound(db, participant, "", now, [item])


def signed_url(services: Services, language: str, key: str) -> str:
    return signed_links.make(services, "voice", _SALT, [language, key])


@bp.get("/<token>")
def serve(token: str) -> ResponseReturnValue:
    """The audio of a signed link, as long as the link is valid and the recording exists."""
    services = current_services()
    payload = signed_links.read(services, _SALT, token, LINK_LIFETIME_SECONDS)
    if not (isinstance(payload, list) and len(payload) == 2):
        abort(404)
    language, key = payload
    recording = services.voice.find(str(language), str(key)) if services.voice else None
    if recording is None or not recording.path.is_file():
        abort(404)
    return send_file(recording.path, mimetype=CONTENT_TYPE)
