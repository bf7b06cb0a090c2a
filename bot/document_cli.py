"""`bot document KIND PHONE --out FILE [--send]`: a participant's papers; `bot document details`
gives what the papers need beyond the kennismaking and the appointments."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import documents, jobs
from bot.documents.facts import placement_of
from bot.documents.werkafspraken import BRING, LUNCH
from bot.privacy_cli import _participant
from bot.queue import InProcessJobQueue
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Placement


def _services() -> Services:
    return current_app.extensions[EXTENSION]


@click.group("document")
def document_command() -> None:
    """The papers: werkafspraken (bilingual), getuigschrift (Dutch), certificaat (bilingual)."""


def _kind_command(kind: str) -> click.Command:
    @click.argument("phone")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF to this file.")
    @click.option("--send", is_flag=True, help="Send it to the participant (WhatsApp: the PDF; SMS: a link).")
    @with_appcontext
    def command(phone: str, out: Path | None, send: bool) -> None:
        if out is None and not send:
            raise click.UsageError("give --out FILE, --send, or both")
        services = _services()
        texts, now = services.coordinator_texts, services.clock()
        with session_scope(services.db) as db:
            participant = _participant(services, db, phone)
            try:
                if out is not None:
                    out.write_bytes(documents.render(services, db, participant, kind, now))
                message_id = documents.send(db, participant, kind, services, now) if send else None
            except documents.RenderError as error:
                raise click.ClickException(texts.text("nl", "document.failed", {"error": str(error)})) from error
        if out is not None:
            click.echo(texts.text("nl", "document.written", {"kind": kind, "path": str(out)}))
        if send:
            _report_sent(services, kind, message_id)

    command.__doc__ = f"Make the {kind} of the participant with this number (PDF)."
    return click.command(kind)(command)


def _report_sent(services: Services, kind: str, message_id: int | None) -> None:
    texts = services.coordinator_texts
    if message_id is None:
        click.echo(texts.text("nl", "document.not_sent"), err=True)
        return
    services.queue.enqueue(jobs.send_message, message_id)
    if isinstance(services.queue, InProcessJobQueue):
        services.queue.join()  # embedded: the send runs here; with Redis a worker does it
    click.echo(texts.text("nl", "document.sent", {"kind": kind, "id": str(message_id)}))


for _kind in documents.KINDS:
    document_command.add_command(_kind_command(_kind))


@document_command.command("details")
@click.argument("phone")
@click.option("--role", help="Their role, in Dutch (getuigschrift, certificaat), e.g. 'winkelhulp'.")
@click.option("--task", "tasks", multiple=True, help="A task done, in Dutch (getuigschrift); repeat for more.")
@click.option("--bring", multiple=True, type=click.Choice(BRING), help="Something to bring; repeat for more.")
@click.option("--break-minutes", type=click.IntRange(0, 120), help="Break per day-part, in minutes.")
@click.option("--lunch", type=click.Choice(LUNCH), help="own: they bring it; provided: the organisation gives it.")
@click.option("--consulent-name")
@click.option("--consulent-phone")
@click.option("--consulent-email")
@with_appcontext
def details_command(phone: str, tasks: tuple[str, ...], bring: tuple[str, ...], **given: object) -> None:
    """Set what the papers need beyond the kennismaking; options not given stay as they were."""
    services = _services()
    with session_scope(services.db) as db:
        participant = _participant(services, db, phone)
        placement = placement_of(db, participant.id) or Placement(participant_id=participant.id)
        for name, value in given.items():
            if value is not None:
                setattr(placement, name, value)
        placement.tasks = list(tasks) or placement.tasks
        placement.bring = list(bring) or placement.bring
        placement.updated_at = services.clock()
        db.add(placement)
    click.echo(services.coordinator_texts.text("nl", "document.details_saved"))
