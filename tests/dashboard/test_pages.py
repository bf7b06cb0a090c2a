"""The pages in a real browser: moving an appointment tells the participant, the overview's numbers."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlmodel import select

from bot import appointments, escalations
from bot.i18n import format_when
from storage.db import session_scope
from storage.models import Absence, Appointment, AuditEntry, Direction, Escalation, Message, Participant, Reminder
from tests.dashboard.conftest import ANNA, CENTRE, FIRST_START, Centre, Live, login

MOVED_TO = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)  # Thursday 10:30 in Amsterdam


def test_moving_an_appointment_tells_the_participant_and_the_reminders_follow(page, live: Live, centre: Centre) -> None:
    login(page, ANNA)
    page.goto(f"/dashboard/participants/{centre.amal}")
    page.get_by_role("link", name=format_when(FIRST_START, "nl")).click()
    page.get_by_label("Datum").fill("2026-12-03")
    page.get_by_label("Begint om").fill("10:30")
    page.get_by_label("Eindigt om").fill("13:30")
    page.get_by_role("button", name="Verplaatsen").click()
    page.wait_for_load_state()
    assert "De deelnemer krijgt een bericht in de eigen taal." in page.get_by_role("status").inner_text()
    live.services.queue.join()

    with session_scope(live.services.db) as db:
        moved = db.get(Appointment, centre.amal_appointment)
        assert (moved.starts_at, moved.ends_at) == (MOVED_TO, MOVED_TO + timedelta(hours=3))
        (told,) = db.exec(select(Message).where(Message.participant_id == centre.amal)).all()
        planned = db.exec(select(Reminder).where(Reminder.appointment_id == moved.id, Reminder.status == "scheduled"))
        due = sorted(r.due_at for r in planned)
    assert told.direction == Direction.OUTBOUND and told.status == "sent"
    assert format_when(FIRST_START, "ar") in told.body and format_when(MOVED_TO, "ar") in told.body
    assert "تم تغيير موعدك" in told.body
    assert due == [datetime(2026, 12, 2, 18, 0, tzinfo=UTC), datetime(2026, 12, 3, 7, 30, tzinfo=UTC)]

    page.goto(f"/dashboard/participants/{centre.amal}")
    assert "Anna · afspraak verplaatst" in page.locator(".trail").inner_text()


def test_the_overview_counts_each_week_in_the_table_the_chart_and_the_csv(page, live: Live, centre: Centre) -> None:
    services = live.services
    now = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)  # Wednesday of the week of 7 December
    services.clock = lambda: now
    last_week = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday
    with session_scope(services.db) as db:
        made = []
        for day in range(5):
            new = appointments.NewAppointment(
                participant_id=centre.amal,
                kind="work",
                starts_at=last_week + timedelta(days=day),
                ends_at=last_week + timedelta(days=day, hours=3),
            )
            made += appointments.create(db, new, last_week - timedelta(days=10), services.settings.reminder_rules)
        kept, attended, in_time, late, missed = made
        appointments.set_status(db, attended, "attended", now)
        for appointment, too_late in ((in_time, False), (late, True)):
            appointments.set_status(db, appointment, "cancelled", now)
            db.add(
                Absence(
                    participant_id=centre.amal,
                    appointment_id=appointment.id,
                    kind="cancel",
                    too_late=too_late,
                    reported_at=appointment.starts_at - timedelta(hours=20 if not too_late else 2),
                )
            )
        appointments.set_status(db, missed, "no_show", now)
        db.add(Escalation(participant_id=centre.amal, reason="asked_for_person", flow_id="menu", created_at=last_week))
        answered = Escalation(
            participant_id=centre.oksana, reason="question", flow_id="herinnering", created_at=last_week
        )
        db.add(answered)
        db.flush()
        escalations.resolve(db, answered, "user:1", last_week + timedelta(hours=3))

    login(page, CENTRE)
    page.goto("/dashboard/overview")
    row = page.locator("tr[data-week='2026-11-30'] td")
    # Kept: two made here, and Amal's and Oksana's first appointments (1 December).
    assert row.all_inner_texts() == ["4", "1", "1", "1", "1", "1", "3.0"]
    bars = page.locator("rect[data-week='2026-11-30']")
    drawn = {bars.nth(i).get_attribute("data-series"): bars.nth(i).get_attribute("data-value") for i in range(6)}
    assert drawn == {
        "kept": "4",
        "cancelled_in_time": "1",
        "cancelled_late": "1",
        "no_shows": "1",
        "escalations_open": "1",
        "escalations_resolved": "1",
    }
    assert page.locator("tr[data-week='2026-12-07'] td").all_inner_texts() == ["0"] * 6 + ["–"]

    # One coordinator's numbers: Bram's Oksana came once and had the resolved escalation.
    page.get_by_label("Begeleider").select_option(label="Bram")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-week='2026-11-30'] td").all_inner_texts() == ["1", "0", "0", "0", "0", "1", "3.0"]

    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    download = requests.get(f"{live.url}/dashboard/overview.csv", cookies=cookies, timeout=10)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Week van", "Gekomen"]
    assert ["2026-11-30", "4", "1", "1", "1", "1", "1", "3.0"] in rows
    assert len(rows) == 9


def test_appointments_are_made_weekly_from_the_form_and_bad_input_keeps_what_was_typed(
    page, live: Live, centre: Centre
) -> None:
    login(page, ANNA)
    page.goto(f"/dashboard/appointments?participant_id={centre.amal}")
    page.get_by_label("Datum", exact=True).fill("2026-12-08")
    page.get_by_label("Plaats").fill("Buurthuis")
    page.get_by_label("Eigen regel (RRULE)").check()
    page.get_by_label("Herhaalregel (RRULE)").fill("FREQ=WEEKLY")
    page.get_by_role("button", name="Afspraak maken").click()
    assert "De herhaalregel klopt niet" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Plaats").input_value() == "Buurthuis"  # nothing typed is lost

    page.get_by_label("Elke week, een aantal weken").check()
    page.get_by_label("Aantal weken", exact=True).fill("4")
    page.get_by_role("button", name="Afspraak maken").click()
    page.wait_for_load_state()
    assert "4 afspraak/afspraken gemaakt." in page.get_by_role("status").inner_text()
    with session_scope(live.services.db) as db:
        made = db.exec(select(Appointment).where(Appointment.place_name == "Buurthuis")).all()
        starts = [a.starts_at for a in made]
        reminders = db.exec(select(Reminder).where(Reminder.appointment_id.in_([a.id for a in made]))).all()
        audited = db.exec(select(AuditEntry.action)).all()
    assert starts == [datetime(2026, 12, 8, 8, 0, tzinfo=UTC) + timedelta(weeks=n) for n in range(4)]
    # One each: the two-hours-before of a 09:00 start falls in quiet hours and would come
    # 90 minutes after the evening one, so it is dropped (issue 10).
    assert len(reminders) == 4 and audited == ["appointment.created"]


def test_the_privacy_buttons_export_everything_and_only_the_centre_erases(page, live: Live, centre: Centre) -> None:
    login(page, ANNA)
    page.goto(f"/dashboard/participants/{centre.amal}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Alles wat we van deze deelnemer bewaren (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["participant"]["name"] == "Amal" and len(exported["appointments"]) == 1
    assert page.get_by_role("button", name="Wissen").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    status = page.evaluate(
        "async ([url, token]) => (await fetch(url, {method: 'POST', body: new URLSearchParams({csrf_token: token, "
        "confirm: 'yes'})})).status",
        [f"/dashboard/participants/{centre.amal}/erase", token],
    )
    assert status == 403
    page.get_by_role("button", name="Uitloggen").click()

    login(page, CENTRE)
    page.goto(f"/dashboard/participants/{centre.amal}")
    page.get_by_role("button", name="Wissen").click()
    assert "Vink eerst aan" in page.get_by_role("status").inner_text()
    page.get_by_label("Alle gegevens van deze deelnemer wissen?").check()
    page.get_by_role("button", name="Wissen").click()
    assert "De gegevens zijn gewist" in page.get_by_role("status").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "(naam nog niet bekend)"
    trail = page.locator(".trail").inner_text()
    assert "Anna · gegevens gedownload" in trail and "Centrum · gegevens gewist" in trail
    with session_scope(live.services.db) as db:
        assert db.get(Participant, centre.amal).phone.startswith("erased:")
