"""Ambassadeurs: the two-week review as a page (a chart drawn here as SVG, the tables beside it)
and a CSV; for the centre, the newcomers each one brought, with "plan signed" set by hand.

The centre sees everyone; an ambassador's account only their own row, a begeleider only
the ambassadors who are their coordinator; neither sees a newcomer or the pair's and
group's figures (which hold other people's counts).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session as DbSession
from sqlmodel import select

from bot import ambassador_review, audit, referrals, referrers
from bot.ambassador_review import STAGES, VIEWS, Review
from bot.dashboard.access import bp, current_user, sees_everything
from bot.dashboard.overview import CHART_HEIGHT, CHART_PAD, CHART_WIDTH
from bot.dashboard.texts import t
from bot.i18n import PEOPLE_ZONE
from bot.services import current_services
from storage.db import session_scope
from storage.models import Participant, Referral, Referrer, Role, User

CHART_SERIES = ("count", "target")


@dataclass(frozen=True)
class Bar:
    series: str
    name: str
    value: int
    x: float
    y: float
    width: float
    height: float


def visible_referrers(db: DbSession, user: User) -> set[int] | None:
    """None for the centre (everyone); otherwise the ids of the referrers this account is."""
    if sees_everything(user):
        return None
    if user.role == Role.AMBASSADOR:
        return {user.referrer_id} if user.referrer_id else set()
    statement = select(Referrer.id).where(Referrer.coordinator_id == user.coordinator_id)
    return set(db.exec(statement).all()) if user.coordinator_id else set()


def _chosen_day() -> date:
    try:
        return date.fromisoformat(request.args.get("period", ""))
    except ValueError:
        return current_services().clock().astimezone(PEOPLE_ZONE).date()


def _review() -> Review:
    services = current_services()
    with session_scope(services.db) as db:
        allowed = visible_referrers(db, current_user())
        return ambassador_review.review(db, services.settings, _chosen_day(), services.clock(), allowed)


def bars(found: Review) -> tuple[list[Bar], int]:
    """This period's count against the target, one pair of bars per referrer."""
    rows = found.rows or []
    top = max([r.period[found.stage] for r in rows] + [r.target for r in rows] + [1])
    group = (CHART_WIDTH - CHART_PAD) / max(len(rows), 1)
    width = group * 0.8 / len(CHART_SERIES)
    drawn = []
    for i, row in enumerate(rows):
        for j, (series, value) in enumerate(zip(CHART_SERIES, (row.period[found.stage], row.target), strict=True)):
            height = (CHART_HEIGHT - CHART_PAD) * value / top
            x = CHART_PAD + i * group + group * 0.1 + j * width
            drawn.append(Bar(series, row.name, value, x, CHART_HEIGHT - CHART_PAD - height, width, height))
    return drawn, top


@bp.get("/ambassadors")
def ambassadors():
    found = _review()
    drawn, top = bars(found)
    return render_template(
        "dashboard/ambassadors.html",
        review=found,
        views=VIEWS,
        stages=STAGES,
        bars=drawn,
        top=top,
        size=(CHART_WIDTH, CHART_HEIGHT, CHART_PAD),
        sees_all=sees_everything(current_user()),
    )


@bp.get("/ambassadors.csv")
def ambassadors_csv():
    found, sees_all = _review(), sees_everything(current_user())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    heads = [t("review.view"), t("review.name"), t("review.kind")] + [t(f"review.stage.{s}") for s in STAGES]
    writer.writerow(
        heads
        + [t("review.count"), t("review.target")]
        + ([t("review.pair_count"), t("review.pair_target")] if sees_all else [])
    )
    for view in VIEWS:
        for row in found.rows:
            figures = row.figures(view, found.stage)
            cells = [t(f"review.{view}"), row.name, t(f"review.kind.{row.kind}"), *figures.counts.values()]
            cells += [figures.count, figures.target] + ([figures.pair_count, figures.pair_target] if sees_all else [])
            writer.writerow(cells)
        if sees_all:
            group, target = found.group(view)
            writer.writerow([t(f"review.{view}"), t("review.group"), "", *group.values(), group[found.stage], target])
    name = f"welkom-ambassadeurs-{found.period.start.isoformat()}.csv"
    headers = {"Content-Disposition": f"attachment; filename={name}"}
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)


@bp.get("/ambassadors/<int:referrer_id>")
def referrer_page(referrer_id: int):
    """The centre only: the newcomers this referrer brought, each stage's date, and plan signed."""
    services = current_services()
    if not sees_everything(current_user()):
        abort(404)
    with session_scope(services.db) as db:
        referrer = db.get(Referrer, referrer_id) or abort(404)
        stages = {r.id: found for r, found in ambassador_review.stage_dates(db, services.clock(), referrer_id)}
        statement = select(Referral, Participant).join(Participant, Participant.id == Referral.participant_id)
        brought = db.exec(statement.where(Referral.referrer_id == referrer_id).order_by(Referral.arrived_at)).all()
        links = referrers.links(services.settings, referrer.code)
        return render_template(
            "dashboard/referrer.html",
            referrer=referrer,
            brought=[(referral, participant, stages[referral.id]) for referral, participant in brought],
            stages=STAGES,
            links=links,
        )


@bp.post("/ambassadors/referrals/<int:referral_id>/plan")
def referral_plan(referral_id: int):
    """Plan signed (or, by mistake, not): set by hand by the centre, kept in the audit trail."""
    services, user = current_services(), current_user()
    if not sees_everything(user):
        abort(404)
    with session_scope(services.db) as db:
        referral = db.get(Referral, referral_id) or abort(404)
        signed = request.form.get("signed") == "yes"
        participant = db.get(Participant, referral.participant_id)
        referrals.sign_plan(db, participant, services.clock() if signed else None)
        audit.record(
            db, user.id, "referral.plan_signed" if signed else "referral.plan_cleared", participant.id, services.clock()
        )
        referrer_id = referral.referrer_id
    flash(t("review.plan_saved"))
    return redirect(url_for("dashboard.referrer_page", referrer_id=referrer_id))


@bp.get("/ambassadors/<int:referrer_id>/qr.png")
def referrer_qr(referrer_id: int):
    """The QR code of the referrer's link, for a flyer: the centre, or the ambassador themselves."""
    services = current_services()
    with session_scope(services.db) as db:
        allowed = visible_referrers(db, current_user())
        referrer = db.get(Referrer, referrer_id)
        if referrer is None or (allowed is not None and referrer_id not in allowed):
            abort(404)
        try:
            image = referrers.qr_png(services.settings, referrer)
        except referrers.ReferrerError:
            abort(404)
    return Response(image, mimetype="image/png")
