"""`bot ambassador ...` and `bot source add`: referrers, their codes and links, targets,
plans signed by hand, and the two-week review."""

from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import ambassador_review, referrals, referrers
from bot.ambassador_review import STAGES, Review
from bot.i18n import PEOPLE_ZONE
from bot.phone import InvalidPhone, to_e164, to_valid_e164
from bot.services import EXTENSION, Services
from storage import queries
from storage.db import session_scope
from storage.models import Participant, Referrer, ReferrerKind


def _services() -> Services:
    return current_app.extensions[EXTENSION]


def _say(services: Services, key: str, **params: object) -> str:
    return services.coordinator_texts.text("nl", key, {k: str(v) for k, v in params.items()})


@click.group("ambassador")
def ambassador_command() -> None:
    """Ambassadors: codes and links, targets, plans signed, the two-week review."""


@click.group("source")
def source_command() -> None:
    """Community sources (associations) that pass on contacts: codes and links like ambassadors."""


def _common_options(command):
    for option in reversed(
        [
            click.option("--name", required=True),
            click.option("--phone", help="Their own number, for 'someone you invited arrived' (with consent)."),
            click.option("--languages", default="", help="Comma-separated, e.g. ar,fa."),
            click.option("--neighbourhood", default=""),
        ]
    ):
        command = option(command)
    return command


@ambassador_command.command("add")
@_common_options
@click.option("--target", type=click.IntRange(min=0), default=0, show_default=True, help="Personal target per period.")
@click.option("--partner", "partner_id", type=int, help="The id of the ambassador they work with.")
@with_appcontext
def ambassador_add(name, phone, languages, neighbourhood, target: int, partner_id: int | None) -> None:
    """Add an ambassador and print their code, WhatsApp link and SMS variant."""
    _add(
        referrers.NewReferrer(
            ReferrerKind.AMBASSADOR, name, _number(phone), _languages(languages), target, partner_id, neighbourhood
        )
    )


@source_command.command("add")
@_common_options
@with_appcontext
def source_add(name, phone, languages, neighbourhood) -> None:
    """Add a community source and print its code, WhatsApp link and SMS variant."""
    _add(
        referrers.NewReferrer(ReferrerKind.SOURCE, name, _number(phone), _languages(languages), 0, None, neighbourhood)
    )


def _number(phone: str | None) -> str | None:
    try:
        return to_valid_e164(phone) if phone else None
    except InvalidPhone as error:
        raise click.BadParameter(str(error), param_hint="--phone") from error


def _languages(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


def _add(new: referrers.NewReferrer) -> None:
    services = _services()
    with session_scope(services.db) as db:
        try:
            added = referrers.add_referrer(db, new, services.clock())
        except referrers.ReferrerError as error:
            raise click.UsageError(str(error)) from error
        click.echo(_say(services, "cli.referrer_added", name=added.name, id=added.id, code=added.code))
        _print_links(services, added.code)


def _print_links(services: Services, code: str) -> None:
    found = referrers.links(services.settings, code)
    if found.whatsapp:
        click.echo(_say(services, "cli.referrer_whatsapp", link=found.whatsapp))
    if found.sms:
        click.echo(_say(services, "cli.referrer_sms", code=code, number=found.sms_number, link=found.sms))
    if not (found.whatsapp or found.sms):
        click.echo(_say(services, "cli.referrer_no_number"))


@ambassador_command.command("qr")
@click.argument("referrer_id", type=int)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .png, .svg or .pdf file for a flyer.",
)
@with_appcontext
def ambassador_qr(referrer_id: int, out: Path) -> None:
    """Write the QR code of an ambassador's (or source's) link."""
    services = _services()
    with session_scope(services.db) as db:
        referrer = _referrer(services, db, referrer_id)
        try:
            referrers.write_qr(services.settings, referrer, out)
        except referrers.ReferrerError as error:
            raise click.UsageError(str(error)) from error
    click.echo(_say(services, "cli.referrer_qr", path=out))


@ambassador_command.command("target")
@click.argument("referrer_id", type=int)
@click.option("--period", "day", required=True, type=click.DateTime(["%Y-%m-%d"]), help="A day in the period.")
@click.option("--target", type=click.IntRange(min=0), required=True)
@with_appcontext
def ambassador_target(referrer_id: int, day: datetime, target: int) -> None:
    """Set a personal target for one review period."""
    services = _services()
    period = ambassador_review.period_of(services.settings, day.date())
    with session_scope(services.db) as db:
        referrer = _referrer(services, db, referrer_id)
        referrers.set_target(db, referrer, period.start, target)
        click.echo(_say(services, "cli.target_set", name=referrer.name, day=period.start.isoformat(), target=target))


@ambassador_command.command("deactivate")
@click.argument("referrer_id", type=int)
@with_appcontext
def ambassador_deactivate(referrer_id: int) -> None:
    """Stop an ambassador (or source): their code links nobody any more; their figures stay."""
    services = _services()
    with session_scope(services.db) as db:
        referrer = _referrer(services, db, referrer_id)
        referrer.active = False
        db.add(referrer)
        click.echo(_say(services, "cli.referrer_deactivated", name=referrer.name))


@ambassador_command.command("plan-signed")
@click.argument("phone")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day it was signed (default today).")
@click.option("--undo", is_flag=True, help="It was set by mistake.")
@with_appcontext
def plan_signed(phone: str, day: datetime | None, undo: bool) -> None:
    """Record by hand that a newcomer who came through an ambassador or source signed their plan."""
    services = _services()
    when = None if undo else (day.replace(hour=12, tzinfo=PEOPLE_ZONE) if day else services.clock())
    with session_scope(services.db) as db:
        participant = _participant(services, db, phone)
        if referrals.sign_plan(db, participant, when) is None:
            raise click.ClickException(_say(services, "cli.no_referral"))
        key = "cli.plan_cleared" if undo else "cli.plan_signed"
        click.echo(_say(services, key, id=participant.id, day=when.date().isoformat() if when else ""))


@ambassador_command.command("report")
@click.option("--period", "day", type=click.DateTime(["%Y-%m-%d"]), help="A day in the period (default today).")
@with_appcontext
def ambassador_report(day: datetime | None) -> None:
    """The two-week review: each one's counts per stage against their target, the pair's and the group's."""
    services = _services()
    now = services.clock()
    shown_day = day.date() if day else now.astimezone(PEOPLE_ZONE).date()
    with session_scope(services.db) as db:
        found = ambassador_review.review(db, services.settings, shown_day, now)
    for line in report_lines(services, found):
        click.echo(line)


def report_lines(services: Services, found: Review) -> list[str]:
    """The review as plain text: a header, then a table for this period and one for the campaign so far."""
    period, campaign = found.period, found.campaign
    stage = _say(services, f"review.stage.{found.stage}")
    lines = [
        _say(services, "review.title", start=_day(period.start), end=_day(period.last_day)),
        _say(services, "review.campaign", start=_day(campaign.start), end=_day(campaign.last_day), stage=stage),
    ]
    for view in ambassador_review.VIEWS:
        heads = [_say(services, "review.name"), *(_say(services, f"review.stage.{s}") for s in STAGES)]
        heads += [_say(services, "review.target"), _say(services, "review.pair")]
        lines += ["", _say(services, f"review.{view}"), " | ".join(heads)]
        for row in found.rows:
            figures = row.figures(view, found.stage)
            cells = [row.name, *(str(n) for n in figures.counts.values())]
            cells += [f"{figures.count}/{figures.target}", f"{figures.pair_count}/{figures.pair_target}"]
            lines.append(" | ".join(cells))
        group, target = found.group(view)
        cells = [_say(services, "review.group"), *(str(n) for n in group.values()), f"{group[found.stage]}/{target}"]
        lines.append(" | ".join(cells))
    return lines


def _day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _referrer(services: Services, db, referrer_id: int) -> Referrer:
    referrer = db.get(Referrer, referrer_id)
    if referrer is None:
        raise click.ClickException(_say(services, "cli.referrer_unknown", id=referrer_id))
    return referrer


def _participant(services: Services, db, phone: str) -> Participant:
    try:
        participant = queries.participant_by_phone(db, to_e164(phone))
    except InvalidPhone as error:
        raise click.BadParameter(str(error), param_hint="PHONE") from error
    if participant is None:
        raise click.ClickException(_say(services, "privacy.unknown"))
    return participant
