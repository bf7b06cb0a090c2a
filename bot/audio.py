"""Audio by Debian's tools: any recording to OGG/Opus (ffmpeg), and offline speech (espeak-ng).

WhatsApp plays a voice note when it is Opus in an OGG container; that is what every
file in the voice catalog is. Both tools run as child processes on temporary files
(a phone's m4a cannot be read from a pipe), never through a shell.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

FFMPEG, ESPEAK = "ffmpeg", "espeak-ng"
TIMEOUT_SECONDS = 60
# Mono Opus at its own 48 kHz; 24 kbit/s keeps speech clear and a minute under 200 KB.
_OPUS = ["-vn", "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "24k", "-application", "voip", "-f", "ogg"]
OPUS_RATE = 48000
# A voice note shorter than this is a click; longer than this, nobody listens to a prompt.
MIN_SECONDS, MAX_SECONDS = 0.5, 180.0
# espeak-ng's voices for the bot's languages; Pashto, Somali and Tigrinya have none.
ESPEAK_VOICES = {"nl": "nl", "en": "en", "fa": "fa", "tr": "tr", "uk": "uk", "ar": "ar"}
# Speech is about 8 to 25 characters a second; espeak outside that read something else.
_CHARS_PER_SECOND = (4.0, 40.0)


class AudioError(Exception):
    """Audio that could not be made or read; the message says why, for the person who tried."""


def available(tool: str) -> bool:
    return shutil.which(tool) is not None


def to_ogg_opus(data: bytes) -> bytes:
    """Any audio ffmpeg reads (webm, m4a, mp3, wav, ogg...) as an OGG/Opus voice note."""
    if not available(FFMPEG):
        raise AudioError("ffmpeg is not installed")
    with tempfile.TemporaryDirectory(prefix="welkom-audio-") as directory:
        source, target = Path(directory) / "in", Path(directory) / "out.ogg"
        source.write_bytes(data)
        _run([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(source), *_OPUS, str(target)])
        converted = target.read_bytes() if target.exists() else b""
    check_voice_note(converted)
    return converted


def speak(text: str, language: str) -> bytes:
    """`text` read by espeak-ng in `language`, as an OGG/Opus voice note whose length fits the text."""
    voice = ESPEAK_VOICES.get(language)
    if voice is None:
        raise AudioError(f"espeak-ng has no voice for '{language}'")
    if not available(ESPEAK):
        raise AudioError("espeak-ng is not installed")
    wav = _run([ESPEAK, "-v", voice, "--stdout", "--stdin"], stdin=text.encode("utf-8"))
    spoken = to_ogg_opus(wav)
    seconds = duration(spoken)
    slowest, fastest = _CHARS_PER_SECOND
    if not len(text) / fastest <= seconds <= len(text) / slowest:
        raise AudioError(f"{seconds:.1f} s of speech for {len(text)} characters is not plausible")
    return spoken


def check_voice_note(data: bytes) -> None:
    """Refuse what is not OGG/Opus of a sensible length."""
    if not data.startswith(b"OggS") or b"OpusHead" not in data[:128]:
        raise AudioError("not OGG/Opus audio")
    seconds = duration(data)
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise AudioError(f"{seconds:.1f} s long; a voice note takes {MIN_SECONDS} to {MAX_SECONDS:.0f} s")


def duration(data: bytes) -> float:
    """Seconds of an OGG/Opus stream: the last page's granule position less the pre-skip, at 48 kHz."""
    last = data.rfind(b"OggS")
    head = data.find(b"OpusHead")
    if last < 0 or head < 0 or len(data) < last + 14:
        return 0.0
    granule = int.from_bytes(data[last + 6 : last + 14], "little")
    pre_skip = int.from_bytes(data[head + 10 : head + 12], "little")
    return max(granule - pre_skip, 0) / OPUS_RATE


def _run(command: list[str], stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise AudioError(f"{command[0]} took longer than {TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        # ffmpeg's first error line says what it could not read; nothing personal is in it.
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise AudioError(f"{command[0]} failed: {reason[0] if reason else done.returncode}")
    return done.stdout
