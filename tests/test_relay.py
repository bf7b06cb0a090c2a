"""Every call for help reaches a person, who answers in Dutch and is read in the newcomer's language."""

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import AsyncMessage
from flask import Flask
from sqlmodel import select
from werkzeug.wrappers import Request, Response

from bot import dispatcher, jobs
from bot.i18n import format_when
from bot.services import EXTENSION, Services
from storage import queries
from storage.db import session_scope
from storage.models import Appointment, Coordinator, Escalation, EscalationEvent, Message, Participant
from tests.conftest import PUBLIC_BASE_URL, make_app
from tests.support.databases import fresh_database
from tests.support.fake_translators import FakeGoogle, fake_translation
from tests.support.http import free_port, serving
from tests.support.phones import Phones
from tests.support.prism import prism_mock
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, INBOUND_PATH, TWILIO_SETTINGS, inbound_form, sign

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=AMSTERDAM)
BEGELEIDER, DUTY = "+31600000001", "+31600000002"
SOMALI, TIGRINYA = "+31612345678", "+31687654321"


@pytest.fixture
def google() -> Iterator[tuple[FakeGoogle, str]]:
    fake = FakeGoogle()
    with serving(fake) as url:
        yield fake, url


def centre(tmp_path: Path, translator_url: str | None = None, **settings: str) -> Flask:
    """An app with a begeleider, a coordinator on duty, and a Somali and a Tigrinya newcomer."""
    translator = {"TRANSLATOR": "google", "TRANSLATOR_URL": translator_url} if translator_url else {}
    app = make_app(tmp_path, **translator, **settings)
    services = app.extensions[EXTENSION]
    services.channel.echo = None
    services.clock = lambda: MONDAY_10.astimezone(UTC)
    with session_scope(services.db) as db:
        anna = Coordinator(name="Anna de Vries", phone=BEGELEIDER, channel="whatsapp")
        db.add_all([anna, Coordinator(name="Bram", phone=DUTY, channel="whatsapp", on_duty=True)])
        db.flush()
        for phone, language, name in ((SOMALI, "so", "Hodan Ali"), (TIGRINYA, "ti", "Selam")):
            db.add(
                Participant(
                    phone=phone,
                    channel="whatsapp",
                    language=language,
                    name=name,
                    consent_given_at=MONDAY_10 - timedelta(days=30),
                    coordinator_id=anna.id,
                    last_inbound_at=MONDAY_10 - timedelta(hours=1),
                )
            )
    return app


def work_day(participant_id: int, after: timedelta, **fields: str) -> Appointment:
    """A three-hour work day, `after` Monday 10:00, with Anna."""
    start = MONDAY_10 + after
    return Appointment(
        participant_id=participant_id,
        coordinator_id=1,
        kind="work",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place_name="Kringloop",
        **fields,
    )


def escalation_of(services: Services, phone: str) -> Escalation:
    with session_scope(services.db) as db:
        participant = db.exec(select(Participant).where(Participant.phone == phone)).one()
        return db.exec(select(Escalation).where(Escalation.participant_id == participant.id)).one()


def history(services: Services, escalation_id: int) -> list[tuple[str, str]]:
    with session_scope(services.db) as db:
        statement = select(EscalationEvent).where(EscalationEvent.escalation_id == escalation_id)
        return [(e.actor, e.action) for e in db.exec(statement.order_by(EscalationEvent.id)).all()]


def at(services: Services, moment: datetime) -> dict[str, int]:
    services.clock = lambda: moment.astimezone(UTC)
    counts = dispatcher.tick(services, moment.astimezone(UTC))
    services.queue.join()
    return counts


def test_help_in_somali_reaches_the_begeleider_and_the_answer_comes_back_in_somali(
    tmp_path: Path, google: tuple[FakeGoogle, str]
) -> None:
    app = centre(tmp_path, google[1])
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")
    assert phones.last(SOMALI).endswith(services.catalogs.text("so", "escalation.expect_soon"))

    notice = phones.last(BEGELEIDER).split("\n")
    assert notice[0] == "Welkom, melding #1: Hodan vraagt om een medewerker. Taal: Somalisch."
    assert "- caawimaad" in notice and f"  NL: {fake_translation('caawimaad', 'nl')}" in notice
    assert notice[-1].startswith("Antwoord met #1 en je tekst; ik vertaal het naar het Somalisch.")

    phones.send(BEGELEIDER, "#1 Ik bel je morgen om 10 uur")
    to_newcomer = phones.received(SOMALI)[-1]
    assert to_newcomer.body == "\n".join(
        [
            services.catalogs.text("so", "relay.from_guide", {"name": "Anna"}),
            fake_translation("Ik bel je morgen om 10 uur", "so"),
        ]
    )
    assert to_newcomer.translation["dutch"] == "Ik bel je morgen om 10 uur" and to_newcomer.escalation_id == 1
    assert phones.last(BEGELEIDER) == "#1: verstuurd naar Hodan, in het Somalisch."

    phones.send(SOMALI, "Mahadsanid, waan sugi doonaa")
    assert phones.last(BEGELEIDER).split("\n") == [
        "#1 Hodan:",
        "- Mahadsanid, waan sugi doonaa",
        f"  NL: {fake_translation('Mahadsanid, waan sugi doonaa', 'nl')}",
    ]

    phones.send(BEGELEIDER, "#1 klaar")
    assert phones.last(SOMALI) == services.catalogs.text("so", "relay.closed")
    assert phones.last(BEGELEIDER) == "#1 is afgerond. Hodan heeft bericht gekregen."
    escalation = escalation_of(services, SOMALI)
    assert (escalation.status, escalation.resolved_by) == ("resolved", "coordinator:1")
    assert history(services, 1) == [
        ("system", "opened"),
        ("system", "notified"),
        ("coordinator:1", "acknowledged"),
        ("coordinator:1", "relayed_to_newcomer"),
        ("participant", "relayed_to_coordinator"),
        ("coordinator:1", "resolved"),
    ]
    phones.send(SOMALI, "menu")  # after the end, the bot is back
    assert phones.last(SOMALI).startswith(services.catalogs.text("so", "menu.ask"))


def test_without_a_translator_the_dutch_goes_with_a_note_and_the_words_are_marked_untranslated(
    tmp_path: Path,
) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(TIGRINYA, "ሓገዝ")
    assert "- ሓገዝ" in phones.last(BEGELEIDER).split("\n")
    assert "  NL: (niet vertaald)" in phones.last(BEGELEIDER).split("\n")
    phones.send(BEGELEIDER, "#1 Ik bel je morgen om 10 uur")
    assert phones.last(TIGRINYA) == "\n".join(
        [
            services.catalogs.text("ti", "relay.from_guide", {"name": "Anna"}),
            services.catalogs.text("ti", "relay.dutch_note"),
            "Ik bel je morgen om 10 uur",
        ]
    )
    assert phones.last(BEGELEIDER).startswith("#1: verstuurd naar Selam, in het Nederlands: er is geen vertaling.")


def test_the_cli_shows_who_did_what_and_when(tmp_path: Path) -> None:
    app = centre(tmp_path)
    phones = Phones(app)
    phones.send(TIGRINYA, "ሓገዝ")
    phones.send(BEGELEIDER, "#1 ok")
    result = app.test_cli_runner().invoke(args=["bot", "escalation", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("#1 [gezien] Selam (Tigrinya): vraagt om een medewerker. Begeleider: Anna de Vries.")
    assert lines[1:] == [
        "  maandag 30 november, 10:00  Welkom: geopend (asked_for_person)",
        "  maandag 30 november, 10:00  Welkom: melding verstuurd",
        "  maandag 30 november, 10:00  Anna de Vries: gezien",
    ]
    listed = app.test_cli_runner().invoke(args=["bot", "escalations"])
    assert listed.output.startswith("#1 [gezien] Selam")


def test_a_coordinator_is_never_greeted_as_a_newcomer(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(BEGELEIDER, "Hallo")
    assert phones.last(BEGELEIDER) == "Je hebt geen open meldingen."
    with session_scope(services.db) as db:
        assert db.exec(select(Participant).where(Participant.phone == BEGELEIDER)).first() is None


def test_without_a_reference_the_coordinator_gets_the_list_or_the_one_open_escalation(tmp_path: Path) -> None:
    app = centre(tmp_path)
    phones = Phones(app)
    phones.send(SOMALI, "caawimaad")
    phones.send(BEGELEIDER, "Ik bel je zo")  # one open: it is meant
    assert phones.last(SOMALI).endswith("Ik bel je zo")
    phones.send(TIGRINYA, "ሓገዝ")
    phones.send(BEGELEIDER, "Ik bel je zo")  # two open: which one?
    assert phones.last(BEGELEIDER).split("\n") == [
        "Je open meldingen:",
        "#1 Hodan: vraagt om een medewerker (sinds maandag 30 november, 10:00)",
        "#2 Selam: vraagt om een medewerker (sinds maandag 30 november, 10:00)",
        "Begin je bericht met het nummer, bijvoorbeeld: #1 Ik bel je morgen om 10 uur.",
    ]
    phones.send(BEGELEIDER, "#9 Hallo")
    assert phones.last(BEGELEIDER) == "Er is geen open melding #9."


def test_another_coordinator_cannot_answer_and_the_one_on_duty_can(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    with session_scope(services.db) as db:
        db.add(Coordinator(name="Carla", phone="+31600000003", channel="whatsapp"))
    phones.send(SOMALI, "caawimaad")
    phones.send("+31600000003", "#1 Hallo")
    assert phones.last("+31600000003") == "Melding #1 staat op naam van een andere begeleider."
    phones.send(DUTY, "#1 Ik neem het over")
    assert phones.last(SOMALI).endswith("Ik neem het over")


def test_a_newcomer_without_a_coordinator_goes_to_the_one_on_duty(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    with session_scope(services.db) as db:
        db.exec(select(Participant).where(Participant.phone == SOMALI)).one().coordinator_id = None
    phones.send(SOMALI, "caawimaad")
    assert escalation_of(services, SOMALI).coordinator_id == 2
    assert phones.last(DUTY).startswith("Welkom, melding #1: Hodan vraagt om een medewerker.")


def test_further_reasons_join_the_open_escalation(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")
    phones.send(SOMALI, "", NumMedia="1", MediaUrl0="http://127.0.0.1:9/none", MediaContentType0="audio/ogg")
    escalation = escalation_of(services, SOMALI)  # one, not two
    assert escalation.reasons == ["asked_for_person", "voice_note"]
    assert phones.last(BEGELEIDER).startswith("#1 Hodan:")  # relayed while it is open


def test_an_unanswered_escalation_reminds_once_then_brings_in_the_duty_coordinator(tmp_path: Path) -> None:
    app = centre(tmp_path, ESCALATION_RENOTIFY_MINUTES="120")
    services, phones = app.extensions[EXTENSION], Phones(app)
    friday_17_30 = datetime(2026, 11, 27, 17, 30, tzinfo=AMSTERDAM)  # the office has closed
    services.clock = lambda: friday_17_30.astimezone(UTC)
    phones.send(SOMALI, "caawimaad")
    # Outside office hours the newcomer hears when someone will be there.
    opens = format_when(datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM), "so")
    assert phones.last(SOMALI).endswith(services.catalogs.text("so", "escalation.expect_later", {"when": opens}))
    # Two hours of office time: Monday 09:00 to 11:00.
    assert escalation_of(services, SOMALI).renotify_at == datetime(2026, 11, 30, 11, 0, tzinfo=AMSTERDAM)
    assert at(services, datetime(2026, 11, 30, 10, 59, tzinfo=AMSTERDAM))["renotified"] == 0
    assert at(services, datetime(2026, 11, 30, 11, 0, tzinfo=AMSTERDAM))["renotified"] == 1
    assert phones.last(BEGELEIDER).startswith("Herinnering: melding #1 wacht sinds vrijdag 27 november, 17:30")
    assert phones.received(DUTY) == []
    assert at(services, datetime(2026, 11, 30, 13, 0, tzinfo=AMSTERDAM))["renotified"] == 1
    assert phones.last(DUTY).startswith("Melding #1 is nog niet beantwoord door Anna de Vries; jij hebt dienst.")
    assert at(services, datetime(2026, 12, 1, 12, 30, tzinfo=AMSTERDAM))["renotified"] == 0  # twice is enough


def test_an_acknowledged_escalation_is_not_brought_up_again(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")
    phones.send(BEGELEIDER, "#1 ok")
    assert phones.last(BEGELEIDER) == "#1: gezien. Je krijgt er geen herinnering meer over."
    assert at(services, MONDAY_10 + timedelta(hours=5))["renotified"] == 0


def test_a_lost_notice_job_is_found_by_the_dispatcher(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    enqueue = services.queue.enqueue
    services.queue.enqueue = lambda job, *args: None if job is jobs.notify_escalation else enqueue(job, *args)
    phones.send(SOMALI, "caawimaad")  # its notice job is lost
    services.queue.enqueue = enqueue
    assert phones.received(BEGELEIDER) == []
    counts = at(services, MONDAY_10 + timedelta(minutes=3))
    assert counts["escalation_notices"] == 1
    assert phones.last(BEGELEIDER).startswith("Welkom, melding #1")
    assert at(services, MONDAY_10 + timedelta(minutes=4))["escalation_notices"] == 0


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_deliveries_of_one_coordinator_reply_at_once_relay_it_once(tmp_path: Path, database: str) -> None:
    with fresh_database(database, tmp_path) as url:
        app = centre(tmp_path, DATABASE_URL=url)
        try:
            relayed_once(app)
        finally:
            app.extensions[EXTENSION].db.dispose()


def relayed_once(app: Flask) -> None:
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")
    form = inbound_form("SMtwice" + "0" * 27, "#1 Ik bel je zo", sender=f"whatsapp:{BEGELEIDER}")
    signature = sign(services.settings.webhook_token, PUBLIC_BASE_URL + INBOUND_PATH, form)
    with serving(app) as url:

        def post() -> None:
            requests.post(url + INBOUND_PATH, data=form, headers={"X-Twilio-Signature": signature}, timeout=10)

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        services.queue.join()
    relayed = [m for m in phones.received(SOMALI) if m.body.endswith("Ik bel je zo")]
    assert len(relayed) == 1
    with session_scope(services.db) as db:
        assert len(db.exec(select(Message).where(Message.twilio_sid == form["MessageSid"])).all()) == 1


class MediaHost:
    """Twilio's media URLs: they answer only with the account's credentials."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, object]] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.path, request.authorization))
        if request.authorization is None or request.authorization.password != AUTH_TOKEN:
            return Response("unauthorised", status=401)(environ, start_response)
        return Response(VOICE, content_type="audio/ogg")(environ, start_response)


VOICE = b"OggS\x00voice-note-bytes"


def fetched(app: Flask, url: str) -> tuple[int, bytes, str]:
    with app.test_client().get(url.removeprefix(PUBLIC_BASE_URL)) as response:
        return response.status_code, response.get_data(), response.mimetype


def test_a_voice_note_goes_to_the_coordinator_and_one_comes_back(tmp_path: Path) -> None:
    host = MediaHost()
    with serving(host) as media_url:
        app = centre(
            tmp_path, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN, MESSAGING_BACKEND="console"
        )
        services, phones = app.extensions[EXTENSION], Phones(app)
        voice = {"NumMedia": "1", "MediaContentType0": "audio/ogg"}
        phones.send(SOMALI, "", MediaUrl0=f"{media_url}/Media/ME1", **voice)
        assert escalation_of(services, SOMALI).reasons == ["voice_note"]
        notice = phones.received(BEGELEIDER)[-1]
        assert notice.body.startswith("Welkom, melding #1: Hodan stuurde een spraakbericht.")
        [attached] = notice.media  # a voice note plays where it arrives on WhatsApp
        assert attached["content_type"] == "audio/ogg" and f"  [bijlage: {attached['url']}]" in notice.body
        assert fetched(app, attached["url"]) == (200, VOICE, "audio/ogg")
        assert host.requests[0][1].username == ACCOUNT_SID  # fetched with the account's credentials

        phones.send(BEGELEIDER, "#1", MediaUrl0=f"{media_url}/Media/ME2", **voice)
        [forwarded] = phones.received(SOMALI)[-1].media
        assert fetched(app, forwarded["url"]) == (200, VOICE, "audio/ogg")
    assert fetched(app, PUBLIC_BASE_URL + "/media/not-a-signed-token")[0] == 404
    assert len(list((tmp_path / "media").iterdir())) == 2  # the copies, kept by the operator


def test_media_from_someone_without_consent_is_not_fetched(tmp_path: Path) -> None:
    host = MediaHost()
    with serving(host) as media_url:
        app = centre(tmp_path)
        phones = Phones(app)
        form = {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": f"{media_url}/Media/ME1"}
        phones.send("+31611111111", "", **form)
    assert host.requests == [] and not (tmp_path / "media").exists()


TEMPLATES = """
relay:
  text: relay.teaser
  variables: []
  content_sids:
    so: HX00000000000000000000000000000010
    nl: HX00000000000000000000000000000011
escalation:
  text: escalation.teaser
  variables: [ref]
  content_sids:
    nl: HX00000000000000000000000000000012
"""


def test_outside_the_24_hour_window_a_template_goes_first_and_the_text_after_the_reply(tmp_path: Path) -> None:
    templates = tmp_path / "templates.yaml"
    templates.write_text(TEMPLATES, encoding="utf-8")
    app = centre(tmp_path, WHATSAPP_TEMPLATES=str(templates))
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")
    a_day_later = MONDAY_10 + timedelta(days=1, hours=1)
    services.clock = lambda: a_day_later.astimezone(UTC)
    phones.send(BEGELEIDER, "#1 Ik bel je morgen")  # the begeleider wrote, so their window is open
    teaser = phones.received(SOMALI)[-1]
    assert teaser.route == "template:so" and teaser.body.endswith("Ik bel je morgen")
    phones.send(SOMALI, "haa")
    owed, *_ = [m for m in phones.received(SOMALI) if m.fallback_of_id == teaser.id]
    assert (owed.route, owed.body) == ("whatsapp", teaser.body)
    assert phones.last(BEGELEIDER).startswith("#1 Hodan:")  # the answer goes to the begeleider

    two_days_later = a_day_later + timedelta(days=2)  # now the begeleider's window is closed too
    services.clock = lambda: two_days_later.astimezone(UTC)
    phones.send(SOMALI, "caawimaad")
    assert phones.received(BEGELEIDER)[-1].route == "template:nl"


class Mailbox(AsyncMessage):
    def __init__(self) -> None:
        super().__init__()
        self.mails: list = []

    async def handle_message(self, message) -> None:
        self.mails.append(message)


def test_a_coordinator_who_prefers_e_mail_gets_the_notice_by_smtp(tmp_path: Path) -> None:
    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    server.start()
    try:
        app = centre(tmp_path, SMTP_URL=f"smtp://{server.hostname}:{server.port}", SMTP_FROM="welkom@centrale.nl")
        services, phones = app.extensions[EXTENSION], Phones(app)
        with session_scope(services.db) as db:
            anna = db.get(Coordinator, 1)
            anna.channel, anna.email = "email", "anna@centrale.nl"
        phones.send(SOMALI, "caawimaad")
    finally:
        server.stop()
    [mail] = mailbox.mails
    assert (mail["To"], mail["From"], mail["Subject"]) == (
        "anna@centrale.nl",
        "welkom@centrale.nl",
        "Welkom: melding #1",
    )
    assert "Hodan vraagt om een medewerker" in mail.get_payload() and "- caawimaad" in mail.get_payload()
    assert phones.received(BEGELEIDER)[-1].status == "sent"


@pytest.mark.prism
def test_every_relay_message_is_a_request_twilios_own_spec_accepts(tmp_path: Path) -> None:
    """Templates and free text both ways. (Not media: Prism reads one form-encoded MediaUrl as
    a string where the spec says array, and refuses it; Twilio itself takes one.)"""
    templates = tmp_path / "templates.yaml"
    templates.write_text(TEMPLATES, encoding="utf-8")
    with prism_mock() as prism:
        app = centre(tmp_path, **TWILIO_SETTINGS, TWILIO_API_BASE_URL=prism, WHATSAPP_TEMPLATES=str(templates))
        services, phones = app.extensions[EXTENSION], Phones(app)
        phones.send(SOMALI, "caawimaad")  # the begeleider never wrote: the notice goes as a template
        phones.send(BEGELEIDER, "ok")  # ... and its text follows their answer
        services.clock = lambda: (MONDAY_10 + timedelta(days=2)).astimezone(UTC)
        phones.send(BEGELEIDER, "#1 Ik bel je morgen")  # outside the newcomer's window: the template
        phones.send(SOMALI, "haa")
        phones.send(BEGELEIDER, "#1 klaar")
    with session_scope(services.db) as db:
        sent = db.exec(select(Message).where(Message.direction == "out").order_by(Message.id)).all()
    assert {m.route for m in sent} == {"whatsapp", "template:so", "template:nl"}
    assert all(MESSAGE_SID.match(m.twilio_sid or "") for m in sent), [(m.route, m.error_code) for m in sent]


def test_help_in_the_middle_of_the_kennismaking_passes_the_next_words_on(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "menu")
    phones.send(SOMALI, "1")  # the kennismaking: what is your name?
    phones.send(SOMALI, "caawimaad")
    phones.send(SOMALI, "Ma fahmin su'aasha")  # "I do not understand the question": for the person
    assert phones.last(BEGELEIDER).split("\n")[:2] == ["#1 Hodan:", "- Ma fahmin su'aasha"]
    phones.send(BEGELEIDER, "#1 klaar")
    phones.send(SOMALI, "Hodan")  # the dialogue goes on where it was
    assert phones.last(SOMALI) != services.catalogs.text("so", "relay.closed")
    with session_scope(services.db) as db:
        assert queries.flow_run_of(db, 1).state["answers"] == {"name": "Hodan"}


def test_not_understood_twice_opens_an_escalation_but_the_question_still_waits(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "menu")
    phones.send(SOMALI, "xyz")
    phones.send(SOMALI, "xyz")  # twice: a person will help
    assert escalation_of(services, SOMALI).reasons == ["not_understood"]
    assert phones.last(BEGELEIDER).startswith("Welkom, melding #1: Hodan werd twee keer niet begrepen")
    phones.send(SOMALI, "1")  # they answer after all: the menu understands it
    assert phones.last(SOMALI).startswith(services.catalogs.text("so", "kennismaking.intro")[:20])


def test_a_sentence_meant_for_the_bot_reaches_it_while_a_person_helps(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")
    phones.send(BEGELEIDER, "#1 Ik bel je morgen om 10 uur")
    services.clock = lambda: (MONDAY_10 + timedelta(minutes=5)).astimezone(UTC)
    phones.send(SOMALI, "fariimo ma rabo")  # "I want no messages": asked about by the bot, not passed on
    assert phones.last(SOMALI).startswith(services.catalogs.text("so", "intent.stop.confirm"))
    assert phones.last(BEGELEIDER).startswith("#1: verstuurd naar Hodan")  # nothing more came to them
    phones.send(SOMALI, "haa")
    assert phones.last(SOMALI) == services.catalogs.text("so", "global.stop.reply")
    with session_scope(services.db) as db:
        assert queries.participant_by_phone(db, SOMALI).stopped_at is not None
