"""Job entry points, for RQ workers and the in-process queue alike.

They take ids, read the clock themselves, and are safe to run twice.
"""

from bot import conversation, dispatcher, messaging
from bot.services import current_services
from storage.types import utcnow


def handle_inbound(message_id: int) -> None:
    services = current_services()
    for outbound_id in conversation.handle_inbound(services, message_id, utcnow()):
        services.queue.enqueue(send_message, outbound_id)


def send_message(message_id: int) -> None:
    messaging.send_outbound(current_services(), message_id, utcnow())


def dispatch() -> None:
    dispatcher.tick(current_services(), utcnow())
