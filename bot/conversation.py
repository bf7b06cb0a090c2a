"""One inbound message through the flow engine, and its events applied."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session as DbSession

from bot import (
    absences,
    appointments,
    checkins,
    ending_dialogue,
    escalations,
    media,
    opt_out,
    ordering,
    question_alone,
    referrals,
    relay,
    voice_notes,
)
from bot.flow import engine
from bot.flow.events import Escalate, Event, FlowEnded, LanguageChosen, SendMessage, Signal, Stopped
from bot.flow.model import Input, Run
from bot.flow.outputs import ABSENCE, CHECKIN, ENDING, INTAKE, QUESTION
from bot.holidays import KEPT
from bot.i18n import render, shown_params
from bot.intake import store_intake
from bot.language_detection import detect_language
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Appointment, AppointmentStatus, Message, Participant

log = logging.getLogger(__name__)

# Tries of one inbound message before it is given up, so one bad message never blocks the next.
MAX_ATTEMPTS = 3
# More than FLOOD_PER_MINUTE messages in this window are kept, not answered.
FLOOD_WINDOW = timedelta(minutes=1)
ERASE_FLOW = "wissen"
# A person will contact them: today, or from the next time the office is open ({when}).
EXPECT_SOON, EXPECT_LATER = "escalation.expect_soon", "escalation.expect_later"


@dataclass
class Outcome:
    """What a handled message leaves for other jobs."""

    outbound_ids: list[int] = field(default_factory=list)
    intake_ids: list[int] = field(default_factory=list)
    absence_ids: list[int] = field(default_factory=list)
    # Escalations with a notice due, and newcomers' messages to pass on to a coordinator.
    escalation_ids: list[int] = field(default_factory=list)
    relay_ids: list[int] = field(default_factory=list)
    # Participants to erase once the goodbye has gone out.
    erase_ids: list[int] = field(default_factory=list)
    # Participants who ended their volunteering from the menu: the ending dialogue's first question is due.
    ending_ask_ids: list[int] = field(default_factory=list)
    # Ending dialogues answered: their summary goes to the coordinator.
    ending_ids: list[int] = field(default_factory=list)


def handle_inbound(services: Services, message_id: int, now: datetime) -> Outcome:
    """Handle the participant's unhandled messages one at a time, oldest first, up to this one.

    Two workers may get two quick messages of one person at once: whichever runs
    first takes the older one, under a lock on the participant, so each message
    sees the dialogue as the one before it left it. While a person is talking with
    them (an open escalation), their words go to that person instead; see bot/relay.py.
    """
    outcome = Outcome()
    while (next_id := _next_in_line(services, message_id, now)) is not None:
        _merge(outcome, _handle_one(services, next_id, now))
    return outcome


def _next_in_line(services: Services, message_id: int, now: datetime) -> int | None:
    """The participant's oldest unhandled message, its attempt counted before it is tried
    (a message that keeps failing, or killing its worker, is given up on and the next one goes)."""
    with session_scope(services.db) as db:
        queries.lock_participant_of(db, message_id)
        while True:
            message = queries.oldest_unhandled_before(db, message_id)
            if message is None or message.attempts < MAX_ATTEMPTS:
                break
            _give_up(services, db, message, now)
        if message is None:
            return None
        message.attempts += 1
        db.add(message)
        return message.id


def _handle_one(services: Services, message_id: int, now: datetime) -> Outcome:
    with session_scope(services.db) as db:
        queries.lock_participant_of(db, message_id)
        message = queries.claim_inbound(db, message_id, now)
        if message is None:
            return Outcome()  # another worker handled it meanwhile
        participant = db.get(Participant, message.participant_id)
        outcome = Outcome()
        # An ambassador's code in the first message: linked, and out of the text before anything reads it.
        referrals.take_code(db, participant, message, now)
        handled = (
            _stopped(services, db, participant, message, now, outcome)
            or _asks_to_be_erased(services, db, participant, message, now, outcome)
            or _flooding(services, db, participant, now, outcome)
            or _passed_to_a_person(services, db, participant, message, now, outcome)
        )
        if not handled:
            run, events = _advance(services, db, participant, message, now)
            save_run(db, participant, run, now)
            _merge(outcome, apply_events(services, db, participant, events, now))
        if participant.consent_given_at is None:
            _forget_words(db, message)
        return outcome


def _give_up(services: Services, db: DbSession, message: Message, now: datetime) -> None:
    """A message whose handling failed MAX_ATTEMPTS times: not retried, and a person is told
    (the escalation's notice is due at once; the dispatcher sends it)."""
    message.processed_at, message.status, message.updated_at = now, queries.FAILED, now
    participant = db.get(Participant, message.participant_id)
    if participant.consent_given_at is None:
        _forget_words(db, message)
    db.add(message)
    details = {"message_id": message.id}
    escalations.open_or_join(services, db, participant, "handling_failed", now, flow_id="conversation", details=details)
    log.error("inbound message %s failed %d times; given up, later messages go on", message.id, message.attempts)


def _stopped(
    services: Services, db: DbSession, participant: Participant, message: Message, now: datetime, outcome: Outcome
) -> bool:
    """Stop and start come before anything else; a stopped person gets nothing until 'start'."""
    if opt_out.is_carrier_stop(message.body, message.channel):
        opt_out.stop(participant, now)  # Twilio answers these itself
    elif participant.stopped_at is not None and opt_out.is_one_of(message.body, services.start_words):
        opt_out.start(participant)
        reply = services.catalogs.text(participant.language or "nl", "global.start.reply")
        told = voice_notes.add_outbound(services, db, participant, reply, now, keys=["global.start.reply"])
        outcome.outbound_ids.append(told.id)
    elif participant.stopped_at is None:
        outcome.outbound_ids += relay.deliver_owed(db, now, participant_id=participant.id)
        return False
    db.add(participant)
    return True


def _asks_to_be_erased(
    services: Services, db: DbSession, participant: Participant, message: Message, now: datetime, outcome: Outcome
) -> bool:
    """The delete word, in any language, at any moment: asked to confirm first (flows/wissen.yaml)."""
    if not opt_out.is_one_of(message.body, services.delete_words):
        return False
    stored = queries.flow_run_of(db, participant.id)
    current = Run.from_dict(stored.state) if stored and stored.flow_id in services.book.flows else None
    run, events = engine.interrupt(services.book, current, ERASE_FLOW, facts_of(db, participant, now), now)
    save_run(db, participant, run, now)
    _merge(outcome, apply_events(services, db, participant, events, now))
    return True


def _flooding(services: Services, db: DbSession, participant: Participant, now: datetime, outcome: Outcome) -> bool:
    """Very many messages a minute: kept, not answered, so one number cannot hold up the rest."""
    count = queries.inbound_count_since(db, participant.id, now - FLOOD_WINDOW)
    limit = services.settings.flood_per_minute
    if count <= limit:
        return False
    if count == limit + 1:  # one notice, then silence until it calms down
        notice = services.catalogs.text(participant.language or "nl", "flood.notice")
        told = voice_notes.add_outbound(services, db, participant, notice, now, keys=["flood.notice"])
        outcome.outbound_ids.append(told.id)
    return True


def _passed_to_a_person(
    services: Services, db: DbSession, participant: Participant, message: Message, now: datetime, outcome: Outcome
) -> bool:
    """A voice note, or words while an escalation is open: for a person, not the dialogue.

    Only with consent (before it nothing they write is kept), and never the words that
    work everywhere (stop, menu, language, cancel), as a word or a sentence: those still reach the bot.
    """
    if participant.consent_given_at is None:
        return False
    if engine.reaches_bot(services.book, Input(text=message.body)):
        return False
    asked_at = _question_asked_at(services, db, participant, now)
    if any(media.is_voice(item) for item in message.media):
        if _answers_a_choice(services, db, participant, asked_at, now):
            return False  # the engine asks again, with the choices (and their voice note)
        escalation, is_new = escalations.open_or_join(services, db, participant, "voice_note", now, flow_id="relay")
        outcome.escalation_ids.append(escalation.id)
        if is_new:  # the notice carries this message; tell them a person will listen
            text, key = expect_contact(services, participant, now), expect_contact_key(services, now)
            told = voice_notes.add_outbound(services, db, participant, text, now, keys=[key])
            outcome.outbound_ids.append(told.id)
            return True
    escalation = relay.takes(db, participant, asked_at)
    if escalation is None:
        return False
    message.escalation_id = escalation.id
    db.add(message)
    outcome.relay_ids.append(message.id)
    return True


def _answers_a_choice(
    services: Services, db: DbSession, participant: Participant, asked_at: datetime | None, now: datetime
) -> bool:
    """A voice note where the bot waits for a pick of choices, and no person is taking their words:
    the choices come again (a voice note cannot pick one). At a free-text moment a person listens."""
    if asked_at is None or relay.takes(db, participant, asked_at) is not None:
        return False
    stored = queries.flow_run_of(db, participant.id)
    return engine.waits_for_choice(services.book, Run.from_dict(stored.state), now)


def _question_asked_at(services: Services, db: DbSession, participant: Participant, now: datetime) -> datetime | None:
    """When the dialogue last asked the question it waits for; None when nothing waits."""
    stored = queries.flow_run_of(db, participant.id)
    if stored is None or stored.flow_id not in services.book.flows:
        return None
    run = Run.from_dict(stored.state)
    waiting = not run.ended and now - run.updated_at <= services.book.session_timeout
    return run.updated_at if waiting else None


def expect_contact(services: Services, participant: Participant, now: datetime) -> str:
    """When a person will contact them: today, or from the next time the office is open."""
    language = participant.language or "nl"
    hours = services.settings.office_hours
    if hours.is_open(now):
        return services.catalogs.text(language, EXPECT_SOON)
    when = shown_params({"when": hours.next_open(now).isoformat()}, language)
    return services.catalogs.text(language, EXPECT_LATER, when)


def expect_contact_key(services: Services, now: datetime) -> str:
    """The catalog key of expect_contact's text (for its voice note)."""
    return EXPECT_SOON if services.settings.office_hours.is_open(now) else EXPECT_LATER


def _merge(outcome: Outcome, more: Outcome) -> None:
    for name in outcome.__dataclass_fields__:
        getattr(outcome, name).extend(getattr(more, name))


def _forget_words(db: DbSession, message: Message) -> None:
    """Without consent nothing but the number and language is kept: not what they wrote.

    The row stays (empty), so a repeated webhook for the same MessageSid is still
    recognised and answered once.
    """
    message.body, message.media, message.button_payload = "", [], None
    db.add(message)


def _advance(
    services: Services, db: DbSession, participant: Participant, message: Message, now: datetime
) -> tuple[Run, list[Event]]:
    voice = any(media.is_voice(item) for item in message.media)
    answer = Input(text=message.body, button_payload=message.button_payload, media_count=message.num_media, voice=voice)
    facts = facts_of(db, participant, now)
    stored = queries.flow_run_of(db, participant.id)
    if stored is not None and stored.flow_id in services.book.flows:
        run = Run.from_dict(stored.state)
        run.facts.update(facts)  # appointments may have changed since the last message
        return engine.resume(services.book, run, answer, now)
    if participant.language is None:
        facts["detected_language"] = detect_language(message.body)
    return engine.begin(services.book, facts, answer, now)


def facts_of(db: DbSession, participant: Participant, now: datetime) -> dict[str, Any]:
    """What the dialogues may branch on: language, consent, intake done, upcoming appointments."""
    has_intake = queries.intake_of(db, participant.id) is not None
    return {
        "language": participant.language,
        "consent": participant.consent_given_at is not None,
        "intake": has_intake,
        "appointments": [appointments.as_fact(a) for a in appointments.upcoming(db, participant.id, now)],
        **referrals.facts(db, participant),
    }


def save_run(db: DbSession, participant: Participant, run: Run, now: datetime) -> None:
    if run.ended:
        queries.end_flow_run(db, participant.id)
    else:
        queries.save_flow_run(db, participant.id, run.flow_id, run.to_dict(), now)


def apply_events(
    services: Services, db: DbSession, participant: Participant, events: list[Event], now: datetime
) -> Outcome:
    """Apply events in order; the texts of one turn go out as one message, or, where the question at
    its end can go as WhatsApp buttons, as the words before it and then the question alone."""
    outcome, pictures, after, notices, said, after_keys = Outcome(), [], [], [], [], []
    for event in events:
        if isinstance(event, SendMessage):
            said.append(event)
            pictures += [{"url": link} for link in event.media]
        elif isinstance(event, LanguageChosen):
            participant.language = event.language
        elif isinstance(event, Signal) and event.name == "erase_requested":
            outcome.erase_ids.append(participant.id)
        elif isinstance(event, Signal) and event.name == referrals.MAY_KNOW_SIGNAL:
            notices += referrals.tell(services, db, participant, now)
        elif isinstance(event, Signal) and event.name == "ending_requested":
            ending_dialogue.end_volunteering(services, db, participant, "newcomer", now)
            outcome.ending_ask_ids.append(participant.id)
        elif isinstance(event, Signal):
            _record_signal(db, participant, event, now)
        elif isinstance(event, Stopped):
            participant.stopped_at = now
        elif isinstance(event, Escalate):
            escalation, is_new = escalations.open_or_join(
                services, db, participant, event.reason, now, flow_id=event.flow_id, step_id=event.step_id
            )
            outcome.escalation_ids.append(escalation.id)
            # Not understood: they may still answer the question; the text says a person will help.
            told = is_new and event.reason != "not_understood"
            after += [expect_contact(services, participant, now)] if told else []
            after_keys += [expect_contact_key(services, now)] if told else []
        elif isinstance(event, FlowEnded) and event.completed:
            _flow_completed(services, db, participant, event, now, outcome)
    db.add(participant)
    split = None if after else question_alone.split(services, db, participant, said, now)
    if split is not None:
        outcome.outbound_ids.append(_lead_then_question(services, db, participant, *split, pictures, now).id)
    elif said or after:
        body = "\n\n".join([render(services.catalogs, s) for s in said] + after)
        keys = voice_notes.keys_said(said, participant.language) + after_keys
        message = voice_notes.add_outbound(services, db, participant, body, now, pictures, keys)
        _asks(message, next((s for s in reversed(said) if s.asks), None))
        outcome.outbound_ids.append(message.id)
    outcome.outbound_ids += notices  # after the newcomer's own reply, which callers may take as the first
    return outcome


def _lead_then_question(
    services: Services,
    db: DbSession,
    participant: Participant,
    lead: list[SendMessage],
    asked: SendMessage,
    pictures: list[dict],
    now: datetime,
) -> Message:
    """The lead as one text (with the turn's pictures: a question with one never goes alone), then the
    question alone (its buttons), each with its own voice notes; the question waits for the lead."""
    language = participant.language
    body = "\n\n".join(render(services.catalogs, s) for s in lead)
    keys = voice_notes.keys_said(lead, language)
    first = voice_notes.add_outbound(services, db, participant, body, now, pictures, keys)
    keys = voice_notes.keys_said([asked], language)
    question = voice_notes.add_outbound(services, db, participant, render(services.catalogs, asked), now, keys=keys)
    _asks(question, asked)
    # Its own voice notes come after the lead, then the question: a chain, in the order they are read.
    ordering.put_before(db, [first], next(iter(ordering.going_before(db, question.id)), question.id))
    return question


def _asks(message: Message, asked: SendMessage | None) -> None:
    """The question the message ends with, and its text's values: on WhatsApp its choices may go as
    buttons (bot/messaging.py checks that the body reads exactly as the question alone)."""
    if asked is not None:
        message.question, message.question_params = asked.asks, question_alone.asked_params(asked)


def _record_signal(db: DbSession, participant: Participant, signal: Signal, now: datetime) -> None:
    if signal.name in ("consent_given", "consent_refused"):
        participant.consent_given_at = now if signal.name == "consent_given" else None
    elif signal.name == "appointment_confirmed" and signal.about:
        appointment = db.get(Appointment, int(signal.about))
        if appointment is not None and appointment.participant_id == participant.id:
            appointments.set_status(db, appointment, AppointmentStatus.CONFIRMED, now)


def _flow_completed(
    services: Services, db: DbSession, participant: Participant, ended: FlowEnded, now: datetime, outcome: Outcome
) -> None:
    flow, outputs = services.book.flows[ended.flow_id], ended.outputs
    if ended.produces == INTAKE:
        intake = store_intake(db, participant, flow, ended.answers, now)
        participant.name = outputs.get("participant.name") or participant.name
        participant.reminders = bool(outputs.get("participant.reminders"))
        participant.checkin_rhythm = outputs.get("participant.checkin_rhythm") or participant.checkin_rhythm
        participant.contact = outputs.get("participant.contact") or participant.contact
        participant.holidays = [h for h in outputs.get("participant.holidays") or [] if h in KEPT]
        outcome.intake_ids.append(intake.id)
    elif ended.produces == ABSENCE and "appointment" in ended.facts:
        absence = absences.record(services, db, participant, ended, now)
        outcome.absence_ids.append(absence.id)
    elif ended.produces == QUESTION and outputs.get("question.text"):
        details = {"appointment_id": ended.facts.get("appointment", {}).get("id")}
        asked = flow.step_saving("question.text").id
        escalation, _ = escalations.open_or_join(
            services, db, participant, "question", now, flow_id=flow.id, step_id=asked, details=details
        )
        outcome.escalation_ids.append(escalation.id)
    elif ended.produces == CHECKIN:
        escalation_id = checkins.record_answers(services, db, participant, ended, now)
        outcome.escalation_ids += [escalation_id] if escalation_id else []
    elif ended.produces == ENDING:
        ending_id = ending_dialogue.record_answers(db, participant, ended, now)
        outcome.ending_ids += [ending_id] if ending_id else []
