"""Holidays: the Dutch public ones, and those a participant keeps, computed for each year.

Religious and cultural holidays follow other calendars (Hijri, Persian, Julian, Ethiopian),
so their Gregorian dates move from year to year; they are computed, never written down.

The Dutch ones are computed here from Easter: the `holidays` package would do it, but it
requires python-dateutil < 3 and this project pins 4.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import cache

from convertdate import coptic, julian, persian
from dateutil.easter import EASTER_ORTHODOX, easter
from hijridate import Gregorian, Hijri

# The holidays the kennismaking offers (its choice ids), with the day(s) each covers.
KEPT = ("eid_al_fitr", "eid_al_adha", "nowruz", "orthodox_christmas", "orthodox_easter", "meskel")


def _hijri(month: int, day: int) -> Callable[[int], list[date]]:
    """A Hijri date in Gregorian year `year`: a Hijri year is shorter, so it may fall twice."""

    def days(year: int) -> list[date]:
        first = Gregorian(year, 1, 1).to_hijri().year
        found = (Hijri(y, month, day).to_gregorian() for y in (first, first + 1))
        return [date(d.year, d.month, d.day) for d in found if d.year == year]

    return days


def _nowruz(year: int) -> list[date]:
    return [date(*persian.to_gregorian(year - 621, 1, 1))]


def _orthodox_christmas(year: int) -> list[date]:
    return [date(*julian.to_gregorian(year - 1, 12, 25))]


def _orthodox_easter(year: int) -> list[date]:
    return [easter(year, EASTER_ORTHODOX)]


def _meskel(year: int) -> list[date]:
    # The Ethiopian and Coptic calendars share months and leap years: 17 Meskerem is 17 Thout.
    return [date(*coptic.to_gregorian(year - 283, 1, 17))]


_DAYS: dict[str, Callable[[int], list[date]]] = {
    "eid_al_fitr": _hijri(10, 1),
    "eid_al_adha": _hijri(12, 10),
    "nowruz": _nowruz,
    "orthodox_christmas": _orthodox_christmas,
    "orthodox_easter": _orthodox_easter,
    "meskel": _meskel,
}


@cache
def kept_days(holiday: str, year: int) -> tuple[date, ...]:
    return tuple(_DAYS[holiday](year)) if holiday in _DAYS else ()


@cache
def dutch_public_holidays(year: int) -> frozenset[date]:
    """The days off of the Dutch calendar: New Year, Easter, King's Day, Liberation Day (every
    fifth year, as in collective agreements), Ascension, Pentecost and Christmas."""
    easter_sunday = easter(year)
    kings_day = date(year, 4, 27) if date(year, 4, 27).weekday() != 6 else date(year, 4, 26)
    after_easter = (-2, 0, 1, 39, 49, 50)  # Good Friday, Easter, Easter Monday, Ascension, Pentecost (2 days)
    days = {date(year, 1, 1), kings_day, date(year, 12, 25), date(year, 12, 26)}
    days |= {easter_sunday + timedelta(days=n) for n in after_easter}
    return frozenset(days | ({date(year, 5, 5)} if year % 5 == 0 else set()))


def is_public_holiday(day: date) -> bool:
    return day in dutch_public_holidays(day.year)


def kept_holiday_on(day: date, kept: Iterable[str]) -> str | None:
    """Which of the participant's holidays falls on `day`, if any."""
    return next((h for h in kept if day in kept_days(h, day.year)), None)


def day_off(day: date, kept: Iterable[str]) -> str | None:
    """'public', or the participant's holiday on `day`; None on an ordinary day."""
    return "public" if is_public_holiday(day) else kept_holiday_on(day, kept)


def is_day_off(day: date, kept: Iterable[str]) -> bool:
    """No check-in on a Dutch public holiday nor on a holiday the participant keeps."""
    return day_off(day, kept) is not None


def upcoming(kept: Iterable[str], start: date, until: date) -> list[tuple[date, str]]:
    """(day, holiday) of the participant's holidays from `start` up to and including `until`."""
    years = range(start.year, until.year + 1)
    found = [(d, h) for h in kept for y in years for d in kept_days(h, y) if start <= d <= until]
    return sorted(found)
