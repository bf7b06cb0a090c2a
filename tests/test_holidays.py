"""Holidays computed per year from their own calendars, and when check-ins fall."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.checkin_schedule import next_due
from bot.holidays import dutch_public_holidays, is_day_off, is_public_holiday, kept_holiday_on, upcoming
from bot.schedule import ReminderRules

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RULES = ReminderRules()


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMSTERDAM).astimezone(UTC)


@pytest.mark.parametrize(
    ("holiday", "day"),
    [
        ("eid_al_fitr", date(2026, 3, 20)),
        ("eid_al_fitr", date(2027, 3, 9)),
        ("eid_al_adha", date(2026, 5, 27)),
        ("nowruz", date(2026, 3, 21)),
        ("orthodox_christmas", date(2027, 1, 7)),
        ("orthodox_easter", date(2026, 4, 12)),
        ("meskel", date(2026, 9, 27)),
    ],
)
def test_kept_holidays_fall_on_their_computed_days(holiday: str, day: date) -> None:
    assert kept_holiday_on(day, [holiday]) == holiday
    assert kept_holiday_on(day - timedelta(days=1), [holiday]) is None


def test_the_dutch_public_holidays_of_a_year() -> None:
    assert sorted(dutch_public_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 5),
        date(2026, 4, 6),
        date(2026, 4, 27),  # King's Day
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 24),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]
    assert date(2025, 4, 26) in dutch_public_holidays(2025)  # 27 April 2025 is a Sunday
    assert date(2025, 5, 5) in dutch_public_holidays(2025) and date(2026, 5, 5) not in dutch_public_holidays(2026)


def test_dutch_public_holidays_and_kept_ones_are_days_off() -> None:
    assert is_public_holiday(date(2026, 4, 27)) and is_public_holiday(date(2026, 12, 25))
    assert not is_public_holiday(date(2026, 12, 24))
    assert is_day_off(date(2026, 3, 20), ["eid_al_fitr"]) and not is_day_off(date(2026, 3, 20), [])


def test_upcoming_kept_holidays_in_order() -> None:
    found = upcoming(["meskel", "nowruz"], date(2026, 1, 1), date(2027, 3, 31))
    assert found == [(date(2026, 3, 21), "nowruz"), (date(2026, 9, 27), "meskel"), (date(2027, 3, 21), "nowruz")]


def test_after_each_work_day_an_hour_after_it_ends() -> None:
    ends = [at(2026, 12, 1, 16, 0), at(2026, 12, 3, 16, 0)]
    assert next_due("every_workday", None, ends, at(2026, 11, 30, 9, 0), RULES) == at(2026, 12, 1, 17, 0)
    assert next_due("every_workday", at(2026, 12, 1, 17, 0), ends, at(2026, 12, 1, 17, 0), RULES) == at(2026, 12, 3, 17)


def test_after_an_evening_shift_the_checkin_waits_for_the_morning() -> None:
    assert next_due("every_workday", None, [at(2026, 12, 1, 21, 0)], at(2026, 11, 30), RULES) == at(2026, 12, 2, 8, 0)


def test_no_checkin_after_a_work_day_that_is_a_holiday_they_keep() -> None:
    ends = [at(2027, 3, 9, 12, 0), at(2027, 3, 10, 12, 0)]
    due = next_due("every_workday", None, ends, at(2027, 3, 1), RULES, ["eid_al_fitr"])
    assert due == at(2027, 3, 10, 13, 0)


def test_every_two_weeks_from_the_first_work_day_skipping_public_holidays() -> None:
    first = [at(2026, 12, 11, 16, 0)]
    assert next_due("every_two_weeks", None, first, at(2026, 12, 1), RULES) == at(2026, 12, 27, 17, 0)
    assert next_due("every_two_weeks", at(2026, 12, 27, 17, 0), first, at(2026, 12, 27, 17), RULES) == at(
        2027, 1, 10, 17, 0
    )


def test_every_month_keeps_the_wall_clock_across_summer_time() -> None:
    due = next_due("every_month", at(2027, 3, 15, 17, 0), [], at(2027, 3, 15, 17, 0), RULES)
    assert due == at(2027, 4, 15, 17, 0)


def test_nothing_to_follow_yet_without_work_days_or_a_rhythm() -> None:
    assert next_due("every_two_weeks", None, [], at(2026, 12, 1), RULES) is None
    assert next_due("every_workday", None, [], at(2026, 12, 1), RULES) is None
    assert next_due("whenever", None, [at(2026, 12, 1, 16, 0)], at(2026, 12, 1), RULES) is None
