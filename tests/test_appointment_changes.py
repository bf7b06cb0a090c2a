"""Moving or cancelling an appointment tells the participant, through the CLI and the API alike."""

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlmodel import select

from bot.i18n import format_when
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Appointment, Message, Participant, Reminder
from tests.conftest import make_app
from tests.test_appointments import START, add_appointment, add_participant

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TOKEN = "test-api-token-0123456789"


def told(services: Services, participant_id: int) -> list[Message]:
    with session_scope(services.db) as db:
        return list(db.exec(select(Message).where(Message.participant_id == participant_id)))


def test_cli_move_tells_the_participant_in_their_language_and_replans_reminders(app: Flask, services: Services) -> None:
    services.clock = lambda: NOW
    participant = add_participant(services, language="uk")
    (appointment,) = add_appointment(services, participant)
    later = START + timedelta(days=1)
    args = ["bot", "appointment", "move", str(appointment), "--start", later.isoformat()]
    result = app.test_cli_runner().invoke(args=[*args, "--end", (later + timedelta(hours=3)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "De deelnemer krijgt een bericht" in result.output
    (message,) = told(services, participant)
    assert message.status == "sent" and "перенесено" in message.body
    assert format_when(START, "uk") in message.body and format_when(later, "uk") in message.body
    with session_scope(services.db) as db:
        due = [r.due_at for r in db.exec(select(Reminder).where(Reminder.appointment_id == appointment))]
    assert min(due) > START  # the old reminders (before the old start) are gone


def test_cli_cancel_tells_once_and_stops_the_reminders(app: Flask, services: Services) -> None:
    services.clock = lambda: NOW
    participant = add_participant(services, language="so")
    (appointment,) = add_appointment(services, participant)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bot", "appointment", "cancel", str(appointment)]).exit_code == 0
    assert runner.invoke(args=["bot", "appointment", "cancel", str(appointment)]).exit_code == 0
    (message,) = told(services, participant)
    assert "waa la joojiyay" in message.body
    with session_scope(services.db) as db:
        assert {r.status for r in db.exec(select(Reminder).where(Reminder.appointment_id == appointment))} == {
            "cancelled"
        }
    missing = runner.invoke(args=["bot", "appointment", "cancel", "999"])
    assert missing.exit_code == 2 and "geen afspraak 999" in missing.output


def test_someone_who_said_stop_is_not_told(app: Flask, services: Services) -> None:
    services.clock = lambda: NOW
    participant = add_participant(services)
    (appointment,) = add_appointment(services, participant)
    with session_scope(services.db) as db:
        db.get(Participant, participant).stopped_at = NOW
    result = app.test_cli_runner().invoke(args=["bot", "appointment", "cancel", str(appointment)])
    assert "De deelnemer krijgt geen bericht" in result.output
    assert told(services, participant) == []


def test_api_patch_tells_the_participant_of_a_move_and_of_a_cancellation(tmp_path) -> None:
    app = make_app(tmp_path, API_TOKEN=TOKEN)
    services = app.extensions[EXTENSION]
    services.channel.echo, services.clock = None, lambda: NOW
    participant = add_participant(services, language="tr")
    (appointment,) = add_appointment(services, participant)
    client, auth = app.test_client(), {"Authorization": f"Bearer {TOKEN}"}
    later = START + timedelta(hours=2)
    body = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()}
    assert client.patch(f"/api/appointments/{appointment}", json=body, headers=auth).status_code == 200
    assert (
        client.patch(f"/api/appointments/{appointment}", json={"status": "cancelled"}, headers=auth).status_code == 200
    )
    services.queue.join()
    moved, cancelled = told(services, participant)
    assert "randevunuz değişti" in moved.body and format_when(later, "tr") in moved.body
    assert "iptal edildi" in cancelled.body
    assert {moved.status, cancelled.status} == {"sent"}
    with session_scope(services.db) as db:
        assert db.get(Appointment, appointment).status == "cancelled"
