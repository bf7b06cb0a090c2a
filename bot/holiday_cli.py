"""`bot holidays [--coordinator-id N] [--days 60]`: the holidays participants keep, coming up."""

import click
from flask import current_app
from flask.cli import with_appcontext

from bot import holiday_views
from bot.services import EXTENSION, Services
from storage.db import session_scope


@click.command("holidays")
@click.option("--coordinator-id", type=int, help="Only this coordinator's participants.")
@click.option("--days", type=click.IntRange(1, 366), default=holiday_views.DAYS_AHEAD, show_default=True)
@with_appcontext
def holidays_command(coordinator_id: int | None, days: int) -> None:
    """Print the holidays participants keep in the coming days: no check-ins then; plan around them."""
    services: Services = current_app.extensions[EXTENSION]
    with session_scope(services.db) as db:
        found = holiday_views.upcoming(db, services.clock(), coordinator_id, days)
    texts = services.coordinator_texts
    for item in found:
        day, holiday = holiday_views.in_dutch(services.catalogs, item)
        click.echo(texts.text("nl", "holidays.line", {"day": day, "holiday": holiday, "who": item.name or item.phone}))
    if not found:
        click.echo(texts.text("nl", "holidays.none", {"days": str(days)}))
