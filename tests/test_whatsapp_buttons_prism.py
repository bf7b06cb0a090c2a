"""WhatsApp buttons and lists end to end: `bot whatsapp sync` against Prism running Twilio's Content
spec, the reminder sent through Prism running the Messages spec, and the tap answered."""

import itertools
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from bot.flow.matching import scoped_payload
from bot.i18n import SUPPORTED_LANGUAGES
from bot.services import EXTENSION, Services
from bot.sms import segments
from bot.voice_catalog import mark_changed, uploaded_path
from bot.voice_notes import VOICE
from bot.whatsapp_content import SESSION, TEMPLATE
from storage.db import session_scope
from storage.models import FlowRun, Message, Participant, WhatsAppContent
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.support.twilio import INBOUND_PATH, TWILIO_SETTINGS, inbound_form, sign
from tests.test_appointments import EVENING_BEFORE, add_appointment, add_participant, dispatch_at
from tests.test_voice_notes import PLACEHOLDER, twilio_reports

pytestmark = pytest.mark.prism
ROOT = Path(__file__).resolve().parent.parent
_SIDS = itertools.count()


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory, twilio_prism: str) -> Iterator[tuple[Flask, str]]:
    """One app for the module, synced once (342 resources: the slow part); each test its own newcomer."""
    app = make_app(
        tmp_path_factory.mktemp("app"),
        **TWILIO_SETTINGS,
        TWILIO_API_BASE_URL=twilio_prism,
        TWILIO_CONTENT_BASE_URL=twilio_prism,
        WHATSAPP_TEMPLATES=str(ROOT / "whatsapp_templates.example.yaml"),
    )
    yield app, run_cli(app, "sync", "--request-approval")
    app.extensions[EXTENSION].db.dispose()


@pytest.fixture
def app(synced: tuple[Flask, str]) -> Flask:
    return synced[0]


def run_cli(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["bot", "whatsapp", *args])
    assert result.exit_code == 0, result.output
    return result.output


def last_request(services: Services):
    return services.channel.client.http_client._test_only_last_request


def tap(app: Flask, phone: str, body: str, sms: bool = False, **fields: str) -> None:
    """The newcomer's answer, signed as Twilio signs it."""
    services: Services = app.extensions[EXTENSION]
    form = inbound_form(f"SMtap{next(_SIDS)}", body, sender=phone if sms else f"whatsapp:{phone}", **fields)
    signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
    assert app.test_client().post(INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}).status_code == 200
    services.queue.join()


def flow_of(services: Services, participant_id: int) -> tuple[str, str | None]:
    with session_scope(services.db) as db:
        run = db.exec(select(FlowRun).where(FlowRun.participant_id == participant_id)).one()
        return run.flow_id, run.state["step_id"]


def messages_to(services: Services, participant_id: int) -> list[Message]:
    with session_scope(services.db) as db:
        statement = select(Message).where(Message.participant_id == participant_id, Message.direction == "out")
        return list(db.exec(statement.order_by(Message.id)).all())


def reminded_in_window(
    services: Services, phone: str, language: str, channel: str = "whatsapp", contact: str | None = None
) -> int:
    """A newcomer who wrote three hours ago gets the evening-before reminder."""
    participant_id = add_participant(services, language=language, phone=phone, channel=channel)
    add_appointment(services, participant_id)
    with session_scope(services.db) as db:
        participant = db.get(Participant, participant_id)
        participant.last_inbound_at = EVENING_BEFORE.astimezone(UTC) - timedelta(hours=3)
        participant.contact = contact
        db.add(participant)
    dispatch_at(services, EVENING_BEFORE)
    return participant_id


def made(services: Services, question: str, language: str, kind: str = SESSION) -> WhatsAppContent:
    with session_scope(services.db) as db:
        statement = select(WhatsAppContent).where(
            WhatsAppContent.question == question, WhatsAppContent.language == language, WhatsAppContent.kind == kind
        )
        row = db.exec(statement).one()
        db.expunge(row)
        return row


def test_sync_makes_each_resource_once_and_asks_approval_for_the_templates(synced: tuple[Flask, str]) -> None:
    app, first = synced
    services: Services = app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        rows = db.exec(select(WhatsAppContent)).all()
        templates = [r for r in rows if r.kind == TEMPLATE]
        assert len({r.content_sid for r in rows}) == len(rows) and all(r.content_sid.startswith("HX") for r in rows)
        # The questions whose texts templates carry (the reminder, the check-in, the introduction's
        # consent question, the ending's first question): approval asked for each in the nine languages.
        questions = {
            ("reminder", "herinnering/reminder"),
            ("checkin", "checkin/how"),
            ("introduction_consent", "introductie/consent"),
            ("afronden", "afronden/start"),
        }
        assert {(r.template, r.question) for r in templates} == questions
        approvals = len(questions) * len(SUPPORTED_LANGUAGES)
        assert len(templates) == approvals and all(r.approval_status for r in templates)
        created = len(rows)
    assert first.strip() == services.coordinator_texts.text(
        "nl", "whatsapp.sync.done", {"created": str(created), "unchanged": "0", "approvals": str(approvals)}
    )
    again = run_cli(app, "sync", "--request-approval")
    assert f"0 gemaakt, {created} waren er al, 0 ter goedkeuring" in again
    with session_scope(services.db) as db:
        assert len(db.exec(select(WhatsAppContent)).all()) == created
    status = run_cli(app, "status").splitlines()
    [somali] = [line for line in status if line.startswith("reminder (so): ")]
    assert len(status) == approvals
    assert somali.endswith(made(services, "herinnering/reminder", "so", TEMPLATE).content_sid)


def test_a_somali_reminder_goes_as_the_list_sync_made_and_a_tap_cancels(app: Flask) -> None:
    """Done when: the request Twilio receives names the content SID made by sync; 'I can't come' tapped
    goes into afmelden, and a list item tapped there answers the next question."""
    services: Services = app.extensions[EXTENSION]
    participant_id = reminded_in_window(services, "+31612340001", "so")
    sent = last_request(services)
    assert sent.data["ContentSid"] == made(services, "herinnering/reminder", "so").content_sid
    assert "Body" not in sent.data and sent.data["To"] == "whatsapp:+31612340001"
    variables = json.loads(sent.data["ContentVariables"])
    assert variables["1"] == "Talaado 1 Diseembar 13:00" and variables["2"] == "Buurthuis De Linde"
    assert services.channel.client.http_client._test_only_last_response.status_code == 201
    [reminder] = messages_to(services, participant_id)
    assert reminder.route == "buttons" and reminder.body.startswith("Xusuusin: waxaad ballan leedahay Talaado")

    tap(app, "+31612340001", "Ma imaan karo", ButtonPayload=scoped_payload("herinnering/reminder", "cannot_come"))
    assert flow_of(services, participant_id) == ("afmelden", "reason")
    asked = messages_to(services, participant_id)[-1]
    assert asked.body.startswith(services.catalogs.text("so", "afmelden.reason.ask"))
    assert last_request(services).data["ContentSid"] == made(services, "afmelden/reason", "so").content_sid

    tap(app, "+31612340001", "Dhakhtar ama dawladda", ListId=scoped_payload("afmelden/reason", "appointment"))
    assert flow_of(services, participant_id)[0] == "afmelden" and flow_of(services, participant_id)[1] != "reason"


def sent_on(app: Flask, participant_id: int, after_id: int = 0) -> None:
    """Twilio reports each of their messages sent on, in order, so each one waiting for it goes
    (Prism answers a send with any status of the spec: a message may wait or go at once)."""
    services: Services = app.extensions[EXTENSION]
    reported: set[int] = set()
    while unreported := [
        m for m in messages_to(services, participant_id) if m.id > after_id and m.twilio_sid and m.id not in reported
    ]:
        twilio_reports(app, unreported[0], "sent")
        reported.add(unreported[0].id)


def test_a_question_asked_again_after_other_words_gets_its_buttons_again(app: Flask, twilio_requests: list) -> None:
    """'Not understood' goes as its own text, then the question alone as the list sync made, once each."""
    services: Services = app.extensions[EXTENSION]
    participant_id = reminded_in_window(services, "+31612340002", "so")
    twilio_requests.clear()
    tap(app, "+31612340002", "xyz")
    sent_on(app, participant_id)
    lead, asked = [r.data for r in twilio_requests]
    assert lead["Body"].startswith(services.catalogs.text("so", "input.not_understood")) and "ContentSid" not in lead
    assert "Xusuusin" not in lead["Body"]
    assert asked["ContentSid"] == made(services, "herinnering/reminder", "so").content_sid and "Body" not in asked
    *_, stored_lead, question = messages_to(services, participant_id)
    assert (stored_lead.route, stored_lead.goes_before_id, question.route) == ("whatsapp", question.id, "buttons")

    tap(app, "+31612340002", "", ListId=scoped_payload("herinnering/reminder", "cannot_come"))
    assert flow_of(services, participant_id) == ("afmelden", "reason")


def test_the_same_reminder_by_sms_stays_two_segments_and_one_message_when_asked_again(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION]
    participant_id = reminded_in_window(services, "+31612340003", "so", channel="sms")
    sent = last_request(services)
    assert "ContentSid" not in sent.data and sent.data["To"] == "+31612340003"
    assert segments(sent.data["Body"])[1] <= 2
    tap(app, "+31612340003", "xyz", sms=True)
    reminder, again = messages_to(services, participant_id)  # one message, lead and question
    assert again.body.startswith(services.catalogs.text("so", "input.not_understood")) and "Xusuusin" in again.body
    assert last_request(services).data["Body"] == again.body and reminder.goes_before_id is None


def test_outside_the_window_the_buttons_go_as_the_template_once_approved(app: Flask) -> None:
    """Never wrote (no window): SMS in their language as today, until WhatsApp approved the Somali buttons."""
    services: Services = app.extensions[EXTENSION]
    before = add_participant(services, language="so", phone="+31612340005")
    add_appointment(services, before)
    dispatch_at(services, EVENING_BEFORE)
    assert messages_to(services, before)[-1].route == "sms" and "ContentSid" not in last_request(services).data

    template = made(services, "herinnering/reminder", "so", TEMPLATE)
    with session_scope(services.db) as db:
        row = db.get(WhatsAppContent, template.id)
        row.approval_status = "approved"
        db.add(row)
    after = add_participant(services, language="so", phone="+31612340006")
    add_appointment(services, after)
    dispatch_at(services, EVENING_BEFORE)
    sent = last_request(services)
    assert sent.data["ContentSid"] == template.content_sid and sent.data["To"] == "whatsapp:+31612340006"
    assert json.loads(sent.data["ContentVariables"])["4"].startswith("https://www.google.com/maps/")
    assert messages_to(services, after)[-1].route == "template:so"


def recorded(services: Services, language: str, key: str) -> None:
    """A person's recording of a text in the voice catalog, as an upload on the dashboard leaves it."""
    path = uploaded_path(services.settings.voice_dir, language, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLACEHOLDER, path)
    mark_changed(services.settings.voice_dir)


@pytest.fixture
def twilio_requests(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list:
    """Every request Twilio's client sends to Prism, in order (the client itself keeps only the last)."""
    client = app.extensions[EXTENSION].channel.client.http_client
    requests, request = [], client.request

    def recording(*args, **kwargs):
        response = request(*args, **kwargs)
        requests.append(client._test_only_last_request)
        return response

    monkeypatch.setattr(client, "request", recording)
    return requests


def test_a_somali_who_chose_voice_hears_the_reminder_then_taps_i_cannot_come(app: Flask, twilio_requests: list) -> None:
    """Issue 14's Done when: the reminder as the buttons sync made, just after a recorded Somali voice
    note whose link serves OGG audio; 'I can't come' tapped lands in afmelden; by SMS two segments."""
    services: Services = app.extensions[EXTENSION]
    recorded(services, "so", "reminder.text")
    participant_id = reminded_in_window(services, "+31612340007", "so", contact=VOICE)
    twilio_reports(app, messages_to(services, participant_id)[0], "sent")  # the text waited for this

    note, text = [r.data for r in twilio_requests]  # the voice note first, then the text it speaks
    assert note["To"] == text["To"] == "whatsapp:+31612340007"
    [link] = note["MediaUrl"]
    assert link.startswith(f"{PUBLIC_BASE_URL}/voice/") and "ContentSid" not in note
    assert text["ContentSid"] == made(services, "herinnering/reminder", "so").content_sid
    assert "MediaUrl" not in text and "Body" not in text
    with app.test_client().get(link.removeprefix(PUBLIC_BASE_URL)) as audio:
        assert (audio.status_code, audio.mimetype, audio.get_data()) == (200, "audio/ogg", PLACEHOLDER.read_bytes())
    stored_note, reminder = messages_to(services, participant_id)
    # Both accepted by Prism (Twilio's spec): each has the SID it answered with.
    assert stored_note.twilio_sid and reminder.twilio_sid and stored_note.goes_before_id == reminder.id
    assert stored_note.media[0][VOICE] == "reminder.text" and reminder.route == "buttons"

    tap(app, "+31612340007", "Ma imaan karo", ButtonPayload=scoped_payload("herinnering/reminder", "cannot_come"))
    assert flow_of(services, participant_id) == ("afmelden", "reason")
    assert last_request(services).data["ContentSid"] == made(services, "afmelden/reason", "so").content_sid

    twilio_requests.clear()
    reminded_in_window(services, "+31612340008", "so", channel="sms", contact=VOICE)
    [sms] = [r.data for r in twilio_requests]
    assert sms["To"] == "+31612340008" and "MediaUrl" not in sms and "ContentSid" not in sms
    assert segments(sms["Body"])[1] <= 2


def test_a_voice_note_at_the_reminder_gets_it_spoken_again_and_its_buttons_again(
    app: Flask, twilio_requests: list
) -> None:
    """After a voice note the reminder is asked again: "I cannot listen" spoken and written, then the
    reminder spoken and as the list sync made, in that order; the list's tap answers it."""
    services: Services = app.extensions[EXTENSION]
    for key in ("reminder.text", "input.voice_at_choice"):
        recorded(services, "so", key)
    participant_id = reminded_in_window(services, "+31612340009", "so", contact=VOICE)
    sent_on(app, participant_id)
    twilio_requests.clear()
    before = messages_to(services, participant_id)[-1].id

    voice = {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": "http://127.0.0.1:9/Media/ME1"}
    tap(app, "+31612340009", "", **voice)
    sent_on(app, participant_id, before)
    lead_note, lead, note, asked = [r.data for r in twilio_requests]
    assert [len(n["MediaUrl"]) for n in (lead_note, note)] == [1, 1] and "ContentSid" not in lead
    assert lead["Body"] == services.catalogs.text("so", "input.voice_at_choice")
    assert asked["ContentSid"] == made(services, "herinnering/reminder", "so").content_sid
    stored = messages_to(services, participant_id)[-4:]
    assert [m.media[0][VOICE] for m in (stored[0], stored[2])] == ["input.voice_at_choice", "reminder.text"]
    # A chain: each goes just before the next, in the order they are heard and read.
    assert [m.goes_before_id for m in stored] == [stored[1].id, stored[2].id, stored[3].id, None]
    assert stored[3].route == "buttons" and stored[3].question == "herinnering/reminder"

    tap(app, "+31612340009", "Ma imaan karo", ButtonPayload=scoped_payload("herinnering/reminder", "cannot_come"))
    assert flow_of(services, participant_id) == ("afmelden", "reason")


def test_the_language_menu_and_the_engines_own_yes_no_go_as_the_resources_sync_made(app: Flask) -> None:
    """'language' at the reminder: the menu as a list; a tap changes the language and the reminder comes
    back in it. 'sorry I cannot come': "Do you want to cancel?" as two buttons, whose yes cancels."""
    services: Services = app.extensions[EXTENSION]
    participant_id = reminded_in_window(services, "+31612340010", "so")
    tap(app, "+31612340010", "language")
    assert last_request(services).data["ContentSid"] == made(services, "taal/choose", "so").content_sid
    tap(app, "+31612340010", "English", ListId=scoped_payload("taal/choose", "en"))
    sent_on(app, participant_id)  # "Changed to English" first, then the reminder alone
    assert last_request(services).data["ContentSid"] == made(services, "herinnering/reminder", "en").content_sid

    tap(app, "+31612340010", "sorry I cannot come")
    assert last_request(services).data["ContentSid"] == made(services, "intent/cannot_come", "en").content_sid
    assert messages_to(services, participant_id)[-1].route == "buttons"
    tap(app, "+31612340010", "Yes", ButtonPayload=scoped_payload("intent/cannot_come", "yes"))
    assert flow_of(services, participant_id) == ("afmelden", "reason")
