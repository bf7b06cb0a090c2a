"""The voice catalog: which text has a voice note in which language, and where its file is.

Recordings come from three places, the first that has one wins:
- uploaded on the dashboard: VOICE_DIR/<lang>/<key>.ogg;
- shipped with the project: translations/voice/<lang>/<key>.ogg;
- made by the speech engine (`bot voice synthesize`): VOICE_DIR/<lang>/<key>.synthetic.ogg,
  used only while VOICE_SYNTHETIC is on.

The index is built once from two directory listings; sending a message only looks it up.
Whoever adds a file (an upload in the web process, the CLI) touches a marker file, and
every process reloads its index when the marker's time changed: one stat, no scan.
"""

import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.config import Settings

SUFFIX = ".ogg"
SYNTHETIC_SUFFIX = ".synthetic.ogg"
MARKER = ".changed"
MISSING = "missing"
# Catalog keys as the PO files have them; anything else never becomes a path.
_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


class Source(StrEnum):
    RECORDED = "recorded"  # a person's voice, shipped or uploaded
    SYNTHETIC = "synthetic"


@dataclass(frozen=True)
class Recording:
    language: str
    key: str
    path: Path
    source: Source


def is_key(key: str) -> bool:
    return bool(_KEY.match(key)) and not key.endswith(".synthetic")


def uploaded_path(voice_dir: Path, language: str, key: str) -> Path:
    return voice_dir / language / f"{key}{SUFFIX}"


def synthetic_path(voice_dir: Path, language: str, key: str) -> Path:
    return voice_dir / language / f"{key}{SYNTHETIC_SUFFIX}"


def mark_changed(voice_dir: Path) -> None:
    """Tell every process (web, workers) to reload its index."""
    voice_dir.mkdir(parents=True, exist_ok=True)
    marker = voice_dir / MARKER
    marker.touch()
    os.utime(marker)  # a new time even when the file existed


class VoiceCatalog:
    def __init__(self, shipped_dir: Path, voice_dir: Path, languages: tuple[str, ...], synthetic: bool):
        self.shipped_dir, self.voice_dir = shipped_dir, voice_dir
        self.languages, self.synthetic = languages, synthetic
        self._index: dict[tuple[str, str], Recording] = {}
        self._seen: int | None = None
        self.reload()

    @classmethod
    def for_settings(cls, settings: Settings, languages: tuple[str, ...]) -> "VoiceCatalog":
        return cls(settings.recorded_voice_dir, settings.voice_dir, languages, settings.voice_synthetic)

    def find(self, language: str, key: str) -> Recording | None:
        """The recording to send for a text, if any (synthetic ones only while allowed)."""
        self._refresh()
        found = self._index.get((language, key))
        if found is None or (found.source == Source.SYNTHETIC and not self.synthetic):
            return None
        return found

    def all(self, language: str) -> dict[str, Recording]:
        """Every recording of a language by key, synthetic ones too (for the status pages)."""
        self._refresh()
        return {key: recording for (lang, key), recording in self._index.items() if lang == language}

    def states(self, language: str, keys: list[str]) -> dict[str, str]:
        """Per key: recorded, synthetic or missing."""
        recordings = self.all(language)
        return {key: str(recordings[key].source) if key in recordings else MISSING for key in keys}

    def reload(self) -> None:
        self._seen = self._marker_time()
        index: dict[tuple[str, str], Recording] = {}
        for language in self.languages:
            # Lowest precedence first: a later one replaces it.
            for recording in (
                *_listed(self.voice_dir, language, Source.SYNTHETIC),
                *_listed(self.shipped_dir, language, Source.RECORDED),
                *_listed(self.voice_dir, language, Source.RECORDED),
            ):
                index[(language, recording.key)] = recording
        self._index = index

    def _refresh(self) -> None:
        if self._marker_time() != self._seen:
            self.reload()

    def _marker_time(self) -> int | None:
        try:
            return (self.voice_dir / MARKER).stat().st_mtime_ns
        except FileNotFoundError:
            return None


def _listed(root: Path, language: str, source: Source) -> list[Recording]:
    directory = root / language
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.iterdir()):
        name = path.name
        synthetic = name.endswith(SYNTHETIC_SUFFIX)
        if not name.endswith(SUFFIX) or synthetic != (source == Source.SYNTHETIC):
            continue
        key = name.removesuffix(SYNTHETIC_SUFFIX if synthetic else SUFFIX)
        if is_key(key) and path.is_file():
            found.append(Recording(language, key, path, source))
    return found
