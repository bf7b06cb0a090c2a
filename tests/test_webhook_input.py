"""Whatever arrives at the webhooks: a malformed request gets a 4xx and nothing is stored, on SQLite and PostgreSQL."""

import pytest
from flask import Flask
from sqlmodel import func, select

from bot.services import EXTENSION, Services
from storage.db import session_scope
from storage.models import Direction, Message, Participant
from tests.conftest import PUBLIC_BASE_URL
from tests.support.twilio import INBOUND_PATH, STATUS_PATH, inbound_form, sign

MALFORMED_INBOUND = [
    {"NumMedia": "²"},  # a digit to str.isdigit(), not to int()
    {"NumMedia": "9" * 5000},
    {"NumMedia": "11"},  # Twilio sends at most ten
    {"MediaUrl0": "file:///etc/passwd", "NumMedia": "1"},
    {"MediaContentType0": "audio/ogg\x00", "NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m"},
    {"MessageSid": "SM" + "a" * 63},  # longer than the column
    {"MessageSid": "SM\x001"},
    {"MessageSid": "   "},
    {"ButtonPayload": "b" * 257},
    {"ButtonPayload": "yes\x00"},
    {"From": "whatsapp:+3161234\x005678"},
    {"From": "whatsapp:+31612345678" * 10},
]
MALFORMED_STATUS = [
    {"MessageStatus": "delivered" * 3},
    {"MessageStatus": "lost"},
    {"MessageStatus": "delivered\x00"},
    {"ErrorCode": "²"},
    {"ErrorCode": "6" * 20},
    {"ErrorCode": "6" * 5000},
    {"MessageSid": "SMout\x00"},
    {"MessageSid": "S" * 65},
]


def count(services: Services, model: type) -> int:
    with session_scope(services.db) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def post(app: Flask, path: str, form: dict[str, str], **headers: str):
    services: Services = app.extensions[EXTENSION]
    signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + path, form)
    response = app.test_client().post(path, data=form, headers={"X-Twilio-Signature": signature, **headers})
    services.queue.join()
    return response


def test_malformed_inbound_forms_get_400_and_nothing_is_stored(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    for n, change in enumerate(MALFORMED_INBOUND):
        response = post(any_db_app, INBOUND_PATH, inbound_form(f"SMbad{n}", "hallo", **change))
        assert response.status_code == 400, change
        assert f"{next(iter(change))}: " in response.get_data(as_text=True)  # the field, named
    assert count(services, Message) == count(services, Participant) == 0


def test_malformed_status_callbacks_get_400_and_change_nothing(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    assert post(any_db_app, INBOUND_PATH, inbound_form("SM1", "hallo")).status_code == 200
    with session_scope(services.db) as db:
        reply = db.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).one()
        reply.twilio_sid = "SMout"
        db.add(reply)
    for change in MALFORMED_STATUS:
        form = {"MessageSid": "SMout", "MessageStatus": "undelivered", "ErrorCode": "63016", **change}
        assert post(any_db_app, STATUS_PATH, form).status_code == 400, change
    with session_scope(services.db) as db:
        stored = db.exec(select(Message).where(Message.twilio_sid == "SMout")).one()
        assert (stored.status, stored.error_code) == ("sent", None)
    assert count(services, Message) == 2  # no fallback was made


def test_the_largest_well_formed_values_are_stored(any_db_app: Flask) -> None:
    services: Services = any_db_app.extensions[EXTENSION]
    media = {f"MediaUrl{i}": f"https://api.twilio.com/media/ME{i}" for i in range(10)}
    media |= {f"MediaContentType{i}": "image/jpeg" for i in range(10)}
    form = inbound_form("S" * 64, "\x00" + "é" * 2000, ButtonPayload="p" * 256, NumMedia="10", **media)
    assert post(any_db_app, INBOUND_PATH, form).status_code == 200
    with session_scope(services.db) as db:
        stored = db.exec(select(Message).where(Message.direction == Direction.INBOUND)).one()
        # Stored whole (before consent the words and media are erased once handled).
        assert (stored.twilio_sid, stored.num_media) == ("S" * 64, 10)
    status = {"MessageSid": "SMunknown", "MessageStatus": "partially_delivered", "ErrorCode": "999999999"}
    assert post(any_db_app, STATUS_PATH, status).status_code == 200


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        # A part without a name: werkzeug files it under None, which the signature check cannot sort.
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; filename="x"\r\n\r\nhi\r\n--b--\r\n',
        ),
        ("application/json", b'{"MessageSid": "SM1", "From": "whatsapp:+31612345678"}'),
        ("text/plain", b"MessageSid=SM1&From=whatsapp%3A%2B31612345678"),
    ],
)
def test_anything_but_a_form_is_refused_before_the_signature_check(app: Flask, content_type: str, body: bytes) -> None:
    client = app.test_client()
    for path in (INBOUND_PATH, STATUS_PATH):
        response = client.post(path, data=body, content_type=content_type, headers={"X-Twilio-Signature": "x"})
        assert response.status_code == 415
    assert count(app.extensions[EXTENSION], Message) == 0


def test_a_huge_form_is_refused_unread(app: Flask) -> None:
    form = inbound_form("SM1", "x" * 1_000_000)
    assert post(app, INBOUND_PATH, form).status_code == 413
    assert count(app.extensions[EXTENSION], Message) == 0
