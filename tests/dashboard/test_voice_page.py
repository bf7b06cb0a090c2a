"""Spraak: the centre sees per language which texts are missing, and an upload becomes an OGG/Opus voice note."""

import io
import math
import struct
import wave

from sqlmodel import select

from bot import audio
from bot.voice_catalog import Source
from bot.voice_script import spoken_keys
from storage.db import session_scope
from storage.models import AuditEntry, User
from tests.dashboard.conftest import ANNA, CENTRE, Centre, Live, login
from tests.test_voice_catalog import require_audio_tools


def tone_wav(seconds: float = 1.5, rate: int = 16000) -> bytes:
    """A plain WAV tone, as a recorder might upload (not OGG: the server must convert it)."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def test_the_centre_sees_what_is_missing_and_an_upload_becomes_a_voice_note(page, live: Live, centre: Centre) -> None:
    require_audio_tools()
    services = live.services
    every = len(spoken_keys(services.book))
    login(page, CENTRE)
    page.get_by_role("link", name="Spraak").click()
    somali_row = page.get_by_role("row", name="Somalisch")
    assert somali_row.locator("td").all_inner_texts() == ["0", "0", str(every)]

    page.get_by_role("link", name="Somalisch").click()
    assert page.get_by_role("row", name="reminder.text").locator("td").nth(1).inner_text() == "ontbreekt"
    page.get_by_role("link", name="reminder.text").click()
    assert "Xusuusin: waxaad ballan leedahay" in page.locator(".preview").inner_text()  # what to say, in Somali
    page.get_by_label("Geluidsbestand").set_input_files(
        {"name": "opname.wav", "mimeType": "audio/wav", "buffer": tone_wav()}
    )
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text().startswith("Opgeslagen: reminder.text")
    assert page.get_by_role("row", name="reminder.text").locator("td").nth(1).inner_text() == "ingesproken"

    stored = (services.settings.voice_dir / "so" / "reminder.text.ogg").read_bytes()
    assert stored.startswith(b"OggS") and b"OpusHead" in stored[:128]
    assert 1.4 <= audio.duration(stored) <= 1.6
    assert services.voice.find("so", "reminder.text").source == Source.RECORDED  # sending finds it at once
    with session_scope(services.db) as db:
        entry = db.exec(select(AuditEntry)).one()
        assert db.get(User, entry.user_id).email == CENTRE
    assert (entry.action, entry.details["language"], entry.details["key"]) == ("voice.uploaded", "so", "reminder.text")


def test_a_file_that_is_no_audio_or_without_its_token_is_refused(page, live: Live, centre: Centre) -> None:
    require_audio_tools()
    login(page, CENTRE)
    page.goto("/dashboard/voice/so/reminder.text")
    page.get_by_label("Geluidsbestand").set_input_files(
        {"name": "note.m4a", "mimeType": "audio/mp4", "buffer": b"not audio at all"}
    )
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert "kon niet als geluid worden gelezen" in page.get_by_role("status").inner_text()
    without_token = page.evaluate(
        "async (url) => (await fetch(url, {method: 'POST', body: new FormData()})).status",
        "/dashboard/voice/so/reminder.text",
    )
    assert without_token == 400
    assert not (live.services.settings.voice_dir / "so").exists()


def test_only_the_centre_manages_the_voice_catalog(page, live: Live, centre: Centre) -> None:
    login(page, ANNA)
    assert page.get_by_role("link", name="Spraak").count() == 0
    for path in ("/dashboard/voice", "/dashboard/voice/so", "/dashboard/voice/so/reminder.text"):
        assert page.goto(path).status == 404


def test_a_voice_note_recorded_in_the_browser_is_kept(page, live: Live, centre: Centre) -> None:
    """Chromium's fake microphone (a beep) stands in for a person; the page's recorder fills the form."""
    require_audio_tools()
    login(page, CENTRE)
    page.goto("/dashboard/voice/so/reminder.text")
    page.get_by_role("button", name="Opnemen").click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Stoppen").click()
    page.wait_for_function("document.getElementById('audio').files.length === 1")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text().startswith("Opgeslagen: reminder.text")
    stored = (live.services.settings.voice_dir / "so" / "reminder.text.ogg").read_bytes()
    assert stored.startswith(b"OggS") and audio.duration(stored) >= 0.5
