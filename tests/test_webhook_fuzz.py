"""Arbitrary forms, signed and unsigned, at both webhooks: never a 5xx; unsigned ones store nothing.

Bounded in examples so it runs in seconds; on SQLite and PostgreSQL (which refuses NUL and over-long values).
"""

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select
from werkzeug.datastructures import MultiDict

from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Message, Participant
from tests.conftest import PUBLIC_BASE_URL
from tests.support.twilio import INBOUND_PATH, STATUS_PATH, sign

TWILIO_FIELDS = [
    "MessageSid",
    "From",
    "To",
    "Body",
    "NumMedia",
    "MediaUrl0",
    "MediaContentType0",
    "ButtonPayload",
    "MessageStatus",
    "ErrorCode",
]
# Values near the edges Twilio's fields have, beside any text at all.
EDGE_VALUES = [
    "",
    "0",
    "10",
    "11",
    "²",
    "٣",
    "9" * 30,
    "\x00",
    "SM" + "0" * 32,
    "S" * 65,
    "whatsapp:+31612345678",
    "+31612345678",
    "delivered",
    "undelivered",
    "https://api.twilio.com/media/ME1",
]
# Well-formed forms to start from, so that most examples reach past the first check.
WELL_FORMED = {
    INBOUND_PATH: {"MessageSid": "SM1", "From": "whatsapp:+31612345678", "Body": "hallo", "NumMedia": "0"},
    STATUS_PATH: {"MessageSid": "SM1", "MessageStatus": "delivered", "ErrorCode": ""},
}
values = st.one_of(st.sampled_from(EDGE_VALUES), st.text(max_size=40), st.text(min_size=1500, max_size=5000))
names = st.one_of(st.sampled_from(TWILIO_FIELDS), st.text(max_size=12))
content_types = st.sampled_from(["application/x-www-form-urlencoded"] * 3 + ["multipart/form-data"])


def stored(services: Services) -> tuple[int, int]:
    with session_scope(services.db) as db:
        return tuple(db.exec(select(func.count()).select_from(model)).one() for model in (Message, Participant))


def test_no_form_gives_a_server_error(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    client = any_db_app.test_client()

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        path=st.sampled_from([INBOUND_PATH, STATUS_PATH]),
        changes=st.dictionaries(names, values, max_size=4),
        repeated=st.lists(st.tuples(names, values), max_size=3),
        content_type=content_types,
        signed=st.booleans(),
    )
    def post_anything(
        path: str, changes: dict[str, str], repeated: list[tuple[str, str]], content_type: str, signed: bool
    ) -> None:
        fields = MultiDict({**WELL_FORMED[path], **changes})
        for name, value in repeated:
            fields.add(name, value)
        token = services.settings.webhook_token if signed else "not-the-token"
        headers = {"X-Twilio-Signature": sign(token, PUBLIC_BASE_URL + path, fields)}
        before = stored(services)
        response = client.post(path, data=fields, content_type=content_type, headers=headers)
        services.queue.join()
        assert response.status_code < 500
        if not signed or response.status_code >= 400:
            assert response.status_code >= 400
            assert stored(services) == before

    post_anything()
