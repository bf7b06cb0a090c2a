"""`bot end PHONE --reason ...` ends a participant's volunteering and starts the ending dialogue;
`bot ending PHONE` prints that dialogue in Dutch."""

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import ending, ending_dialogue, ending_notice, jobs
from bot.privacy_cli import _participant
from bot.queue import InProcessJobQueue
from bot.services import EXTENSION, Services
from storage.db import session_scope


@click.command("end")
@click.argument("phone")
@click.option("--reason", type=click.Choice(ending.REASONS), required=True, help="Who or what ends it.")
@with_appcontext
def end_command(phone: str, reason: str) -> None:
    """End a participant's volunteering: future appointments cancelled, no more reminders or check-ins,
    and the ending dialogue starts in their language."""
    services: Services = current_app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        participant = _participant(services, db, phone)
        cancelled = ending_dialogue.end_volunteering(services, db, participant, reason, services.clock())
        participant_id, asked = participant.id, ending_dialogue.reachable(participant)
    services.queue.enqueue(jobs.ask_ending, participant_id)
    if isinstance(services.queue, InProcessJobQueue):
        services.queue.join()
    click.echo(services.coordinator_texts.text("nl", "ending.done", {"cancelled": str(cancelled)}))
    click.echo(services.coordinator_texts.text("nl", "ending.asked" if asked else "ending.not_asked"))


@click.command("ending")
@click.argument("phone")
@with_appcontext
def ending_command(phone: str) -> None:
    """Print a participant's ending dialogue in Dutch, their own words beside the translation."""
    services: Services = current_app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        participant = _participant(services, db, phone)
        row = ending_dialogue.of(db, participant.id)
        if row is None:
            raise click.ClickException(services.coordinator_texts.text("nl", "ending.none"))
        click.echo("\n".join(ending_notice.summary_lines(services, row, participant)))
