"""Photos and voice notes: a copy in the operator's own storage, and links that expire.

Twilio deletes media after a while, and its links need the account's credentials,
so what a newcomer or coordinator sends is fetched once into MEDIA_DIR. It is passed
on through this app's own signed links, which Twilio (for WhatsApp media) and a
coordinator's browser (from an SMS or e-mail) can open until they expire.
"""

import logging
import mimetypes
import secrets
from pathlib import Path

import requests
from flask import Blueprint, abort, send_file
from flask.typing import ResponseReturnValue

from bot import signed_links
from bot.services import Services, current_services

log = logging.getLogger(__name__)

bp = Blueprint("media", __name__, url_prefix="/media")
LINK_LIFETIME_SECONDS = 7 * 24 * 3600
# WhatsApp's own limit for a media item.
MAX_BYTES = 16 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 15
_SALT = "welkom-media"


def is_voice(item: dict) -> bool:
    return str(item.get("content_type", "")).startswith("audio/")


def store_copies(services: Services, items: list[dict]) -> list[dict]:
    """The items with a `stored` file name for each one fetched; a failed fetch keeps the link only."""
    return [item if item.get("stored") else _with_copy(services, item) for item in items]


def _with_copy(services: Services, item: dict) -> dict:
    try:
        name = _fetch(services, item["url"], item.get("content_type", ""))
    except (requests.RequestException, ValueError) as error:
        log.warning("media not copied: %s", type(error).__name__)
        return item
    return {**item, "stored": name}


def _fetch(services: Services, url: str, content_type: str) -> str:
    settings = services.settings
    auth = (settings.twilio_account_sid, settings.twilio_auth_token) if settings.twilio_account_sid else None
    with requests.get(url, auth=auth, timeout=FETCH_TIMEOUT_SECONDS, stream=True) as response:
        response.raise_for_status()
        data = b""
        for chunk in response.iter_content(64 * 1024):
            data += chunk
            if len(data) > MAX_BYTES:
                raise ValueError("media larger than WhatsApp allows")
    extension = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".bin"
    name = secrets.token_hex(16) + extension
    directory = Path(settings.media_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)
    return name


def forwardable(services: Services, items: list[dict]) -> list[dict]:
    """Links to pass on: our signed link to the copy, else (not copied) nothing, as the
    original needs the account's credentials."""
    return [
        {"url": signed_url(services, item["stored"]), "content_type": item.get("content_type", "")}
        for item in items
        if item.get("stored")
    ]


def signed_url(services: Services, name: str) -> str:
    return signed_links.make(services, "media", _SALT, name)


@bp.get("/<token>")
def serve(token: str) -> ResponseReturnValue:
    services = current_services()
    name = signed_links.read(services, _SALT, token, LINK_LIFETIME_SECONDS)
    if name is None:
        abort(404)
    path = Path(services.settings.media_dir) / Path(str(name)).name
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=mimetypes.guess_type(path.name)[0] or "application/octet-stream")
