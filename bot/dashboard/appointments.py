"""Appointments: made (one-off, recurring, or from the kennismaking's days), moved and cancelled.

Everything goes through bot.appointments, like the API and the CLI: reminders follow,
and a move or cancellation is told to the participant in their language.
"""

from datetime import date, datetime, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot import appointments, audit, jobs
from bot.dashboard.access import appointment_or_404, bp, current_user, participant_or_404, visible_participants
from bot.dashboard.texts import t
from bot.flow.model import Flow
from bot.flow.outputs import INTAKE
from bot.i18n import PEOPLE_ZONE
from bot.schedule import ReminderRules, ScheduleError
from bot.services import Services, current_services
from storage import queries
from storage.db import session_scope
from storage.models import Appointment, AppointmentKind, Participant

# The list shows what is still to come, and yesterday's (to mark or move late).
LOOK_BACK = timedelta(days=1)
FIELDS_WITH_TEXTS = ("participant_id", "kind", "starts_at", "ends_at", "rrule", "days", "date", "time")


class FormError(ValueError):
    """A form value that cannot be used; args[0] is the field."""


@bp.get("/appointments")
def appointment_list():
    return _list_page({})


def _list_page(form: dict[str, str], error: str | None = None, status: int = 200):
    services = current_services()
    with session_scope(services.db) as db:
        statement = (
            select(Appointment, Participant)
            .join(Participant, Participant.id == Appointment.participant_id)
            .where(visible_participants(current_user()), Appointment.starts_at >= services.clock() - LOOK_BACK)
            .order_by(Appointment.starts_at)
        )
        rows = list(db.exec(statement.limit(300)))
        people = list(
            db.exec(select(Participant).where(visible_participants(current_user())).order_by(Participant.name))
        )
    kinds = [k.value for k in AppointmentKind]
    page = render_template("dashboard/appointments.html", rows=rows, people=people, kinds=kinds, form=form, error=error)
    return page, status


@bp.post("/appointments")
def appointment_create():
    services, form = current_services(), request.form.to_dict()
    try:
        with session_scope(services.db) as db:
            participant = participant_or_404(db, current_user(), _int(form, "participant_id"))
            made = _create(services, db, participant, form)
            audit.record(
                db, current_user().id, "appointment.created", participant.id, services.clock(), ids=[a.id for a in made]
            )
    except FormError as error:
        return _list_page(form, _error_text(error), 422)
    flash(t("appointment.created", count=len(made)))
    return redirect(url_for("dashboard.appointment_list"))


def _create(services: Services, db: DbSession, participant: Participant, form: dict[str, str]) -> list[Appointment]:
    day = _date(form, "date")
    starts_at, ends_at = _moment(day, form, "start"), _moment(day, form, "end")
    new = appointments.NewAppointment(
        participant_id=participant.id,
        kind=form.get("kind", "work"),
        starts_at=starts_at,
        ends_at=ends_at,
        place_name=form.get("place", "").strip(),
        address=form.get("address", "").strip(),
        rrule=_rule(form),
        notes=form.get("notes", "").strip(),
    )
    now, rules = services.clock(), services.settings.reminder_rules
    try:
        if form.get("repeat") == "intake":
            flow = services.book.producer(INTAKE)
            return _from_intake(db, participant, flow, new, _date(form, "until"), now, rules)
        return appointments.create(db, new, now, rules)
    except (appointments.AppointmentError, ScheduleError) as error:
        raise FormError(str(error).partition(":")[0]) from error


def _from_intake(
    db: DbSession,
    participant: Participant,
    flow: Flow,
    new: appointments.NewAppointment,
    until: date,
    now: datetime,
    rules: ReminderRules,
) -> list[Appointment]:
    intake = queries.intake_of(db, participant.id)
    if intake is None:
        raise FormError("days")
    first = new.starts_at.astimezone(PEOPLE_ZONE).date()
    return appointments.from_intake(
        db, participant, intake, flow, first, until, new.model_copy(update=dict(rrule=None)), now, rules
    )


def _rule(form: dict[str, str]) -> str | None:
    """'weekly' with a number of weeks, or an RRULE typed by someone who knows them."""
    if form.get("repeat") == "weekly":
        weeks = _int(form, "weeks")
        return f"FREQ=WEEKLY;COUNT={weeks}"
    if form.get("repeat") == "rrule":
        return form.get("rrule", "").strip() or None
    return None


@bp.get("/appointments/<int:appointment_id>")
def appointment_page(appointment_id: int):
    return _appointment_page(appointment_id, {})


def _appointment_page(appointment_id: int, form: dict[str, str], error: str | None = None, status: int = 200):
    with session_scope(current_services().db) as db:
        appointment, participant = appointment_or_404(db, current_user(), appointment_id)
    page = render_template(
        "dashboard/appointment.html", appointment=appointment, participant=participant, form=form, error=error
    )
    return page, status


@bp.post("/appointments/<int:appointment_id>/move")
def appointment_move(appointment_id: int):
    services, form = current_services(), request.form.to_dict()
    now = services.clock()
    try:
        with session_scope(services.db) as db:
            appointment, participant = appointment_or_404(db, current_user(), appointment_id)
            day = _date(form, "date")
            starts_at, ends_at = _moment(day, form, "start"), _moment(day, form, "end")
            before = appointment.starts_at
            try:
                told = appointments.move(
                    db, services.catalogs, appointment, starts_at, ends_at, now, services.settings.reminder_rules
                )
            except appointments.AppointmentError as error:
                raise FormError(str(error).partition(":")[0]) from error
            audit.record(
                db,
                current_user().id,
                "appointment.moved",
                participant.id,
                now,
                appointment_id=appointment.id,
                before=before.isoformat(),
                after=starts_at.isoformat(),
            )
    except FormError as error:
        return _appointment_page(appointment_id, form, _error_text(error), 422)
    return _done(services, told, "appointment.moved_done", appointment_id)


@bp.post("/appointments/<int:appointment_id>/cancel")
def appointment_cancel(appointment_id: int):
    services = current_services()
    now = services.clock()
    with session_scope(services.db) as db:
        appointment, participant = appointment_or_404(db, current_user(), appointment_id)
        told = appointments.cancel(db, services.catalogs, appointment, now)
        audit.record(db, current_user().id, "appointment.cancelled", participant.id, now, appointment_id=appointment.id)
    return _done(services, told, "appointment.cancelled_done", appointment_id)


def _done(services: Services, told: int | None, key: str, appointment_id: int):
    if told is not None:
        services.queue.enqueue(jobs.send_message, told)
    flash(f"{t(key)} {t('appointment.told' if told is not None else 'appointment.not_told')}")
    return redirect(url_for("dashboard.appointment_page", appointment_id=appointment_id))


def _int(form: dict[str, str], name: str) -> int:
    value = form.get(name, "").strip()
    if not value.isdigit() or int(value) > 2_147_483_647:
        raise FormError(name)
    return int(value)


def _date(form: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(form.get(name, "").strip())
    except ValueError:
        raise FormError("date") from None


def _moment(day: date, form: dict[str, str], name: str) -> datetime:
    """A date and a wall-clock time in Amsterdam, as the form gives them."""
    try:
        clock = time.fromisoformat(form.get(name, "").strip())
    except ValueError:
        raise FormError("time") from None
    return datetime.combine(day, clock, PEOPLE_ZONE)


def _error_text(error: FormError) -> str:
    field = error.args[0]
    return t(f"form.error.{field}" if field in FIELDS_WITH_TEXTS else "form.error.invalid")
