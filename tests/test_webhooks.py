"""The Twilio webhooks through Flask's test client, signed with Twilio's own validator."""

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlmodel import select

from bot.i18n import SUPPORTED_LANGUAGES
from bot.services import Services
from storage import queries
from storage.db import session_scope
from storage.models import Direction, FlowRun, Message, Participant
from tests.conftest import PUBLIC_BASE_URL
from tests.support.twilio import INBOUND_PATH, STATUS_PATH, inbound_form, sign


def messages(services: Services, direction: str | None = None) -> list[Message]:
    with session_scope(services.db) as db:
        statement = select(Message).order_by(Message.id)
        if direction:
            statement = statement.where(Message.direction == direction)
        return list(db.exec(statement).all())


def replies(services: Services) -> list[str]:
    return [m.body for m in messages(services, Direction.OUTBOUND)]


def text(services: Services, language: str, key: str) -> str:
    return services.catalogs.text(language, key)


def test_a_new_number_gets_the_language_menu(signed_post, services: Services) -> None:
    response = signed_post(INBOUND_PATH, inbound_form("SM1", "hallo"))
    assert response.status_code == 200
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.get_data(as_text=True) == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    [menu] = replies(services)
    assert menu.startswith(text(services, "nl", "language.choose"))
    assert text(services, "en", "language.choose") in menu
    names = [text(services, lang, "language.self_name") for lang in SUPPORTED_LANGUAGES]
    assert menu.endswith("\n".join(f"{n}. {name}" for n, name in enumerate(names, start=1)))


def test_choosing_3_welcomes_in_arabic_and_remembers_it(signed_post, services: Services) -> None:
    signed_post(INBOUND_PATH, inbound_form("SM1", "hallo"))
    signed_post(INBOUND_PATH, inbound_form("SM2", "3"))
    assert replies(services)[-1] == "\n\n".join(
        [
            text(services, "ar", "welkom.welcome"),
            text(services, "ar", "consent.ask"),
            "١. " + text(services, "ar", "common.yes") + "\n٢. " + text(services, "ar", "common.no"),
        ]
    )
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant)).one()
        assert (participant.phone, participant.channel, participant.language) == ("+31612345678", "whatsapp", "ar")
        assert participant.consent_given_at is None  # asked, not yet given
        assert db.exec(select(FlowRun)).one().state["step_id"] == "consent"
    assert all(m.status == "sent" for m in messages(services, Direction.OUTBOUND))
    assert all(m.processed_at is not None for m in messages(services, Direction.INBOUND))


def test_sms_senders_are_answered_by_sms(signed_post, services: Services) -> None:
    signed_post(INBOUND_PATH, inbound_form("SM1", "hi", sender="+31612345678"))
    [reply] = messages(services, Direction.OUTBOUND)
    assert reply.channel == "sms"


def test_a_forged_signature_gets_403_and_nothing_is_stored(client: FlaskClient, services: Services) -> None:
    form = inbound_form("SM1", "hallo")
    forged = sign("not-the-token", PUBLIC_BASE_URL + INBOUND_PATH, form)
    assert client.post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert client.post(INBOUND_PATH, data=form).status_code == 403
    tampered = sign(services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
    response = client.post(INBOUND_PATH, data={**form, "Body": "changed"}, headers={"X-Twilio-Signature": tampered})
    assert response.status_code == 403
    assert messages(services) == []


def test_a_signature_for_another_url_is_refused(client: FlaskClient, services: Services) -> None:
    form = inbound_form("SM1", "hallo")
    elsewhere = sign(services.settings.webhook_token, "https://elsewhere.example.org" + INBOUND_PATH, form)
    assert client.post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": elsewhere}).status_code == 403


def test_missing_from_or_sid_gets_400(signed_post, services: Services) -> None:
    without_from = {k: v for k, v in inbound_form("SM1", "hi").items() if k != "From"}
    without_sid = {k: v for k, v in inbound_form("SM1", "hi").items() if k != "MessageSid"}
    assert signed_post(INBOUND_PATH, without_from).status_code == 400
    assert signed_post(INBOUND_PATH, without_sid).status_code == 400
    assert signed_post(INBOUND_PATH, inbound_form("SM1", "hi", sender="whatsapp:hello")).status_code == 400
    assert messages(services) == []


def test_a_repeated_message_sid_is_handled_once(signed_post, services: Services) -> None:
    for _ in range(3):
        assert signed_post(INBOUND_PATH, inbound_form("SM1", "hallo")).status_code == 200
    assert len(messages(services, Direction.INBOUND)) == 1
    assert len(replies(services)) == 1


def test_a_voice_note_is_stored_and_answered_in_the_participants_language(signed_post, services: Services) -> None:
    signed_post(INBOUND_PATH, inbound_form("SM1", "hallo"))
    signed_post(INBOUND_PATH, inbound_form("SM2", "3"))
    signed_post(
        INBOUND_PATH,
        inbound_form(
            "SM3", "", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1", MediaContentType0="audio/ogg"
        ),
    )
    voice = messages(services, Direction.INBOUND)[-1]
    assert voice.num_media == 1  # how many were sent is kept; before consent, not the media itself
    assert voice.media == []
    # The consent question waits for a choice: the choices again, to tap or send.
    assert replies(services)[-1].startswith(text(services, "ar", "input.voice_at_choice"))
    assert text(services, "ar", "consent.ask") in replies(services)[-1]


def test_a_voice_note_at_the_menu_says_so_and_offers_the_choices_again(signed_post, services: Services) -> None:
    signed_post(INBOUND_PATH, inbound_form("SM1", "hallo"))
    signed_post(
        INBOUND_PATH,
        inbound_form(
            "SM2", "", NumMedia="1", MediaContentType0="audio/ogg", MediaUrl0="https://api.twilio.com/media/ME1"
        ),
    )
    reply = replies(services)[-1]
    assert reply.startswith(text(services, "nl", "input.voice_at_choice"))
    assert text(services, "en", "input.voice_at_choice") in reply
    assert reply.endswith("9. " + text(services, "tr", "language.self_name"))


def test_odd_bodies_are_stored_intact_and_get_a_sensible_reply(signed_post, services: Services) -> None:
    for n, body in enumerate(["hallo", "1", "ja", "Amal"]):  # Dutch, consent, a name
        signed_post(INBOUND_PATH, inbound_form(f"SMstart{n}", body))
    odd = ["x" * 5000, "👋🏽😀", "\u200f\u202bمرحبا\u202c\u200f", "\x07\x1b[2J\r\n\t", "\x00nul"]
    for n, body in enumerate(odd):
        assert signed_post(INBOUND_PATH, inbound_form(f"SM{n}", body)).status_code == 200
    stored = [m.body for m in messages(services, Direction.INBOUND)][-5:]
    assert stored[0] == "x" * 1600  # cut to Twilio's own limit for one message
    assert stored[1:4] == odd[1:4]
    assert stored[4] == "\ufffdnul"  # NUL is the one character a database text column cannot hold
    # Each is an answer to the optional country question or a question after it; none crashes.
    assert len(replies(services)) == 4 + len(odd)


def test_without_consent_what_they_wrote_is_not_kept(signed_post, services: Services) -> None:
    for n, body in enumerate(["hallo", "3", "لا أريد", "2"]):
        signed_post(INBOUND_PATH, inbound_form(f"SM{n}", body))
    assert [m.body for m in messages(services, Direction.INBOUND)] == ["", "", "", ""]
    assert len(replies(services)) == 4
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant)).one()
        assert participant.language == "ar" and participant.consent_given_at is None


def test_the_status_callback_updates_the_outbound_message(signed_post, services: Services) -> None:
    signed_post(INBOUND_PATH, inbound_form("SM1", "hallo"))
    with session_scope(services.db) as db:
        reply = db.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).one()
        reply.twilio_sid = "SMout1"
        db.add(reply)
    for status, code in (("delivered", ""), ("sent", ""), ("undelivered", "63016")):
        form = {"MessageSid": "SMout1", "MessageStatus": status, "ErrorCode": code}
        assert signed_post(STATUS_PATH, form).status_code == 200
    with session_scope(services.db) as db:
        stored = queries.message_by_sid(db, "SMout1")
        assert (stored.status, stored.error_code) == ("undelivered", 63016)


def test_status_callbacks_need_a_signature_and_unknown_sids_are_harmless(client, signed_post) -> None:
    form = {"MessageSid": "SMunknown", "MessageStatus": "delivered"}
    assert client.post(STATUS_PATH, data=form).status_code == 403
    assert signed_post(STATUS_PATH, form).status_code == 200
    assert signed_post(STATUS_PATH, {"MessageSid": "SMx"}).status_code == 400


def test_a_first_message_in_a_clear_language_is_recognised_and_confirmed(signed_post, services: Services) -> None:
    signed_post(INBOUND_PATH, inbound_form("SM1", "ሰላም፣ ከመይ ኣለኹም?"))
    [reply] = replies(services)
    assert reply.startswith(text(services, "ti", "language.confirm_detected"))
    assert reply.endswith("2. " + text(services, "ti", "language.another"))
    signed_post(INBOUND_PATH, inbound_form("SM2", "1"))
    assert replies(services)[-1].startswith(text(services, "ti", "welkom.welcome"))


def test_a_voice_note_after_consent_keeps_its_media_and_goes_to_a_person(signed_post, services: Services) -> None:
    services.clock = lambda: datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday, office hours
    for n, body in enumerate(["hallo", "2", "yes"]):
        signed_post(INBOUND_PATH, inbound_form(f"SM{n}", body))
    # A port nothing listens on: the copy fails, the link is kept.
    media = {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": "http://127.0.0.1:9/media/ME1"}
    signed_post(INBOUND_PATH, inbound_form("SMv", "", **media))
    assert messages(services, Direction.INBOUND)[-1].media == [
        {"url": "http://127.0.0.1:9/media/ME1", "content_type": "audio/ogg"}
    ]
    # Many who send voice cannot read: a person listens (see tests/test_relay.py).
    assert replies(services)[-1] == text(services, "en", "escalation.expect_soon")


def test_odd_first_messages_from_new_numbers_get_a_sensible_reply(signed_post, services: Services) -> None:
    odd = [
        "x" * 5000,
        "👋🏽😀",
        "\u200f\u202bمرحبا\u202c\u200f",
        "\x07\x1b[2J\r\n\t",
        "\x00",
        "   ",
        "https://example.org",
    ]
    for n, body in enumerate(odd):
        response = signed_post(INBOUND_PATH, inbound_form(f"SModd{n}", body, sender=f"whatsapp:+3161111{n:04d}"))
        assert response.status_code == 200
    bodies = replies(services)
    assert len(bodies) == len(odd)
    starts = (text(services, "nl", "language.choose"), text(services, "ar", "language.confirm_detected"))
    assert all(body.startswith(starts) for body in bodies)
