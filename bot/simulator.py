"""The phone simulator (DEMO=1 only): a newcomer's phone and a coordinator's, side by side.

What is typed goes through the same signed webhook as Twilio's; what the bot sends is
read back from the message table, whatever channel sent it. The demo clock moves
services.clock forward and runs the dispatcher at the new time, so reminders arrive.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import or_
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot import dispatcher
from bot.appointments import upcoming_any
from bot.chat import post_inbound
from bot.phone import Address, InvalidPhone, to_e164
from bot.schedule import plan_reminders
from bot.services import Services, current_services
from storage import queries
from storage.db import session_scope
from storage.models import Channel, Coordinator, Direction, Message

bp = Blueprint("simulator", __name__, url_prefix="/simulator")
NEWCOMER, COORDINATOR = "+31612345678", "+31600000001"
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# Arrive just after the evening reminder is due, so this tick sends it.
JUST_AFTER = timedelta(minutes=1)


@dataclass
class DemoClock:
    """The clock it replaces plus an offset that only grows: the demo never goes back in time."""

    inner: Callable[[], datetime]
    offset: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return self.inner() + self.offset


@bp.before_request
def _demo_only():
    if not current_services().settings.demo:
        abort(404)


@bp.get("")
def phones():
    services = current_services()
    newcomer = request.args.get("newcomer", NEWCOMER)
    coordinator = request.args.get("coordinator") or _first_coordinator_phone(services) or COORDINATOR
    return render_template("dashboard/simulator.html", newcomer=newcomer, coordinator=coordinator, now=services.clock())


@bp.get("/messages")
def messages():
    address = _address(request.args.get("phone", ""))
    with session_scope(current_services().db) as db:
        shown = messages_of(db, address.phone)
    return render_template("dashboard/simulator_messages.html", messages=shown, inbound=Direction.INBOUND)


@bp.post("/send")
def send():
    address, text = _address(request.form.get("phone", "")), request.form.get("text", "")
    if text.strip():
        post_inbound(current_app._get_current_object(), address, text)
    return _back()


@bp.post("/clock")
def clock():
    services = current_services()
    target = _target(services, request.form.get("step", ""), request.form.get("newcomer", ""))
    demo_clock = _demo_clock(services)
    demo_clock.offset += max(target - services.clock(), timedelta(0))
    dispatcher.tick(services, services.clock())
    return _back()


def _target(services: Services, step: str, newcomer: str) -> datetime:
    now = services.clock()
    if step in STEPS:
        return now + STEPS[step]
    if step == "evening":
        return _evening_before_next(services, newcomer, now) or now
    abort(400)


def _evening_before_next(services: Services, newcomer: str, now: datetime) -> datetime | None:
    """Just after the first reminder of the next appointment (the newcomer's, or anyone's)."""
    with session_scope(services.db) as db:
        participant = queries.participant_by_phone(db, newcomer) if newcomer else None
        following = upcoming_any(db, now, participant.id if participant else None)
    if following is None:
        return None
    planned = plan_reminders(following.starts_at, now, services.settings.reminder_rules)
    return planned[0][1] + JUST_AFTER if planned else None


def _demo_clock(services: Services) -> DemoClock:
    if not isinstance(services.clock, DemoClock):
        services.clock = DemoClock(services.clock)
    return services.clock


def messages_of(db: DbSession, phone: str) -> list[Message]:
    """Everything to and from one phone: as a participant, or as a coordinator being told."""
    participant = queries.participant_by_phone(db, phone)
    coordinator_ids = select(Coordinator.id).where(Coordinator.phone == phone)
    conditions = [Message.coordinator_id.in_(coordinator_ids)]
    if participant is not None:
        conditions.append(Message.participant_id == participant.id)
    statement = select(Message).where(or_(*conditions), Message.fallback_of_id.is_(None)).order_by(Message.id)
    return list(db.exec(statement))


def _first_coordinator_phone(services: Services) -> str | None:
    with session_scope(services.db) as db:
        statement = select(Coordinator.phone).where(Coordinator.phone.is_not(None)).order_by(Coordinator.id)
        return db.exec(statement).first()


def _address(text: str) -> Address:
    """The simulator's phones write on WhatsApp."""
    try:
        return Address(to_e164(text), Channel.WHATSAPP)
    except InvalidPhone:
        abort(400)


def _back():
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204
    return redirect(url_for("simulator.phones", **request.args))
