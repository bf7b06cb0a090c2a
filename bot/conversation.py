"""One inbound message through the flow engine, and its events applied."""

from datetime import datetime

from sqlmodel import Session as DbSession

from bot.flow import engine
from bot.flow.events import Event, LanguageChosen, SendMessage
from bot.flow.model import Input, Session
from bot.i18n import render
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Message, Participant

ENTRY_FLOW = "welkom"


def handle_inbound(services: Services, message_id: int, now: datetime) -> list[int]:
    """Run the participant's dialogue one step; returns the outbound message ids to send."""
    with session_scope(services.db) as db:
        message = queries.claim_inbound(db, message_id, now)
        if message is None:
            return []
        participant = db.get(Participant, message.participant_id)
        session, events = _advance(services, db, participant, message, now)
        _save_session(db, participant, session, now)
        return _apply(services, db, participant, events, now)


def _advance(
    services: Services, db: DbSession, participant: Participant, message: Message, now: datetime
) -> tuple[Session, list[Event]]:
    stored = queries.flow_session_of(db, participant.id)
    if stored is None or stored.flow_id not in services.flows:
        return engine.start(services.flows[ENTRY_FLOW], participant.language, now)
    answer = Input(text=message.body, button_payload=message.button_payload, media_count=message.num_media)
    return engine.resume(services.flows[stored.flow_id], Session.from_dict(stored.state), answer, now)


def _save_session(db: DbSession, participant: Participant, session: Session, now: datetime) -> None:
    if session.ended:
        queries.end_flow_session(db, participant.id)
    else:
        queries.save_flow_session(db, participant.id, session.flow_id, session.to_dict(), now)


def _apply(
    services: Services, db: DbSession, participant: Participant, events: list[Event], now: datetime
) -> list[int]:
    """Apply events in order; every text of one turn goes out as one message."""
    bodies: list[str] = []
    for event in events:
        if isinstance(event, LanguageChosen):
            participant.language = event.language
            db.add(participant)
        elif isinstance(event, SendMessage):
            bodies.append(render(services.catalogs, event))
    if not bodies:
        return []
    return [queries.add_outbound(db, participant, "\n\n".join(bodies), now).id]
