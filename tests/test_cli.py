"""The operator's commands: migrate, chat and dispatch."""

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import inspect

from bot.services import Services


def test_migrate_creates_the_tables(app: Flask, services: Services) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "migrate"])
    assert result.exit_code == 0, result.output
    assert {"participant", "message", "flow_session"} <= set(inspect(services.db).get_table_names())
    assert result.output == "De database is bijgewerkt.\n"  # operators read Dutch, as in every tool


def test_chat_shows_the_menu_and_welcomes_in_arabic_after_3(app: Flask, services: Services) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "chat", "--phone", "+31612345678"], input="hallo\n3\n")
    assert result.exit_code == 0, result.output
    assert services.catalogs.text("nl", "language.choose") in result.output
    assert "3. العربية" in result.output
    welcome = services.catalogs.text("ar", "welkom.welcome")
    assert result.output.split(welcome)[1].strip(" >\n").startswith(services.catalogs.text("ar", "consent.ask"))


def test_chat_can_send_a_voice_note(app: Flask, services: Services) -> None:
    result = app.test_cli_runner().invoke(
        args=["bot", "chat", "--phone", "0612345678", "--channel", "sms"], input="hoi\n/voice\n"
    )
    assert result.exit_code == 0, result.output
    # At the language menu: the choices again, to send a number.
    assert services.catalogs.text("nl", "input.voice_at_choice") in result.output


def test_chat_refuses_a_bad_phone_number(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "chat", "--phone", "hello"])
    assert result.exit_code == 2
    assert "--phone" in result.output


def test_dispatch_runs_one_tick_as_of_a_given_time(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "dispatch", "--now", "2026-12-01T08:00:00+01:00"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kennismakingsberichten: 0, bevestigingen: 0, herinneringen: 0, nieuwe pogingen: 0")
    assert "vertalingen: 0" in result.output and "_" not in result.output  # every count has its Dutch name


def test_dispatch_refuses_a_time_without_offset(app: Flask) -> None:
    for bad in ("2026-12-01T08:00:00", "tomorrow"):
        result = app.test_cli_runner().invoke(args=["bot", "dispatch", "--now", bad])
        assert result.exit_code == 2 and "--now" in result.output
        assert "geef de tijdzone mee" in result.output or "geen ISO 8601-tijd: tomorrow" in result.output


def test_the_whole_kennismaking_in_arabic_through_bot_chat(app: Flask, services: Services) -> None:
    """The issue's walk-through: 'مرحبا' is recognised, consent, kennismaking, summary, intake."""
    from string import Template

    from tests.test_intake import ARABIC, SCRIPT

    answers = [Template(line["say"]).substitute(ARABIC) for line in SCRIPT["script"]]
    lines = ["مرحبا", "1", "1", *answers]
    result = app.test_cli_runner().invoke(args=["bot", "chat", "--phone", "+31612345678"], input="\n".join(lines))
    assert result.exit_code == 0, result.output
    ar = services.catalogs
    for key in (
        "language.confirm_detected",
        "consent.ask",
        "kennismaking.name.ask",
        "kennismaking.summary.intro",
        "kennismaking.done",
    ):
        assert ar.text("ar", key) in result.output
    intake = app.test_cli_runner().invoke(args=["bot", "intake", "+31612345678"])
    assert intake.exit_code == 0
    assert ARABIC["learn_words"] in intake.output and "(nog niet vertaald)" in intake.output


def test_coordinator_add_prints_the_new_id(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "coordinator", "add", "--name", "Anna", "--phone", "0612345670"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "1\n"
    assert result.stderr.strip() == "Coördinator Anna toegevoegd met id 1."


@pytest.mark.parametrize("phone", ["12345", "+3112345", "0600000001"])
def test_coordinator_add_refuses_a_number_that_does_not_exist(app: Flask, phone: str) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "coordinator", "add", "--name", "Anna", "--phone", phone])
    assert result.exit_code == 2
    assert "--phone" in result.output and result.stdout == ""


def test_coordinator_add_answers_a_number_added_before_with_its_id(app: Flask) -> None:
    add = ["bot", "coordinator", "add", "--name", "Anna", "--phone", "0612345670"]
    assert app.test_cli_runner().invoke(args=add).exit_code == 0
    again = app.test_cli_runner().invoke(args=[*add[:4], "Anna B", "--phone", "+31 6 12345670"])
    assert again.exit_code == 2
    assert "Er is al een coördinator met dit nummer: id 1." in again.output


def test_appointment_add_with_a_weekly_rule(app: Flask, services: Services) -> None:
    from tests.test_appointments import add_participant

    add_participant(services)
    args = [
        "bot",
        "appointment",
        "add",
        "--phone",
        "+31612345678",
        "--start",
        "2027-01-05T09:00:00+01:00",
        "--end",
        "2027-01-05T12:00:00+01:00",
        "--place",
        "Kringloop",
        "--address",
        "Markt 1, Doetinchem",
        "--rrule",
        "FREQ=WEEKLY;BYDAY=TU;COUNT=8",
    ]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("8 afspraak/afspraken gemaakt: 1, 2, 3")


def test_appointment_add_refuses_bad_input_clearly(app: Flask, services: Services) -> None:
    from tests.test_appointments import add_participant

    add_participant(services)
    base = ["bot", "appointment", "add", "--phone", "+31612345678", "--end", "2027-01-05T12:00:00+01:00"]
    runner = app.test_cli_runner()
    no_offset = runner.invoke(args=[*base, "--start", "2027-01-05T09:00:00"])
    assert no_offset.exit_code == 2 and "--start" in no_offset.output
    endless = runner.invoke(args=[*base, "--start", "2027-01-05T09:00:00+01:00", "--rrule", "FREQ=WEEKLY"])
    assert endless.exit_code == 1 and "must end: give COUNT or UNTIL" in endless.output
    unknown = runner.invoke(args=[*base, "--phone", "+31699999999", "--start", "2027-01-05T09:00:00+01:00"])
    assert unknown.exit_code == 2 and "geen deelnemer met dit nummer" in unknown.output


def test_the_reminder_walk_through(app: Flask, services: Services, signed_post) -> None:
    """The issue's: reminders at the right Amsterdam times, a '2' walks through afmelden,
    the begeleider gets the Dutch notice, and no later reminder is sent."""
    from tests.test_appointments import add_participant, outbound, reply

    add_participant(services, language="ar")
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "bot",
            "appointment",
            "add",
            "--phone",
            "+31612345678",
            "--start",
            "2026-12-01T13:00:00+01:00",
            "--end",
            "2026-12-01T16:00:00+01:00",
            "--place",
            "Kringloop",
            "--address",
            "Markt 1, Doetinchem",
            "--coordinator-id",
            "1",
        ]
    )
    assert made.exit_code == 0, made.output

    def dispatch(now: str) -> str:
        return runner.invoke(args=["bot", "dispatch", "--now", now]).output

    assert "herinneringen: 0" in dispatch("2026-11-30T18:59:00+01:00")
    assert "herinneringen: 1" in dispatch("2026-11-30T19:00:00+01:00")  # the evening before
    assert "herinneringen: 1" in dispatch("2026-12-01T11:00:00+01:00")  # two hours before
    services.clock = lambda: datetime(2026, 12, 1, 10, 5, tzinfo=UTC)  # 11:05 in Amsterdam
    reply(signed_post, "2", "2", "1")  # cannot come, my child or school, right
    [notice] = outbound(services, to_coordinator=True)
    assert notice.body.startswith("Amal (+31612345678) kan niet komen: werk, dinsdag 1 december, 13:00, Kringloop.")
    assert "Reden: Mijn kind of school" in notice.body and "Let op" in notice.body  # less than 12 hours before
    assert "herinneringen: 0" in dispatch("2026-12-01T12:00:00+01:00")


def test_work_days_from_the_kennismakings_days_and_day_parts(app: Flask, services: Services) -> None:
    from zoneinfo import ZoneInfo

    from sqlmodel import select

    from storage.db import session_scope
    from storage.models import Appointment, Intake
    from tests.test_appointments import CREATED, add_participant

    participant_id = add_participant(services)
    with session_scope(services.db) as db:
        db.add(
            Intake(
                participant_id=participant_id,
                language="nl",
                confirmed_at=CREATED,
                answers={"days": ["tue", "thu"], "day_parts": ["morning", "afternoon"]},
            )
        )
    result = app.test_cli_runner().invoke(
        args=[
            "bot",
            "appointment",
            "from-intake",
            "--phone",
            "+31612345678",
            "--from",
            "2026-12-01",
            "--until",
            "2026-12-10",
            "--place",
            "Kringloop",
            "--address",
            "Markt 1, Doetinchem",
        ]
    )
    assert result.exit_code == 0, result.output
    with session_scope(services.db) as db:
        made = db.exec(select(Appointment).order_by(Appointment.starts_at)).all()
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert [a.starts_at.astimezone(amsterdam).strftime("%a %d %H:%M") for a in made] == [
        "Tue 01 09:00",
        "Tue 01 13:00",
        "Thu 03 09:00",
        "Thu 03 13:00",
        "Tue 08 09:00",
        "Tue 08 13:00",
        "Thu 10 09:00",
        "Thu 10 13:00",
    ]
    assert {a.ends_at.astimezone(amsterdam).strftime("%H:%M") for a in made} == {"12:00", "17:00"}
    assert len({a.series_id for a in made}) == 2


def test_bot_chat_takes_whatever_the_terminal_sends(app: Flask) -> None:
    # A long Tigrinya paste cut in the middle of a letter, on a terminal that writes Latin-1 only.
    pasted = ("ሰላም ከመይ ኣለኹም። " * 120).encode()[:-1]
    runner = app.test_cli_runner(charset="latin-1")
    result = runner.invoke(args=["bot", "chat", "--phone", "+31612345678"], input=b"hallo\n" + pasted + b"\n")
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    assert "\\u0627" in result.output or "\\u12" in result.output  # other scripts shown as escapes


def test_a_line_that_is_not_utf8_is_read_as_far_as_it_is() -> None:
    from bot.chat import as_typed

    cut = ("ሰላም" * 3).encode()[:-1].decode("utf-8", "surrogateescape")
    assert as_typed(cut) == "ሰላምሰላምሰላ\ufffd"
