"""When the volunteer centre is staffed, e.g. 'Mon-Fri 09:00-17:00' (Amsterdam time)."""

import re
from dataclasses import dataclass
from datetime import datetime, time

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FORMAT = re.compile(r"^(?P<days>[A-Za-z,-]+)\s+(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]  # weekday numbers, Monday 0
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        """'Mon-Fri 09:00-17:00' or 'Mon,Wed,Fri 09:00-13:00'; ValueError says what is wrong."""
        found = _FORMAT.match(text.strip())
        if not found:
            raise ValueError("write days and times like 'Mon-Fri 09:00-17:00'")
        start, end = time.fromisoformat(found["start"].zfill(5)), time.fromisoformat(found["end"].zfill(5))
        if start >= end:
            raise ValueError("the hours must end after they start")
        return cls(frozenset(day for part in found["days"].split(",") for day in _day_range(part)), start, end)

    def open_at(self, local: datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end


def _day_range(part: str) -> range:
    first, _, last = part.lower().partition("-")
    if first not in DAY_NAMES or (last or first) not in DAY_NAMES:
        raise ValueError(f"'{part}' is not a day or a range of days (mon, tue, ... sun)")
    start, end = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
    if end < start:
        raise ValueError(f"'{part}': the days run from Monday to Sunday")
    return range(start, end + 1)
