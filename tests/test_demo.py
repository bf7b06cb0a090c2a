"""`bot demo`: an empty database filled once, with accounts that work."""

import re

from flask import Flask
from sqlmodel import func, select

from bot.services import Services
from storage.db import session_scope
from storage.models import Absence, Appointment, Escalation, Participant, Reminder


def test_demo_fills_an_empty_database_once_and_its_accounts_log_in(app: Flask, services: Services) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bot", "demo", "--url", "http://127.0.0.1:5000"])
    assert result.exit_code == 0, result.output
    accounts = dict(re.findall(r"Account \((\w+)\): \S+  wachtwoord: (\S+)", result.output))
    assert set(accounts) == {"begeleider", "centre"}
    assert "http://127.0.0.1:5000/login" in result.output and "http://127.0.0.1:5000/simulator" in result.output
    with session_scope(services.db) as db:
        languages = set(db.exec(select(Participant.language)))
        assert len(languages) >= 4
        assert db.exec(select(func.count(Appointment.id))).one() > 5
        assert db.exec(select(func.count(Reminder.id))).one() > 0
        assert db.exec(select(func.count(Absence.id))).one() == 1
        assert db.exec(select(Escalation.resolved_at)).all() == [None]

    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    form = {"email": "anna@welkom.example", "password": accounts["begeleider"], "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302
    listed = client.get("/dashboard/participants").text
    assert "Amal" in listed and "Oksana" not in listed  # Oksana is Bram's

    again = runner.invoke(args=["bot", "demo"])
    assert again.exit_code == 1 and "alleen een lege database" in again.output
