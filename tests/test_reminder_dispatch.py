"""Reminders claimed exactly once, also with two dispatchers racing, on SQLite and PostgreSQL."""

import threading
from datetime import timedelta

from flask import Flask
from sqlmodel import select

from bot import reminders
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Message, Reminder
from tests.test_appointments import START, TWO_HOURS_BEFORE, add_appointment, add_participant

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
    # ... and of the two, only the later one goes: one late run never sends both at once.
    assert sorted(r.status for r in stored) == ["sent"] * PEOPLE + ["skipped"] * PEOPLE
    assert {r.kind for r in stored if r.status == "sent"} == {"hours_before"}


def test_one_call_claims_batch_after_batch_until_none_is_due(any_db_app: Flask, monkeypatch) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    monkeypatch.setattr(reminders, "BATCH", 5)
    for n in range(PEOPLE):
        add_appointment(services, add_participant(services, phone=f"+3161234{n:04d}"), START + timedelta(minutes=5 * n))
    message_ids = reminders.dispatch_due(services, START - timedelta(minutes=1))
    with session_scope(services.db) as db:
        stored = db.exec(select(Reminder)).all()
    # 24 reminders in batches of 5: every one taken in the one call, the later of each pair sent.
    assert len(message_ids) == len(set(message_ids)) == PEOPLE
    assert sorted(r.status for r in stored) == ["sent"] * PEOPLE + ["skipped"] * PEOPLE
    assert reminders.dispatch_due(services, START - timedelta(minutes=1)) == []


def test_one_late_run_after_both_due_times_sends_only_the_latest_reminder(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    add_appointment(services, add_participant(services))
    [message_id] = reminders.dispatch_due(services, TWO_HOURS_BEFORE + timedelta(minutes=1))
    with session_scope(services.db) as db:
        evening, two_hours = db.exec(select(Reminder).order_by(Reminder.due_at)).all()
        assert (evening.status, evening.message_id) == ("skipped", None)
        assert (two_hours.status, two_hours.message_id) == ("sent", message_id)
        assert len(db.exec(select(Message).where(Message.direction == "out")).all()) == 1
