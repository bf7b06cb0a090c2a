"""When the next check-in is due. Pure: times in, a time out.

After each work day it comes an hour after the work ends; otherwise two weeks or a month
after the previous one (the first counted from the first work day). Never in quiet hours,
on a Dutch public holiday, or on a holiday the participant keeps.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from bot.holidays import is_day_off
from bot.i18n import PEOPLE_ZONE
from bot.schedule import ReminderRules, after_quiet_hours

EVERY_WORKDAY, EVERY_TWO_WEEKS, EVERY_MONTH = "every_workday", "every_two_weeks", "every_month"
RHYTHMS = (EVERY_WORKDAY, EVERY_TWO_WEEKS, EVERY_MONTH)
AFTER_WORK = timedelta(hours=1)
_PERIOD = {EVERY_TWO_WEEKS: relativedelta(weeks=2), EVERY_MONTH: relativedelta(months=1)}
# A day off moves a periodic check-in to the next day; a long run of them is a mistake somewhere.
_MAX_DAYS_MOVED = 14


def next_due(
    rhythm: str,
    previous: datetime | None,
    work_ends: Sequence[datetime],
    now: datetime,
    rules: ReminderRules,
    kept: Iterable[str] = (),
) -> datetime | None:
    """The next due time (UTC) after `previous` and `now`; None when there is nothing to follow yet.

    `work_ends` are the ends of the participant's work appointments, in order.
    """
    kept = tuple(kept)
    after = max(now, previous) if previous else now
    if rhythm == EVERY_WORKDAY:
        candidates = (_after_quiet(end + AFTER_WORK, rules) for end in work_ends)
        return next((due for due in candidates if due > after and not _off(due, kept)), None)
    if rhythm not in _PERIOD or not (previous or work_ends):
        return None
    due = _wall_clock_add(previous or work_ends[0] + AFTER_WORK, _PERIOD[rhythm])
    while due <= now:
        due = _wall_clock_add(due, _PERIOD[rhythm])
    due = _after_quiet(due, rules)
    for _ in range(_MAX_DAYS_MOVED):
        if not _off(due, kept):
            return due
        due = _wall_clock_add(due, relativedelta(days=1))
    return due


def _wall_clock_add(moment: datetime, period: relativedelta) -> datetime:
    """Add days or months on the Amsterdam clock: 18:00 stays 18:00 across summer time."""
    local = moment.astimezone(PEOPLE_ZONE).replace(tzinfo=None) + period
    return local.replace(tzinfo=PEOPLE_ZONE).astimezone(moment.tzinfo)


def _after_quiet(moment: datetime, rules: ReminderRules) -> datetime:
    """A check-in follows the work: one that would fall in quiet hours waits for the morning."""
    return after_quiet_hours(moment, rules)


def _off(moment: datetime, kept: tuple[str, ...]) -> bool:
    return is_day_off(moment.astimezone(PEOPLE_ZONE).date(), kept)
