"""Newcomers who arrive with an ambassador's or a community source's code.

The code in the first message links the newcomer to whoever gave it, and is taken out of
the text before the language is recognised and the dialogue reads it. The referrer hears
that the person arrived only when the newcomer said yes to that (flows/welkom.yaml asks,
after consent), and then without their name or words. The link is personal data: it is
in the newcomer's export and erased with them (bot/privacy.py).
"""

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot.referral_codes import find_codes
from bot.services import Services
from storage import queries
from storage.models import Coordinator, Direction, Message, Participant, Referral, Referrer

log = logging.getLogger(__name__)

# The flow fact that makes flows/welkom.yaml ask whether the referrer may know.
FACT = "referrer"
MAY_KNOW_SIGNAL = "referrer_may_know"
TEXT, TEMPLATE = "referral.arrived", "referral_arrived"


def take_code(db: DbSession, participant: Participant, message: Message, now: datetime) -> Referral | None:
    """Link the newcomer to the referrer whose code their first message carries, and take the code out.

    Only known codes of active referrers count, so an unknown code-shaped word stays as written.
    """
    if not message.body or not _is_first(db, participant, message):
        return None
    for found in find_codes(message.body):
        referrer = db.exec(select(Referrer).where(Referrer.code == found.code, col(Referrer.active))).first()
        if referrer is not None:
            referral = Referral(participant_id=participant.id, referrer_id=referrer.id, arrived_at=now)
            message.body = found.rest
            db.add_all([referral, message])
            db.flush()
            log.info("participant %s arrived with the code of referrer %s", participant.id, referrer.id)
            return referral
    return None


def _is_first(db: DbSession, participant: Participant, message: Message) -> bool:
    if referral_of(db, participant.id) is not None:
        return False
    earlier = select(Message.id).where(
        Message.participant_id == participant.id, Message.direction == Direction.INBOUND, Message.id < message.id
    )
    return db.exec(earlier.limit(1)).first() is None


def referral_of(db: DbSession, participant_id: int) -> Referral | None:
    return db.exec(select(Referral).where(Referral.participant_id == participant_id)).first()


def facts(db: DbSession, participant: Participant) -> dict[str, Any]:
    """{"referrer": {"name"}} while the newcomer was not yet asked whether their referrer may know."""
    referral = referral_of(db, participant.id)
    if referral is None or referral.may_tell_at is not None:
        return {}
    referrer = db.get(Referrer, referral.referrer_id)
    if referrer.coordinator_id is None:  # nobody to tell: do not ask
        return {}
    return {FACT: {"name": referrer.name}}


def tell(services: Services, db: DbSession, participant: Participant, now: datetime) -> list[int]:
    """The newcomer said yes: the referrer is told in Dutch that someone with their code arrived.

    Stored like every notice to a coordinator, so it takes the normal routes (WhatsApp, the
    24-hour window, SMS); returns the message to send.
    """
    referral = referral_of(db, participant.id)
    if referral is None or referral.told_message_id is not None:
        return []
    referrer = db.get(Referrer, referral.referrer_id)
    coordinator = db.get(Coordinator, referrer.coordinator_id) if referrer.coordinator_id else None
    referral.may_tell_at = now
    db.add(referral)
    if coordinator is None:
        return []
    params = {"name": referrer.name, "code": referrer.code}
    message = queries.add_outbound(db, coordinator, services.coordinator_texts.text("nl", TEXT, params), now)
    # Outside WhatsApp's 24-hour window: the approved template if there is one, else SMS.
    message.template, message.template_params = TEMPLATE, params
    referral.told_message_id = message.id
    return [message.id]


def sign_plan(db: DbSession, participant: Participant, when: datetime | None) -> Referral | None:
    """The centre records that the newcomer's plan was signed (None clears it); None without a referral."""
    referral = referral_of(db, participant.id)
    if referral is not None:
        referral.plan_signed_at = when
        db.add(referral)
    return referral


def export(db: DbSession, participant: Participant) -> dict[str, Any] | None:
    """The link as the newcomer's export shows it: who brought them, and what was recorded."""
    referral = referral_of(db, participant.id)
    if referral is None:
        return None
    referrer = db.get(Referrer, referral.referrer_id)
    fields = {"arrived_at", "may_tell_at", "plan_signed_at"}
    return {"referrer": referrer.name, "code": referrer.code, **referral.model_dump(mode="json", include=fields)}


def erase(db: DbSession, participant: Participant) -> None:
    """The link goes with the newcomer (their figures leave the referrer's counts with it)."""
    referral = referral_of(db, participant.id)
    if referral is not None:
        db.delete(referral)
