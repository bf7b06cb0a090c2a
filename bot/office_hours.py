"""The centre's office hours: when a person can answer, and time counted only within them.

Written `Mon-Fri 09:00-17:00` (Amsterdam time). An escalation raised on Friday evening
is due for a reminder on Monday, not in the night.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.i18n import PEOPLE_ZONE

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BadOfficeHours(ValueError):
    pass


@dataclass(frozen=True)
class OfficeHours:
    weekdays: frozenset[int]  # Monday is 0
    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        """'Mon-Fri 09:00-17:00', 'Mon,Wed 10:00-14:00' or 'Mon-Sun 00:00-23:59'."""
        try:
            days, hours = text.strip().split()
            opens, closes = (time.fromisoformat(part) for part in hours.split("-"))
            weekdays = frozenset(day for part in days.lower().split(",") for day in _day_range(part))
        except ValueError:
            raise BadOfficeHours(f"not office hours like 'Mon-Fri 09:00-17:00': '{text}'") from None
        if not weekdays or opens >= closes:
            raise BadOfficeHours(f"no open time in '{text}'")
        return cls(weekdays, opens, closes)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(PEOPLE_ZONE)
        return local.weekday() in self.weekdays and self.opens <= local.time() < self.closes

    def next_open(self, moment: datetime) -> datetime:
        """`moment` itself when open, else when the office opens next."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(PEOPLE_ZONE)
        day = local.date()
        if local.time() >= self.opens:
            day += timedelta(days=1)
        while day.weekday() not in self.weekdays:
            day += timedelta(days=1)
        return datetime.combine(day, self.opens, PEOPLE_ZONE)

    def add(self, moment: datetime, duration: timedelta) -> datetime:
        """`moment` plus `duration` of open time: the clock stands still while closed."""
        left = duration
        current = self.next_open(moment)
        while True:
            local = current.astimezone(PEOPLE_ZONE)
            closing = datetime.combine(local.date(), self.closes, PEOPLE_ZONE)
            if current + left <= closing:
                return current + left
            left -= closing - current
            current = self.next_open(closing)


def _day_range(part: str) -> list[int]:
    first, _, last = part.partition("-")
    start, end = _DAYS.index(first[:3]), _DAYS.index((last or first)[:3])
    if end < start:
        raise ValueError(part)
    return list(range(start, end + 1))
