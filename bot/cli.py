"""`flask --app app bot ...`: the operator's commands."""

import logging
import sys
import threading
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from waitress import serve as waitress_serve

from bot import appointments, demo, dispatcher, escalation_views, escalations, jobs, notice_lines
from bot.ambassador_cli import ambassador_command, source_command
from bot.channels import ConsoleChannel
from bot.chat import ChatClient, run_chat
from bot.checkin_cli import checkins_command
from bot.csv_import import import_command
from bot.document_cli import document_command
from bot.ending_cli import end_command, ending_command
from bot.flow.outputs import INTAKE
from bot.holiday_cli import holidays_command
from bot.intake import dutch_summary
from bot.logs import configure_logging
from bot.phone import Address, InvalidPhone, to_e164, to_valid_e164
from bot.privacy_cli import erase_command, export_command
from bot.queue import InProcessJobQueue
from bot.schedule import ScheduleError
from bot.security_headers import WAITRESS_OPTIONS
from bot.services import EXTENSION, Services
from bot.users import user_command
from bot.voice_cli import voice_command
from bot.whatsapp_cli import whatsapp_command
from storage import queries
from storage.db import session_scope
from storage.migrate import upgrade
from storage.models import Appointment, AppointmentKind, Channel, Coordinator, Escalation, Participant
from storage.types import utcnow

log = logging.getLogger(__name__)


def _services() -> Services:
    return current_app.extensions[EXTENSION]


@click.group()
def bot() -> None:
    """Run and look after the Welkom bot."""


bot.add_command(import_command)
bot.add_command(user_command)
bot.add_command(export_command)
bot.add_command(erase_command)
bot.add_command(checkins_command)
bot.add_command(end_command)
bot.add_command(whatsapp_command)
bot.add_command(ambassador_command)
bot.add_command(source_command)
bot.add_command(document_command)
bot.add_command(ending_command)
bot.add_command(holidays_command)
bot.add_command(voice_command)


@bot.command()
@with_appcontext
def migrate() -> None:
    """Bring the database to the newest schema."""
    upgrade(_services().settings.database_url)
    click.echo(_services().coordinator_texts.text("nl", "cli.migrated"))


@bot.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="As DEMO=1: the phone simulator, and demo data in an empty database.")
@with_appcontext
def serve(host: str, port: int, demo: bool) -> None:
    """Migrate, then serve the webhooks (with jobs and the dispatcher in-process when embedded)."""
    services = _services()
    configure_logging(services.settings.log_level)
    upgrade(services.settings.database_url)
    if demo or services.settings.demo:
        services.settings = services.settings.model_copy(update={"demo": True})
        _fill_demo(services, f"http://{host}:{port}", only_if_empty=True)
    if services.settings.embedded:
        _start_embedded_dispatcher(current_app._get_current_object())
        click.echo(services.coordinator_texts.text("nl", "cli.embedded"))
    click.echo(services.coordinator_texts.text("nl", "cli.listening", {"url": f"http://{host}:{port}"}))
    waitress_serve(current_app._get_current_object(), host=host, port=port, **WAITRESS_OPTIONS)


def _start_embedded_dispatcher(app: Flask) -> None:
    def loop() -> None:
        stop = threading.Event()
        while not stop.wait(dispatcher.TICK_SECONDS):
            try:
                with app.app_context():
                    services = app.extensions[EXTENSION]
                    dispatcher.tick(services, services.clock())
            except Exception:
                log.exception("dispatcher tick failed; next tick tries again")

    threading.Thread(target=loop, name="welkom-dispatcher", daemon=True).start()


@bot.command("demo")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Where the app is served.")
@with_appcontext
def demo_command(url: str) -> None:
    """Fill an empty database with a small demo centre; print the accounts and the URLs."""
    services = _services()
    upgrade(services.settings.database_url)
    _fill_demo(services, url, only_if_empty=False)


def _fill_demo(services: Services, url: str, only_if_empty: bool) -> None:
    texts = services.coordinator_texts
    try:
        accounts = demo.fill(services, services.clock())
    except demo.DemoError:
        if only_if_empty:
            click.echo(texts.text("nl", "demo.kept"))
            return
        raise click.ClickException(texts.text("nl", "demo.not_empty")) from None
    (begeleider, begeleider_password), (centre, centre_password) = accounts.begeleider, accounts.centre
    lines = [
        texts.text("nl", "demo.filled"),
        texts.text("nl", "demo.account", {"role": "begeleider", "email": begeleider, "password": begeleider_password}),
        texts.text("nl", "demo.account", {"role": "centre", "email": centre, "password": centre_password}),
        texts.text("nl", "demo.urls", {"login": f"{url}/login", "simulator": f"{url}/simulator"}),
    ]
    click.echo("\n".join(lines))


@bot.command()
@click.option("--now", "now_text", help="Run as of this time (ISO 8601 with offset).")
@with_appcontext
def dispatch(now_text: str | None) -> None:
    """Run one dispatcher tick: enqueue every job that is due."""
    services = _services()
    now = _parse_moment(now_text, "--now") if now_text else services.clock()
    services.clock = lambda: now  # what the tick starts in this process sees the same moment
    counts = dispatcher.tick(services, now)
    _wait_for_embedded_jobs()
    texts = services.coordinator_texts
    # Each count by its Dutch name; a count added later without one shows its own name.
    names = {
        name: texts.text("nl", f"dispatch.{name}") if texts.has("nl", f"dispatch.{name}") else name for name in counts
    }
    click.echo(", ".join(f"{names[name]}: {count}" for name, count in counts.items()))


@bot.command()
@click.option("--phone", required=True, help="The newcomer's number, e.g. +31612345678.")
@click.option("--channel", type=click.Choice(["whatsapp", "sms"]), default="whatsapp", show_default=True)
@click.option("--url", help="Post to a running server (e.g. http://127.0.0.1:5000) instead of in this process.")
@with_appcontext
def chat(phone: str, channel: str, url: str | None) -> None:
    """Type as a newcomer; the bot's replies are printed. Ctrl-D ends."""
    services = _services()
    address = Address(_phone_option(phone, "--phone"), Channel(channel))
    upgrade(services.settings.database_url)
    if isinstance(services.channel, ConsoleChannel):
        services.channel.echo = None  # the chat prints the replies itself
    chat = ChatClient(current_app._get_current_object(), address, server_url=url)
    click.echo(services.coordinator_texts.text("nl", "cli.chat_intro"))
    # A terminal that cannot show a script gets escapes instead of a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    run_chat(chat, read=lambda: input("> "), write=click.echo)


def _wait_for_embedded_jobs() -> None:
    if isinstance(_services().queue, InProcessJobQueue):
        _services().queue.join()


@bot.command()
@click.argument("phone")
@with_appcontext
def intake(phone: str) -> None:
    """Print a participant's kennismaking in Dutch, their own words beside the translation."""
    services = _services()
    number = _phone_option(phone, "PHONE")
    with session_scope(services.db) as db:
        participant = queries.participant_by_phone(db, number)
        found = participant and queries.intake_of(db, participant.id)
        if not found:
            raise click.ClickException(services.coordinator_texts.text("nl", "intake.not_found"))
        flow = services.book.producer(INTAKE)
        click.echo(dutch_summary(found, participant, flow, services.catalogs, services.coordinator_texts))


@bot.group()
def coordinator() -> None:
    """Coordinators: who hears about absences and questions."""


@coordinator.command("add")
@click.option("--name", required=True)
@click.option("--phone", help="Where notices go, e.g. +31600000001.")
@click.option("--channel", type=click.Choice(["whatsapp", "sms", "email"]), default="whatsapp", show_default=True)
@click.option("--email")
@click.option("--on-duty", is_flag=True, help="Gets escalations of newcomers without a coordinator of their own.")
@with_appcontext
def coordinator_add(name: str, phone: str | None, channel: str, email: str | None, on_duty: bool) -> None:
    """Add a coordinator and print their id."""
    services = _services()
    number = _phone_option(phone, "--phone", valid=True) if phone else None
    with session_scope(services.db) as db:
        existing = queries.coordinator_by_phone(db, number) if number else None
        if existing is not None:
            raise click.UsageError(
                services.coordinator_texts.text("nl", "cli.coordinator_exists", {"id": str(existing.id)})
            )
        added = Coordinator(name=name, phone=number, channel=channel, email=email, on_duty=on_duty, created_at=utcnow())
        db.add(added)
        db.flush()
        # Only the id on standard output, so scripts can take it: ID=$(flask --app app bot coordinator add ...)
        click.echo(added.id)
        click.echo(
            services.coordinator_texts.text("nl", "cli.coordinator_added", {"name": name, "id": str(added.id)}),
            err=True,
        )


@bot.group()
def appointment() -> None:
    """Appointments: work days, meetings; their reminders follow."""


@appointment.command("add")
@click.option("--phone", required=True, help="The participant's number.")
@click.option("--kind", type=click.Choice([k.value for k in AppointmentKind]), default="work", show_default=True)
@click.option("--start", "starts", required=True, help="ISO 8601 with offset, e.g. 2026-12-01T09:00:00+01:00.")
@click.option("--end", "ends", required=True, help="ISO 8601 with offset.")
@click.option("--place", default="", help="The place's name.")
@click.option("--address", default="", help="Street, number and town: the route link is made from it.")
@click.option("--rrule", help="Repeat by an RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=8.")
@click.option("--coordinator-id", type=int)
@click.option("--photo-url", help="A photo of the entrance.")
@click.option("--notes", default="")
@with_appcontext
def appointment_add(
    phone: str,
    kind: str,
    starts: str,
    ends: str,
    place: str,
    address: str,
    rrule: str | None,
    coordinator_id: int | None,
    photo_url: str | None,
    notes: str,
) -> None:
    """Make an appointment (or a recurring series) for a participant and plan its reminders."""
    services = _services()
    with session_scope(services.db) as db:
        participant = _known_participant(db, phone)
        new = appointments.NewAppointment(
            participant_id=participant.id,
            kind=kind,
            starts_at=_parse_moment(starts, "--start"),
            ends_at=_parse_moment(ends, "--end"),
            place_name=place,
            address=address,
            rrule=rrule,
            coordinator_id=coordinator_id,
            entrance_photo_url=photo_url,
            notes=notes,
        )
        try:
            made = appointments.create(db, new, services.clock(), services.settings.reminder_rules)
        except (appointments.AppointmentError, ScheduleError) as error:
            raise click.ClickException(str(error)) from error
        ids = ", ".join(str(a.id) for a in made)
        click.echo(
            services.coordinator_texts.text("nl", "cli.appointments_added", {"count": str(len(made)), "ids": ids})
        )
        for warning in notice_lines.holiday_warnings(services, participant, made):
            click.echo(warning)


def _known_participant(db, phone: str) -> Participant:
    participant = queries.participant_by_phone(db, _phone_option(phone, "--phone"))
    if participant is None:
        raise click.BadParameter(_services().coordinator_texts.text("nl", "cli.no_participant"), param_hint="--phone")
    return participant


def _phone_option(value: str, hint: str, valid: bool = False) -> str:
    """The number in E.164; `valid` for registering someone (the number must exist), not for finding them."""
    try:
        return to_valid_e164(value) if valid else to_e164(value)
    except InvalidPhone as error:
        raise click.BadParameter(
            _services().coordinator_texts.text("nl", "cli.not_a_phone"), param_hint=hint
        ) from error


def _parse_moment(text: str, hint: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        message = _services().coordinator_texts.text("nl", "cli.not_a_moment", {"text": text})
        raise click.BadParameter(message, param_hint=hint) from error
    if moment.tzinfo is None:
        raise click.BadParameter(_services().coordinator_texts.text("nl", "cli.needs_offset"), param_hint=hint)
    return moment.astimezone(UTC)


@appointment.command("from-intake")
@click.option("--phone", required=True, help="The participant's number.")
@click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day, e.g. 2026-12-01.")
@click.option("--until", "last", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day.")
@click.option("--place", default="")
@click.option("--address", default="")
@click.option("--coordinator-id", type=int)
@with_appcontext
def appointment_from_intake(
    phone: str, first: datetime, last: datetime, place: str, address: str, coordinator_id: int | None
) -> None:
    """Weekly work day-parts from the days and day-parts the participant chose in the kennismaking."""
    services = _services()
    with session_scope(services.db) as db:
        participant = _known_participant(db, phone)
        intake = queries.intake_of(db, participant.id)
        if not intake:
            raise click.ClickException(services.coordinator_texts.text("nl", "intake.not_found"))
        where = appointments.NewAppointment(
            participant_id=participant.id,
            kind="work",
            starts_at=first,
            ends_at=first,
            place_name=place,
            address=address,
            coordinator_id=coordinator_id,
        )
        try:
            made = appointments.from_intake(
                db,
                participant,
                intake,
                services.book.producer(INTAKE),
                first.date(),
                last.date(),
                where,
                services.clock(),
                services.settings.reminder_rules,
            )
        except (appointments.AppointmentError, ScheduleError) as error:
            raise click.ClickException(str(error)) from error
        ids = ", ".join(str(a.id) for a in made)
        click.echo(
            services.coordinator_texts.text("nl", "cli.appointments_added", {"count": str(len(made)), "ids": ids})
        )
        for warning in notice_lines.holiday_warnings(services, participant, made):
            click.echo(warning)


@appointment.command("move")
@click.argument("appointment_id", type=int)
@click.option("--start", "starts", required=True, help="ISO 8601 with offset, e.g. 2026-12-01T09:00:00+01:00.")
@click.option("--end", "ends", required=True, help="ISO 8601 with offset.")
@with_appcontext
def appointment_move(appointment_id: int, starts: str, ends: str) -> None:
    """Move an appointment: its reminders follow and the participant is told in their language."""
    services = _services()
    starts_at, ends_at = _parse_moment(starts, "--start"), _parse_moment(ends, "--end")
    with session_scope(services.db) as db:
        found = _known_appointment(db, appointment_id)
        try:
            message_id = appointments.move(
                db, services.catalogs, found, starts_at, ends_at, services.clock(), services.settings.reminder_rules
            )
        except appointments.AppointmentError as error:
            raise click.ClickException(str(error)) from error
    _send_and_report(message_id, "cli.appointment_moved", appointment_id)


@appointment.command("cancel")
@click.argument("appointment_id", type=int)
@with_appcontext
def appointment_cancel(appointment_id: int) -> None:
    """Call off an appointment: its reminders stop and the participant is told in their language."""
    services = _services()
    with session_scope(services.db) as db:
        found = _known_appointment(db, appointment_id)
        message_id = appointments.cancel(db, services.catalogs, found, services.clock())
    _send_and_report(message_id, "cli.appointment_cancelled", appointment_id)


def _known_appointment(db, appointment_id: int) -> Appointment:
    found = db.get(Appointment, appointment_id)
    if found is None:
        message = _services().coordinator_texts.text("nl", "cli.no_appointment", {"id": str(appointment_id)})
        raise click.BadParameter(message, param_hint="APPOINTMENT_ID")
    return found


def _send_and_report(message_id: int | None, key: str, appointment_id: int) -> None:
    if message_id is not None:
        _services().queue.enqueue(jobs.send_message, message_id)
        _wait_for_embedded_jobs()
    told = "cli.participant_told" if message_id is not None else "cli.participant_not_told"
    texts = _services().coordinator_texts
    click.echo(f"{texts.text('nl', key, {'id': str(appointment_id)})} {texts.text('nl', told)}")


@bot.command("escalations")
@click.option("--all", "show_all", is_flag=True, help="Resolved ones too.")
@with_appcontext
def escalations_list(show_all: bool) -> None:
    """Escalations, most urgent and oldest first: reference, status, who, reasons."""
    services = _services()
    with session_scope(services.db) as db:
        for escalation in escalations.listed(db, show_all):
            click.echo(escalation_views.summary_line(services, db, escalation))


@bot.command("escalation")
@click.argument("ref", type=int)
@with_appcontext
def escalation_show(ref: int) -> None:
    """One escalation and its history: who did what, and when."""
    services = _services()
    with session_scope(services.db) as db:
        escalation = db.get(Escalation, ref)
        if escalation is None:
            raise click.ClickException(services.coordinator_texts.text("nl", "relay.unknown", {"ref": str(ref)}))
        click.echo(escalation_views.summary_line(services, db, escalation))
        for line in escalation_views.history_lines(services, db, escalation):
            click.echo(line)
