"""`bot checkins PHONE [--rhythm ...]`: a participant's check-in answers in Dutch, and their rhythm."""

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import checkins
from bot.checkin_schedule import RHYTHMS
from bot.i18n import format_when
from bot.intake import own_words_lines
from bot.notice_lines import contact_wish
from bot.privacy_cli import _participant
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import CheckIn


@click.command("checkins")
@click.argument("phone")
@click.option("--rhythm", type=click.Choice(RHYTHMS), help="Set another rhythm; the next check-in is planned again.")
@with_appcontext
def checkins_command(phone: str, rhythm: str | None) -> None:
    """Print a participant's check-ins with their answers (Dutch beside own words); optionally change the rhythm."""
    services: Services = current_app.extensions[EXTENSION]
    texts, now = services.coordinator_texts, services.clock()
    with session_scope(services.db) as db:
        participant = _participant(services, db, phone)
        if rhythm:
            checkins.change_rhythm(services, db, participant, rhythm, now)
        planned = checkins.plan_next(services, db, participant, now)
        shown_rhythm = texts.text("nl", f"checkin.rhythm.{participant.checkin_rhythm or 'none'}")
        upcoming = format_when(planned.due_at, "nl") if planned else "-"
        click.echo(texts.text("nl", "checkin.rhythm", {"rhythm": shown_rhythm, "next": upcoming}))
        done = [c for c in checkins.answers_of(db, participant.id) if c.status != checkins.SCHEDULED]
        for checkin in done:
            click.echo("\n".join(checkin_lines(services, checkin)))
        if not done:
            click.echo(texts.text("nl", "checkin.none"))


def checkin_lines(services: Services, checkin: CheckIn) -> list[str]:
    """One check-in for a coordinator: when, how it went, and what else they answered."""
    answers, texts = checkin.answers, services.coordinator_texts
    mood = checkin.mood or ("words" if "words" in answers else checkin.status)
    lines = [f"{format_when(checkin.sent_at or checkin.due_at, 'nl')}: {texts.text('nl', f'checkin.mood.{mood}')}"]
    if "words" in answers:
        lines += [f"  {line}" for line in own_words_lines(answers["words"], texts)]
    for question in ("fits", "learning"):
        if question in answers:
            said = texts.text("nl", "checkin.yes" if answers[question] else "checkin.no")
            lines.append(f"  {texts.text('nl', f'checkin.{question}', {'answer': said})}")
    if answers.get("wants_person"):
        lines.append(f"  {contact_wish(services, answers)}")
    return lines
