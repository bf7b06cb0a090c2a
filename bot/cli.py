"""`flask --app app bot ...`: the operator's commands."""

import logging
import threading
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import select
from waitress import serve as waitress_serve

from bot import dispatcher
from bot.channels import ConsoleChannel
from bot.chat import ChatSession, run_chat
from bot.intake import INTAKE_FLOW, dutch_summary
from bot.phone import Address, InvalidPhone, to_e164
from bot.queue import InProcessJobQueue
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.migrate import upgrade
from storage.models import Channel, Intake, Participant
from storage.types import utcnow

log = logging.getLogger(__name__)


def _services() -> Services:
    return current_app.extensions[EXTENSION]


@click.group()
def bot() -> None:
    """Run and look after the Welkom bot."""


@bot.command()
@with_appcontext
def migrate() -> None:
    """Bring the database to the newest schema."""
    upgrade(_services().settings.database_url)
    click.echo("database is up to date")


@bot.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Migrate, then serve the webhooks (with jobs and the dispatcher in-process when embedded)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    services = _services()
    upgrade(services.settings.database_url)
    if services.settings.embedded:
        _start_embedded_dispatcher(current_app._get_current_object())
        click.echo("embedded mode: jobs and the dispatcher run in this process")
    click.echo(f"Welkom listens on http://{host}:{port} (webhooks under /webhooks/twilio)")
    waitress_serve(current_app._get_current_object(), host=host, port=port)


def _start_embedded_dispatcher(app: Flask) -> None:
    def loop() -> None:
        stop = threading.Event()
        while not stop.wait(dispatcher.TICK_SECONDS):
            try:
                with app.app_context():
                    dispatcher.tick(app.extensions[EXTENSION], utcnow())
            except Exception:
                log.exception("dispatcher tick failed; next tick tries again")

    threading.Thread(target=loop, name="welkom-dispatcher", daemon=True).start()


@bot.command()
@click.option("--now", "now_text", help="Run as of this time (ISO 8601 with offset).")
@with_appcontext
def dispatch(now_text: str | None) -> None:
    """Run one dispatcher tick: enqueue every job that is due."""
    now = _parse_now(now_text) if now_text else utcnow()
    counts = dispatcher.tick(_services(), now)
    _wait_for_embedded_jobs()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


def _parse_now(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(f"not an ISO 8601 time: {text}", param_hint="--now") from error
    if moment.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2026-12-01T08:00:00+01:00", param_hint="--now")
    return moment.astimezone(UTC)


@bot.command()
@click.option("--phone", required=True, help="The newcomer's number, e.g. +31612345678.")
@click.option("--channel", type=click.Choice(["whatsapp", "sms"]), default="whatsapp", show_default=True)
@click.option("--url", help="Post to a running server (e.g. http://127.0.0.1:5000) instead of in this process.")
@with_appcontext
def chat(phone: str, channel: str, url: str | None) -> None:
    """Type as a newcomer; the bot's replies are printed. Ctrl-D ends."""
    services = _services()
    try:
        address = Address(to_e164(phone), Channel(channel))
    except InvalidPhone as error:
        raise click.BadParameter(str(error), param_hint="--phone") from error
    upgrade(services.settings.database_url)
    if isinstance(services.channel, ConsoleChannel):
        services.channel.echo = None  # the chat prints the replies itself
    session = ChatSession(current_app._get_current_object(), address, server_url=url)
    click.echo("Type as the newcomer (/voice or /photo sends media). Ctrl-D ends.")
    run_chat(session, read=lambda: input("> "), write=click.echo)


def _wait_for_embedded_jobs() -> None:
    if isinstance(_services().queue, InProcessJobQueue):
        _services().queue.join()


@bot.command()
@click.argument("phone")
@with_appcontext
def intake(phone: str) -> None:
    """Print a participant's kennismaking in Dutch, their own words beside the translation."""
    services = _services()
    try:
        number = to_e164(phone)
    except InvalidPhone as error:
        raise click.BadParameter(str(error), param_hint="PHONE") from error
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant).where(Participant.phone == number)).first()
        found = participant and db.exec(select(Intake).where(Intake.participant_id == participant.id)).first()
        if not found:
            raise click.ClickException(services.coordinator_texts.text("nl", "intake.not_found"))
        flow = services.book.flows[INTAKE_FLOW]
        click.echo(dutch_summary(found, participant, flow, services.catalogs, services.coordinator_texts))
