"""Recurring appointments and when their reminders go out. Pure: times in, times out.

People live in Amsterdam time; the store keeps UTC. A weekly work morning at 9:00
stays at 9:00 on the wall clock across the change to and from summer time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrulestr

from bot.i18n import PEOPLE_ZONE

# More than a year of weekly day-parts is a schedule to renew, not to store ahead.
MAX_OCCURRENCES = 120
# Appointments repeat by the day or slower; a SECONDLY rule could spin for seconds finding nothing.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A reminder that would fall in quiet hours is sent this long before they begin.
QUIET_MARGIN = timedelta(minutes=30)
# Two reminders closer than this say the same thing twice: the later one is dropped.
MIN_GAP = timedelta(minutes=30)
# A reminder moved out of quiet hours no longer comes "shortly before": this close to another, it is a repeat.
MOVED_MIN_GAP = timedelta(hours=3)


class ScheduleError(ValueError):
    """A recurrence rule or time that cannot be planned; the message says why."""


@dataclass(frozen=True)
class ReminderRules:
    evening_at: time = time(19, 0)
    hours_before: timedelta = timedelta(hours=2)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)


def after_quiet_hours(moment: datetime, rules: ReminderRules) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (the next morning, Amsterdam time)."""
    local = moment.astimezone(PEOPLE_ZONE)
    clock, start, end = local.time(), rules.quiet_start, rules.quiet_end
    # Quiet hours usually span midnight (21:00-08:00); a setting within one day (13:00-14:00) works too.
    quiet = start <= clock < end if start <= end else (clock >= start or clock < end)
    if not quiet:
        return moment
    morning = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(morning, end, PEOPLE_ZONE).astimezone(moment.tzinfo)


def occurrences(first_start: datetime, duration: timedelta, rule: str) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every occurrence of an RFC 5545 RRULE, from `first_start` on.

    The rule is followed on the Amsterdam wall clock; it must end (COUNT or UNTIL).
    """
    if first_start.tzinfo is None:
        raise ScheduleError("starts_at: give the first start with its UTC offset")
    check_rule(rule)
    wall_clock = first_start.astimezone(PEOPLE_ZONE).replace(tzinfo=None)
    try:
        starts = list(islice(rrulestr(rule, dtstart=wall_clock, ignoretz=True), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, OverflowError) as error:
        raise ScheduleError(f"rrule: not a valid RRULE: {error}") from error
    if not starts:
        raise ScheduleError("rrule: gives no dates from the start on; check COUNT, UNTIL and the BY... parts")
    if len(starts) > MAX_OCCURRENCES:
        raise ScheduleError(f"rrule: more than {MAX_OCCURRENCES} occurrences; end the rule sooner")
    return [(_utc(start), _utc(start) + duration) for start in starts]


def check_rule(rule: str) -> None:
    """The shape of a rule we plan: one RRULE line, by the day or slower, that ends."""
    upper = rule.upper().removeprefix("RRULE:")
    if ":" in upper or "\n" in upper:
        raise ScheduleError("rrule: one RRULE line only (the start is starts_at, not DTSTART)")
    frequency = next((part[5:] for part in upper.split(";") if part.startswith("FREQ=")), None)
    if frequency not in FREQUENCIES:
        raise ScheduleError(f"rrule: FREQ must be one of {', '.join(FREQUENCIES)}")
    if "COUNT=" not in upper and "UNTIL=" not in upper:
        raise ScheduleError("rrule: an RRULE must end: give COUNT or UNTIL")


def _utc(wall_clock: datetime) -> datetime:
    return wall_clock.replace(tzinfo=PEOPLE_ZONE).astimezone(UTC)


def plan_reminders(starts_at: datetime, now: datetime, rules: ReminderRules) -> list[tuple[str, datetime]]:
    """(kind, due time in UTC) for an appointment: the evening before and some hours before.

    A reminder due in quiet hours moves earlier, to before they begin; one already
    past, or too close to another, is left out.
    """
    local_start = starts_at.astimezone(PEOPLE_ZONE)
    evening = datetime.combine(local_start.date() - timedelta(days=1), rules.evening_at, PEOPLE_ZONE)
    candidates = [("evening_before", evening), ("hours_before", local_start - rules.hours_before)]
    moved = [(kind, _outside_quiet(due, rules), _outside_quiet(due, rules) != due) for kind, due in candidates]
    planned: list[tuple[str, datetime]] = []
    for kind, due, was_moved in sorted(moved, key=lambda item: item[1]):
        gap = MOVED_MIN_GAP if was_moved else MIN_GAP
        if now < due < starts_at and all(abs(due - other) >= gap for _, other in planned):
            planned.append((kind, due.astimezone(UTC)))
    return planned


def _outside_quiet(moment: datetime, rules: ReminderRules) -> datetime:
    local = moment.astimezone(PEOPLE_ZONE)
    if rules.quiet_end <= local.time() < rules.quiet_start:
        return local
    evening_of = local.date() if local.time() >= rules.quiet_start else local.date() - timedelta(days=1)
    return datetime.combine(evening_of, rules.quiet_start, PEOPLE_ZONE) - QUIET_MARGIN
