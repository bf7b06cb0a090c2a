"""The periodic tick: finds due work in the database and enqueues its jobs.

Because the work lives in rows, losing Redis or restarting loses nothing: the
next tick finds it again.
"""

import logging
from datetime import datetime, timedelta

from bot import (
    checkin_dispatch,
    checkins,
    ending_dialogue,
    ending_start,
    escalations,
    introductions,
    jobs,
    outbound,
    privacy,
    reminders,
)
from bot.services import Services
from storage import queries
from storage.db import session_scope

log = logging.getLogger(__name__)

TICK_SECONDS = 30
# An inbound message still unhandled after this long lost its job (crash, lost queue).
STALE_INBOUND = timedelta(minutes=2)
# How long a failed translation rests before the next try (the provider may be down).
TRANSLATION_RETRY = timedelta(minutes=15)


def tick(services: Services, now: datetime) -> dict[str, int]:
    with session_scope(services.db) as db:
        to_send = outbound.sweep(db, now)
        stale = queries.unprocessed_inbound(db, now - STALE_INBOUND)
        untranslated = queries.intakes_waiting_for_translation(
            db, now - TRANSLATION_RETRY, services.translator.into_dutch
        )
        unrelayed = queries.unrelayed_inbound(db, now - STALE_INBOUND)
        renotified = escalations.schedule_renotifications(services, db, now)
        endings_unasked, endings_unsent = ending_dialogue.lost(db, now - STALE_INBOUND)
        endings_unasked = [] if ending_start.quiet(services, now) else endings_unasked
    with session_scope(services.db) as db:
        notices = escalations.due_notices(db, now)
    retention = privacy.apply_retention(services, now)
    # Before anything else the bot starts: someone the centre registered first hears who writes.
    introduced = introductions.introduce_due(services, now)
    confirmations, papers = reminders.confirm_first_appointments(services, now)
    reminder_messages = reminders.dispatch_due(services, now)
    checkins_planned = checkins.plan_missing(services, now)
    checkin_messages = checkin_dispatch.dispatch_due(services, now)
    # Their escalations' notices are found by the next tick, like any other due notice.
    no_contact = checkin_dispatch.expire_unanswered(services, now)
    for message_id in [
        *(m for ids in to_send.values() for m in ids),
        *introduced,
        *confirmations,
        *papers,
        *reminder_messages,
        *checkin_messages,
    ]:
        services.queue.enqueue(jobs.send_message, message_id)
    for message_id in stale:
        services.queue.enqueue(jobs.handle_inbound, message_id)
    for intake_id in untranslated:
        services.queue.enqueue(jobs.translate_intake, intake_id)
    for escalation_id in notices:
        services.queue.enqueue(jobs.notify_escalation, escalation_id)
    for message_id in unrelayed:
        services.queue.enqueue(jobs.relay_to_coordinator, message_id)
    for participant_id in endings_unasked:
        services.queue.enqueue(jobs.ask_ending, participant_id)
    for ending_id in endings_unsent:
        services.queue.enqueue(jobs.notify_ending, ending_id)
    counts = {
        "introductions": len(introduced),
        "confirmations": len(confirmations),
        "reminders": len(reminder_messages),
        "retries": len(to_send["retries"]),
        "unsent": len(to_send["unsent"]),
        "stale_inbound": len(stale),
        "translations": len(untranslated),
        "escalation_notices": len(notices),
        "renotified": renotified,
        "unrelayed": len(unrelayed),
        "checkins_planned": checkins_planned,
        "checkins": len(checkin_messages),
        "no_contact": len(no_contact),
        "endings_lost": len(endings_unasked) + len(endings_unsent),
        **retention,
        "stuck": len(to_send["stuck"]),
    }
    if any(counts.values()):
        log.info("dispatch: %s", counts)
    return counts
