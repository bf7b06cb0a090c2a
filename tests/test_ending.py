"""Afronden: `bot end`, the API, the dashboard and the newcomer's menu start the ending dialogue in
their language; the answers reach the begeleider in Dutch with the own words beside them."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from bot.services import EXTENSION, Services
from bot.users import NewUser, add_user
from storage.db import session_scope
from storage.models import Appointment, AuditEntry, Ending, Participant
from tests.conftest import make_app
from tests.support.fake_translators import FakeGoogle, fake_translation
from tests.support.http import serving
from tests.test_appointments import AMSTERDAM, add_appointment, add_participant, outbound
from tests.test_checkins import says

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=AMSTERDAM)  # a Monday, within office hours
FIRST_WORK_DAY = datetime(2026, 12, 1, 13, 0, tzinfo=AMSTERDAM)
NOTE = "Zij heeft vier weken goed meegewerkt in de kringloopwinkel."
OWN_WORDS = ("Колеги були дуже добрі", "Більше перерв")
TOKEN = "api-token-for-the-ending-tests"
PASSWORD = "a-long-password-1"


@pytest.fixture(scope="module")
def google() -> Iterator[str]:
    with serving(FakeGoogle()) as url:
        yield url


def centre(tmp_path: Path, **settings: str) -> Flask:
    """Amal, a Ukrainian newcomer of begeleider Anna, with eight weekly work days from 1 December."""
    templates = tmp_path / "templates.yaml"
    content_sid = "HX" + "5" * 32
    templates.write_text(f"afronden:\n  text: afronden.start\n  variables: []\n  content_sids: {{nl: {content_sid}}}\n")
    app = make_app(tmp_path, WHATSAPP_TEMPLATES=str(templates), API_TOKEN=TOKEN, **settings)
    services: Services = app.extensions[EXTENSION]
    services.channel.echo = None
    services.clock = lambda: NOW.astimezone(UTC)
    participant_id = add_participant(services, language="uk", reminders=True)
    add_appointment(services, participant_id, FIRST_WORK_DAY, rrule="FREQ=WEEKLY;COUNT=8")
    return app


def text(services: Services, language: str, key: str) -> str:
    return services.catalogs.text(language, key)


def ending_of(services: Services) -> Ending:
    with session_scope(services.db) as db:
        return db.exec(select(Ending)).one()


def test_bot_end_runs_the_ending_in_ukrainian_and_the_begeleider_reads_it_in_dutch(tmp_path: Path, google: str) -> None:
    app = centre(tmp_path, TRANSLATOR="google", TRANSLATOR_URL=google, ENDING_CONSULENT_NOTE=NOTE)
    services: Services = app.extensions[EXTENSION]
    result = app.test_cli_runner().invoke(args=["bot", "end", "+31612345678", "--reason", "term"])
    assert result.exit_code == 0, result.output
    assert "7 toekomstige afspraken geannuleerd" in result.output
    assert "afrondingsgesprek gaat naar de deelnemer" in result.output

    # Outside the 24-hour window the question goes as the approved template (no Ukrainian one: the Dutch).
    [asked] = outbound(services)
    assert asked.body.startswith(text(services, "uk", "afronden.start")) and "1. Так" in asked.body
    assert (asked.template, asked.route) == ("afronden", "template:nl")

    says(app, "1", "1 2", OWN_WORDS[0], OWN_WORDS[1], "3", "1")
    goodbye = outbound(services)[-1].body
    assert fake_translation(NOTE, "uk") in goodbye and goodbye.endswith(text(services, "uk", "afronden.bye"))

    [summary] = outbound(services, to_coordinator=True)
    lines = summary.body.split("\n")
    assert lines[0].startswith("Welkom: afrondingsgesprek van Amal, beantwoord op")  # no number in a message
    assert "Reden: de afgesproken periode is voorbij. Taal: Oekraïens." in lines[0]
    assert "Ging goed: Het werk zelf en De mensen" in lines
    assert f"Ging goed, in eigen woorden: {fake_translation(OWN_WORDS[0], 'nl')}" in lines
    assert f"  Eigen woorden (Oekraïens): {OWN_WORDS[0]}" in lines
    assert f"Kan beter: {fake_translation(OWN_WORDS[1], 'nl')}" in lines
    assert "Wil later terugkomen als vrijwilliger: Misschien" in lines
    assert "Wil een getuigschrift of certificaat: Een getuigschrift" in lines
    assert f"Aan de consulent gemeld: {NOTE}" in lines
    stored = ending_of(services)
    assert (stored.reason, stored.answers["papers"], stored.answers["come_back"]) == ("term", "testimonial", "maybe")
    assert stored.answers["better"]["original"] == OWN_WORDS[1] and stored.notified_at is not None

    printed = app.test_cli_runner().invoke(args=["bot", "ending", "+31612345678"])
    assert printed.exit_code == 0 and printed.output.startswith("Welkom: afrondingsgesprek van Amal (+31612345678)")
    # A getuigschrift asked for: how to make it; in the message without the number, in the CLI with it.
    assert lines[-1].startswith("Getuigschrift gevraagd.") and "getuigschrift TELEFOONNUMMER --out" in lines[-1]
    assert printed.output.strip().split("\n")[1:] == [
        line.replace("TELEFOONNUMMER", "+31612345678") for line in lines[1:]
    ]
    assert not any(m.media for m in outbound(services))  # no certificaat: it was not asked for


def test_the_newcomer_stops_from_the_menu_and_may_skip_the_questions(tmp_path: Path) -> None:
    app = centre(tmp_path)  # no translator and no note of the centre's own: the catalog's text
    services: Services = app.extensions[EXTENSION]
    says(app, "меню", "6")
    assert outbound(services)[-1].body.startswith(text(services, "uk", "menu.stop.confirm"))
    says(app, "1")
    assert outbound(services)[-1].body.startswith(text(services, "uk", "afronden.start"))
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant)).one()
        assert (participant.end_reason, participant.ended_at) == ("newcomer", NOW.astimezone(UTC))
        statuses = [a.status for a in db.exec(select(Appointment).order_by(Appointment.starts_at))]
        assert statuses == ["planned"] + ["cancelled"] * 7
    says(app, "2")  # no questions, thank you
    assert outbound(services)[-1].body == "\n\n".join(
        [text(services, "uk", "afronden.note.default"), text(services, "uk", "afronden.bye")]
    )
    [summary] = outbound(services, to_coordinator=True)
    assert "Reden: de deelnemer stopt zelf" in summary.body
    assert "Vragen: wilde de vragen liever niet beantwoorden" in summary.body
    assert f"Aan de consulent gemeld: {text(services, 'nl', 'afronden.note.default')}" in summary.body


def test_the_api_ends_once_and_starts_the_dialogue(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services: Services = app.extensions[EXTENSION]
    client, auth = app.test_client(), {"Authorization": f"Bearer {TOKEN}"}
    refused = client.post("/api/participants/1/end", json={"reason": "bored"}, headers=auth)
    assert refused.status_code == 422 and refused.json["field"] == "reason"
    assert client.post("/api/participants/99/end", json={"reason": "term"}, headers=auth).status_code == 404
    assert client.post("/api/participants/1/end", json={"reason": "term"}).status_code == 401

    ended = client.post("/api/participants/1/end", json={"reason": "organisation"}, headers=auth)
    services.queue.join()
    assert ended.status_code == 200, ended.json
    assert ended.json == {
        "ended_at": "2026-12-07T10:00:00+01:00",
        "reason": "organisation",
        "cancelled_appointments": 7,
        "ending_dialogue": True,
    }
    assert outbound(services)[-1].body.startswith(text(services, "uk", "afronden.start"))
    again = client.post("/api/participants/1/end", json={"reason": "term"}, headers=auth)
    assert again.status_code == 409 and len(outbound(services)) == 1
    assert "/api/participants/{participant_id}/end" in client.get("/api/openapi.json").json["paths"]


def logged_in(app: Flask, role: str, coordinator_id: int | None) -> FlaskClient:
    services: Services = app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        add_user(db, NewUser(f"{role}@welkom.example", role, role, PASSWORD, coordinator_id), NOW)
    client = app.test_client()
    form = {"email": f"{role}@welkom.example", "password": PASSWORD, "csrf_token": csrf(client, "/login")}
    assert client.post("/login", data=form).status_code == 302
    return client


def csrf(client: FlaskClient, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_the_begeleider_ends_it_on_the_participant_page_and_sees_the_answers_and_checkins(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services: Services = app.extensions[EXTENSION]
    client = logged_in(app, "begeleider", 1)
    page = "/dashboard/participants/1"
    assert 'id="checkin-counts"' in client.get(page).get_data(as_text=True)
    assert client.post(f"{page}/end", data={"reason": "term"}).status_code == 400  # no CSRF token

    form = {"reason": "term", "csrf_token": csrf(client, page)}
    assert client.post(f"{page}/end", data=form).status_code == 302
    services.queue.join()
    waiting = client.get(page).get_data(as_text=True)
    assert "nog niet beantwoord" in waiting and "afrondingsgesprek gaat naar de deelnemer" in waiting  # and the flash
    says(app, "1", "5", "0", "0", "1", "2")
    shown = client.get(page).get_data(as_text=True)
    assert "Welkom: afrondingsgesprek van Amal (+31612345678), beantwoord op" in shown
    assert "De hulp van mijn begeleider" in shown and "Een certificaat" in shown and "Ja, graag" in shown
    assert "Beëindigd op" in shown and 'name="reason"' not in shown  # no second ending
    with session_scope(services.db) as db:
        [entry] = db.exec(select(AuditEntry).where(AuditEntry.action == "participant.ended")).all()
        assert (entry.participant_id, entry.details["reason"], entry.details["cancelled"]) == (1, "term", 7)
    # Another begeleider's participant cannot be ended by this one: not there at all.
    other = add_participant(services, language="ar", phone="+31612345679")
    form = {"reason": "term", "csrf_token": csrf(client, page)}
    assert client.post(f"/dashboard/participants/{other}/end", data=form).status_code == 404
    with session_scope(services.db) as db:
        assert db.get(Participant, other).ended_at is None


def test_the_checkin_chart_has_a_mark_per_answer_and_the_counts_beside_it(tmp_path: Path) -> None:
    from storage.models import CheckIn

    app = centre(tmp_path)
    services: Services = app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        for n, (status, mood) in enumerate([("answered", "good"), ("answered", "not_good"), ("unanswered", None)]):
            due = (FIRST_WORK_DAY + timedelta(days=n)).astimezone(UTC)
            db.add(CheckIn(participant_id=1, due_at=due, status=status, mood=mood, sent_at=due, created_at=due))
    shown = logged_in(app, "centre", None).get("/dashboard/participants/1").get_data(as_text=True)
    assert re.findall(r'class="mood (\w+)" data-kind', shown) == ["good", "not_good", "unanswered"]
    counts = dict(re.findall(r'<tr data-kind="(\w+)">.*?<td>(\d+)</td>', shown))
    assert counts == {"good": "1", "okay": "0", "not_good": "1", "words": "0", "unanswered": "1"}


def test_upcoming_holidays_of_their_participants_on_the_dashboard_and_the_cli(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services: Services = app.extensions[EXTENSION]
    services.clock = lambda: datetime(2027, 2, 20, 10, 0, tzinfo=UTC)
    with session_scope(services.db) as db:
        participant = db.get(Participant, 1)
        participant.holidays = ["eid_al_fitr", "nowruz"]
        db.add(participant)
    printed = app.test_cli_runner().invoke(args=["bot", "holidays", "--coordinator-id", "1"])
    assert printed.exit_code == 0, printed.output
    # Nowruz on 21 March 2027; Eid al-Fitr (1 Shawwal 1448, Umm al-Qura) on 9 March 2027, both computed.
    assert printed.output.splitlines() == [
        "dinsdag 9 maart 2027: Suikerfeest (Eid al-Fitr) (Amal)",
        "zondag 21 maart 2027: Nowruz (Amal)",
    ]
    shown = logged_in(app, "begeleider", 1).get("/dashboard/holidays").get_data(as_text=True)
    assert re.findall(r'<tr data-day="([\d-]+)">', shown) == ["2027-03-09", "2027-03-21"]
    nobody = app.test_cli_runner().invoke(args=["bot", "holidays", "--coordinator-id", "2"])
    assert "Geen feestdagen" in nobody.output


def test_the_end_date_starts_the_retention_clock_and_the_answers_go_with_erasure(tmp_path: Path) -> None:
    from bot import privacy

    app = centre(tmp_path)
    services: Services = app.extensions[EXTENSION]
    says(app, "меню", "6", "1", "1", "3", "Гарна команда", "0", "1", "4")
    with session_scope(services.db) as db:
        participant = db.get(Participant, 1)
        exported = privacy.export(db, participant)
        assert exported["ending"][0]["answers"]["went_well_words"]["original"] == "Гарна команда"
        # Nothing written for over a year, yet the end was recent: kept until a year after the end.
        participant.last_inbound_at = NOW.astimezone(UTC) - timedelta(days=400)
        db.add(participant)
    a_year_on = NOW + timedelta(days=360)
    assert privacy.apply_retention(services, a_year_on.astimezone(UTC))["participants_erased"] == 0
    assert privacy.apply_retention(services, (a_year_on + timedelta(days=10)).astimezone(UTC)) == {
        "messages_blanked": 0,
        "participants_erased": 1,
    }
    with session_scope(services.db) as db:
        assert privacy.is_erased(db.get(Participant, 1)) and db.exec(select(Ending)).first() is None


def test_a_lost_job_is_found_by_the_dispatcher_and_the_question_goes_once(tmp_path: Path) -> None:
    from bot import ending_dialogue
    from tests.test_appointments import dispatch_at

    app = centre(tmp_path)
    services: Services = app.extensions[EXTENSION]
    with session_scope(services.db) as db:  # ended, but the job that asks was lost (Redis went away)
        ending_dialogue.end_volunteering(services, db, db.get(Participant, 1), "term", NOW.astimezone(UTC))
    assert dispatch_at(services, NOW + timedelta(minutes=1))["endings_lost"] == 0
    assert dispatch_at(services, NOW + timedelta(minutes=3))["endings_lost"] == 1
    assert dispatch_at(services, NOW + timedelta(minutes=4))["endings_lost"] == 0
    asked = [m for m in outbound(services) if m.template == "afronden"]
    assert len(asked) == 1 and asked[0].body.startswith(text(services, "uk", "afronden.start"))


def test_without_their_template_the_question_goes_as_a_short_sms_in_their_language(tmp_path: Path) -> None:
    import io

    from bot.sms import segments
    from storage.models import Message

    app = centre(tmp_path, TWILIO_SMS_FROM="+3197010000000")
    services: Services = app.extensions[EXTENSION]
    services.channel.echo = printed = io.StringIO()
    language = "ar"
    with session_scope(services.db) as db:
        db.get(Participant, 1).language = language
    assert app.test_cli_runner().invoke(args=["bot", "end", "+31612345678", "--reason", "term"]).exit_code == 0
    with session_scope(services.db) as db:
        [asked] = db.exec(select(Message).where(Message.template == "afronden")).all()
        assert (asked.route, asked.channel) == ("sms", "sms")
    short = services.catalogs.text(language, "afronden.sms")
    assert printed.getvalue().startswith("--- sms to ") and f"\n{short}\n" in printed.getvalue()
    assert "١ نعم" in short  # their own digits
    assert all(segments(services.catalogs.text(lang, "afronden.sms"))[1] <= 2 for lang in services.catalogs.languages)


def test_ended_by_the_centre_late_in_the_evening_the_question_waits_for_the_morning(tmp_path: Path) -> None:
    from tests.test_appointments import dispatch_at

    app = centre(tmp_path)
    services: Services = app.extensions[EXTENSION]
    evening = datetime(2026, 12, 7, 22, 30, tzinfo=AMSTERDAM)
    services.clock = lambda: evening.astimezone(UTC)
    assert app.test_cli_runner().invoke(args=["bot", "end", "+31612345678", "--reason", "term"]).exit_code == 0
    assert dispatch_at(services, evening + timedelta(hours=9))["endings_lost"] == 0  # 07:30: still quiet
    assert outbound(services) == []
    assert dispatch_at(services, evening + timedelta(hours=9, minutes=30))["endings_lost"] == 1  # 08:00
    [asked] = outbound(services)
    assert asked.body.startswith(text(services, "uk", "afronden.start"))
