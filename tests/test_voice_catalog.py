"""The voice catalog's index, what a voice note says, `bot voice status` and `bot voice synthesize`."""

import shutil
from pathlib import Path

import pytest
from flask import Flask

from bot import audio
from bot.services import EXTENSION
from bot.voice_catalog import Source, VoiceCatalog, mark_changed
from bot.voice_script import fixed_part, script
from tests.conftest import make_app
from tests.support.services import IN_CI

PLACEHOLDER = Path(__file__).parent / "data" / "voice" / "placeholder-tone.ogg"


def put(directory: Path, name: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLACEHOLDER, path)
    return path


def require_audio_tools() -> None:
    if audio.available(audio.FFMPEG) and audio.available(audio.ESPEAK):
        return
    message = "ffmpeg and espeak-ng are needed (apt-get install ffmpeg espeak-ng)"
    pytest.fail(message) if IN_CI else pytest.skip(message)


def test_an_upload_wins_over_a_shipped_recording_and_both_over_a_synthetic_one(tmp_path: Path) -> None:
    shipped, voice_dir = tmp_path / "shipped", tmp_path / "voice"
    put(voice_dir, "fa/reminder.text.synthetic.ogg")
    put(voice_dir, "fa/checkin.how.synthetic.ogg")
    put(shipped, "fa/reminder.text.ogg")
    put(voice_dir, "so/reminder.text.ogg")
    put(shipped, "so/reminder.text.ogg")
    catalog = VoiceCatalog(shipped, voice_dir, ("fa", "so"), synthetic=False)

    assert catalog.find("fa", "reminder.text").path == shipped / "fa" / "reminder.text.ogg"
    assert catalog.find("so", "reminder.text").path == voice_dir / "so" / "reminder.text.ogg"
    assert catalog.find("fa", "checkin.how") is None  # synthetic, and the centre did not allow it
    assert catalog.all("fa")["checkin.how"].source == Source.SYNTHETIC
    allowed = VoiceCatalog(shipped, voice_dir, ("fa", "so"), synthetic=True)
    assert allowed.find("fa", "checkin.how").source == Source.SYNTHETIC
    assert catalog.states("fa", ["reminder.text", "checkin.how", "reminder.coming"]) == {
        "reminder.text": "recorded",
        "checkin.how": "synthetic",
        "reminder.coming": "missing",
    }


def test_the_index_is_read_once_and_again_only_when_the_marker_changes(tmp_path: Path) -> None:
    voice_dir = tmp_path / "voice"
    catalog = VoiceCatalog(tmp_path / "shipped", voice_dir, ("so",), synthetic=False)
    put(voice_dir, "so/reminder.text.ogg")
    assert catalog.find("so", "reminder.text") is None  # no scan when a message is sent
    mark_changed(voice_dir)  # what an upload or `bot voice synthesize` does
    assert catalog.find("so", "reminder.text").source == Source.RECORDED


def test_a_text_with_details_is_spoken_without_them_and_a_question_with_its_choices(app: Flask) -> None:
    services = app.extensions[EXTENSION]
    assert fixed_part("Herinnering: je hebt een afspraak op {when}.\nWaar: {place}, {address}") == (
        "Herinnering: je hebt een afspraak op",
        True,
    )
    said = script(services.catalogs, services.book, "fa", "reminder.text").splitlines()
    assert said[0] == "یادآوری: شما روز"
    assert said[1] == services.catalogs.text("fa", "voice.details_in_text")
    assert said[2] == "۱. " + services.catalogs.text("fa", "reminder.coming")
    assert len(said) == 6  # the four choices follow


def test_status_lists_per_language_what_is_recorded_synthetic_or_missing(tmp_path: Path) -> None:
    put(tmp_path / "voice", "so/reminder.text.ogg")
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["bot", "voice", "status", "--lang", "so"])
    assert result.exit_code == 0, result.output
    summary, recorded, missing = result.output.splitlines()
    assert summary.startswith("so: 1 opgenomen, 0 synthetisch, ") and summary.endswith(" ontbreken")
    assert recorded == "  opgenomen: reminder.text"
    assert "reminder.text" not in missing and "afmelden.kind.ask" in missing
    app.extensions[EXTENSION].db.dispose()


def test_synthesis_needs_the_centres_yes_and_a_voice_for_the_language(tmp_path: Path) -> None:
    off, on = make_app(tmp_path), make_app(tmp_path, VOICE_SYNTHETIC="1")
    refused = off.test_cli_runner().invoke(args=["bot", "voice", "synthesize", "--lang", "nl"])
    assert refused.exit_code == 1 and "VOICE_SYNTHETIC=1" in refused.output
    somali = on.test_cli_runner().invoke(args=["bot", "voice", "synthesize", "--lang", "so"])
    assert somali.exit_code == 1 and "opnames van mensen" in somali.output
    assert not (tmp_path / "voice").exists()
    for app in (off, on):
        app.extensions[EXTENSION].db.dispose()


def test_synthesis_fills_a_gap_with_plausible_opus_marked_synthetic(tmp_path: Path) -> None:
    require_audio_tools()
    app = make_app(tmp_path, VOICE_SYNTHETIC="1")
    result = app.test_cli_runner().invoke(args=["bot", "voice", "synthesize", "--lang", "nl", "--key", "reminder.text"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "nl: 1 gemaakt, 0 niet gelukt"

    made = (tmp_path / "voice" / "nl" / "reminder.text.synthetic.ogg").read_bytes()
    assert made.startswith(b"OggS") and b"OpusHead" in made[:128]
    # The fixed part, the details line and four choices: several seconds of speech, not a click.
    assert 4 < audio.duration(made) < 30
    voice = app.extensions[EXTENSION].voice
    assert voice.find("nl", "reminder.text").source == Source.SYNTHETIC
    status = app.test_cli_runner().invoke(args=["bot", "voice", "status", "--lang", "nl"])
    assert "  synthetisch: reminder.text" in status.output.splitlines()
    app.extensions[EXTENSION].db.dispose()
