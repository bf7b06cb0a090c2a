"""Erasure leaves nothing of the person in any table or in the media storage; export shows it all."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text
from sqlmodel import select

from bot.i18n import SUPPORTED_LANGUAGES
from bot.services import EXTENSION
from storage.db import session_scope
from storage.models import Absence, Appointment, Escalation, Message, Participant, Referral
from tests.support.fake_translators import FakeGoogle, fake_translation
from tests.support.http import serving
from tests.support.phones import Phones
from tests.test_relay import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BEGELEIDER,
    MONDAY_10,
    SOMALI,
    TIGRINYA,
    MediaHost,
    at,
    centre,
    work_day,
)

# What Hodan wrote and what was written about her: none of it may remain after erasure.
HER_WORDS = ("Mahadsanid waan sugi doonaa", "Caruurtaydu waa xanuunsan tahay", "Hodan Ali")


def every_stored_text(app: Flask) -> str:
    """Every row of every table, as text: what a search of the database would find."""
    engine = app.extensions[EXTENSION].db
    with engine.connect() as connection:
        rows = [
            repr(tuple(row))
            for table in inspect(engine).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        ]
    return "\n".join(rows)


def hodan_talks_to_her_begeleider(app: Flask, media_url: str) -> None:
    services, phones = app.extensions[EXTENSION], Phones(app)
    with session_scope(services.db) as db:
        db.add(work_day(1, timedelta(days=1), notes="Hodan brengt haar dochter mee"))
    phones.send(SOMALI, "caawimaad")
    phones.send(BEGELEIDER, "#1 Dag Hodan, ik bel je zo")
    phones.send(SOMALI, HER_WORDS[0])
    voice = {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MediaUrl0": f"{media_url}/Media/ME1"}
    phones.send(SOMALI, "", **voice)
    services.clock = lambda: (MONDAY_10 + timedelta(minutes=5)).astimezone(UTC)
    phones.send(SOMALI, "afmelden")  # the bot's own dialogue: its questions get the answers
    for body in ("1", "6", HER_WORDS[1], "1"):  # cannot come, another reason, in her words, right
        phones.send(SOMALI, body)


def test_erasure_leaves_nothing_of_the_person_and_keeps_the_counts(tmp_path: Path) -> None:
    host, google = MediaHost(), FakeGoogle()
    with serving(host) as media_url, serving(google) as translator_url:
        app = centre(
            tmp_path,
            translator_url,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            MESSAGING_BACKEND="console",
        )
        hodan_talks_to_her_begeleider(app, media_url)
    services = app.extensions[EXTENSION]
    before = every_stored_text(app)
    traces = [SOMALI, *HER_WORDS, fake_translation(HER_WORDS[0], "nl"), "ik bel je zo"]
    assert all(trace in before for trace in traces), [t for t in traces if t not in before]
    assert any((tmp_path / "media").iterdir())

    result = app.test_cli_runner().invoke(args=["bot", "erase", SOMALI, "--yes"])
    assert result.exit_code == 0, result.output

    after = every_stored_text(app)
    assert [trace for trace in traces if trace in after] == []
    assert "Hodan" not in after
    assert list((tmp_path / "media").iterdir()) == []
    with session_scope(services.db) as db:  # the counts stay
        assert db.get(Participant, 1).language == "so"
        assert db.get(Escalation, 1).reasons == ["asked_for_person", "voice_note"]
        assert len(db.exec(Absence.__table__.select()).all()) == 1
        assert db.get(Appointment, 1).status == "cancelled"
        assert len(db.exec(Message.__table__.select()).all()) > 10
    assert TIGRINYA in after  # others are untouched
    again = app.test_cli_runner().invoke(args=["bot", "erase", SOMALI, "--yes"])
    assert again.exit_code == 1 and "geen deelnemer" in again.output


def test_export_gives_everything_kept_about_one_participant(tmp_path: Path) -> None:
    host = MediaHost()
    with serving(host) as media_url:
        app = centre(tmp_path)
        hodan_talks_to_her_begeleider(app, media_url)
    result = app.test_cli_runner().invoke(args=["bot", "export", SOMALI])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["export_version"] == 1 and data["participant"]["phone"] == SOMALI
    assert data["participant"]["name"] == "Hodan Ali" and data["participant"]["language"] == "so"
    bodies = [m["body"] for m in data["messages"]]
    assert "caawimaad" in bodies and HER_WORDS[0] in bodies
    assert any(b.startswith("#1 Hodan:") for b in bodies)  # what the coordinator was told
    assert data["absences"][0]["own_words"]["original"] == HER_WORDS[1]
    assert [h["action"] for h in data["escalations"][0]["history"]][:2] == ["opened", "notified"]
    assert data["appointments"][0]["notes"] == "Hodan brengt haar dochter mee"
    assert str(TIGRINYA) not in result.output
    assert datetime.fromisoformat(data["participant"]["consent_given_at"]) < MONDAY_10.astimezone(UTC)


def test_retention_blanks_old_texts_and_erases_people_long_gone(tmp_path: Path) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    phones.send(SOMALI, "caawimaad")  # Monday 30 November 2026
    phones.send(TIGRINYA, "ሓገዝ")
    with session_scope(services.db) as db:  # Selam still has work days next year
        db.add(work_day(2, timedelta(days=300)))
    counts = at(services, MONDAY_10 + timedelta(days=91))
    assert counts["messages_blanked"] > 0 and counts["participants_erased"] == 0
    with session_scope(services.db) as db:
        old = db.exec(select(Message).where(Message.created_at < MONDAY_10 + timedelta(days=1))).all()
        assert len(old) > 4 and {m.body for m in old} == {""}
    assert "messages_blanked" not in at(services, MONDAY_10 + timedelta(days=91, minutes=30))  # once an hour
    counts = at(services, MONDAY_10 + timedelta(days=366))
    assert counts["participants_erased"] == 1  # Hodan; Selam's last work day is less than a year ago
    with session_scope(services.db) as db:
        assert db.get(Participant, 1).phone == "erased:1" and db.get(Participant, 2).phone == TIGRINYA


def test_the_api_exports_and_erases_a_participant(tmp_path: Path) -> None:
    app = centre(tmp_path, API_TOKEN="a-token-of-sixteen-or-more")
    phones, client = Phones(app), app.test_client()
    auth = {"Authorization": "Bearer a-token-of-sixteen-or-more"}
    phones.send(SOMALI, "caawimaad")
    exported = client.get("/api/participants/1/export", headers=auth)
    assert exported.status_code == 200 and exported.json["participant"]["phone"] == SOMALI
    assert "caawimaad" in [m["body"] for m in exported.json["messages"]]
    assert client.delete("/api/participants/1", headers=auth).status_code == 204
    assert SOMALI not in every_stored_text(app)
    assert client.delete("/api/participants/1", headers=auth).status_code == 404  # already gone
    assert client.get("/api/participants/1/export", headers=auth).status_code == 404
    assert client.delete("/api/participants/2").status_code == 401
    document = client.get("/api/openapi.json").json
    assert {"get", "delete"} <= set(document["paths"]["/api/participants/{participant_id}/export"]) | set(
        document["paths"]["/api/participants/{participant_id}"]
    )


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_newcomer_erases_themselves_with_the_word_of_their_language(tmp_path: Path, language: str) -> None:
    app = centre(tmp_path)
    services, phones = app.extensions[EXTENSION], Phones(app)
    with session_scope(services.db) as db:
        db.get(Participant, 1).language = language
    word = services.catalogs.text(language, "global.delete.words").split("|")[1]
    phones.send(SOMALI, word)
    assert phones.last(SOMALI).startswith(services.catalogs.text(language, "privacy.erase.ask"))
    phones.send(SOMALI, "2")  # no: nothing happens
    assert phones.last(SOMALI) == services.catalogs.text(language, "privacy.erase.kept")
    phones.send(SOMALI, word)
    phones.send(SOMALI, "1")  # yes
    with session_scope(services.db) as db:
        goodbye = db.exec(select(Message).where(Message.participant_id == 1).order_by(Message.id.desc())).first()
        assert goodbye.status == "sent" and goodbye.body == ""  # it went out, then was erased with the rest
        assert db.get(Participant, 1).phone == "erased:1"
    assert SOMALI not in every_stored_text(app)


def test_who_brought_a_newcomer_is_in_their_export_and_erased_with_them(tmp_path: Path) -> None:
    app = centre(tmp_path, TWILIO_WHATSAPP_FROM="+3197010000001")
    phones, runner = Phones(app), app.test_cli_runner()
    added = runner.invoke(args=["bot", "ambassador", "add", "--name", "Fatima", "--phone", "+31611111111"])
    code = re.search(r"Code: (WK-\w{4})", added.output).group(1)
    newcomer = "+31630000001"
    for body in (f"مرحبا {code}", "1", "1", "1"):  # Arabic: yes; consent: yes; Fatima may know: yes
        phones.send(newcomer, body)
    exported = json.loads(runner.invoke(args=["bot", "export", newcomer]).output)
    assert exported["referral"]["referrer"] == "Fatima" and exported["referral"]["code"] == code
    assert exported["referral"]["may_tell_at"] is not None
    link = f"(1, 3, 1, '{exported['referral']['arrived_at'][:10]}"  # the referral row: id, participant, referrer
    assert link in every_stored_text(app)

    assert runner.invoke(args=["bot", "erase", newcomer, "--yes"]).exit_code == 0
    after = every_stored_text(app)
    assert link not in after and newcomer not in after
    with session_scope(app.extensions[EXTENSION].db) as db:
        assert db.exec(select(Referral)).all() == []
    assert "Fatima" in after  # the ambassador herself stays
