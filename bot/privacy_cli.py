"""`bot export PHONE` and `bot erase PHONE`: a participant's rights of access and erasure."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import privacy
from bot.phone import InvalidPhone, to_e164
from bot.services import EXTENSION, Services
from storage import queries
from storage.db import session_scope
from storage.models import Participant


def _services() -> Services:
    return current_app.extensions[EXTENSION]


def _participant(services: Services, db, phone: str) -> Participant:
    try:
        number = to_e164(phone)
    except InvalidPhone as error:
        raise click.BadParameter(str(error), param_hint="PHONE") from error
    participant = queries.participant_by_phone(db, number)
    if participant is None:
        raise click.ClickException(services.coordinator_texts.text("nl", "privacy.unknown"))
    return participant


@click.command("export")
@click.argument("phone")
@with_appcontext
def export_command(phone: str) -> None:
    """Print everything kept about a participant as JSON (the right of access)."""
    services = _services()
    with session_scope(services.db) as db:
        data = privacy.export(db, _participant(services, db, phone))
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("erase")
@click.argument("phone")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(phone: str, yes: bool) -> None:
    """Erase a participant: number, name, kennismaking, words and media; counts stay."""
    services = _services()
    texts = services.coordinator_texts
    with session_scope(services.db) as db:
        participant = _participant(services, db, phone)
        if not yes:
            click.confirm(texts.text("nl", "privacy.confirm_erase"), abort=True, err=True)
        privacy.erase(services, db, participant, services.clock())
    click.echo(texts.text("nl", "privacy.erased"), err=True)
