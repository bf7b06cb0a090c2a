"""What a voice note costs a message: the catalog lookup, and reading the index again.

Fills a temporary catalog with every spoken text in every language (a copy of the
test tone), then prints the microseconds per `VoiceCatalog.find` (one stat of the
marker file and a dict lookup: what sending does per text) and the milliseconds for
`reload` (two directory listings per language: what happens once per upload).

    .venv/bin/python benchmarks/voice_lookup.py
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.flow.loader import load_book  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.voice_catalog import VoiceCatalog, mark_changed, uploaded_path  # noqa: E402
from bot.voice_script import spoken_keys  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TONE = ROOT / "tests" / "data" / "voice" / "placeholder-tone.ogg"
LOOKUPS = 100_000
RELOADS = 50


def main() -> None:
    catalogs = Catalogs.load(ROOT / "translations")
    keys = spoken_keys(load_book(ROOT / "flows", catalogs))
    with tempfile.TemporaryDirectory() as directory:
        voice_dir = Path(directory)
        for language in catalogs.languages:
            for key in keys:
                path = uploaded_path(voice_dir, language, key)
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(TONE, path)
        mark_changed(voice_dir)
        catalog = VoiceCatalog(ROOT / "translations" / "voice", voice_dir, catalogs.languages, synthetic=False)

        started = time.perf_counter()
        for n in range(LOOKUPS):
            catalog.find("so", keys[n % len(keys)])
        per_find = (time.perf_counter() - started) / LOOKUPS

        started = time.perf_counter()
        for _ in range(RELOADS):
            catalog.reload()
        per_reload = (time.perf_counter() - started) / RELOADS
    files = len(catalogs.languages) * len(keys)
    print(f"{files} recordings ({len(catalogs.languages)} languages x {len(keys)} texts)")
    print(f"find:   {per_find * 1e6:.1f} microseconds per text")
    print(f"reload: {per_reload * 1e3:.1f} milliseconds")


if __name__ == "__main__":
    main()
