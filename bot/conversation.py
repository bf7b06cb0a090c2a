"""One inbound message through the flow engine, and its events applied."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session as DbSession
from sqlmodel import select

from bot.flow import engine
from bot.flow.events import Escalate, Event, FlowEnded, LanguageChosen, SendMessage, Signal, Stopped
from bot.flow.model import Input, Session
from bot.i18n import render
from bot.intake import INTAKE_FLOW, store_intake
from bot.language_detection import detect_language
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Escalation, Intake, Message, Participant


@dataclass
class Outcome:
    """What a handled message leaves for other jobs."""

    outbound_ids: list[int] = field(default_factory=list)
    intake_ids: list[int] = field(default_factory=list)


def handle_inbound(services: Services, message_id: int, now: datetime) -> Outcome:
    """Run the participant's dialogue one step and apply what it asks for."""
    with session_scope(services.db) as db:
        message = queries.claim_inbound(db, message_id, now)
        if message is None:
            return Outcome()
        participant = db.get(Participant, message.participant_id)
        participant.stopped_at = None  # writing again undoes 'stop'
        session, events = _advance(services, db, participant, message, now)
        _save_session(db, participant, session, now)
        outcome = _apply(services, db, participant, events, now)
        if participant.consent_given_at is None:
            _forget_words(db, message)
        return outcome


def _forget_words(db: DbSession, message: Message) -> None:
    """Without consent nothing but the number and language is kept: not what they wrote.

    The row stays (empty), so a repeated webhook for the same MessageSid is still
    recognised and answered once.
    """
    message.body, message.media, message.button_payload = "", [], None
    db.add(message)


def _advance(
    services: Services, db: DbSession, participant: Participant, message: Message, now: datetime
) -> tuple[Session, list[Event]]:
    answer = Input(text=message.body, button_payload=message.button_payload, media_count=message.num_media)
    stored = queries.flow_session_of(db, participant.id)
    if stored is not None and stored.flow_id in services.book.flows:
        return engine.resume(services.book, Session.from_dict(stored.state), answer, now)
    return engine.begin(services.book, _facts(db, participant, message), answer, now)


def _facts(db: DbSession, participant: Participant, message: Message) -> dict:
    """What the engine may branch on when a dialogue starts."""
    has_intake = db.exec(select(Intake.id).where(Intake.participant_id == participant.id)).first() is not None
    facts = {
        "language": participant.language,
        "consent": participant.consent_given_at is not None,
        "intake": has_intake,
    }
    if participant.language is None:
        facts["detected_language"] = detect_language(message.body)
    return facts


def _save_session(db: DbSession, participant: Participant, session: Session, now: datetime) -> None:
    if session.ended:
        queries.end_flow_session(db, participant.id)
    else:
        queries.save_flow_session(db, participant.id, session.flow_id, session.to_dict(), now)


def _apply(services: Services, db: DbSession, participant: Participant, events: list[Event], now: datetime) -> Outcome:
    """Apply events in order; every text of one turn goes out as one message."""
    outcome, bodies = Outcome(), []
    for event in events:
        if isinstance(event, SendMessage):
            bodies.append(render(services.catalogs, event))
        elif isinstance(event, LanguageChosen):
            participant.language = event.language
        elif isinstance(event, Signal):
            participant.consent_given_at = now if event.name == "consent_given" else None
        elif isinstance(event, Stopped):
            participant.stopped_at = now
        elif isinstance(event, Escalate):
            db.add(
                Escalation(
                    participant_id=participant.id,
                    reason=event.reason,
                    flow_id=event.flow_id,
                    step_id=event.step_id,
                    created_at=now,
                )
            )
        elif isinstance(event, FlowEnded) and event.flow_id == INTAKE_FLOW and event.completed:
            intake = store_intake(db, participant, services.book.flows[INTAKE_FLOW], event.answers, now)
            outcome.intake_ids.append(intake.id)
    db.add(participant)
    if bodies:
        outcome.outbound_ids.append(queries.add_outbound(db, participant, "\n\n".join(bodies), now).id)
    return outcome
