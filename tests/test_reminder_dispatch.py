"""Reminders claimed exactly once, also with two dispatchers racing, on SQLite and PostgreSQL."""

import threading
from datetime import timedelta

from flask import Flask
from sqlmodel import select

from bot import reminders
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Message, Reminder
from tests.test_appointments import START, add_appointment, add_participant

PEOPLE = 12


def test_two_dispatchers_racing_send_each_reminder_once(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    for n in range(PEOPLE):
        add_appointment(services, add_participant(services, phone=f"+3161234{n:04d}"), START + timedelta(minutes=5 * n))
    due = START - timedelta(minutes=1)  # every reminder is due, no appointment has started
    barrier, claimed = threading.Barrier(2), []

    def dispatcher() -> None:
        barrier.wait()
        claimed.append(reminders.dispatch_due(services, due))

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    message_ids = claimed[0] + claimed[1]
    with session_scope(services.db) as db:
        stored = db.exec(select(Reminder)).all()
        messages = db.exec(select(Message).where(Message.direction == "out")).all()
    assert len(stored) == 2 * PEOPLE
    assert sorted(message_ids) == sorted(m.id for m in messages)
    # Two reminders per appointment, both due: one message each, never two for one reminder.
    assert len(message_ids) == len(set(message_ids)) == len({r.message_id for r in stored if r.message_id})
    assert {r.status for r in stored} == {"sent"}
