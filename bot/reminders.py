"""Due reminders become messages: claimed once, turned into the reminder dialogue, stored.

The reminder is the first question of flows/herinnering.yaml, so its answer
(1 coming, 2 cannot come, 3 late, 4 a question) is understood like any other.
"""

import logging
import time
from datetime import datetime

from sqlmodel import Session as DbSession

from bot import appointments, conversation, documents, introductions, messaging, templates
from bot.flow import engine
from bot.flow.engine import REMINDER_FLOW
from bot.flow.model import Run
from bot.services import Services
from bot.templates import REMINDER_TEMPLATE
from storage import queries
from storage.db import session_scope
from storage.models import Appointment, Channel, Message, Participant, Reminder

log = logging.getLogger(__name__)

CONFIRM_FLOW = "bevestiging"
# Someone who never wrote has no 24-hour window: the confirmation may only go as this template (or SMS).
CONFIRM_TEMPLATE = "confirmation"
TEMPLATE_FIELDS = ("when", "place", "address", "route")
SENT, SKIPPED = "sent", "skipped"
# Reminders claimed by one statement and stored in one transaction.
BATCH = 100
# A tick takes no new batch after this long (well within the cron job's timeout); the next tick goes on.
TICK_BUDGET_SECONDS = 20


def dispatch_due(services: Services, now: datetime) -> list[int]:
    """Claim every due reminder once and store its message; returns the message ids to send.

    Batches, each claimed and stored in one transaction: a failure rolls back its own batch only,
    and another dispatcher meanwhile takes the next reminders (SKIP LOCKED)."""
    message_ids: list[int] = []
    started = time.monotonic()
    while time.monotonic() - started < TICK_BUDGET_SECONDS:
        with session_scope(services.db) as db:
            claimed = queries.claim_due_reminders(db, now, BATCH)
            stored = [_deliver(services, db, reminder, now) for reminder in claimed]
        message_ids.extend(m for m in stored if m is not None)
        if len(claimed) < BATCH:
            break
    return message_ids


def _deliver(services: Services, db: DbSession, reminder: Reminder, now: datetime) -> int | None:
    appointment = db.get(Appointment, reminder.appointment_id)
    participant = db.get(Participant, appointment.participant_id)
    if not _still_wanted(appointment, participant, now) or queries.later_reminder_due(db, reminder, now):
        reminder.status = SKIPPED
        db.add(reminder)
        return None
    reminder.status, reminder.message_id = (
        SENT,
        _start_dialogue(services, db, participant, REMINDER_FLOW, appointment, now),
    )
    db.add(reminder)
    _may_go_as_template(services, db, reminder.message_id, REMINDER_TEMPLATE, appointment, participant)
    log.info("reminder %s for appointment %s sent as message %s", reminder.id, appointment.id, reminder.message_id)
    return reminder.message_id


def confirm_first_appointments(services: Services, now: datetime) -> tuple[list[int], list[int]]:
    """Each newcomer's first appointment, confirmed once, with the werkafspraken when their
    kennismaking is done; returns the ids of the confirmations and of the papers to send."""
    with session_scope(services.db) as db:
        candidates = [a.id for a in appointments.first_to_confirm(db, now)]
    confirmations, papers = [], []
    for appointment_id in candidates:
        with session_scope(services.db) as db:
            appointment = db.get(Appointment, appointment_id)
            participant = db.get(Participant, appointment.participant_id)
            # Not yet reachable (no consent, said stop, not yet told who writes): asked again on a later tick.
            ready = _reachable(participant) and introductions.may_be_written_to(participant, now)
            if not (ready and queries.claim_confirmation(db, appointment_id, now)):
                continue
            message_id = _start_dialogue(services, db, participant, CONFIRM_FLOW, appointment, now)
            _may_go_as_template(services, db, message_id, CONFIRM_TEMPLATE, appointment, participant)
            confirmations.append(message_id)
            agreed = queries.intake_of(db, participant.id) is not None
            participant_id = participant.id
        if agreed:
            papers += _werkafspraken(services, participant_id, now)
    return confirmations, papers


def _werkafspraken(services: Services, participant_id: int, now: datetime) -> list[int]:
    """The seed: with the confirmation, an A4 of the agreements and contacts (bilingual).

    Only after the kennismaking: it is what the agreements are made from. Its own transaction
    after the confirmation: a paper that cannot be made (fonts or Pango missing) must not hold
    back the confirmation, the message that matters. The centre can send it later by hand.
    """
    try:
        with session_scope(services.db) as db:
            sent = documents.send(db, db.get(Participant, participant_id), "werkafspraken", services, now)
    except (documents.RenderError, OSError):
        log.exception("the werkafspraken for participant %s could not be made", participant_id)
        return []
    return [sent] if sent is not None else []


def _start_dialogue(
    services: Services,
    db: DbSession,
    participant: Participant,
    flow_id: str,
    appointment: Appointment,
    now: datetime,
) -> int:
    """The bot speaks first about an appointment; what was going on resumes after it."""
    queries.lock_participant(db, participant.id)
    stored = queries.flow_run_of(db, participant.id)
    current = Run.from_dict(stored.state) if stored and stored.flow_id in services.book.flows else None
    facts = {**conversation.facts_of(db, participant, now), "appointment": appointments.as_fact(appointment)}
    run, events = engine.interrupt(services.book, current, flow_id, facts, now)
    conversation.save_run(db, participant, run, now)
    return conversation.apply_events(services, db, participant, events, now).outbound_ids[0]


def _may_go_as_template(
    services: Services,
    db: DbSession,
    message_id: int,
    template: str,
    appointment: Appointment,
    participant: Participant,
) -> None:
    """Outside the 24-hour window the message goes as the approved template, with these values;
    by SMS it is the short form where there is one (the reminder's), to stay within two segments."""
    fact = appointments.as_fact(appointment)
    message = db.get(Message, message_id)
    templates.may_go_as(message, template, {k: fact[k] for k in TEMPLATE_FIELDS}, participant.language)
    if message.channel == Channel.SMS:
        message.body = messaging.sms_body(services, message, participant.language)
    db.add(message)


def _still_wanted(appointment: Appointment, participant: Participant, now: datetime) -> bool:
    """Checked again at send time: things change between planning and the due time.

    A reminder found only after the start (the dispatcher was down) is no use any more,
    nor one found after the next reminder of the same appointment fell due: that one goes.
    """
    return (
        appointment.status in ("planned", "confirmed")
        and appointment.starts_at > now
        and participant.reminders is True
        and _reachable(participant)
    )


def _reachable(participant: Participant) -> bool:
    return participant.consent_given_at is not None and participant.stopped_at is None
