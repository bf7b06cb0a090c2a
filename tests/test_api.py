"""The JSON API: bearer token, participants, appointments with their reminders, the OpenAPI document."""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from bot import api
from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Appointment, Coordinator, Message, Participant, Reminder
from tests.conftest import make_app
from tests.support.databases import fresh_database

TOKEN = "test-api-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
START = datetime(2026, 12, 1, 13, 0, tzinfo=AMSTERDAM)  # reminders: 30 Nov 19:00 and 1 Dec 11:00
EVENING_BEFORE = datetime(2026, 11, 30, 19, 0, tzinfo=AMSTERDAM)
TWO_HOURS_BEFORE = datetime(2026, 12, 1, 11, 0, tzinfo=AMSTERDAM)


def with_api(app: Flask) -> Flask:
    assert "api" in app.blueprints  # registered by create_app
    app.extensions[EXTENSION].channel.echo = None
    app.extensions[EXTENSION].clock = lambda: NOW
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = with_api(make_app(tmp_path, API_TOKEN=TOKEN))
    yield app
    app.extensions[EXTENSION].db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    with fresh_database(request.param, tmp_path) as url:
        app = with_api(make_app(tmp_path, API_TOKEN=TOKEN, DATABASE_URL=url))
        yield app
        app.extensions[EXTENSION].db.dispose()


def add_coordinator(services: Services) -> int:
    with session_scope(services.db) as db:
        coordinator = Coordinator(name="Anna", phone="+31600000001", created_at=NOW)
        db.add(coordinator)
        db.flush()
        return coordinator.id


def participant_body(**changes: Any) -> dict[str, Any]:
    return {
        "phone": "06 1234 5678",
        "language": "ar",
        "name": "Amal",
        "channel": "whatsapp",
        "reminders": True,
    } | changes


def add_participant(client: FlaskClient, **changes: Any) -> int:
    response = client.post("/api/participants", json=participant_body(**changes), headers=AUTH)
    assert response.status_code == 201, response.json
    return response.json["id"]


def appointment_body(participant_id: int, start: datetime = START, **changes: Any) -> dict[str, Any]:
    return {
        "participant_id": participant_id,
        "kind": "work",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "place_name": "Buurthuis De Linde",
        "address": "Lindelaan 1, Doetinchem",
    } | changes


def add_appointment(client: FlaskClient, participant_id: int, **changes: Any) -> list[int]:
    response = client.post("/api/appointments", json=appointment_body(participant_id, **changes), headers=AUTH)
    assert response.status_code == 201, response.json
    return response.json["ids"]


def reminders_of(services: Services, appointment_id: int) -> list[Reminder]:
    with session_scope(services.db) as db:
        statement = select(Reminder).where(Reminder.appointment_id == appointment_id).order_by(Reminder.due_at)
        return list(db.exec(statement).all())


# --- the token ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}, {"Authorization": "Bearer é"}],
)
def test_a_request_without_the_right_token_is_refused(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.post("/api/participants", json=participant_body(), headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in response.json["error"]


def test_without_api_token_the_api_refuses_everything(tmp_path: Path) -> None:
    app = with_api(make_app(tmp_path))
    client = app.test_client()
    for response in (
        client.post("/api/participants", json=participant_body(), headers=AUTH),
        client.get("/api/appointments/1", headers=AUTH),
    ):
        assert response.status_code == 401 and "API_TOKEN is not set" in response.json["error"]
    assert client.get("/api/openapi.json").status_code == 200
    app.extensions[EXTENSION].db.dispose()


# --- participants ------------------------------------------------------------------------


def test_a_participant_is_registered_in_e164_with_consent_given_now(client: FlaskClient, services: Services) -> None:
    coordinator_id = add_coordinator(services)
    participant_id = add_participant(client, coordinator_id=coordinator_id, channel="sms")
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
    assert (participant.phone, participant.language, participant.channel) == ("+31612345678", "ar", "sms")
    assert (participant.reminders, participant.coordinator_id, participant.name) == (True, coordinator_id, "Amal")
    assert participant.consent_given_at == NOW


def test_reminders_are_on_unless_the_centre_says_otherwise(client: FlaskClient, services: Services) -> None:
    body = participant_body()
    del body["reminders"]
    response = client.post("/api/participants", json=body, headers=AUTH)
    assert response.status_code == 201, response.json
    with session_scope(services.db) as db:
        assert db.get(Participant, response.json["id"]).reminders is True


def test_a_phone_already_registered_answers_409_with_its_id(client: FlaskClient) -> None:
    participant_id = add_participant(client)
    response = client.post("/api/participants", json=participant_body(phone="+31 6 12345678"), headers=AUTH)
    assert response.status_code == 409
    assert response.json == {
        "error": f"phone: already registered as participant {participant_id}",
        "field": "phone",
        "id": participant_id,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": None}, "phone", "Input should be a valid string"),
        ({"phone": "hello"}, "phone", "not a phone number"),
        ({"phone": "12345"}, "phone", "not a phone number"),
        ({"phone": "+3112345"}, "phone", "not a phone number"),
        ({"phone": "+31600000001"}, "phone", "not a phone number"),
        ({"language": "de"}, "language", "Input should be 'nl', 'en', 'ar'"),
        ({"channel": "telegram"}, "channel", "Input should be 'whatsapp' or 'sms'"),
        ({"reminders": "yes"}, "reminders", "Input should be a valid boolean"),
        ({"coordinator_id": "1"}, "coordinator_id", "Input should be a valid integer"),
        ({"coordinator_id": 99}, "coordinator_id", "no coordinator 99"),
        ({"name": "x" * 101}, "name", "String should have at most 100 characters"),
        ({"telefoon": "0612345678"}, "telefoon", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_participant_field_is_named(client: FlaskClient, changes: dict, field: str, message: str) -> None:
    response = client.post("/api/participants", json=participant_body(**changes), headers=AUTH)
    assert response.status_code == 422
    assert response.json["field"] == field
    assert response.json["error"].startswith(f"{field}: {message}")


def test_a_missing_field_is_named(client: FlaskClient) -> None:
    body = participant_body()
    del body["language"]
    response = client.post("/api/participants", json=body, headers=AUTH)
    assert (response.status_code, response.json["error"]) == (422, "language: Field required")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("{", "application/json"), ("", "application/json"), ("[1]", "application/json"), ("phone=1", None)],
)
def test_a_body_that_is_no_json_object_answers_400(client: FlaskClient, data: str, content_type: str | None) -> None:
    response = client.post("/api/participants", data=data, content_type=content_type, headers=AUTH)
    assert response.status_code == 400
    assert "JSON" in response.json["error"]


def test_logs_carry_ids_not_phone_numbers(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        participant_id = add_participant(client)
        add_appointment(client, participant_id)
    assert f"participant {participant_id}" in caplog.text
    assert "12345678" not in caplog.text and "Amal" not in caplog.text


# --- appointments ------------------------------------------------------------------------


def test_an_appointment_is_made_with_its_reminders(client: FlaskClient, services: Services) -> None:
    coordinator_id = add_coordinator(services)
    [appointment_id] = add_appointment(client, add_participant(client, coordinator_id=coordinator_id))
    assert [(r.kind, r.due_at, r.status) for r in reminders_of(services, appointment_id)] == [
        ("evening_before", EVENING_BEFORE.astimezone(UTC), "scheduled"),
        ("hours_before", TWO_HOURS_BEFORE.astimezone(UTC), "scheduled"),
    ]
    with session_scope(services.db) as db:
        appointment = db.get(Appointment, appointment_id)
    assert appointment.coordinator_id == coordinator_id  # the participant's, when none is given
    assert appointment.starts_at == START


def test_no_reminders_for_a_participant_who_said_no(client: FlaskClient, services: Services) -> None:
    [appointment_id] = add_appointment(client, add_participant(client, reminders=False))
    assert reminders_of(services, appointment_id) == []


def test_a_recurring_appointment_answers_every_occurrence(client: FlaskClient, services: Services) -> None:
    participant_id = add_participant(client)
    response = client.post(
        "/api/appointments",
        json=appointment_body(participant_id, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=8", notes="Werkschoenen mee"),
        headers=AUTH,
    )
    assert response.status_code == 201
    ids = response.json["ids"]
    assert len(ids) == 8 and response.json["id"] == ids[0]
    with session_scope(services.db) as db:
        made = [db.get(Appointment, i) for i in ids]
    assert len({a.series_id for a in made}) == 1
    # Tuesdays at 13:00 on the Amsterdam clock, before and after no change of summer time.
    assert {a.starts_at.astimezone(AMSTERDAM).strftime("%a %H:%M") for a in made} == {"Tue 13:00"}
    assert all(len(reminders_of(services, i)) == 2 for i in ids)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_at": "2026-12-01T13:00:00"}, "starts_at", "Input should have timezone info"),
        ({"starts_at": "1 december"}, "starts_at", "Input should be a valid datetime"),
        ({"starts_at": "0001-01-01T00:30:00+01:00"}, "starts_at", "must be between the years 2000 and 2100"),
        ({"ends_at": START.isoformat()}, "ends_at", "must be after starts_at"),
        ({"kind": "party"}, "kind", "Input should be 'kennismaking', 'work'"),
        ({"participant_id": 99}, "participant_id", "no participant 99"),
        ({"participant_id": 2**40}, "participant_id", "Input should be less than or equal to 2147483647"),
        ({"coordinator_id": 99}, "coordinator_id", "no coordinator 99"),
        ({"place_name": None}, "place_name", "Input should be a valid string"),
        ({"entrance_photo_url": "foto.jpg"}, "entrance_photo_url", "String should match pattern"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX;COUNT=8"}, "rrule", "not a valid RRULE"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=TU"}, "rrule", "an RRULE must end"),
        ({"rrule": "FREQ=DAILY;COUNT=500"}, "rrule", "more than 120 occurrences"),
        ({"rrule": "FREQ=MINUTELY;COUNT=3"}, "rrule", "FREQ must be one of DAILY, WEEKLY"),
        ({"rrule": "DTSTART:20200101T090000\nRRULE:FREQ=DAILY;COUNT=2"}, "rrule", "String should match pattern"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2"}, "rrule", "gives no dates"),
    ],
)
def test_a_bad_appointment_field_is_named(
    client: FlaskClient, services: Services, changes: dict, field: str, message: str
) -> None:
    body = appointment_body(add_participant(client)) | changes
    response = client.post("/api/appointments", json=body, headers=AUTH)
    assert response.status_code == 422, response.json
    assert response.json["field"] == field
    assert response.json["error"].startswith(f"{field}: {message}")
    with session_scope(services.db) as db:
        assert db.exec(select(Appointment)).first() is None


def test_an_appointment_is_shown_with_its_reminders(client: FlaskClient) -> None:
    [appointment_id] = add_appointment(client, add_participant(client), entrance_photo_url="https://x.nl/deur.jpg")
    response = client.get(f"/api/appointments/{appointment_id}", headers=AUTH)
    assert response.status_code == 200
    shown = response.json
    assert shown["starts_at"] == "2026-12-01T13:00:00+01:00" and shown["ends_at"] == "2026-12-01T16:00:00+01:00"
    assert (shown["status"], shown["series_id"], shown["kind"]) == ("planned", None, "work")
    assert shown["entrance_photo_url"] == "https://x.nl/deur.jpg"
    assert shown["reminders"] == [
        {"kind": "evening_before", "due_at": "2026-11-30T19:00:00+01:00", "status": "scheduled"},
        {"kind": "hours_before", "due_at": "2026-12-01T11:00:00+01:00", "status": "scheduled"},
    ]


@pytest.mark.parametrize("path", ["/api/appointments/99", f"/api/appointments/{2**40}", "/api/nothing"])
def test_an_unknown_appointment_answers_404_in_json(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=AUTH)
    assert response.status_code == 404 and response.json["error"]


def test_rescheduling_plans_the_reminders_anew(client: FlaskClient, services: Services) -> None:
    [appointment_id] = add_appointment(client, add_participant(client))
    later = START + timedelta(days=2)
    change = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()}
    response = client.patch(f"/api/appointments/{appointment_id}", json=change, headers=AUTH)
    assert response.status_code == 200
    assert response.json["starts_at"] == "2026-12-03T13:00:00+01:00"
    assert [r["due_at"] for r in response.json["reminders"]] == [
        "2026-12-02T19:00:00+01:00",
        "2026-12-03T11:00:00+01:00",
    ]
    assert [r.due_at.astimezone(AMSTERDAM).day for r in reminders_of(services, appointment_id)] == [2, 3]


def test_cancelling_cancels_the_reminders(client: FlaskClient, services: Services) -> None:
    [appointment_id] = add_appointment(client, add_participant(client))
    response = client.patch(f"/api/appointments/{appointment_id}", json={"status": "cancelled"}, headers=AUTH)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert {r.status for r in reminders_of(services, appointment_id)} == {"cancelled"}
    reopen = client.patch(f"/api/appointments/{appointment_id}", json={"status": "planned"}, headers=AUTH)
    assert (reopen.status_code, reopen.json["field"]) == (409, "status")


def test_moving_an_appointment_after_a_reminder_went_out_plans_new_ones(client: FlaskClient, services) -> None:
    [appointment_id] = add_appointment(client, add_participant(client))
    with session_scope(services.db) as db:
        first = reminders_of(services, appointment_id)[0]
        first.status = "sent"
        db.add(first)
    later = START + timedelta(days=2)
    change = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()}
    response = client.patch(f"/api/appointments/{appointment_id}", json=change, headers=AUTH)
    assert response.status_code == 200
    # The sent one stays as the record; the new time gets both reminders.
    assert [r.status for r in reminders_of(services, appointment_id)] == ["sent", "scheduled", "scheduled"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_at": START.isoformat()}, "ends_at"),
        ({"ends_at": START.isoformat()}, "starts_at"),
        ({"starts_at": START.isoformat(), "ends_at": START.isoformat()}, "ends_at"),
        ({"status": "gone"}, "status"),
        ({}, None),
    ],
)
def test_a_bad_change_is_refused_and_named(client: FlaskClient, change: dict, field: str | None) -> None:
    [appointment_id] = add_appointment(client, add_participant(client))
    response = client.patch(f"/api/appointments/{appointment_id}", json=change, headers=AUTH)
    assert response.status_code == 422 and response.json.get("field") == field


def test_a_change_to_an_unknown_appointment_answers_404(client: FlaskClient) -> None:
    response = client.patch("/api/appointments/7", json={"status": "cancelled"}, headers=AUTH)
    assert response.status_code == 404


# --- the OpenAPI document ----------------------------------------------------------------


def test_the_openapi_document_comes_from_the_routes_and_models(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")  # no token needed
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.json
    assert document["openapi"].startswith("3.")
    paths, schemas = document["paths"], document["components"]["schemas"]
    assert set(paths) == {
        "/api/participants",
        "/api/participants/{participant_id}",
        "/api/participants/{participant_id}/export",
        "/api/participants/{participant_id}/end",
        "/api/appointments",
        "/api/appointments/{appointment_id}",
    }
    assert set(paths["/api/appointments/{appointment_id}"]) == {"get", "patch"}
    end = paths["/api/participants/{participant_id}/end"]["post"]
    assert end["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/EndIn"}
    assert {"200", "401", "404", "409", "422"} <= set(end["responses"])
    for path, model in (("/api/participants", api.ParticipantIn), ("/api/appointments", api.AppointmentIn)):
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{model.__name__}"}
        schema = schemas[model.__name__]
        assert set(schema["properties"]) == set(model.model_fields)
        assert set(schema["required"]) == {name for name, info in model.model_fields.items() if info.is_required()}
        assert {"201", "401", "422"} <= set(paths[path]["post"]["responses"])
    assert schemas["ParticipantIn"]["properties"]["language"]["enum"][:3] == ["nl", "en", "ar"]
    assert document["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}


def test_no_generated_request_gets_a_server_error(any_db_api: Flask) -> None:
    """Schemathesis fuzzes every operation from the document, valid and invalid bodies alike: never a 5xx,
    and every answer as the document describes it; on SQLite and PostgreSQL (which refuses NUL)."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    app, client, services = any_db_api, any_db_api.test_client(), any_db_api.extensions[EXTENSION]

    add_coordinator(services)
    add_appointment(client, add_participant(client))  # so that id 1 exists and PATCH gets past the 404
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    cases = st.one_of([operation.as_strategy(generation_mode=mode) for operation in operations for mode in modes])

    # database=None: no .hypothesis folder in the work tree; deadline=None: SQLite commits vary in time.
    @settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def never_a_server_error(case: Any) -> None:
        response = case.call(headers=AUTH)
        assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text[:300])
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    never_a_server_error()


def test_the_reminder_walk_through_for_an_appointment_made_through_the_api(app: Flask, client: FlaskClient) -> None:
    """The issue's: made through the API, reminded at the right Amsterdam times, '2' walks
    through afmelden in Arabic, the begeleider gets the Dutch notice, no later reminder."""
    from bot import dispatcher
    from tests.conftest import PUBLIC_BASE_URL
    from tests.support.twilio import INBOUND_PATH, inbound_form, sign

    services = app.extensions[EXTENSION]
    coordinator_id = add_coordinator(services)
    participant_id = add_participant(client, coordinator_id=coordinator_id)
    made = client.post("/api/appointments", json=appointment_body(participant_id), headers=AUTH)
    assert made.status_code == 201

    def tick(moment: datetime) -> dict[str, int]:
        services.clock = lambda: moment.astimezone(UTC)
        counts = dispatcher.tick(services, moment.astimezone(UTC))
        services.queue.join()
        return counts

    def says(*texts: str) -> None:
        for n, body in enumerate(texts):
            form = inbound_form(f"SMwalk{n}", body, sender="whatsapp:+31612345678")
            signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
            assert client.post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}).status_code == 200
            services.queue.join()

    assert tick(NOW)["introductions"] == 1  # who writes, first; the confirmation on the next tick
    assert tick(NOW + timedelta(seconds=30))["confirmations"] == 1
    assert tick(EVENING_BEFORE - timedelta(minutes=1))["reminders"] == 0
    assert tick(EVENING_BEFORE)["reminders"] == 1
    says("2", "1", "1")  # cannot come, ill, right
    with session_scope(services.db) as db:
        to_begeleider = db.exec(select(Message).where(Message.coordinator_id == coordinator_id)).one()
        participant_messages = db.exec(select(Message).where(Message.participant_id == participant_id)).all()
    assert to_begeleider.body.startswith("Amal (+31612345678) kan niet komen: werk, dinsdag 1 december, 13:00")
    assert participant_messages[-1].body == services.catalogs.text("ar", "afmelden.done")
    assert tick(TWO_HOURS_BEFORE)["reminders"] == 0


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/participants", "name"), *(("/api/appointments", f) for f in ("place_name", "address", "notes"))],
)
def test_nul_in_a_text_is_refused_with_422_on_every_database(any_db_api: Flask, path: str, field: str) -> None:
    client, services = any_db_api.test_client(), any_db_api.extensions[EXTENSION]
    body = participant_body() if path == "/api/participants" else appointment_body(add_participant(client))
    response = client.post(path, json=body | {field: "Tulpen\x00hof"}, headers=AUTH)
    assert response.status_code == 422
    assert response.json["field"] == field
    assert response.json["errors"] == [{"field": field, "error": f"{field}: must not contain the NUL character"}]
    with session_scope(services.db) as db:
        assert db.exec(select(Appointment)).all() == []
