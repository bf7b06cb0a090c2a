"""Job entry points, for RQ workers and the in-process queue alike.

They take ids, read the clock themselves, and are safe to run twice.
"""

from bot import conversation, dispatcher, intake, notices, outbound
from bot.services import current_services
from storage.db import session_scope
from storage.models import Intake


def handle_inbound(message_id: int) -> None:
    services = current_services()
    outcome = conversation.handle_inbound(services, message_id, services.clock())
    for outbound_id in outcome.outbound_ids:
        services.queue.enqueue(send_message, outbound_id)
    for intake_id in outcome.intake_ids:
        services.queue.enqueue(translate_intake, intake_id)
    for absence_id in outcome.absence_ids:
        services.queue.enqueue(notify_absence, absence_id)
    for escalation_id in outcome.question_ids:
        services.queue.enqueue(notify_question, escalation_id)


def send_message(message_id: int) -> None:
    services = current_services()
    outbound.send(services, message_id, services.clock())


def dispatch() -> None:
    services = current_services()
    dispatcher.tick(services, services.clock())


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


def notify_question(escalation_id: int) -> None:
    services = current_services()
    message_id = notices.question_notice(services, escalation_id, services.clock())
    if message_id is not None:
        services.queue.enqueue(send_message, message_id)
