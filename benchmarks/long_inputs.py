"""How long the word splitting and language recognition take on long one-word inputs.

Prints, per input shape and length, the seconds for `_words` (the link and e-mail
checks) and for `detect_language`, beside a bare baseline: one pass over the text
(`str.split`). Linear code keeps the ratio roughly constant as the length doubles.

    .venv/bin/python benchmarks/long_inputs.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import language_detection  # noqa: E402
from bot.language_detection import detect_language  # noqa: E402

SHAPES = {"a@": "a@", "a-": "a-", "a.": "a.", "x": "x"}
LENGTHS = (25_000, 50_000, 100_000, 200_000)


def seconds(work, text: str) -> float:
    started = time.perf_counter()
    work(text)
    return time.perf_counter() - started


def main() -> None:
    print(f"{'shape':6} {'chars':>8} {'split s':>9} {'_words s':>9} {'ratio':>7} {'detect s':>9}")
    for name, unit in SHAPES.items():
        for length in LENGTHS:
            text = unit * (length // len(unit))
            bare = seconds(str.split, text)
            words = seconds(language_detection._words, text)
            detect = seconds(detect_language, text)
            print(f"{name:6} {length:>8} {bare:>9.4f} {words:>9.4f} {words / max(bare, 1e-9):>7.0f} {detect:>9.4f}")


if __name__ == "__main__":
    main()
