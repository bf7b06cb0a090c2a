"""The two-week review of ambassadors and community sources: the funnel per referrer, counted
per period, against each one's personal target, their pair's and the group's.

Each stage is counted in the period it happened in (Amsterdam dates), so "plans signed
these two weeks" means what the centre's review means. The stages:
first contact (the code arrived) → consent → kennismaking done → first appointment kept →
still active after 3 months (an appointment kept three months or more after the first
contact) → plan signed (set by hand by the centre).
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot.config import Settings
from bot.i18n import PEOPLE_ZONE
from storage.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Intake,
    Participant,
    Referral,
    Referrer,
    ReferrerKind,
    ReferrerTarget,
)

# The two views of a review: the period itself, and the campaign up to its end.
VIEWS = ("this_period", "so_far")
STAGES = ("first_contact", "consent", "kennismaking", "first_kept", "active_3_months", "plan_signed")
ACTIVE_AFTER = relativedelta(months=3)
# Came, or at least did not say otherwise, as in the dashboard's overview.
KEPT = {AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED, AppointmentStatus.LATE, AppointmentStatus.ATTENDED}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the day after the last

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment.astimezone(PEOPLE_ZONE).date() < self.end


@dataclass(frozen=True)
class Figures:
    """One referrer's figures in one view, as the page, the CSV and the CLI show them."""

    counts: dict[str, int]
    count: int
    target: int
    pair_count: int
    pair_target: int


@dataclass
class Row:
    """One referrer's figures: counts per stage this period and in the campaign so far."""

    id: int
    name: str
    kind: str
    partner: str | None
    neighbourhood: str
    active: bool
    target: int
    target_so_far: int
    partner_id: int | None = None
    period: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    so_far: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    pair_count: int = 0
    pair_target: int = 0
    pair_count_so_far: int = 0
    pair_target_so_far: int = 0

    def figures(self, view: str, stage: str) -> Figures:
        if view == "this_period":
            return Figures(self.period, self.period[stage], self.target, self.pair_count, self.pair_target)
        return Figures(
            self.so_far, self.so_far[stage], self.target_so_far, self.pair_count_so_far, self.pair_target_so_far
        )


@dataclass
class Review:
    period: Period
    campaign: Period
    stage: str  # what targets count
    rows: list[Row]
    group_period: dict[str, int]
    group_so_far: dict[str, int]
    group_target: int  # this period's share of the campaign's target
    group_target_so_far: int
    group_target_campaign: int

    def group(self, view: str) -> tuple[dict[str, int], int]:
        """The group's counts per stage in a view, and its target there."""
        if view == "this_period":
            return self.group_period, self.group_target
        return self.group_so_far, self.group_target_so_far


def period_of(settings: Settings, day: date) -> Period:
    """The review period holding `day`: periods of AMBASSADOR_PERIOD_DAYS from AMBASSADOR_PERIOD_START."""
    length = settings.ambassador_period_days
    start = settings.ambassador_period_start + timedelta(
        days=(day - settings.ambassador_period_start).days // length * length
    )
    return Period(start, start + timedelta(days=length))


def campaign_of(settings: Settings, period: Period) -> Period:
    """The campaign the group target is for: from AMBASSADOR_CAMPAIGN_START, or the half year holding the period."""
    start = settings.ambassador_campaign_start or date(period.start.year, 1 if period.start.month <= 6 else 7, 1)
    months = settings.ambassador_campaign_months
    while start + relativedelta(months=months) <= period.start:  # a later campaign of the same length
        start += relativedelta(months=months)
    return Period(start, start + relativedelta(months=months))


def review(db: DbSession, settings: Settings, day: date, now: datetime, referrer_ids: set[int] | None = None) -> Review:
    """The review for the period holding `day`; `referrer_ids` limits the rows someone may see."""
    period = period_of(settings, day)
    campaign = campaign_of(settings, period)
    periods = _periods_so_far(settings, campaign, period)
    so_far = Period(campaign.start, period.end)
    referrers = list(db.exec(select(Referrer).order_by(Referrer.kind, Referrer.name)).all())
    overrides = _overrides(db)
    rows = {r.id: _row(r, referrers, overrides, period, periods) for r in referrers}
    for referral, stages in stage_dates(db, now):
        for stage, moment in stages.items():
            rows[referral.referrer_id].period[stage] += period.holds(moment)
            rows[referral.referrer_id].so_far[stage] += so_far.holds(moment)
    stage = settings.ambassador_target_stage
    _pairs(rows, stage)
    share = settings.ambassador_period_days / (campaign.end - campaign.start).days
    goal = settings.ambassador_group_target
    shown = [row for row in rows.values() if referrer_ids is None or row.id in referrer_ids]
    return Review(
        period=period,
        campaign=campaign,
        stage=stage,
        rows=shown,
        group_period=_totals(rows.values(), "period"),
        group_so_far=_totals(rows.values(), "so_far"),
        group_target=math.ceil(goal * share),
        group_target_so_far=min(goal, math.ceil(goal * share * len(periods))),
        group_target_campaign=goal,
    )


def _periods_so_far(settings: Settings, campaign: Period, current: Period) -> list[Period]:
    periods, period = [], period_of(settings, campaign.start)
    while period.start <= current.start:
        periods.append(period)
        period = period_of(settings, period.end)
    return periods


def _overrides(db: DbSession) -> dict[tuple[int, date], int]:
    return {(t.referrer_id, t.period_start): t.target for t in db.exec(select(ReferrerTarget))}


def target_for(referrer: Referrer, overrides: dict[tuple[int, date], int], period: Period) -> int:
    return overrides.get((referrer.id, period.start), referrer.target_per_period)


def _row(
    referrer: Referrer,
    everyone: list[Referrer],
    overrides: dict[tuple[int, date], int],
    period: Period,
    periods: list[Period],
) -> Row:
    partner = next((r.name for r in everyone if r.id == referrer.partner_id), None)
    return Row(
        id=referrer.id,
        name=referrer.name,
        kind=referrer.kind,
        partner=partner,
        neighbourhood=referrer.neighbourhood,
        active=referrer.active,
        target=target_for(referrer, overrides, period),
        target_so_far=sum(target_for(referrer, overrides, p) for p in periods),
        partner_id=referrer.partner_id,
    )


def _pairs(rows: dict[int, Row], stage: str) -> None:
    """A pair's figures: both partners' counts and targets together (alone, one's own)."""
    for row in rows.values():
        partner = rows.get(row.partner_id) if row.partner_id else None
        both = [row, partner] if partner is not None else [row]
        row.pair_count = sum(r.period[stage] for r in both)
        row.pair_target = sum(r.target for r in both)
        row.pair_count_so_far = sum(r.so_far[stage] for r in both)
        row.pair_target_so_far = sum(r.target_so_far for r in both)


def _totals(rows, which: str) -> dict[str, int]:
    """The group: the ambassadors together (community sources are shown, not in the group's count)."""
    ambassadors = [getattr(r, which) for r in rows if r.kind == ReferrerKind.AMBASSADOR]
    return {stage: sum(counts[stage] for counts in ambassadors) for stage in STAGES}


def stage_dates(
    db: DbSession, now: datetime, referrer_id: int | None = None
) -> list[tuple[Referral, dict[str, datetime | None]]]:
    """For every referral (of one referrer, if given): when each stage was reached (None: not yet)."""
    found = []
    statement = select(Referral, Participant, Intake).join(Participant, Participant.id == Referral.participant_id)
    statement = statement.outerjoin(Intake, Intake.participant_id == Referral.participant_id)
    if referrer_id is not None:
        statement = statement.where(Referral.referrer_id == referrer_id)
    for referral, participant, intake in db.exec(statement):
        kept = _kept_starts(db, participant.id, now)
        later = [s for s in kept if s >= referral.arrived_at + ACTIVE_AFTER]
        stages = {
            "first_contact": referral.arrived_at,
            "consent": participant.consent_given_at,
            "kennismaking": intake.confirmed_at if intake else None,
            "first_kept": kept[0] if kept else None,
            "active_3_months": later[0] if later else None,
            "plan_signed": referral.plan_signed_at,
        }
        found.append((referral, stages))
    return found


def _kept_starts(db: DbSession, participant_id: int, now: datetime) -> list[datetime]:
    statement = (
        select(Appointment.starts_at)
        .where(Appointment.participant_id == participant_id, Appointment.kind != AppointmentKind.KENNISMAKING)
        .where(Appointment.status.in_(list(KEPT)), Appointment.starts_at < now)
        .order_by(Appointment.starts_at)
    )
    return list(db.exec(statement).all())
