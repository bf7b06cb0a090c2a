"""Job entry points, for RQ workers and the in-process queue alike.

They take ids, read the clock themselves, and are safe to run twice.
"""

from bot import conversation, dispatcher, intake, messaging
from bot.services import current_services
from storage.db import session_scope
from storage.models import Intake
from storage.types import utcnow


def handle_inbound(message_id: int) -> None:
    services = current_services()
    outcome = conversation.handle_inbound(services, message_id, utcnow())
    for outbound_id in outcome.outbound_ids:
        services.queue.enqueue(send_message, outbound_id)
    for intake_id in outcome.intake_ids:
        services.queue.enqueue(translate_intake, intake_id)


def send_message(message_id: int) -> None:
    messaging.send_outbound(current_services(), message_id, utcnow())


def dispatch() -> None:
    dispatcher.tick(current_services(), utcnow())


def translate_intake(intake_id: int) -> None:
    services = current_services()
    with session_scope(services.db) as db:
        stored = db.get(Intake, intake_id)
        if stored is not None and stored.untranslated:
            intake.translate_intake(stored, services.translator, utcnow())
            db.add(stored)
