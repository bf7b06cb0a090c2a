"""The overview per week: appointments kept, cancelled in time or late, no-shows; escalations
open and resolved, and how long until someone answered. Charts are SVG drawn here, from
the same numbers as the table and the CSV, so they need no script and no network.
"""

import csv
import io
import statistics
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from flask import Response, render_template, request
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot.dashboard.access import bp, current_user, sees_everything
from bot.dashboard.participants import coordinator_names
from bot.dashboard.texts import t
from bot.i18n import PEOPLE_ZONE
from bot.services import current_services
from storage.db import session_scope
from storage.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    Escalation,
    EscalationStatus,
    Participant,
)

WEEKS = 8
APPOINTMENT_SERIES = ("kept", "cancelled_in_time", "cancelled_late", "no_shows")
ESCALATION_SERIES = ("escalations_open", "escalations_resolved")
# Came, or at least did not say otherwise: the appointment has passed and was not closed another way.
KEPT = {AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED, AppointmentStatus.LATE, AppointmentStatus.ATTENDED}
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 220, 30


@dataclass
class Week:
    monday: date
    kept: int = 0
    cancelled_in_time: int = 0
    cancelled_late: int = 0
    no_shows: int = 0
    escalations_open: int = 0
    escalations_resolved: int = 0
    # Median hours from the escalation to its first answer; None without answered ones.
    first_answer_hours: float | None = None


@dataclass(frozen=True)
class Bar:
    series: str
    week: date
    value: int
    x: float
    y: float
    width: float
    height: float


def weekly(db: DbSession, now: datetime, coordinator_id: int | None, weeks: int = WEEKS) -> list[Week]:
    this_monday = _monday(now)
    table = {this_monday - timedelta(weeks=n): Week(this_monday - timedelta(weeks=n)) for n in range(weeks)}
    since = datetime.combine(min(table), time(0), PEOPLE_ZONE)
    _count_appointments(db, table, since, now, coordinator_id)
    _count_escalations(db, table, since, coordinator_id)
    return [table[monday] for monday in sorted(table)]


def _monday(moment: datetime) -> date:
    day = moment.astimezone(PEOPLE_ZONE).date()
    return day - timedelta(days=day.weekday())


def _count_appointments(
    db: DbSession, table: dict[date, Week], since: datetime, now: datetime, coordinator_id: int | None
) -> None:
    statement = (
        select(Appointment, Absence)
        .join(Participant, Participant.id == Appointment.participant_id)
        .outerjoin(Absence, (Absence.appointment_id == Appointment.id) & (Absence.kind == "cancel"))
        .where(Appointment.starts_at >= since, Appointment.starts_at < now)
    )
    if coordinator_id is not None:
        statement = statement.where(Participant.coordinator_id == coordinator_id)
    for appointment, absence in db.exec(statement):
        week = table.get(_monday(appointment.starts_at))
        if week is None:
            continue
        if absence is not None:
            week.cancelled_late += absence.too_late
            week.cancelled_in_time += not absence.too_late
        elif appointment.status == AppointmentStatus.NO_SHOW:
            week.no_shows += 1
        elif appointment.status in KEPT:
            week.kept += 1


def _count_escalations(db: DbSession, table: dict[date, Week], since: datetime, coordinator_id: int | None) -> None:
    statement = (
        select(Escalation)
        .join(Participant, Participant.id == Escalation.participant_id)
        .where(Escalation.created_at >= since)
    )
    if coordinator_id is not None:
        statement = statement.where(Participant.coordinator_id == coordinator_id)
    waits: dict[date, list[float]] = {}
    for escalation in db.exec(statement):
        monday = _monday(escalation.created_at)
        week = table.get(monday)
        if week is None:
            continue
        if escalation.status == EscalationStatus.RESOLVED:
            week.escalations_resolved += 1
        else:
            week.escalations_open += 1
        # Acknowledging is the first answer; resolving without it counts as one too.
        if escalation.acknowledged_at is not None:
            waits.setdefault(monday, []).append(
                (escalation.acknowledged_at - escalation.created_at).total_seconds() / 3600
            )
    for monday, hours in waits.items():
        table[monday].first_answer_hours = round(statistics.median(hours), 1)


def bars(weeks: list[Week], series: tuple[str, ...]) -> tuple[list[Bar], int]:
    """Grouped bars, one group per week; returns the bars and the scale's top value."""
    top = max([getattr(w, s) for w in weeks for s in series] + [1])
    group = (CHART_WIDTH - CHART_PAD) / len(weeks)
    width = group * 0.8 / len(series)
    drawn = []
    for i, week in enumerate(weeks):
        for j, name in enumerate(series):
            value = getattr(week, name)
            height = (CHART_HEIGHT - CHART_PAD) * value / top
            x = CHART_PAD + i * group + group * 0.1 + j * width
            drawn.append(Bar(name, week.monday, value, x, CHART_HEIGHT - CHART_PAD - height, width, height))
    return drawn, top


def chosen_coordinator() -> int | None:
    """A begeleider sees their own numbers; the centre all, or one coordinator's."""
    user = current_user()
    if not sees_everything(user):
        return user.coordinator_id
    chosen = request.args.get("coordinator_id", "")
    return int(chosen) if chosen.isdigit() else None


@bp.get("/overview")
def overview():
    services = current_services()
    coordinator_id = chosen_coordinator()
    with session_scope(services.db) as db:
        weeks = weekly(db, services.clock(), coordinator_id)
        coordinators = coordinator_names(db)
    charts = {
        "chart.appointments": (APPOINTMENT_SERIES, *bars(weeks, APPOINTMENT_SERIES)),
        "chart.escalations": (ESCALATION_SERIES, *bars(weeks, ESCALATION_SERIES)),
    }
    return render_template(
        "dashboard/overview.html",
        weeks=weeks,
        charts=charts,
        columns=[f.name for f in fields(Week)][1:],
        size=(CHART_WIDTH, CHART_HEIGHT, CHART_PAD),
        coordinators=coordinators,
        coordinator_id=coordinator_id,
        may_choose=sees_everything(current_user()),
    )


@bp.get("/overview.csv")
def overview_csv():
    services = current_services()
    with session_scope(services.db) as db:
        weeks = weekly(db, services.clock(), chosen_coordinator())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    names = [f.name for f in fields(Week)]
    writer.writerow([t(f"overview.{name}") for name in names])
    for week in weeks:
        writer.writerow(["" if getattr(week, n) is None else getattr(week, n) for n in names])
    headers = {"Content-Disposition": "attachment; filename=welkom-overzicht.csv"}
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)
