"""A question asked after other words goes as its own message, so that it can go as buttons.

WhatsApp shows buttons only under a Content resource's own body, which is the question alone
(bot/whatsapp_content.py). When the question comes again after "not understood", after a voice
note where a choice is asked, or after any other text of the same turn, those words (the lead)
go first as a text of their own and the question alone right after it, as buttons; the question
waits for the lead as a text waits for its voice note (bot/ordering.py). Only where it would go
as buttons (WhatsApp, inside the window, a resource synced for the current texts); anywhere else
the turn stays one message, as before, and SMS is unchanged.
"""

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session as DbSession

from bot.flow.events import SendMessage, TextRef
from bot.i18n import render
from bot.messaging import buttons_possible, synced_buttons
from bot.services import Services
from storage.models import Participant


def split(
    services: Services, db: DbSession, participant: Participant, said: list[SendMessage], now: datetime
) -> tuple[list[SendMessage], SendMessage] | None:
    """(the lead, the question alone) when the turn ends with a question that then goes as buttons."""
    asked = said[-1] if said else None
    if asked is None or asked.asks is None or asked.media or not buttons_possible(participant, now):
        return None
    if asked.languages != (participant.language,):
        return None
    params = asked_params(asked)
    # The question alone is the end of its texts that reads exactly as the synced resource.
    for start in range(len(asked.texts)):
        alone = replace(asked, texts=asked.texts[start:])
        body = render(services.catalogs, alone)
        if synced_buttons(services, db, participant.language, asked.asks, params, body) is None:
            continue
        lead = [*said[:-1], replace(asked, texts=asked.texts[:start], options=(), asks=None)] if start else said[:-1]
        return (lead, alone) if lead else None
    return None


def asked_params(asked: SendMessage) -> dict[str, str]:
    """The values the question's texts were filled with (kept with the message for its buttons)."""
    return {k: v for t in asked.texts if isinstance(t, TextRef) for k, v in t.params.items()}
