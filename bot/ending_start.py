"""The bot asks the ending dialogue's first question, in the newcomer's language.

Like a reminder, it may have to reach them outside WhatsApp's 24-hour window: the message
carries the template `afronden` (the same text), so bot.messaging sends the template in
their language, else an SMS, else the Dutch or English template. The centre's note for
the consulent is translated here, before the dialogue starts, so the engine stays pure.
"""

import logging
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session as DbSession

from bot import conversation, ending_dialogue, messaging
from bot.ending_dialogue import ENDING_FLOW
from bot.flow import engine
from bot.i18n import PEOPLE_ZONE
from bot.services import Services
from bot.translator import SAME_LANGUAGE, TRANSLATED
from storage.db import session_scope
from storage.models import Channel, Ending, Message, Participant

log = logging.getLogger(__name__)

ENDING_TEMPLATE = "afronden"


def ask(services: Services, participant_id: int, now: datetime) -> int | None:
    """Store the first question of the ending dialogue, once; returns the message id to send."""
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        row = ending_dialogue.of(db, participant_id)
        if participant is None or row is None or row.asked_at or not ending_dialogue.reachable(participant):
            return None
        if row.reason != "newcomer" and quiet(services, now):
            return None  # a coordinator ended it late: the dispatcher asks when quiet hours are over
        note, language = row.consulent_note, participant.language or "nl"
    # Outside the transaction: a translation may take seconds.
    shown = note_for_newcomer(services, note, language) if note else None
    with session_scope(services.db) as db:
        if not _claim(db, row.id, now):
            return None  # another job asked already
        participant = db.get(Participant, participant_id)
        message_id = _start(services, db, participant, shown, now)
        log.info("ending dialogue of participant %s asked as message %s", participant_id, message_id)
        return message_id


def quiet(services: Services, now: datetime) -> bool:
    """Quiet hours (QUIET_HOURS): the bot does not start a conversation then. A newcomer who
    ends it from the menu is talking already, and is asked at once."""
    rules, local = services.settings.reminder_rules, now.astimezone(PEOPLE_ZONE).time()
    if rules.quiet_start > rules.quiet_end:  # over midnight, e.g. 21:00-08:00
        return local >= rules.quiet_start or local < rules.quiet_end
    return rules.quiet_start <= local < rules.quiet_end


def note_for_newcomer(services: Services, dutch: str, language: str) -> str | None:
    """The centre's Dutch note in their language; None when it cannot be translated (the catalog's text goes)."""
    if language == "nl":
        return dutch
    result = services.translator.translate(dutch, "nl", language)
    return result.text if result.status in (TRANSLATED, SAME_LANGUAGE) and result.text else None


def _start(services: Services, db: DbSession, participant: Participant, note: str | None, now: datetime) -> int:
    facts = {
        **conversation.facts_of(db, participant, now),
        "ending": {"note": note or ""},
        "ending_note_given": bool(note),
    }
    # Not an interruption: whatever dialogue was going on (an appointment to cancel...) ends with the work.
    run, events = engine.start(services.book, ENDING_FLOW, facts, now)
    conversation.save_run(db, participant, run, now)
    message_id = conversation.apply_events(services, db, participant, events, now).outbound_ids[0]
    message = db.get(Message, message_id)
    message.template, message.template_params = ENDING_TEMPLATE, {}
    if message.channel == Channel.SMS:  # their own channel is SMS: the short form, as for reminders
        message.body = messaging.sms_body(services, message, participant.language)
    db.add(message)
    return message_id


def _claim(db: DbSession, ending_id: int, now: datetime) -> bool:
    result = db.execute(update(Ending).where(Ending.id == ending_id, Ending.asked_at.is_(None)).values(asked_at=now))
    return result.rowcount == 1
