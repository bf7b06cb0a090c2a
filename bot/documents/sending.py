"""A paper to the participant: the PDF kept in MEDIA_DIR, passed on by this app's signed link.

On WhatsApp the PDF goes as media; by SMS (no media) the link does the work. The link is
in the text on WhatsApp too: a WhatsApp message that is not delivered falls back to SMS
with the same text (bot.messaging.fall_back), and then the link is all that arrives.
The file goes with the message's media, so retention and erasure delete it with the message.
"""

import logging
import secrets
from datetime import datetime
from pathlib import Path

from sqlmodel import Session as DbSession

from bot import media
from bot.documents.making import render
from bot.services import Services
from storage.models import Channel, Participant
from storage.queries import add_outbound

log = logging.getLogger(__name__)

PDF = "application/pdf"


def send(db: DbSession, participant: Participant, kind: str, services: Services, now: datetime) -> int | None:
    """Store `kind` for the participant and a message that carries it; returns its id to send.

    None when they cannot be reached (no consent, said stop, erased): nothing is made then.
    """
    if participant.consent_given_at is None or participant.stopped_at is not None:
        return None
    name = keep(services, render(services, db, participant, kind, now))
    link = media.signed_url(services, name)
    language = participant.language or "nl"
    catalogs = services.catalogs
    days = str(media.LINK_LIFETIME_SECONDS // 86400)
    body = "\n".join(
        (
            catalogs.text(language, f"paper.sent.{kind}"),
            catalogs.text(language, "paper.sent.link", {"days": days}),
            link,
        )
    )
    attached = [{"url": link, "content_type": PDF, "stored": name}] if participant.channel == Channel.WHATSAPP else []
    message = add_outbound(db, participant, body, now, media=attached)
    if not attached:
        # Kept all the same, so erasure and retention find the file through the message.
        message.media = [{"content_type": PDF, "stored": name, "url": ""}]
        db.add(message)
    log.info("%s made for participant %s as message %s", kind, participant.id, message.id)
    return message.id


def keep(services: Services, pdf: bytes) -> str:
    """The PDF under a random name in MEDIA_DIR (the name is all a signed link carries)."""
    name = f"{secrets.token_hex(16)}.pdf"
    directory = Path(services.settings.media_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(pdf)
    return name
