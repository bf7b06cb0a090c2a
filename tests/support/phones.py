"""People writing to the bot through the signed webhook, and what the bot sent each of them."""

import itertools
from dataclasses import dataclass

from flask import Flask
from sqlmodel import col, select

from bot.services import EXTENSION
from storage.db import session_scope
from storage.models import Coordinator, Direction, Message, Participant
from tests.conftest import PUBLIC_BASE_URL
from tests.support.twilio import INBOUND_PATH, inbound_form, sign

# Inbound SIDs in a range of their own: tests/support/fake_twilio.py counts its outbound SIDs from 1
# in the same format, and a message whose SID the bot already knows is taken as a repeat and ignored.
_SIDS = itertools.count(1 << 64)


@dataclass
class Phones:
    app: Flask

    def __post_init__(self) -> None:
        self.client, self.services = self.app.test_client(), self.app.extensions[EXTENSION]

    def send(self, phone: str, body: str = "", **extra: str) -> None:
        """A WhatsApp message from `phone`, handled with everything it starts."""
        self._post(f"whatsapp:{phone}", body, **extra)

    def send_sms(self, phone: str, body: str) -> None:
        self._post(phone, body)

    def _post(self, sender: str, body: str, **extra: str) -> None:
        form = inbound_form(f"SM{next(_SIDS):032x}", body, sender=sender, **extra)
        signature = sign(self.services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
        response = self.client.post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
        self.services.queue.join()

    def received(self, phone: str) -> list[Message]:
        """Everything sent to the newcomer or coordinator with this number, oldest first."""
        with session_scope(self.services.db) as db:
            participant = db.exec(select(Participant.id).where(Participant.phone == phone)).first()
            coordinator = db.exec(select(Coordinator.id).where(Coordinator.phone == phone)).first()
            statement = select(Message).where(Message.direction == Direction.OUTBOUND)
            if participant is not None:
                statement = statement.where(Message.participant_id == participant)
            else:
                statement = statement.where(Message.coordinator_id == coordinator)
            return list(db.exec(statement.order_by(col(Message.id))).all())

    def last(self, phone: str) -> str:
        return self.received(phone)[-1].body
