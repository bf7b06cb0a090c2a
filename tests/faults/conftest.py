"""The fault table: each fault test adds its counts; the table is printed at the end of the run."""

from collections.abc import Callable

import pytest

from tests.faults.load import Row

ROWS: list[Row] = []
COLUMNS = ("fault", "inbound", "handled", "due", "sent", "duplicated", "lost", "note")


@pytest.fixture
def record() -> Callable[[Row], None]:
    return ROWS.append


def table(rows: list[Row]) -> list[str]:
    cells = [COLUMNS, *([str(getattr(row, name)) for name in COLUMNS] for row in rows)]
    widths = [max(len(line[n]) for line in cells) for n in range(len(COLUMNS))]
    return [" | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]


def pytest_terminal_summary(terminalreporter) -> None:
    if not ROWS:
        return
    terminalreporter.write_sep("=", "faults survived (inbound sent by newcomers; due: answers, reminders, relays)")
    for line in table(ROWS):
        terminalreporter.write_line(line)
