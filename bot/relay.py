"""The relay: a coordinator and a newcomer talk through the bot, each in their own language.

A coordinator writes `#17 <Dutch text>`; the text goes to the newcomer of escalation
#17 in their language. `#17 ok` acknowledges, `#17 klaar` (or `opgelost`) resolves.
The newcomer's answers, while the escalation is open, go back with the Dutch beside
their own words. Every relayed message is stored once with both texts.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot import escalations, media, notice_lines
from bot.i18n import format_when
from bot.notice_lines import text as lines_text
from bot.own_words import ORIGINAL_IS_DUTCH, TRANSLATED, UNTRANSLATED, kept, translated, waiting
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Coordinator, Direction, Escalation, Message, Participant

_COMMAND = re.compile(r"^\s*#\s*(\d{1,9})\b[\s:,.-]*(.*)$", re.S)
ACKNOWLEDGE_WORDS = frozenset({"ok", "oké", "oke", "gezien"})
RESOLVE_WORDS = frozenset({"klaar", "opgelost", "afgerond", "gesloten"})
# Outside WhatsApp's 24-hour window the newcomer first gets this template; the text follows their reply.
RELAY_TEMPLATE = "relay"
# And the coordinator this one ("new notice #17, reply to read it"), in Dutch.
ESCALATION_TEMPLATE = "escalation"
# And this one to the coordinator for a newcomer's absence ("a new absence, reply to read it").
ABSENCE_TEMPLATE = "absence"
# Templated messages whose own body is still owed once the person answers.
OWED_TEMPLATES = frozenset({RELAY_TEMPLATE, ESCALATION_TEMPLATE, ABSENCE_TEMPLATE})


@dataclass(frozen=True)
class Command:
    ref: int | None
    action: str  # "say", "acknowledge" or "resolve"
    text: str


def parse(body: str) -> Command:
    match = _COMMAND.match(body or "")
    if match is None:
        return Command(None, "say", (body or "").strip())
    ref, rest = int(match.group(1)), match.group(2).strip()
    word = rest.lower().strip(" .!")
    if word in ACKNOWLEDGE_WORDS:
        return Command(ref, "acknowledge", "")
    if word in RESOLVE_WORDS:
        return Command(ref, "resolve", "")
    return Command(ref, "say", rest)


# --- coordinator -> newcomer -----------------------------------------------------------------


def preview(services: Services, escalation: Escalation, dutch_text: str) -> str:
    """What the newcomer would read: the whole message, as it would be sent."""
    with session_scope(services.db) as db:
        participant = db.get(Participant, escalation.participant_id)
        coordinator = db.get(Coordinator, escalation.coordinator_id) if escalation.coordinator_id else None
    translation = to_newcomer(services, dutch_text, participant.language or "nl")
    return newcomer_body(services, participant, coordinator, translation)


def to_newcomer(services: Services, dutch_text: str, language: str) -> dict:
    """The coordinator's Dutch and its translation, as stored on the relayed message."""
    words = {"original": dutch_text, "language": "nl", "dutch": dutch_text, "target": language}
    if language == "nl":
        return {**words, "translated": dutch_text, "status": ORIGINAL_IS_DUTCH}
    result = services.translator.translate(dutch_text, "nl", language)
    done = result.status in ("translated", "same_language") and result.text
    return {**words, "translated": result.text if done else None, "status": TRANSLATED if done else UNTRANSLATED}


def newcomer_body(
    services: Services, participant: Participant, coordinator: Coordinator | None, translation: dict
) -> str:
    language = participant.language or "nl"
    name = coordinator.name.split()[0] if coordinator else ""
    lines = [services.catalogs.text(language, "relay.from_guide", {"name": name})]
    if translation.get("translated"):
        lines.append(translation["translated"])
    else:
        lines += [services.catalogs.text(language, "relay.dutch_note"), translation["dutch"]]
    return "\n".join(lines)


def reply(
    services: Services, db: DbSession, escalation: Escalation, dutch_text: str, actor: str, now: datetime
) -> list[int]:
    """Send a coordinator's Dutch to the newcomer in their language (e.g. from the dashboard)."""
    participant = db.get(Participant, escalation.participant_id)
    return send_reply(
        services, db, escalation, to_newcomer(services, dutch_text, participant.language or "nl"), actor, now
    )


def send_reply(
    services: Services,
    db: DbSession,
    escalation: Escalation,
    translation: dict,
    actor: str,
    now: datetime,
    media: list[dict] | None = None,
) -> list[int]:
    """Send a coordinator's message, already translated (see `to_newcomer`), to the newcomer."""
    participant = db.get(Participant, escalation.participant_id)
    coordinator = db.get(Coordinator, escalation.coordinator_id) if escalation.coordinator_id else None
    body = newcomer_body(services, participant, coordinator, translation) if translation.get("dutch") else ""
    message = queries.add_outbound(db, participant, body, now, media)
    message.escalation_id, message.translation, message.template = escalation.id, translation, RELAY_TEMPLATE
    db.add(message)
    escalations.acknowledge(db, escalation, actor, now)  # answering is seeing
    escalations.record(db, escalation, actor, "relayed_to_newcomer", now, message_id=message.id)
    return [message.id]


def close(services: Services, db: DbSession, escalation: Escalation, actor: str, now: datetime) -> list[int]:
    """Resolve, and tell the newcomer kindly how to ask again."""
    if not escalations.resolve(db, escalation, actor, now):
        return []
    participant = db.get(Participant, escalation.participant_id)
    body = services.catalogs.text(participant.language or "nl", "relay.closed")
    message = queries.add_outbound(db, participant, body, now)
    message.escalation_id, message.template = escalation.id, RELAY_TEMPLATE
    db.add(message)
    return [message.id]


# --- a message from a coordinator's phone ----------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """What a coordinator's message will do, worked out before the translation is fetched."""

    command: Command
    escalation_id: int | None
    refusal: str | None  # a coordinator text key when it cannot be done
    language: str
    media: list[dict] = field(default_factory=list)
    refusal_params: dict[str, str] = field(default_factory=dict)


def handle_from_coordinator(services: Services, message_id: int, now: datetime) -> list[int]:
    """Act on a coordinator's message once; returns outbound message ids to send.

    The translation is fetched before the transaction that claims the message, so
    no database lock waits on the translator, and a repeated job only repeats a
    cached lookup.
    """
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        if message is None or message.processed_at is not None:
            return []
        plan = _plan(services, db, db.get(Coordinator, message.coordinator_id), message)
    translation, items = None, []
    if plan.refusal is None and plan.command.action == "say":
        translation = to_newcomer(services, plan.command.text, plan.language) if plan.command.text else None
        items = media.store_copies(services, plan.media)
    with session_scope(services.db) as db:
        message = queries.claim_inbound(db, message_id, now)
        if message is None:
            return []
        coordinator = db.get(Coordinator, message.coordinator_id)
        coordinator.last_inbound_at = max(filter(None, [coordinator.last_inbound_at, now]))
        db.add(coordinator)
        owed = deliver_owed(db, coordinator_id=coordinator.id, now=now)
        if owed and plan.escalation_id is None:
            return owed  # they answered a template to read a notice: that is the answer
        message.media = items or message.media
        return owed + _carry_out(services, db, coordinator, message, plan, translation, now)


def _plan(services: Services, db: DbSession, coordinator: Coordinator, message: Message) -> _Plan:
    command = parse(message.body)
    if command.ref is None:
        mine = escalations.open_for(db, coordinator.id)
        if len(mine) != 1:
            return _Plan(command, None, "relay.open_list", "nl")
        escalation = mine[0]
    else:
        escalation = db.get(Escalation, command.ref)
        if escalation is None or escalation.status not in escalations.ACTIVE:
            return _Plan(command, command.ref, "relay.unknown", "nl")
        if not escalations.may_answer(services, db, escalation, coordinator):
            return _Plan(command, command.ref, "relay.not_yours", "nl")
    participant = db.get(Participant, escalation.participant_id)
    if command.action == "say" and participant.stopped_at is not None:
        who = {"who": notice_lines.who(services, participant)}
        return _Plan(command, escalation.id, "relay.stopped", participant.language or "nl", refusal_params=who)
    if command.action == "say" and not command.text and not message.media:
        return _Plan(command, escalation.id, "relay.nothing_to_send", participant.language or "nl")
    return _Plan(command, escalation.id, None, participant.language or "nl", list(message.media))


def _carry_out(
    services: Services,
    db: DbSession,
    coordinator: Coordinator,
    message: Message,
    plan: _Plan,
    translation: dict | None,
    now: datetime,
) -> list[int]:
    if plan.refusal == "relay.open_list":
        return [_to_coordinator(db, coordinator, open_list(services, db, coordinator), now)]
    ref = {"ref": str(plan.escalation_id or plan.command.ref)}
    if plan.refusal:
        refusal = lines_text(services, plan.refusal, {**ref, **plan.refusal_params})
        return [_to_coordinator(db, coordinator, refusal, now)]
    about = plan.escalation_id
    escalation = db.get(Escalation, plan.escalation_id)
    participant = db.get(Participant, escalation.participant_id)
    actor = escalations.coordinator_actor(coordinator.id)
    message.escalation_id = escalation.id
    if plan.command.action == "acknowledge":
        escalations.acknowledge(db, escalation, actor, now)
        return [_to_coordinator(db, coordinator, lines_text(services, "relay.acknowledged", ref), now, about)]
    if plan.command.action == "resolve":
        sent = close(services, db, escalation, actor, now)
        text = lines_text(services, "relay.resolved", {**ref, "who": notice_lines.who(services, participant)})
        return [*sent, _to_coordinator(db, coordinator, text, now, about)]
    message.translation = translation
    links = media.forwardable(services, message.media)
    sent = send_reply(services, db, escalation, translation or {}, actor, now, media=links)
    note = _sent_note(services, participant, translation, ref)
    return [*sent, _to_coordinator(db, coordinator, note, now, about)]


def _sent_note(services: Services, participant: Participant, translation: dict | None, ref: dict) -> str:
    params = {**ref, "who": notice_lines.who(services, participant)}
    if translation and not translation.get("translated"):
        return lines_text(services, "relay.sent_dutch", params)
    return lines_text(services, "relay.sent", {**params, "language": notice_lines.language_name(participant.language)})


def open_list(services: Services, db: DbSession, coordinator: Coordinator) -> str:
    """A coordinator's open escalations with their references, and how to answer one."""
    mine = escalations.open_for(db, coordinator.id)
    if not mine:
        return lines_text(services, "relay.none_open", {})
    lines = [lines_text(services, "relay.open_list", {})]
    for escalation in mine:
        participant = db.get(Participant, escalation.participant_id)
        params = {
            "ref": str(escalation.id),
            "who": notice_lines.who(services, participant),
            "reason": notice_lines.reason_text(services, escalation.reason),
            "since": format_when(escalation.created_at, "nl"),
        }
        lines.append(lines_text(services, "relay.open_item", params))
    lines.append(lines_text(services, "relay.how_to_start", {"ref": str(mine[0].id)}))
    return "\n".join(lines)


def _to_coordinator(
    db: DbSession, coordinator: Coordinator, body: str, now: datetime, escalation_id: int | None = None
) -> int:
    """A short answer to the coordinator, linked to the escalation it is about (so erasing finds it)."""
    message = queries.add_outbound(db, coordinator, body, now)
    message.escalation_id = escalation_id
    db.add(message)
    return message.id


# --- newcomer -> coordinator ----------------------------------------------------------------


# Reasons after which the newcomer was told "write it here, I will pass it on".
_PASSED_ON_REASONS = frozenset({"asked_for_person", "voice_note"})


def takes(db: DbSession, participant: Participant, question_asked_at: datetime | None) -> Escalation | None:
    """The escalation a newcomer's message belongs to, if it should go to a person.

    While an escalation is open their words go to the coordinator, unless the bot is
    waiting for the answer to a question it asked since. Asking for a person in the
    middle of a dialogue, or the coordinator having written last, passes the words on.
    """
    escalation = escalations.active_of(db, participant.id)
    if escalation is None:
        return None
    if question_asked_at is None or _coordinator_spoke_last(db, participant.id):
        return escalation
    asked_for_a_person = escalation.reasons and escalation.reasons[-1] in _PASSED_ON_REASONS
    return escalation if asked_for_a_person and escalation.updated_at >= question_asked_at else None


def _coordinator_spoke_last(db: DbSession, participant_id: int) -> bool:
    statement = (
        select(Message.escalation_id)
        .where(Message.participant_id == participant_id, Message.direction == Direction.OUTBOUND)
        .order_by(col(Message.id).desc())
        .limit(1)
    )
    return db.exec(statement).first() is not None


def deliver_owed(
    db: DbSession, now: datetime, participant_id: int | None = None, coordinator_id: int | None = None
) -> list[int]:
    """Messages that went out as a 'reply to read it' template: their text, now that the window is open."""
    statement = select(Message).where(
        Message.direction == Direction.OUTBOUND,
        col(Message.template).in_(OWED_TEMPLATES),
        col(Message.route).startswith("template:"),
    )
    if participant_id is not None:
        statement = statement.where(Message.participant_id == participant_id)
    else:
        statement = statement.where(Message.coordinator_id == coordinator_id)
    followed = select(Message.fallback_of_id).where(col(Message.fallback_of_id).is_not(None))
    owed = db.exec(statement.where(col(Message.id).not_in(followed)).order_by(Message.id)).all()
    return [_follow_up(db, message, now) for message in owed]


def _follow_up(db: DbSession, teaser: Message, now: datetime) -> int:
    media = list(teaser.media)
    fields = {"media": media, "escalation_id": teaser.escalation_id, "translation": teaser.translation}
    return queries.add_replacement(db, teaser, now, **fields).id


def relay_to_coordinator(services: Services, message_id: int, now: datetime) -> list[int]:
    """Pass a newcomer's message on to the escalation's coordinator, Dutch beside their words."""
    with session_scope(services.db) as db:
        message = db.get(Message, message_id)
        if message is None or message.escalation_id is None or message.translation is not None:
            return []
        participant = db.get(Participant, message.participant_id)
        words = kept(message.body, participant.language or "nl") if message.body.strip() else None
    translation = translated(words, services.translator) if words and waiting(words) else words
    links = media.forwardable(services, message.media)
    with session_scope(services.db) as db:
        if not queries.claim_relay(db, message_id, translation or {"original": "", "status": "media"}):
            return []
        escalation = db.get(Escalation, message.escalation_id)
        escalations.record(db, escalation, escalations.PARTICIPANT, "relayed_to_coordinator", now, message_id)
        coordinator = db.get(Coordinator, escalation.coordinator_id) if escalation.coordinator_id else None
        if coordinator is None:
            return []  # nobody to tell; the dashboard shows it
        ref = {"ref": str(escalation.id), "who": notice_lines.who(services, participant)}
        lines = [lines_text(services, "relay.from_newcomer", ref)]
        lines += notice_lines.words(services, translation, links)
        out = queries.add_outbound(db, coordinator, "\n".join(lines), now, links)
        out.escalation_id = escalation.id
        out.template, out.template_params = ESCALATION_TEMPLATE, {"ref": str(escalation.id)}
        db.add(out)
        return [out.id]
