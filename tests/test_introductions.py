"""Someone the centre registered first hears who is writing, and is asked for consent where
the centre did not record it; only then does their first appointment's confirmation follow."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from bot.csv_import import import_command
from bot.i18n import shown_params
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Appointment, Direction, Message, Participant
from tests.conftest import make_app
from tests.test_api import AUTH, NOW, TOKEN, add_appointment, add_participant, with_api
from tests.test_appointments import dispatch_at
from tests.test_intake import Newcomer

CENTRE = "Vrijwilligerscentrale Doetinchem"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = with_api(make_app(tmp_path, API_TOKEN=TOKEN, CENTRE_NAME=CENTRE))
    yield app
    app.extensions[EXTENSION].db.dispose()


@pytest.fixture
def services(app: Flask) -> Services:
    return app.extensions[EXTENSION]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sent(services: Services) -> list[Message]:
    with session_scope(services.db) as db:
        statement = select(Message).where(Message.direction == Direction.OUTBOUND).order_by(Message.id)
        return list(db.exec(statement).all())


def text(services: Services, language: str, key: str) -> str:
    return services.catalogs.text(language, key, shown_params({"centre": CENTRE}, language))


def test_consent_through_the_centre_the_first_message_says_who_writes_then_the_confirmation(
    client: FlaskClient, services: Services
) -> None:
    add_appointment(client, add_participant(client, language="nl"))
    counts = dispatch_at(services, NOW)
    assert (counts["introductions"], counts["confirmations"]) == (1, 0)  # the confirmation waits a tick
    [first] = sent(services)
    assert first.body == text(services, "nl", "introduction.text")
    assert CENTRE in first.body and first.body.startswith("Hallo! Ik ben Welkom")
    # Outside the window (they never wrote) it can only go as its template.
    assert (first.template, first.template_params) == ("introduction", {"centre": CENTRE})

    assert dispatch_at(services, NOW + timedelta(seconds=30))["confirmations"] == 1
    assert sent(services)[1].body.startswith("Je eerste afspraak is op dinsdag 1 december, 13:00.")
    assert dispatch_at(services, NOW + timedelta(minutes=1))["introductions"] == 0  # once


def test_without_consent_the_first_message_asks_for_it_and_nothing_else_comes_before_yes(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    participant_id = add_participant(client, language="ar", consent=False)
    add_appointment(client, participant_id)
    dispatch_at(services, NOW)
    [first] = sent(services)
    assert first.body.startswith(text(services, "ar", "introduction.ask"))
    assert first.body.endswith("١. نعم\n٢. لا")
    assert first.template == "introduction_consent"
    assert dispatch_at(services, NOW + timedelta(minutes=5))["confirmations"] == 0  # no consent yet

    Newcomer(app).says("١")
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        assert participant.consent_given_at is not None and not participant.consent_via_centre
    assert sent(services)[-1].body == services.catalogs.text("ar", "consent.thanks")
    assert dispatch_at(services, NOW + timedelta(minutes=10))["confirmations"] == 1


def test_no_to_consent_keeps_the_confirmation_back(app: Flask, client: FlaskClient, services: Services) -> None:
    add_appointment(client, add_participant(client, language="nl", consent=False))
    dispatch_at(services, NOW)
    Newcomer(app).says("2")
    assert sent(services)[-1].body == services.catalogs.text("nl", "consent.refused")
    assert dispatch_at(services, NOW + timedelta(minutes=10))["confirmations"] == 0
    with session_scope(services.db) as db:
        assert db.exec(select(Appointment)).one().confirmation_sent_at is None


def test_not_in_quiet_hours(client: FlaskClient, services: Services) -> None:
    add_participant(client, language="nl")
    night = NOW.replace(hour=22)  # 23:00 in Amsterdam
    assert dispatch_at(services, night)["introductions"] == 0
    assert dispatch_at(services, night + timedelta(hours=10))["introductions"] == 1  # 09:00


def test_someone_who_wrote_first_is_not_introduced(services: Services) -> None:
    with session_scope(services.db) as db:
        wrote = {"channel": "whatsapp", "last_inbound_at": NOW, "created_at": NOW}
        db.add(Participant(phone="+31612345678", language="nl", consent_given_at=NOW, **wrote))
        db.add(Participant(phone="+31612345679", **wrote))  # no language nor consent yet
        # Not registered by the centre: a number the webhook is about to record a first message of.
        db.add(Participant(phone="+31612345670", channel="whatsapp", language="nl", created_at=NOW))
    assert dispatch_at(services, NOW)["introductions"] == 0


def test_the_csv_import_reads_consent(app: Flask, services: Services, tmp_path: Path) -> None:
    path = tmp_path / "participants.csv"
    path.write_text("phone,language,consent\n0612345678,nl,nee\n0612345679,so,ja\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(import_command, ["participants", str(path)])
    assert result.exit_code == 0, result.output
    with session_scope(services.db) as db:
        stored = db.exec(select(Participant).order_by(Participant.id)).all()
        consent = [(p.registered_by_centre, p.consent_given_at is not None, p.consent_via_centre) for p in stored]
        assert consent == [(True, False, False), (True, True, True)]
    dispatch_at(services, NOW)
    assert [m.template for m in sent(services)] == ["introduction_consent", "introduction"]


def test_the_api_documents_the_consent_field(client: FlaskClient) -> None:
    schema = client.get("/api/openapi.json").json
    found = [s for s in schema["components"]["schemas"].values() if "consent" in s.get("properties", {})]
    assert found and found[0]["properties"]["consent"]["default"] is True
    body = {"phone": "0612345678", "language": "nl", "consent": "x"}
    response = client.post("/api/participants", json=body, headers=AUTH)
    assert response.status_code == 422 and response.json["field"] == "consent"
