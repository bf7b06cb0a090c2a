"""Appointments, reminders that go out once at the right Amsterdam time, and afmelden."""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlmodel import select

from bot import appointments, dispatcher
from bot.i18n import to_native_digits
from bot.services import Services
from storage.db import session_scope
from storage.models import (
    Absence,
    Appointment,
    Coordinator,
    Direction,
    Escalation,
    Message,
    Participant,
    Reminder,
)
from tests.support.twilio import INBOUND_PATH, inbound_form

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CREATED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
START = datetime(2026, 12, 1, 13, 0, tzinfo=AMSTERDAM)  # evening before: 30 Nov 19:00; then 1 Dec 11:00
EVENING_BEFORE = datetime(2026, 11, 30, 19, 0, tzinfo=AMSTERDAM)
TWO_HOURS_BEFORE = datetime(2026, 12, 1, 11, 0, tzinfo=AMSTERDAM)
COORDINATOR_PHONE = "+31600000001"


def add_participant(
    services: Services, language: str = "nl", reminders: bool = True, phone="+31612345678", channel="whatsapp"
) -> int:
    with session_scope(services.db) as db:
        coordinator = Coordinator(name="Anna", phone=COORDINATOR_PHONE, channel="whatsapp", created_at=CREATED)
        db.add(coordinator)
        db.flush()
        participant = Participant(
            phone=phone,
            channel=channel,
            language=language,
            name="Amal",
            reminders=reminders,
            consent_given_at=CREATED,
            coordinator_id=coordinator.id,
            created_at=CREATED,
        )
        db.add(participant)
        db.flush()
        return participant.id


def add_appointment(
    services: Services,
    participant_id: int,
    start: datetime = START,
    rrule=None,
    confirmed: bool = True,
    photo: str | None = None,
) -> list[int]:
    """Appointments made; `confirmed` as if the first-appointment confirmation went out already."""
    new = appointments.NewAppointment(
        participant_id=participant_id,
        kind="work",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place_name="Buurthuis De Linde",
        address="Lindelaan 1, Doetinchem",
        rrule=rrule,
        entrance_photo_url=photo,
    )
    with session_scope(services.db) as db:
        made = appointments.create(db, new, CREATED, services.settings.reminder_rules)
        for appointment in made:
            appointment.confirmation_sent_at = CREATED if confirmed else None
            db.add(appointment)
        return [a.id for a in made]


def reminders_of(services: Services, appointment_id: int) -> list[Reminder]:
    with session_scope(services.db) as db:
        statement = select(Reminder).where(Reminder.appointment_id == appointment_id).order_by(Reminder.due_at)
        return list(db.exec(statement).all())


def outbound(services: Services, to_coordinator: bool = False) -> list[Message]:
    with session_scope(services.db) as db:
        statement = select(Message).where(Message.direction == Direction.OUTBOUND).order_by(Message.id)
        column = Message.coordinator_id if to_coordinator else Message.participant_id
        return list(db.exec(statement.where(column.is_not(None))).all())


def dispatch_at(services: Services, moment: datetime) -> dict[str, int]:
    """A dispatcher tick at `moment`; the jobs it starts see the same time."""
    services.clock = lambda: moment.astimezone(UTC)
    counts = dispatcher.tick(services, moment.astimezone(UTC))
    services.queue.join()
    return counts


def text(services: Services, language: str, key: str) -> str:
    return services.catalogs.text(language, key)


def test_an_appointment_gets_its_reminders_at_amsterdam_times(services: Services) -> None:
    [appointment_id] = add_appointment(services, add_participant(services))
    assert [(r.kind, r.due_at) for r in reminders_of(services, appointment_id)] == [
        ("evening_before", EVENING_BEFORE.astimezone(UTC)),
        ("hours_before", TWO_HOURS_BEFORE.astimezone(UTC)),
    ]


def test_no_reminders_for_someone_who_said_no(services: Services) -> None:
    [appointment_id] = add_appointment(services, add_participant(services, reminders=False))
    assert reminders_of(services, appointment_id) == []


def test_a_recurring_work_morning_is_stored_as_its_occurrences(services: Services) -> None:
    ids = add_appointment(services, add_participant(services), rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=8")
    with session_scope(services.db) as db:
        made = [db.get(Appointment, i) for i in ids]
        assert len(made) == 8 and len({a.series_id for a in made}) == 1
        assert {a.starts_at.astimezone(AMSTERDAM).strftime("%a %H:%M") for a in made} == {"Tue 13:00"}
    assert all(len(reminders_of(services, i)) == 2 for i in ids)


def test_the_reminder_goes_out_once_with_route_and_reply_options(services: Services) -> None:
    [appointment_id] = add_appointment(services, add_participant(services, language="ar"))
    assert dispatch_at(services, EVENING_BEFORE - timedelta(minutes=1))["reminders"] == 0
    assert dispatch_at(services, EVENING_BEFORE)["reminders"] == 1
    assert dispatch_at(services, EVENING_BEFORE + timedelta(minutes=1))["reminders"] == 0
    [message] = outbound(services)
    assert message.status == "sent"
    assert "Lindelaan+1%2C+Doetinchem" in message.body and "\u2068Buurthuis De Linde\u2069" in message.body
    assert (
        "الاثنين ٣٠ تشرين الثاني (نوفمبر)، ١٩:٠٠" not in message.body
    )  # the appointment's time is shown, not the reminder's
    assert "١٣:٠٠" in message.body
    options = [
        text(services, "ar", k)
        for k in ("reminder.coming", "reminder.cannot_come", "reminder.late", "reminder.question")
    ]
    assert message.body.endswith(
        "\n".join(f"{to_native_digits(str(n), 'ar')}. {o}" for n, o in enumerate(options, start=1))
    )
    first, second = reminders_of(services, appointment_id)
    assert (first.status, first.message_id, second.status) == ("sent", message.id, "scheduled")


_SIDS = itertools.count()


def reply(signed_post, *texts: str) -> None:
    for body in texts:
        signed_post(INBOUND_PATH, inbound_form(f"SMreply{next(_SIDS)}", body))


def test_answering_1_confirms_the_appointment(services: Services, signed_post) -> None:
    [appointment_id] = add_appointment(services, add_participant(services))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "1")
    with session_scope(services.db) as db:
        assert db.get(Appointment, appointment_id).status == "confirmed"
    assert outbound(services)[-1].body == text(services, "nl", "reminder.see_you")


@pytest.mark.parametrize(
    ("language", "answers"), [("nl", ["2", "1", "1"]), ("ar", ["2", "1", "1"]), ("ti", ["2", "1", "1"])]
)
def test_answering_2_walks_through_afmelden_and_tells_the_begeleider(
    services: Services, signed_post, language: str, answers: list[str]
) -> None:
    [appointment_id] = add_appointment(services, add_participant(services, language=language))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, answers[0])
    assert outbound(services)[-1].body.startswith(text(services, language, "afmelden.reason.ask"))
    reply(signed_post, answers[1])  # sick
    assert text(services, language, "summary.is_this_right") in outbound(services)[-1].body
    reply(signed_post, answers[2])  # confirmed
    assert outbound(services)[-1].body == text(services, language, "afmelden.done")
    with session_scope(services.db) as db:
        assert db.get(Appointment, appointment_id).status == "cancelled"
        absence = db.exec(select(Absence)).one()
        assert (absence.kind, absence.reason, absence.too_late) == ("cancel", "sick", False)
    [notice] = outbound(services, to_coordinator=True)
    assert notice.body.startswith("Amal (+31612345678) kan niet komen: werk, dinsdag 1 december, 13:00")
    assert "Reden: Ik ben ziek" in notice.body and notice.status == "sent"
    assert [r.status for r in reminders_of(services, appointment_id)] == ["sent", "cancelled"]
    assert dispatch_at(services, TWO_HOURS_BEFORE)["reminders"] == 0


def test_answering_3_reports_lateness(services: Services, signed_post) -> None:
    [appointment_id] = add_appointment(services, add_participant(services))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "3", "2", "1")  # late, 30 minutes, right
    with session_scope(services.db) as db:
        assert db.get(Appointment, appointment_id).status == "late"
        assert db.exec(select(Absence)).one().minutes_late == 30
    assert "Hoeveel later: 30 minuten" in outbound(services, to_coordinator=True)[0].body


def test_not_feeling_like_it_gets_a_kind_word_and_is_still_recorded(services: Services, signed_post) -> None:
    add_appointment(services, add_participant(services))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "2", "5")
    assert outbound(services)[-1].body.startswith(text(services, "nl", "afmelden.why_it_matters"))
    reply(signed_post, "1")
    with session_scope(services.db) as db:
        assert db.exec(select(Absence)).one().reason == "no_zin"


def test_a_late_appointment_can_still_be_cancelled(services: Services, signed_post) -> None:
    [appointment_id] = add_appointment(services, add_participant(services))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "3", "2", "1")  # late, 30 minutes, right
    reply(signed_post, "afmelden", "1", "1", "1")  # cannot come after all, sick, right
    with session_scope(services.db) as db:
        assert db.get(Appointment, appointment_id).status == "cancelled"
    assert outbound(services)[-1].body == text(services, "nl", "afmelden.done")


def test_another_reason_in_own_words_gets_thanks_not_the_explanation(services: Services, signed_post) -> None:
    add_appointment(services, add_participant(services))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "2", "6", "Ik heb een afspraak bij de IND")
    bodies = [message.body for message in outbound(services)]
    assert not any(text(services, "nl", "afmelden.why_it_matters") in body for body in bodies)
    assert text(services, "nl", "summary.is_this_right") in bodies[-1]
    reply(signed_post, "1")
    assert outbound(services)[-1].body == text(services, "nl", "afmelden.done")


def test_own_words_reach_the_begeleider_beside_the_translation(services: Services, signed_post) -> None:
    add_appointment(services, add_participant(services, language="ar"))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "2", "6", "ابني مريض", "1")
    notice = outbound(services, to_coordinator=True)[0].body
    assert "(nog niet vertaald)" in notice and "Eigen woorden (Arabisch): \u2068ابني مريض\u2069" in notice


@pytest.mark.parametrize(("language", "word"), [("nl", "afmelden"), ("ar", "إلغاء الموعد"), ("ti", "ሰርዝ")])
def test_the_word_afmelden_asks_which_appointment(services: Services, signed_post, language: str, word: str) -> None:
    participant_id = add_participant(services, language=language)
    first = add_appointment(services, participant_id)[0]
    second = add_appointment(services, participant_id, START + timedelta(days=7))[0]
    reply(signed_post, word)
    body = outbound(services)[-1].body
    assert body.startswith(text(services, language, "afmelden.which"))
    assert "Buurthuis De Linde" in body.split("\n")[-2] and body.split("\n")[-1].startswith(
        to_native_digits("2", language) + ". "
    )
    reply(signed_post, "2", "1", "3", "1")  # the second, cannot come, appointment elsewhere, right
    with session_scope(services.db) as db:
        assert db.get(Appointment, first).status == "planned"
        assert db.get(Appointment, second).status == "cancelled"
    assert outbound(services)[-1].body == text(services, language, "afmelden.done")


@pytest.mark.parametrize(("hours_before", "too_late"), [(3, True), (13, False)])
def test_a_cancellation_shortly_before_the_start_is_too_late(
    services: Services, signed_post, hours_before: int, too_late: bool
) -> None:
    add_appointment(services, add_participant(services))
    services.clock = lambda: (START - timedelta(hours=hours_before)).astimezone(UTC)
    reply(signed_post, "afmelden", "1", "1", "1")  # cannot come, sick, right
    with session_scope(services.db) as db:
        assert db.exec(select(Absence)).one().too_late is too_late
    assert ("Let op: minder dan 12 uur van tevoren afgemeld." in outbound(services, True)[0].body) is too_late


def test_three_cancellations_in_four_weeks_open_an_escalation(services: Services, signed_post) -> None:
    participant_id = add_participant(services)
    for week in range(3):
        add_appointment(services, participant_id, START + timedelta(days=7 * week))
    for _ in range(3):
        reply(signed_post, "afmelden", "1", "1", "1", "1")
    with session_scope(services.db) as db:
        assert len(db.exec(select(Absence)).all()) == 3
        [escalation] = db.exec(select(Escalation).where(Escalation.reason == "absences")).all()
        assert escalation.details == {"count": 3}


def test_a_question_goes_to_the_begeleider(services: Services, signed_post) -> None:
    add_appointment(services, add_participant(services))
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "4", "Moet ik werkschoenen meenemen?")
    assert outbound(services)[-1].body == text(services, "nl", "reminder.question.sent")
    [notice] = outbound(services, to_coordinator=True)
    # An escalation like every call for help: its reference, the appointment, the words, how to answer.
    lines = notice.body.split("\n")
    assert lines[0] == "Welkom, melding #1: Amal heeft een vraag. Taal: Nederlands."
    assert lines[1] == "Over: werk, dinsdag 1 december, 13:00, Buurthuis De Linde."
    assert "- Moet ik werkschoenen meenemen?" in lines
    assert lines[-1].startswith("Antwoord met #1 en je tekst")


def test_cancelling_or_rescheduling_changes_the_reminders(services: Services) -> None:
    [appointment_id] = add_appointment(services, add_participant(services))
    with session_scope(services.db) as db:
        appointment = db.get(Appointment, appointment_id)
        later = START + timedelta(days=2)
        appointments.reschedule(
            db, appointment, later, later + timedelta(hours=3), CREATED, services.settings.reminder_rules
        )
    assert [r.due_at.astimezone(AMSTERDAM).day for r in reminders_of(services, appointment_id)] == [2, 3]
    with session_scope(services.db) as db:
        appointments.set_status(db, db.get(Appointment, appointment_id), "cancelled", CREATED)
    assert {r.status for r in reminders_of(services, appointment_id)} == {"cancelled"}


def test_a_reminder_waits_for_no_one_who_said_stop(services: Services, signed_post) -> None:
    [appointment_id] = add_appointment(services, add_participant(services))
    reply(signed_post, "stop")
    dispatch_at(services, EVENING_BEFORE)
    assert reminders_of(services, appointment_id)[0].status == "skipped"


def test_a_reminder_during_the_kennismaking_comes_back_to_the_question(app: Flask, services, signed_post) -> None:
    participant_id = add_participant(services)
    reply(signed_post, "menu", "1")  # start the kennismaking
    assert outbound(services)[-1].body.endswith(text(services, "nl", "kennismaking.name.ask"))
    add_appointment(services, participant_id)
    dispatch_at(services, EVENING_BEFORE)
    reply(signed_post, "1")
    assert outbound(services)[-1].body.startswith(text(services, "nl", "reminder.see_you"))
    assert outbound(services)[-1].body.endswith(text(services, "nl", "kennismaking.name.ask"))


def test_the_first_appointment_is_confirmed_once_with_route_photo_and_trusted_person(services: Services) -> None:
    participant_id = add_participant(services, language="ar")
    photo = "https://example.org/entrance.jpg"
    first = add_appointment(services, participant_id, confirmed=False, photo=photo)[0]
    add_appointment(services, participant_id, START + timedelta(days=7), confirmed=False)
    assert dispatch_at(services, CREATED + timedelta(minutes=1))["confirmations"] == 1
    assert dispatch_at(services, CREATED + timedelta(minutes=2))["confirmations"] == 0
    [message] = outbound(services)
    assert message.body.startswith(text(services, "ar", "confirmation.text").split("{when}")[0])
    assert "١٣:٠٠" in message.body and "Lindelaan+1%2C+Doetinchem" in message.body
    assert message.media == [{"url": photo}] and message.status == "sent"
    with session_scope(services.db) as db:
        assert db.get(Appointment, first).confirmation_sent_at is not None


def test_no_confirmation_before_consent(services: Services) -> None:
    participant_id = add_participant(services)
    with session_scope(services.db) as db:
        db.get(Participant, participant_id).consent_given_at = None
    add_appointment(services, participant_id, confirmed=False)
    assert dispatch_at(services, CREATED)["confirmations"] == 0


def test_a_reminder_found_only_after_the_start_is_skipped(services: Services) -> None:
    [appointment_id] = add_appointment(services, add_participant(services))
    assert dispatch_at(services, START + timedelta(minutes=5))["reminders"] == 0
    assert {r.status for r in reminders_of(services, appointment_id)} == {"skipped"}
