"""The operator's commands: migrate, chat and dispatch."""

from flask import Flask
from sqlalchemy import inspect

from bot.services import Services


def test_migrate_creates_the_tables(app: Flask, services: Services) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "migrate"])
    assert result.exit_code == 0, result.output
    assert {"participant", "message", "flow_session"} <= set(inspect(services.db).get_table_names())


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
    assert services.catalogs.text("nl", "input.media_not_supported") in result.output


def test_chat_refuses_a_bad_phone_number(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "chat", "--phone", "hello"])
    assert result.exit_code == 2
    assert "--phone" in result.output


def test_dispatch_runs_one_tick_as_of_a_given_time(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "dispatch", "--now", "2026-12-01T08:00:00+01:00"])
    assert result.exit_code == 0, result.output
    assert "reminders: 0, retries: 0, unsent: 0, stale_inbound: 0, translations: 0" in result.output


def test_dispatch_refuses_a_time_without_offset(app: Flask) -> None:
    for bad in ("2026-12-01T08:00:00", "tomorrow"):
        result = app.test_cli_runner().invoke(args=["bot", "dispatch", "--now", bad])
        assert result.exit_code == 2 and "--now" in result.output


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
