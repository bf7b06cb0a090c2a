"""`flask --app app bot whatsapp sync|status`: WhatsApp buttons and lists through Twilio's Content API."""

import click
from flask import current_app
from flask.cli import with_appcontext

from bot.content_api import ContentApiError
from bot.services import EXTENSION, Services
from bot.whatsapp_sync import status, sync


def _services() -> Services:
    return current_app.extensions[EXTENSION]


@click.group("whatsapp")
def whatsapp_command() -> None:
    """WhatsApp buttons and lists (Twilio Content API)."""


@whatsapp_command.command("sync")
@click.option("--request-approval", is_flag=True, help="Ask WhatsApp to approve the ones that serve as templates.")
@with_appcontext
def sync_command(request_approval: bool) -> None:
    """Make the Content resources of every question with choices, in every language, once per text version."""
    services = _services()
    texts = services.coordinator_texts
    try:
        report = sync(services, services.clock(), request_approval)
    except ContentApiError as error:
        raise click.ClickException(texts.text("nl", "whatsapp.sync.failed", {"error": str(error)})) from error
    for problem in report.too_long:
        values = {"question": problem.question, "language": problem.language, "key": problem.key}
        click.echo(texts.text("nl", "whatsapp.sync.too_long", {**values, "limit": str(problem.limit)}))
    counts = {
        "created": str(report.created),
        "unchanged": str(report.unchanged),
        "approvals": str(report.approvals_requested),
    }
    click.echo(texts.text("nl", "whatsapp.sync.done", counts))


@whatsapp_command.command("status")
@with_appcontext
def status_command() -> None:
    """WhatsApp's approval per template and language."""
    services = _services()
    texts = services.coordinator_texts
    try:
        rows = status(services, services.clock())
    except ContentApiError as error:
        raise click.ClickException(texts.text("nl", "whatsapp.sync.failed", {"error": str(error)})) from error
    if not rows:
        click.echo(texts.text("nl", "whatsapp.status.none"))
    for row in rows:
        shown = row.approval_status or texts.text("nl", "whatsapp.status.not_asked")
        values = {"template": row.template, "language": row.language, "status": shown, "sid": row.content_sid}
        click.echo(texts.text("nl", "whatsapp.status.line", values))
