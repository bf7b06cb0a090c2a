"""Check-ins: planned at the chosen rhythm, sent once, answered in the newcomer's language,
a wish for a person reaching the begeleider, and silence noticed. SQLite and PostgreSQL."""

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlmodel import select

from bot import checkin_dispatch, checkins
from bot.own_words import kept
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Appointment, CheckIn, Escalation, Intake, Participant
from tests.conftest import PUBLIC_BASE_URL
from tests.support.twilio import INBOUND_PATH, inbound_form, sign
from tests.test_appointments import AMSTERDAM, add_appointment, add_participant, dispatch_at, outbound
from tests.test_intake import Newcomer

# A Friday; two weeks later is Christmas, then Boxing Day: the check-in waits for Sunday the 27th.
FIRST_WORK_DAY = datetime(2026, 12, 11, 13, 0, tzinfo=AMSTERDAM)
CHECKIN_DUE = datetime(2026, 12, 27, 17, 0, tzinfo=AMSTERDAM)
_SIDS = itertools.count()


def newcomer(services: Services, language: str = "uk", rhythm: str = "every_two_weeks") -> int:
    participant_id = add_participant(services, language=language, reminders=False)
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        participant.checkin_rhythm = rhythm
        db.add(participant)
    add_appointment(services, participant_id, FIRST_WORK_DAY, rrule="FREQ=WEEKLY;COUNT=8")
    return participant_id


def says(app: Flask, *texts: str) -> None:
    services: Services = app.extensions[EXTENSION]
    client = app.test_client()
    for body in texts:
        form = inbound_form(f"SMcheckin{next(_SIDS)}", body)
        signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
        assert client.post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}).status_code == 200
        services.queue.join()


def checkins_of(services: Services) -> list[CheckIn]:
    with session_scope(services.db) as db:
        return list(db.exec(select(CheckIn).order_by(CheckIn.due_at)).all())


def text(services: Services, language: str, key: str) -> str:
    return services.catalogs.text(language, key)


def test_every_two_weeks_not_good_in_ukrainian_brings_a_call_with_an_interpreter(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    newcomer(services)
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    [planned] = checkins_of(services)
    assert planned.due_at == CHECKIN_DUE.astimezone(UTC) and planned.status == "scheduled"

    assert dispatch_at(services, CHECKIN_DUE - timedelta(minutes=1))["checkins"] == 0
    assert dispatch_at(services, CHECKIN_DUE)["checkins"] == 1
    asked = outbound(services)[-1].body
    assert asked.startswith(text(services, "uk", "checkin.how")) and "3. 🙁 Погано" in asked

    says(any_db_app, "3")  # not good
    assert outbound(services)[-1].body.startswith(text(services, "uk", "checkin.person.ask"))
    says(any_db_app, "1", "3", "2")  # yes; a call; with an interpreter
    assert outbound(services)[-1].body.startswith(text(services, "uk", "checkin.person.coming"))
    with session_scope(services.db) as db:
        escalation = db.exec(select(Escalation)).one()
        participant = db.exec(select(Participant)).one()
        assert (escalation.reason, escalation.coordinator_id) == ("checkin", participant.coordinator_id)
        assert escalation.details["contact_way"] == "call" and escalation.details["with_whom"] == "interpreter"
    answered = checkins_of(services)[0]
    assert (answered.status, answered.mood) == ("answered", "not_good")
    assert answered.answers["wants_person"] is True and answered.answered_at == CHECKIN_DUE.astimezone(UTC)
    [notice] = outbound(services, to_coordinator=True)
    assert notice.body.startswith(f"Welkom, melding #{escalation.id}") and "check-in" in notice.body
    assert "telefoongesprek, met een tolk" in notice.body
    # The next one is planned two weeks on.
    assert checkins_of(services)[-1].due_at == (CHECKIN_DUE + timedelta(days=14)).astimezone(UTC)

    result = any_db_app.test_cli_runner().invoke(args=["bot", "checkins", "+31612345678"])
    assert result.exit_code == 0, result.output
    assert "elke twee weken" in result.output and "niet goed" in result.output
    assert "Wil dat iemand contact opneemt: telefoongesprek, met een tolk" in result.output


def test_two_dispatchers_racing_send_each_checkin_once(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    newcomer(services)
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    barrier, sent = threading.Barrier(2), []

    def dispatcher() -> None:
        barrier.wait()
        sent.append(checkin_dispatch.dispatch_due(services, CHECKIN_DUE.astimezone(UTC)))

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent[0] + sent[1]) == 1
    assert [c.status for c in checkins_of(services)] == ["sent", "scheduled"]  # and the next one planned


def test_two_unanswered_checkins_in_a_row_open_a_low_priority_no_contact(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    newcomer(services, language="nl")
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    dispatch_at(services, CHECKIN_DUE)
    dispatch_at(services, CHECKIN_DUE + checkins.ANSWER_WITHIN)
    with session_scope(services.db) as db:
        assert db.exec(select(Escalation)).first() is None  # one silence is no alarm
    second_due = checkins_of(services)[-1].due_at
    dispatch_at(services, second_due)
    assert dispatch_at(services, second_due + checkins.ANSWER_WITHIN)["no_contact"] == 1
    with session_scope(services.db) as db:
        escalation = db.exec(select(Escalation)).one()
        assert (escalation.reason, escalation.priority) == ("no_contact", 3)
    assert [c.status for c in checkins_of(services)][:2] == ["unanswered", "unanswered"]
    dispatch_at(services, second_due + checkins.ANSWER_WITHIN + timedelta(minutes=1))
    assert any("reageerde twee keer niet" in m.body for m in outbound(services, to_coordinator=True))


def test_own_words_that_are_not_fine_ask_whether_they_want_a_person(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    newcomer(services, language="nl")
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    dispatch_at(services, CHECKIN_DUE)
    says(app, "De collega's praten niet met mij")
    assert outbound(services)[-1].body.startswith(text(services, "nl", "checkin.person.ask"))
    says(app, "2")
    assert outbound(services)[-1].body == text(services, "nl", "checkin.person.not_now")
    answered = checkins_of(services)[0]
    assert answered.mood is None and answered.answers["words"]["original"] == "De collega's praten niet met mij"
    with session_scope(services.db) as db:
        assert db.exec(select(Escalation)).first() is None


def test_every_third_checkin_asks_about_fit_and_learning_and_good_answers_are_thanked(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    participant_id = newcomer(services, language="nl", rhythm="every_workday")
    with session_scope(services.db) as db:
        hoped = {"learn": ["dutch"], "learn_words": kept("Koken voor veel mensen.", "nl")}
        db.add(Intake(participant_id=participant_id, language="nl", answers=hoped, confirmed_at=FIRST_WORK_DAY))
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    for n in range(3):
        due = checkins_of(services)[-1].due_at
        dispatch_at(services, due)
        if n < 2:
            says(app, "1")
    assert outbound(services)[-4].body == text(services, "nl", "checkin.done")
    assert outbound(services)[-2].body == text(services, "nl", "checkin.thanks")  # after two good answers
    says(app, "1")  # good
    assert outbound(services)[-1].body.startswith(text(services, "nl", "checkin.fits"))
    says(app, "2")  # does not fit
    assert 'je hoopte te leren: "Koken voor veel mensen.". Leer je dat?' in outbound(services)[-1].body
    says(app, "1")  # learning: yes; it does not fit, so:
    assert outbound(services)[-1].body.startswith(text(services, "nl", "checkin.person.ask"))
    says(app, "2")  # no person needed now
    third = checkins_of(services)[2]
    assert third.extended and third.answers["fits"] is False and third.answers["learning"] is True


def test_a_coordinator_changes_the_rhythm(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    newcomer(services, language="nl")
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    result = app.test_cli_runner().invoke(args=["bot", "checkins", "+31612345678", "--rhythm", "every_workday"])
    assert result.exit_code == 0, result.output
    assert "na elke werkdag" in result.output
    planned = [c for c in checkins_of(services) if c.status == "scheduled"]
    # An hour after the first work afternoon (13:00-16:00) ends.
    assert [c.due_at for c in planned] == [datetime(2026, 12, 11, 17, 0, tzinfo=AMSTERDAM).astimezone(UTC)]


def test_no_checkin_after_stop_or_the_end(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    participant_id = newcomer(services, language="nl")
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        participant.stopped_at = FIRST_WORK_DAY
        db.add(participant)
    assert dispatch_at(services, CHECKIN_DUE)["checkins"] == 0
    assert [c.status for c in checkins_of(services)][0] == "skipped"


@pytest.mark.parametrize("language", ["ar", "ti"])
def test_the_checkin_question_is_in_their_language(app: Flask, language: str) -> None:
    services: Services = app.extensions[EXTENSION]
    newcomer(services, language=language)
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    dispatch_at(services, CHECKIN_DUE)
    assert outbound(services)[-1].body.startswith(text(services, language, "checkin.how"))


def test_bot_end_cancels_future_appointments_and_stops_reminders_and_checkins(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        participant = db.get(Participant, newcomer(services))
        participant.reminders = True
        db.add(participant)
    dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))
    ends_at = FIRST_WORK_DAY + timedelta(days=1)
    services.clock = lambda: ends_at.astimezone(UTC)
    result = any_db_app.test_cli_runner().invoke(args=["bot", "end", "+31612345678", "--reason", "newcomer"])
    assert result.exit_code == 0, result.output
    assert "7 toekomstige afspraken geannuleerd" in result.output  # the first of eight was yesterday
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant)).one()
        assert participant.ended_at == ends_at.astimezone(UTC) and participant.end_reason == "newcomer"
        statuses = [a.status for a in db.exec(select(Appointment).order_by(Appointment.starts_at)).all()]
        assert statuses == ["planned"] + ["cancelled"] * 7
    sent_before = len(outbound(services))
    counts = dispatch_at(services, FIRST_WORK_DAY + timedelta(days=60))
    assert (counts["reminders"], counts["checkins"], counts["checkins_planned"]) == (0, 0, 0)
    assert len(outbound(services)) == sent_before
    assert [c.status for c in checkins_of(services)] == ["skipped"]


def test_bot_end_refuses_an_unknown_reason(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bot", "end", "+31612345678", "--reason", "bored"])
    assert result.exit_code == 2 and "--reason" in result.output


def test_an_appointment_on_a_holiday_they_keep_is_flagged_when_made(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    participant_id = add_participant(services, language="ar")
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        participant.holidays = ["eid_al_fitr"]
        db.add(participant)
    result = app.test_cli_runner().invoke(
        args=[
            "bot",
            "appointment",
            "add",
            "--phone",
            "+31612345678",
            "--start",
            "2027-03-08T09:00:00+01:00",
            "--end",
            "2027-03-08T12:00:00+01:00",
            "--rrule",
            "FREQ=DAILY;COUNT=3",
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert "Let op: dinsdag 9 maart, 09:00 valt op het Suikerfeest (Eid al-Fitr)" in result.output
    assert result.output.count("Let op:") == 1


def test_the_kennismaking_sets_the_rhythm_and_the_holidays_they_keep(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    Newcomer(app).does_the_kennismaking_in_arabic()
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant)).one()
        assert participant.checkin_rhythm == "every_two_weeks"
        assert participant.holidays == ["eid_al_fitr", "eid_al_adha"]
