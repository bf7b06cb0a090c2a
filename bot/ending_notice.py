"""The ending dialogue in Dutch for the coordinator: sent once it is answered, and shown
on the dashboard and by `bot ending PHONE`. Own words beside their Dutch, as everywhere.
Under the same once-only claim, the certificaat they asked for goes to them (bot/ending_papers.py)."""

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session as DbSession

from bot import ending_papers, escalations, notice_lines
from bot.flow.model import Flow
from bot.flow.outputs import ENDING
from bot.flow.steps.base import answer_shown
from bot.i18n import format_when, render_part
from bot.intake import language_name, own_words_lines, with_latin
from bot.own_words import is_own_words, translated, waiting
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Coordinator, Ending, Participant

log = logging.getLogger(__name__)

# The answers in the order the coordinator reads them (they are the flow's outputs, without "ending.").
SHOWN = ("went_well", "went_well_words", "better", "come_back", "papers")


def notify(services: Services, ending_id: int, now: datetime) -> list[int]:
    """Translate what waits, then, once: the summary for their begeleider (or whoever is on duty)
    and the certificaat if they asked for it; returns the ids of the messages to send."""
    with session_scope(services.db) as db:
        row = db.get(Ending, ending_id)
        if row is None or row.answered_at is None or row.notified_at is not None:
            return []
        answers = dict(row.answers)
    # Outside the transaction: translations take time; one that fails shows as 'not yet translated'.
    answers = {k: translated(v, services.translator) if waiting(v) else v for k, v in answers.items()}
    with session_scope(services.db) as db:
        if not _claim(db, ending_id, now):
            return []
        row = db.get(Ending, ending_id)
        row.answers = answers
        db.add(row)
        participant = db.get(Participant, row.participant_id)
        # Under the claim, so it goes once; and whether or not a coordinator can be told.
        paper = ending_papers.send_certificate(services, db, participant, row, now)
        summary = _summary(services, db, row, participant, now)
        return [m for m in (summary, paper) if m is not None]


def _summary(services: Services, db: DbSession, row: Ending, participant: Participant, now: datetime) -> int | None:
    coordinator = _coordinator(services, db, participant)
    if coordinator is None or not coordinator.phone:
        log.warning("ending %s: no coordinator with a phone number to tell", row.id)
        return None  # the dashboard and `bot ending` still show it
    # A message leaves the building: first name or the number's last digits, as every notice.
    body = "\n".join(summary_lines(services, row, participant, notice_lines.who(services, participant)))
    return queries.add_outbound(db, coordinator, body, now).id


def summary_lines(services: Services, row: Ending, participant: Participant, who: str | None = None) -> list[str]:
    """A heading, then each answer: its Dutch label and the answer, own words indented beside it."""
    lines = [heading(services, row, participant, who)]
    for label, (first, *rest) in fields(services, row):
        lines += [f"{label}: {first}", *(f"  {line}" for line in rest)]
    # In a message (`who` given) no number: the coordinator fills it in.
    phone = participant.phone if who is None else _text(services, "ending.papers.phone")
    return lines + [_text(services, f"ending.papers.{kind}", {"phone": phone}) for kind in ending_papers.asked(row)]


def heading(services: Services, row: Ending, participant: Participant, who: str | None = None) -> str:
    """Who (on the dashboard and in the CLI: name and number), why it ended, and whether it is answered."""
    params = {
        "who": who or f"{with_latin(participant.name or '?')} ({participant.phone})",
        "reason": _text(services, f"ending.reason.{row.reason}"),
        "language": language_name(row.language),
        "started": format_when(row.started_at, "nl"),
    }
    if row.answered_at is None:
        return _text(services, "ending.waiting", params)
    return _text(services, "ending.title", {**params, "answered": format_when(row.answered_at, "nl")})


def fields(services: Services, row: Ending) -> list[tuple[str, list[str]]]:
    """(Dutch label, lines) per answer; before any answer, only what the consulent is told."""
    flow = services.book.producer(ENDING)
    shown: list[tuple[str, list[str]]] = []
    if row.answers.get("answered") is False:
        shown.append((_text(services, "ending.field.answered"), [_text(services, "ending.declined")]))
    elif row.answered_at is not None:
        for name in SHOWN:
            value = row.answers.get(name)
            shown.append((_text(services, f"ending.field.{name}"), _answer_lines(services, flow, name, value)))
    note = row.consulent_note or services.catalogs.text("nl", "afronden.note.default")
    shown.append((_text(services, "ending.field.consulent"), [note]))
    return shown


def _answer_lines(services: Services, flow: Flow, name: str, value: Any) -> list[str]:
    if is_own_words(value):
        return own_words_lines(value, services.coordinator_texts)
    step = flow.step_saving(f"ending.{name}")
    return [render_part(services.catalogs, "nl", answer_shown(step, value))]


def _coordinator(services: Services, db: DbSession, participant: Participant) -> Coordinator | None:
    coordinator_id = participant.coordinator_id or escalations.on_duty_id(services, db)
    return db.get(Coordinator, coordinator_id) if coordinator_id else None


def _claim(db: DbSession, ending_id: int, now: datetime) -> bool:
    result = db.execute(
        update(Ending).where(Ending.id == ending_id, Ending.notified_at.is_(None)).values(notified_at=now)
    )
    return result.rowcount == 1


def _text(services: Services, key: str, params: dict[str, str] | None = None) -> str:
    return services.coordinator_texts.text("nl", key, params)
