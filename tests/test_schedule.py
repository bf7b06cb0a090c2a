"""Recurrence on the Amsterdam wall clock, and when reminders go out. Pure functions."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import MAX_OCCURRENCES, ReminderRules, ScheduleError, after_quiet_hours, occurrences, plan_reminders

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
RULES = ReminderRules()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def test_a_weekly_morning_stays_at_nine_across_the_end_of_summer_time() -> None:
    times = occurrences(local(2026, 10, 20, 9, 0), timedelta(hours=3), "FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    assert [start.astimezone(AMSTERDAM).hour for start, _ in times] == [9, 9, 9]
    assert [start.hour for start, _ in times] == [7, 8, 8]  # UTC: summer time ends on 25 October
    assert all(end - start == timedelta(hours=3) for start, end in times)


def test_and_across_the_start_of_summer_time() -> None:
    times = occurrences(local(2027, 3, 23, 9, 0), timedelta(hours=3), "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270407T000000Z")
    assert [start.astimezone(AMSTERDAM).strftime("%d %H:%M") for start, _ in times] == [
        "23 09:00",
        "30 09:00",
        "06 09:00",
    ]
    assert [start.hour for start, _ in times] == [8, 7, 7]  # summer time starts on 28 March


def test_several_days_a_week() -> None:
    times = occurrences(local(2026, 12, 1, 13, 0), timedelta(hours=4), "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4")
    assert [start.astimezone(AMSTERDAM).strftime("%a %d") for start, _ in times] == [
        "Tue 01",
        "Thu 03",
        "Tue 08",
        "Thu 10",
    ]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "must end"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "not a valid RRULE"),
        ("FREQ=SECONDLY;COUNT=3", "FREQ must be one of"),
        ("FREQ=WEEKLY;COUNT=0", "gives no dates"),
        ("DTSTART:20260101T090000\nRRULE:FREQ=DAILY;COUNT=2", "one RRULE line"),
        (f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 1}", "more than"),
    ],
)
def test_a_rule_that_cannot_be_planned_is_refused(rule: str, problem: str) -> None:
    with pytest.raises(ScheduleError, match=f"^rrule: .*{problem}"):
        occurrences(local(2026, 12, 1, 9, 0), timedelta(hours=3), rule)


def test_a_start_without_offset_is_refused() -> None:
    with pytest.raises(ScheduleError, match="offset"):
        occurrences(datetime(2026, 12, 1, 9, 0), timedelta(hours=3), "FREQ=DAILY;COUNT=2")


def shown(planned: list[tuple[str, datetime]]) -> list[tuple[str, str]]:
    return [(kind, due.astimezone(AMSTERDAM).strftime("%d %H:%M")) for kind, due in planned]


def test_the_evening_before_and_two_hours_before() -> None:
    planned = plan_reminders(local(2026, 12, 1, 13, 0), LONG_AGO, RULES)
    assert shown(planned) == [("evening_before", "30 19:00"), ("hours_before", "01 11:00")]
    assert all(due.tzinfo == UTC for _, due in planned)


def test_a_reminder_due_in_quiet_hours_moves_earlier() -> None:
    # Two hours before 9:00 is 7:00, inside 21:00-08:00: it goes out the evening before, at 20:30.
    rules = ReminderRules(evening_at=time(12, 0))
    assert shown(plan_reminders(local(2026, 12, 1, 9, 0), LONG_AGO, rules)) == [
        ("evening_before", "30 12:00"),
        ("hours_before", "30 20:30"),
    ]


def test_a_moved_reminder_close_to_another_is_sent_once() -> None:
    # Moved to 20:30, ninety minutes after the evening reminder at 19:00: the same text twice.
    assert shown(plan_reminders(local(2026, 12, 1, 9, 0), LONG_AGO, RULES)) == [("evening_before", "30 19:00")]


def test_quiet_hours_are_configurable() -> None:
    rules = ReminderRules(quiet_start=time(22, 0), quiet_end=time(6, 30))
    assert shown(plan_reminders(local(2026, 12, 1, 9, 0), LONG_AGO, rules))[1] == ("hours_before", "01 07:00")


def test_two_reminders_that_would_say_the_same_twice_become_one() -> None:
    rules = ReminderRules(evening_at=time(20, 15))
    assert shown(plan_reminders(local(2026, 12, 1, 9, 0), LONG_AGO, rules)) == [("evening_before", "30 20:15")]


def test_reminders_already_past_are_left_out() -> None:
    now = local(2026, 12, 1, 8, 0).astimezone(UTC)
    assert shown(plan_reminders(local(2026, 12, 1, 13, 0), now, RULES)) == [("hours_before", "01 11:00")]
    assert plan_reminders(local(2026, 12, 1, 9, 0), now, RULES) == []


def test_the_evening_before_across_summer_time() -> None:
    # Sunday 25 October, 19:00 is CET (UTC+1); Monday's 09:00 too.
    planned = plan_reminders(local(2026, 10, 26, 13, 0), LONG_AGO, RULES)
    assert planned[0][1] == datetime(2026, 10, 25, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("quiet", "hour", "after"),
    [
        ((time(21, 0), time(8, 0)), 22, datetime(2026, 12, 2, 8, 0)),  # over midnight: the next morning
        ((time(21, 0), time(8, 0)), 6, datetime(2026, 12, 1, 8, 0)),
        ((time(21, 0), time(8, 0)), 12, datetime(2026, 12, 1, 12, 0)),
        ((time(13, 0), time(14, 0)), 13, datetime(2026, 12, 1, 14, 0)),  # within one day
        ((time(13, 0), time(14, 0)), 22, datetime(2026, 12, 1, 22, 0)),
    ],
)
def test_a_send_in_quiet_hours_waits_for_their_end(quiet: tuple[time, time], hour: int, after: datetime) -> None:
    rules = ReminderRules(quiet_start=quiet[0], quiet_end=quiet[1])
    moment = datetime(2026, 12, 1, hour, 0, tzinfo=AMSTERDAM)
    assert after_quiet_hours(moment, rules) == after.replace(tzinfo=AMSTERDAM)
