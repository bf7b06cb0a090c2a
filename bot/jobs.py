"""Job entry points, for RQ workers and the in-process queue alike.

They take ids, read the clock themselves, and are safe to run twice.
"""

from bot import (
    conversation,
    ending_notice,
    ending_start,
    escalation_notices,
    intake,
    notices,
    ordering,
    outbound,
    privacy,
    relay,
)
from bot.queue import reply_job
from bot.services import Services, current_services
from storage import queries
from storage.db import session_scope
from storage.models import Intake, Message


@reply_job
def handle_inbound(message_id: int) -> None:
    services = current_services()
    if _from_coordinator(services, message_id):
        return _send_replies(services, relay.handle_from_coordinator(services, message_id, services.clock()))
    outcome = conversation.handle_inbound(services, message_id, services.clock())
    _send_replies(services, outcome.outbound_ids)
    for intake_id in outcome.intake_ids:
        services.queue.enqueue(translate_intake, intake_id)
    for absence_id in outcome.absence_ids:
        services.queue.enqueue(notify_absence, absence_id)
    for escalation_id in dict.fromkeys(outcome.escalation_ids):
        services.queue.enqueue(notify_escalation, escalation_id)
    for relayed_id in outcome.relay_ids:
        services.queue.enqueue(relay_to_coordinator, relayed_id)
    for participant_id in outcome.erase_ids:
        services.queue.enqueue(erase_participant, participant_id)
    for participant_id in outcome.ending_ask_ids:
        services.queue.enqueue(ask_ending, participant_id)
    for ending_id in outcome.ending_ids:
        services.queue.enqueue(notify_ending, ending_id)


def _from_coordinator(services: Services, message_id: int) -> bool:
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        return message is not None and message.coordinator_id is not None


def _send_all(services: Services, message_ids: list[int]) -> None:
    for message_id in message_ids:
        services.queue.enqueue(send_message, message_id)


def _send_replies(services: Services, message_ids: list[int]) -> None:
    for message_id in message_ids:
        services.queue.enqueue(send_reply, message_id)


def notify_escalation(escalation_id: int) -> None:
    services = current_services()
    _send_all(services, escalation_notices.notify(services, escalation_id, services.clock()))


def relay_to_coordinator(message_id: int) -> None:
    services = current_services()
    _send_all(services, relay.relay_to_coordinator(services, message_id, services.clock()))


def send_message(message_id: int) -> None:
    _send_in_order(current_services(), message_id)


@reply_job
def send_reply(message_id: int) -> None:
    """A reply, on the reply queue. What was stored for the same person before it (a reminder still
    waiting on the other queue) goes first, so they read things in the order the bot said them;
    each send claims its message, so the earlier one's own job then finds it sent."""
    services = current_services()
    with session_scope(services.db) as db:
        earlier = queries.unsent_before(db, message_id)
    for earlier_id in [*earlier, message_id]:
        _send_in_order(services, earlier_id)


def _send_in_order(services: Services, message_id: int) -> None:
    """Send a message, and first the ones that go before it (voice notes, a lead), each once.

    A message waits until Twilio sent on the ones before it; their status callback sends it then
    (bot/ordering.py).
    """
    _send_after_those_before(services, message_id)
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        freed = ordering.freed_next(message) if message is not None else None
    # Usually its status callback frees the next one; one that failed at once (or that Twilio
    # answered with a later status) holds nothing up, so the next goes now rather than at the sweep.
    if freed is not None:
        services.queue.enqueue(send_message, freed)


def _send_after_those_before(services: Services, message_id: int) -> None:
    with session_scope(services.db) as db:
        before = ordering.going_before(db, message_id)
    for earlier_id in before:
        _send_after_those_before(services, earlier_id)  # only older messages go before: the chain ends
    if before and _waits(services, message_id):
        return
    outbound.send(services, message_id, services.clock())


def _waits(services: Services, message_id: int) -> bool:
    with session_scope(services.db) as db:
        return ordering.waits(db, message_id, services.clock())


def translate_intake(intake_id: int) -> None:
    services = current_services()
    with session_scope(services.db) as db:
        stored = db.get(Intake, intake_id)
        if stored is not None and stored.untranslated:
            intake.translate_intake(stored, services.translator, services.clock())
            db.add(stored)


def notify_absence(absence_id: int) -> None:
    services = current_services()
    message_id = notices.absence_notice(services, absence_id, services.clock())
    if message_id is not None:
        services.queue.enqueue(send_message, message_id)


def erase_participant(participant_id: int) -> None:
    services = current_services()
    privacy.erase_after_goodbye(services, participant_id, services.clock())


def ask_ending(participant_id: int) -> None:
    """The ending dialogue's first question (bot/ending_start.py), once."""
    services = current_services()
    message_id = ending_start.ask(services, participant_id, services.clock())
    if message_id is not None:
        services.queue.enqueue(send_message, message_id)


def notify_ending(ending_id: int) -> None:
    """The answered ending dialogue, in Dutch, to the coordinator (bot/ending_notice.py), and the
    certificaat to the newcomer when they asked for it; each once."""
    services = current_services()
    _send_all(services, ending_notice.notify(services, ending_id, services.clock()))
