"""`bot import participants|appointments FILE.csv`: the API's rules, row by row, with a report."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlmodel import select

from bot.csv_import import import_command
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Appointment, Participant, Reminder
from tests.conftest import make_app
from tests.test_api import NOW, add_coordinator

BOM = "\ufeff"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    app.extensions[EXTENSION].clock = lambda: NOW
    yield app
    app.extensions[EXTENSION].db.dispose()


def run_import(app: Flask, tmp_path: Path, kind: str, text: str, encoding: str = "utf-8") -> Result:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.encode(encoding))
    return app.test_cli_runner().invoke(import_command, [kind, str(path)])


def participants(services: Services) -> list[Participant]:
    with session_scope(services.db) as db:
        return list(db.exec(select(Participant).order_by(Participant.id)).all())


def test_good_rows_are_stored_and_bad_rows_reported_by_line(app: Flask, services: Services, tmp_path: Path) -> None:
    coordinator_id = add_coordinator(services)
    text = (
        "phone,language,name,channel,reminders,coordinator_id\n"
        f"0612345678,ar,Amal,whatsapp,ja,{coordinator_id}\n"
        "+31612345679,ti,Semhar,sms,nee,\n"
        "hello,nl,Nobody,,yes,\n"
        "\n"
        "+31612345680,de,Hans,,true,\n"
        "+31 6 12345678,fa,Twice,,no,\n"
        "+31612345681,uk,Olena,,maybe,99\n"
        "+31612345682,tr,Ayşe,,1,\n"
        "+3112345,nl,Short,,yes,\n"
    )
    result = run_import(app, tmp_path, "participants", text)
    assert result.exit_code == 1, result.output
    assert "3 van 8 regels opgeslagen." in result.output
    assert "regel 4: phone: not a phone number" in result.output
    assert "regel 10: phone: not a phone number" in result.output
    assert "regel 6: language: Input should be 'nl', 'en', 'ar'" in result.output
    assert "regel 7: phone: already registered as participant 1" in result.output
    assert "regel 8: reminders: Input should be a valid boolean" in result.output
    stored = participants(services)
    assert [(p.phone, p.language, p.channel, p.reminders) for p in stored] == [
        ("+31612345678", "ar", "whatsapp", True),
        ("+31612345679", "ti", "sms", False),
        ("+31612345682", "tr", "whatsapp", True),
    ]
    assert stored[0].coordinator_id == coordinator_id and stored[0].consent_given_at == NOW


def test_a_bom_and_semicolons_as_excel_writes_them(app: Flask, services: Services, tmp_path: Path) -> None:
    text = BOM + "Phone;Language;Name;Reminders\r\n0612345678;ar;Amal, de oudste;Ja\r\n0612345679;so;Hodan;NEE\r\n"
    result = run_import(app, tmp_path, "participants", text)
    assert result.exit_code == 0, result.output
    assert "2 van 2 regels opgeslagen." in result.output
    assert [(p.name, p.reminders) for p in participants(services)] == [("Amal, de oudste", True), ("Hodan", False)]


def test_appointments_with_a_quoted_rrule_get_their_reminders(app: Flask, services: Services, tmp_path: Path) -> None:
    run_import(app, tmp_path, "participants", "phone;language;reminders\n0612345678;nl;ja\n")
    text = (
        "participant_id;kind;starts_at;ends_at;place_name;address;rrule;notes\n"
        '1;work;2026-12-01T13:00:00+01:00;2026-12-01T16:00:00+01:00;De Linde;"Lindelaan 1, Doetinchem";'
        '"FREQ=WEEKLY;BYDAY=TU;COUNT=4";"Werkschoenen mee,\nen een lunch"\n'
        "1;work;2026-12-02T13:00:00;2026-12-02T16:00:00+01:00;De Linde;Lindelaan 1;;\n"
        "2;work;2026-12-02T13:00:00+01:00;2026-12-02T16:00:00+01:00;De Linde;Lindelaan 1;;\n"
        "1;work;2026-12-03T13:00:00+01:00;2026-12-03T12:00:00+01:00;De Linde;Lindelaan 1;;;too many\n"
        "1;consulent;2026-12-04T10:00:00+01:00;2026-12-04T11:00:00+01:00;Gemeente;Markt 1;;\n"
    )
    result = run_import(app, tmp_path, "appointments", text)
    assert result.exit_code == 1, result.output
    assert "3 van 5 regels opgeslagen (6 afspraken)." in result.output
    # The quoted note spans lines 2 and 3: the next row is line 4, whose time without offset is Amsterdam time.
    assert "regel 4:" not in result.output
    assert "regel 5: participant_id: no participant 2" in result.output
    assert "regel 6: 1 cel(len) meer dan de kopregel kolommen heeft" in result.output
    with session_scope(services.db) as db:
        made = db.exec(select(Appointment).order_by(Appointment.starts_at)).all()
        assert sorted(a.kind for a in made) == ["consulent"] + ["work"] * 5
        assert made[0].notes == "Werkschoenen mee,\nen een lunch" and made[0].address == "Lindelaan 1, Doetinchem"
        assert len(db.exec(select(Reminder)).all()) == 12


def test_appointments_by_phone_in_local_time_with_a_warning_for_the_past(
    app: Flask, services: Services, tmp_path: Path
) -> None:
    run_import(app, tmp_path, "participants", "phone;language\n0612345678;nl\n")
    text = (
        "phone;kind;starts_at;ends_at;place_name;address\n"
        "06 1234 5678;work;2026-12-01T13:00:00;2026-12-01T16:00;De Linde;Lindelaan 1\n"
        "+31612345678;work;2026-01-05T13:00:00;2026-01-05T16:00:00;De Linde;Lindelaan 1\n"
        "+31611111111;work;2026-12-01T13:00:00;2026-12-01T16:00:00;De Linde;Lindelaan 1\n"
    )
    result = run_import(app, tmp_path, "appointments", text)
    assert "2 van 3 regels opgeslagen (2 afspraken)." in result.output
    assert "regel 3: let op: starts_at: ligt in het verleden" in result.output
    assert "regel 4: phone: geen deelnemer met dit nummer" in result.output
    with session_scope(services.db) as db:
        made = db.exec(select(Appointment).order_by(Appointment.starts_at.desc())).first()
    assert made.starts_at.astimezone(UTC) == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 13:00 in Amsterdam


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("phone,language,reminders,telefoon", "onbekende kolom(men): telefoon"),
        ("phone,name", "ontbrekende kolom(men): language"),
        ("", "geen kopregel"),
    ],
)
def test_a_wrong_header_stops_before_any_row(
    app: Flask, services: Services, tmp_path: Path, header: str, message: str
) -> None:
    result = run_import(app, tmp_path, "participants", f"{header}\n0612345678,nl,ja,x\n")
    assert result.exit_code == 1 and message in result.output
    assert participants(services) == []


def test_a_file_that_is_not_utf8_is_refused_with_advice(app: Flask, tmp_path: Path) -> None:
    result = run_import(
        app, tmp_path, "participants", "phone;language;name;reminders\n0612345678;tr;Zoë;ja\n", "cp1252"
    )
    assert result.exit_code == 1 and "sla het op als 'CSV UTF-8'" in result.output
