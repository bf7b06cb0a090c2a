"""Filling gaps in the voice catalog with espeak-ng, where the centre allows it (VOICE_SYNTHETIC).

Only texts without any recording get one; each is marked synthetic by its file name
(<key>.synthetic.ogg), so a person's recording always wins and the dashboard shows
which are machine-made. Languages without an espeak-ng voice rely on recordings.
"""

from dataclasses import dataclass, field

from bot import audio
from bot.services import Services
from bot.voice_catalog import MISSING, mark_changed, synthetic_path
from bot.voice_script import script, spoken_keys


@dataclass
class Filled:
    made: list[str] = field(default_factory=list)
    # key -> why no audio was made
    failed: dict[str, str] = field(default_factory=dict)


def can_speak(language: str) -> bool:
    return language in audio.ESPEAK_VOICES


def fill_gaps(services: Services, language: str, keys: list[str] | None = None) -> Filled:
    """Speak every missing text of `language` (or only `keys`), written as synthetic recordings."""
    wanted = keys or spoken_keys(services.book)
    missing = [key for key, state in services.voice.states(language, wanted).items() if state == MISSING]
    filled = Filled()
    for key in missing:
        words = script(services.catalogs, services.book, language, key)
        try:
            spoken = audio.speak(words, language)
        except audio.AudioError as error:
            filled.failed[key] = str(error)
            continue
        path = synthetic_path(services.settings.voice_dir, language, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(spoken)
        filled.made.append(key)
    if filled.made:
        mark_changed(services.settings.voice_dir)
    return filled
