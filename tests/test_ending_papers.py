"""Issue 11 as one story, and the glue between the ending dialogue and the papers: the check-ins
at the chosen rhythm, silence noticed, `bot end` in Ukrainian, and the bilingual werkafspraken and
certificaat read back in Dutch and Ukrainian; a getuigschrift asked for waits for the centre."""

import itertools
import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from bot import checkins, ending_notice
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Ending, Escalation, Intake, Participant, Reminder
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.support.services import IN_CI
from tests.support.twilio import INBOUND_PATH, inbound_form, sign
from tests.test_appointments import (
    AMSTERDAM,
    COORDINATOR_PHONE,
    add_appointment,
    add_participant,
    dispatch_at,
    outbound,
)
from tests.test_checkins import CHECKIN_DUE, FIRST_WORK_DAY, checkins_of, says
from tests.test_documents import _columns, _in_column
from tests.test_ending import logged_in

PHONE = "+31612345678"
LAST_EVENING = datetime(2027, 1, 28, 19, 0, tzinfo=AMSTERDAM)  # before the last of eight work days
PDF = "application/pdf"
_SIDS = itertools.count()


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    if shutil.which("pdftotext") is None:
        message = "pdftotext not found (Debian's poppler-utils; scripts/test.sh installs it)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    app = make_app(tmp_path)
    app.extensions[EXTENSION].channel.echo = None
    return app


def olena(services: Services) -> int:
    """Ukrainian, every two weeks, eight weekly work days from Friday 11 December, kennismaking done,
    the first appointment not yet confirmed (the dispatcher confirms it and sends the werkafspraken)."""
    participant_id = add_participant(services, language="uk", reminders=True)
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        participant.checkin_rhythm = "every_two_weeks"
        db.add(participant)
        db.add(Intake(participant_id=participant_id, language="uk", confirmed_at=FIRST_WORK_DAY, answers={}))
    add_appointment(services, participant_id, FIRST_WORK_DAY, rrule="FREQ=WEEKLY;COUNT=8", confirmed=False)
    return participant_id


def begeleider_says(app: Flask, body: str) -> None:
    services: Services = app.extensions[EXTENSION]
    form = inbound_form(f"SMbegeleider{next(_SIDS)}", body, sender=f"whatsapp:{COORDINATOR_PHONE}")
    signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
    assert app.test_client().post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}).status_code == 200
    services.queue.join()


def papers(services: Services) -> list[tuple[str, bytes]]:
    """(first line of the text, PDF) of every paper sent to the newcomer, in order."""
    pdfs = [m for m in outbound(services) if any(item["content_type"] == PDF for item in m.media)]
    directory = Path(services.settings.media_dir)
    return [(m.body.splitlines()[0], (directory / m.media[0]["stored"]).read_bytes()) for m in pdfs]


def text(services: Services, language: str, key: str) -> str:
    return services.catalogs.text(language, key)


def ending_id(services: Services) -> int:
    with session_scope(services.db) as db:
        return db.exec(select(Ending.id)).one()


def escalations(services: Services) -> list[Escalation]:
    with session_scope(services.db) as db:
        return list(db.exec(select(Escalation).order_by(Escalation.id)).all())


def test_done_when_checkins_every_two_weeks_the_ending_in_ukrainian_and_both_papers(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    olena(services)
    # The day before the first work day: the confirmation, then the werkafspraken.
    assert dispatch_at(services, FIRST_WORK_DAY - timedelta(days=1))["confirmations"] == 1
    [(said, werkafspraken)] = papers(services)
    assert said == text(services, "uk", "paper.sent.werkafspraken")

    # Two weeks after the first work day is Christmas, then Boxing Day: the check-in waits for the 27th.
    [planned] = checkins_of(services)
    assert planned.due_at == CHECKIN_DUE.astimezone(UTC)
    assert dispatch_at(services, CHECKIN_DUE)["checkins"] == 1
    assert outbound(services)[-1].body.startswith(text(services, "uk", "checkin.how"))
    says(app, "3", "1", "3", "2")  # not good; yes, a person; a call; with an interpreter
    [escalation] = escalations(services)
    with session_scope(services.db) as db:
        assert escalation.coordinator_id == db.exec(select(Participant)).one().coordinator_id  # her begeleider
    assert (escalation.reason, escalation.details["contact_way"], escalation.details["with_whom"]) == (
        "checkin",
        "call",
        "interpreter",
    )
    [notice] = outbound(services, to_coordinator=True)
    assert notice.coordinator_id == escalation.coordinator_id and "telefoongesprek, met een tolk" in notice.body
    begeleider_says(app, f"#{escalation.id} klaar")  # she called them with an interpreter

    # The next two go unanswered: a low-priority no_contact.
    for _ in range(2):
        due = checkins_of(services)[-1].due_at
        dispatch_at(services, due)
        counts = dispatch_at(services, due + checkins.ANSWER_WITHIN)
    assert counts["no_contact"] == 1
    no_contact = escalations(services)[-1]
    assert (no_contact.reason, no_contact.priority, no_contact.status) == ("no_contact", 3, "open")

    # Planned before the end: the next check-in, and a reminder the evening before the last work day.
    next_checkin = checkins_of(services)[-1]
    assert next_checkin.status == "scheduled"
    with session_scope(services.db) as db:
        reminder = db.exec(select(Reminder).where(Reminder.due_at == LAST_EVENING.astimezone(UTC))).one()
        assert reminder.status == "scheduled"

    # `bot end` on Wednesday 27 January: the ending in Ukrainian, asking for the certificate.
    ends = datetime(2027, 1, 27, 10, 0, tzinfo=AMSTERDAM)
    services.clock = lambda: ends.astimezone(UTC)
    result = app.test_cli_runner().invoke(args=["bot", "end", PHONE, "--reason", "term"])
    assert result.exit_code == 0, result.output
    assert outbound(services)[-1].body.startswith(text(services, "uk", "afronden.start"))
    says(app, "1", "1", "Добрі колеги", "Нічого", "1", "2")  # ...; yes, come back; the certificate
    assert outbound(services)[-2].body.endswith(text(services, "uk", "afronden.bye"))
    [_, (said, certificaat)] = papers(services)
    assert said == text(services, "uk", "paper.sent.certificaat")
    summary = outbound(services, to_coordinator=True)[-1].body
    assert "Wil een getuigschrift of certificaat: Een certificaat" in summary
    assert "Certificaat gevraagd: de bot stuurt het" in summary and "Getuigschrift gevraagd" not in summary

    # Reminders and check-ins stop; the summary's job run again sends nothing twice.
    sent = len(outbound(services))
    assert dispatch_at(services, LAST_EVENING)["reminders"] == 0
    later = dispatch_at(services, next_checkin.due_at)
    assert (later["checkins"], later["checkins_planned"]) == (0, 0)
    assert checkins_of(services)[-1].status == "skipped"
    assert ending_notice.notify(services, ending_id(services), services.clock()) == []
    assert len(outbound(services)) == sent

    # Both papers read back in Dutch on the left and Ukrainian on the right.
    for kind, pdf in (("werkafspraken", werkafspraken), ("certificaat", certificaat)):
        dutch, ukrainian = _columns(pdf)
        assert text(services, "nl", f"paper.{kind}.title") in dutch, kind
        assert text(services, "uk", f"paper.{kind}.title") in ukrainian, kind
    dutch, ukrainian = _columns(certificaat)
    assert _in_column(services.catalogs, dutch, "nl", "paper.certificaat.thanks")
    assert _in_column(services.catalogs, ukrainian, "uk", "paper.certificaat.thanks")


def test_a_getuigschrift_asked_for_waits_for_the_centre_in_the_summary_and_on_the_page(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    participant_id = olena(services)
    with session_scope(services.db) as db:
        coordinator_id = db.get(Participant, participant_id).coordinator_id
    services.clock = lambda: datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
    assert app.test_cli_runner().invoke(args=["bot", "end", PHONE, "--reason", "newcomer"]).exit_code == 0
    says(app, "1", "1", "-", "-", "3", "3")  # ...; maybe; both papers
    summary = outbound(services, to_coordinator=True)[-1].body
    assert PHONE not in summary  # a message leaves the building: no number in it
    assert "bot document getuigschrift TELEFOONNUMMER --out getuigschrift.pdf" in summary
    assert "Certificaat gevraagd" in summary
    assert [said for said, _ in papers(services)] == [text(services, "uk", "paper.sent.certificaat")]

    printed = app.test_cli_runner().invoke(args=["bot", "ending", PHONE]).output
    assert f"bot document details {PHONE} --role ROL --task TAAK" in printed

    page = logged_in(app, "begeleider", coordinator_id).get(f"/dashboard/participants/{participant_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("gevraagd bij het afronden") == 2
    assert f"bot document details {PHONE} --role ROL --task TAAK" in html


def test_two_jobs_racing_send_the_summary_and_the_certificaat_once(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    participant_id = olena(services)
    answered = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        participant.ended_at, participant.end_reason = answered, "term"
        answers = {"answered": True, "papers": "both", "come_back": "yes"}
        db.add(participant)
        db.add(
            Ending(
                participant_id=participant_id,
                reason="term",
                language="uk",
                started_at=answered,
                answered_at=answered,
                answers=answers,
            )
        )
    barrier, made = threading.Barrier(2), []

    def job() -> None:
        barrier.wait()
        made.append(ending_notice.notify(services, ending_id(services), answered))

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(ids) for ids in made) == [0, 2]  # one job: the summary and the certificaat
    assert [said for said, _ in papers(services)] == [text(services, "uk", "paper.sent.certificaat")]
    assert len(outbound(services, to_coordinator=True)) == 1
