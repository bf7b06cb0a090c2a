"""Spoken prompts: a voice note from the catalog before the reminder, for those who chose voice, on WhatsApp."""

import shutil
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import col, select

from bot import jobs
from bot.ordering import WAIT
from bot.outbound import STALE_PENDING
from bot.services import EXTENSION, Services
from bot.sms import segments
from bot.voice_catalog import mark_changed
from bot.voice_notes import signed_url
from bot.whatsapp_content import SESSION, session_spec_for
from storage.db import session_scope
from storage.models import Escalation, Message, Participant, Reminder, WhatsAppContent
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.support.fake_twilio import FakeTwilio
from tests.support.http import serving
from tests.support.phones import Phones
from tests.support.twilio import STATUS_PATH, TWILIO_SETTINGS, sign
from tests.test_appointments import EVENING_BEFORE, add_appointment, add_participant, dispatch_at

# A tone standing in for a Somali recording (tests/data/voice/README.md): no one's voice.
PLACEHOLDER = Path(__file__).parent / "data" / "voice" / "placeholder-tone.ogg"
SOMALI = "+31612345678"
WROTE_AN_HOUR_BEFORE = EVENING_BEFORE.astimezone(UTC) - timedelta(hours=1)


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def voice_app(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Flask]:
    """Sends through a Twilio-compatible server; the Somali catalog has a recording of the reminder."""
    recorded = tmp_path / "voice" / "so" / "reminder.text.ogg"
    recorded.parent.mkdir(parents=True)
    shutil.copy(PLACEHOLDER, recorded)
    with serving(twilio) as url:
        app = make_app(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=url)
        yield app
        app.extensions[EXTENSION].db.dispose()


def somali_participant(services: Services, channel: str = "whatsapp", contact: str = "voice", wrote=None) -> int:
    participant_id = add_participant(services, language="so", channel=channel)
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        participant.contact, participant.last_inbound_at = contact, wrote or WROTE_AN_HOUR_BEFORE
        db.add(participant)
    add_appointment(services, participant_id)
    return participant_id


def fetched(app: Flask, url: str) -> tuple[int, str, bytes]:
    with app.test_client().get(url.removeprefix(PUBLIC_BASE_URL)) as response:
        return response.status_code, response.mimetype, response.get_data()


def outbound(services: Services) -> list[Message]:
    with session_scope(services.db) as db:
        return list(db.exec(select(Message).where(Message.direction == "out").order_by(col(Message.id))).all())


def twilio_reports(app: Flask, message: Message, status: str, **more: str) -> None:
    """Twilio's status callback for a message we sent, signed as Twilio signs it."""
    services = app.extensions[EXTENSION]
    form = {"MessageSid": message.twilio_sid, "MessageStatus": status, **more}
    signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + STATUS_PATH, form)
    response = app.test_client().post(STATUS_PATH, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    services.queue.join()


def test_someone_who_chose_voice_hears_the_reminder_before_reading_it(voice_app: Flask, twilio: FakeTwilio) -> None:
    services = voice_app.extensions[EXTENSION]
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    # Twilio keeps no order: the text waits until Twilio has sent the voice note on.
    [note] = twilio.sent
    twilio_reports(voice_app, outbound(services)[0], "sent")

    note, text = twilio.sent
    assert note["To"] == text["To"] == f"whatsapp:{SOMALI}"
    assert note["MediaUrl"].startswith(f"{PUBLIC_BASE_URL}/voice/") and not note.get("Body")
    assert text["Body"].startswith("Xusuusin: waxaad ballan leedahay") and "MediaUrl" not in text
    status, content_type, audio = fetched(voice_app, note["MediaUrl"])
    assert (status, content_type, audio[:4]) == (200, "audio/ogg", b"OggS")
    assert audio == PLACEHOLDER.read_bytes()

    stored_note, stored_text = outbound(services)
    with session_scope(services.db) as db:
        reminder = db.exec(select(Reminder).where(Reminder.status == "sent")).one()
    assert reminder.message_id == stored_text.id  # the reminder is the text; the voice note goes with it
    assert stored_note.goes_before_id == stored_text.id and stored_note.id < stored_text.id
    assert (stored_note.status, stored_note.route, stored_note.attempts) == ("sent", "whatsapp", 1)
    assert stored_note.media[0]["voice"] == "reminder.text"


def test_without_a_callback_the_text_goes_by_the_sweep_after_its_wait(voice_app: Flask, twilio: FakeTwilio) -> None:
    services = voice_app.extensions[EXTENSION]
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    dispatch_at(services, EVENING_BEFORE + WAIT / 2)
    assert len(twilio.sent) == 1 and outbound(services)[-1].status == "pending"
    dispatch_at(services, EVENING_BEFORE + STALE_PENDING)  # the sweep finds the text; its wait is over
    assert [form.get("Body", "")[:8] for form in twilio.sent] == ["", "Xusuusin"]


def test_each_voice_note_is_sent_once_however_often_its_text_is_sent(voice_app: Flask, twilio: FakeTwilio) -> None:
    services = voice_app.extensions[EXTENSION]
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    twilio_reports(voice_app, outbound(services)[0], "delivered")
    with voice_app.app_context():
        jobs.send_message(outbound(services)[-1].id)
    twilio_reports(voice_app, outbound(services)[0], "read")
    assert len(twilio.sent) == 2


def test_a_refused_voice_note_leaves_the_text_alone(voice_app: Flask, twilio: FakeTwilio) -> None:
    twilio.script = [400]  # the voice note is refused for good; the text goes
    services = voice_app.extensions[EXTENSION]
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    note, text = outbound(services)
    assert (note.status, text.status) == ("failed", "queued")
    assert [form["Body"][:8] for form in twilio.sent] == ["Xusuusin"]  # no SMS for the voice note
    with session_scope(services.db) as db:
        assert db.exec(select(Escalation)).all() == []  # the text reached them: nobody to alarm


def test_an_undelivered_voice_note_does_not_go_again_by_sms(voice_app: Flask, twilio: FakeTwilio) -> None:
    services = voice_app.extensions[EXTENSION]
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    note = outbound(services)[0]
    twilio_reports(voice_app, note, "undelivered", ErrorCode="63019")
    assert len(twilio.sent) == 2 and len(outbound(services)) == 2  # the text went then, and nothing more
    with session_scope(services.db) as db:
        assert db.get(Message, note.id).status == "undelivered"
        assert db.exec(select(Escalation)).all() == []


@pytest.mark.parametrize(
    ("channel", "contact", "hours_since_they_wrote"),
    [
        ("sms", "voice", 1),  # SMS carries no voice notes
        ("whatsapp", "whatsapp_text", 1),  # they chose written messages
        ("whatsapp", "voice", 25),  # outside WhatsApp's window only a template or SMS may go
    ],
)
def test_no_voice_note_without_voice_whatsapp_and_its_window(
    voice_app: Flask, twilio: FakeTwilio, channel: str, contact: str, hours_since_they_wrote: int
) -> None:
    services = voice_app.extensions[EXTENSION]
    wrote = EVENING_BEFORE.astimezone(UTC) - timedelta(hours=hours_since_they_wrote)
    somali_participant(services, channel=channel, contact=contact, wrote=wrote)
    dispatch_at(services, EVENING_BEFORE)
    [sent] = twilio.sent
    assert "MediaUrl" not in sent and len(outbound(services)) == 1
    if not sent["To"].startswith("whatsapp:"):
        assert segments(sent["Body"])[1] <= 2  # the short SMS form, as without voice


def test_a_voice_note_answering_the_reminder_gets_the_choices_spoken_again(voice_app, twilio: FakeTwilio) -> None:
    services = voice_app.extensions[EXTENSION]
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    twilio_reports(voice_app, outbound(services)[0], "sent")
    voice = {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": "http://127.0.0.1:9/Media/ME1"}
    Phones(voice_app).send(SOMALI, "", **voice)
    twilio_reports(voice_app, outbound(services)[-2], "sent")

    note, text = twilio.sent[2:]
    assert fetched(voice_app, note["MediaUrl"])[:2] == (200, "audio/ogg")
    assert text["Body"].startswith(services.catalogs.text("so", "input.voice_at_choice"))
    assert "Xusuusin: waxaad ballan leedahay" in text["Body"]
    with session_scope(services.db) as db:
        assert db.exec(select(Escalation)).all() == []  # a choice: the bot asks again, no person needed yet
    Phones(voice_app).send(SOMALI, "2")  # cannot come: the reminder's dialogue goes on
    assert twilio.sent[-1]["Body"] != text["Body"]


def test_a_voice_link_is_signed_and_names_a_recording(voice_app: Flask) -> None:
    assert fetched(voice_app, f"{PUBLIC_BASE_URL}/voice/not-a-signed-token")[0] == 404
    services = voice_app.extensions[EXTENSION]
    assert fetched(voice_app, signed_url(services, "so", "reminder.text"))[0] == 200
    assert fetched(voice_app, signed_url(services, "so", "reminder.see_you"))[0] == 404  # not recorded
    assert fetched(voice_app, signed_url(services, "..", "so/reminder.text"))[0] == 404


def synced_reminder(services: Services) -> str:
    """The Somali reminder's list as `bot whatsapp sync` stores it (sync: tests/test_whatsapp_buttons_prism.py)."""
    spec = session_spec_for(services.book, services.catalogs, "herinnering/reminder", "so")
    row = WhatsAppContent(
        question=spec.question,
        language="so",
        kind=SESSION,
        version=spec.version,
        content_sid="HX" + "1" * 32,
        content_type=spec.content_type,
        created_at=EVENING_BEFORE,
    )
    with session_scope(services.db) as db:
        db.add(row)
    return row.content_sid


def test_asked_again_after_a_voice_note_each_part_waits_for_the_one_before(voice_app, twilio: FakeTwilio) -> None:
    """The lead's voice note, the lead, the reminder's voice note, the reminder as its list: each sent only
    when Twilio reports the one before sent on, and each once however often Twilio reports."""
    services = voice_app.extensions[EXTENSION]
    sid = synced_reminder(services)
    shutil.copy(PLACEHOLDER, services.settings.voice_dir / "so" / "input.voice_at_choice.ogg")
    mark_changed(services.settings.voice_dir)
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    twilio_reports(voice_app, outbound(services)[0], "sent")
    assert twilio.sent[-1]["ContentSid"] == sid
    voice = {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": "http://127.0.0.1:9/Media/ME1"}
    Phones(voice_app).send(SOMALI, "", **voice)

    chain = outbound(services)[2:]
    assert [m.goes_before_id for m in chain] == [m.id for m in chain[1:]] + [None]
    for sent_so_far in range(3, 6):
        assert len(twilio.sent) == sent_so_far  # the next waits for the last one sent
        twilio_reports(voice_app, outbound(services)[sent_so_far - 1], "sent")
    lead_note, lead, note, asked = twilio.sent[2:]
    assert "MediaUrl" in lead_note and "MediaUrl" in note
    assert lead["Body"] == services.catalogs.text("so", "input.voice_at_choice")
    assert asked["ContentSid"] == sid and "Body" not in asked
    for message in outbound(services)[2:]:
        twilio_reports(voice_app, message, "delivered")
    with voice_app.app_context():
        jobs.send_message(chain[-1].id)
    assert len(twilio.sent) == 6


def test_a_lead_refused_at_once_holds_nothing_up(voice_app, twilio: FakeTwilio) -> None:
    """Twilio refuses the lead: the reminder's voice note goes at once, not after the sweep's wait."""
    services = voice_app.extensions[EXTENSION]
    synced_reminder(services)
    shutil.copy(PLACEHOLDER, services.settings.voice_dir / "so" / "input.voice_at_choice.ogg")
    mark_changed(services.settings.voice_dir)
    somali_participant(services)
    dispatch_at(services, EVENING_BEFORE)
    twilio_reports(voice_app, outbound(services)[0], "sent")
    twilio.script = [201, 400]  # the lead's voice note is taken, the lead refused for good
    voice = {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": "http://127.0.0.1:9/Media/ME1"}
    Phones(voice_app).send(SOMALI, "", **voice)
    twilio_reports(voice_app, outbound(services)[2], "sent")

    lead_note, note = twilio.sent[2:]  # the refused lead is no message Twilio took
    assert lead_note["MediaUrl"] != note["MediaUrl"] and "ContentSid" not in note
    assert [m.status for m in outbound(services)[2:]] == ["sent", "failed", "queued", "pending"]
