"""`bot end PHONE --reason ...`: end a participant's volunteering (afronden)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import ending
from bot.privacy_cli import _participant
from bot.services import EXTENSION, Services
from storage.db import session_scope


@click.command("end")
@click.argument("phone")
@click.option("--reason", type=click.Choice(ending.REASONS), required=True, help="Who or what ends it.")
@with_appcontext
def end_command(phone: str, reason: str) -> None:
    """End a participant's volunteering: future appointments cancelled, no more reminders or check-ins."""
    services: Services = current_app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        cancelled = ending.end(db, _participant(services, db, phone), reason, services.clock())
    click.echo(services.coordinator_texts.text("nl", "ending.done", {"cancelled": str(cancelled)}))
