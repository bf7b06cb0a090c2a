"""Feestdagen: the holidays participants keep in the coming weeks, so work is planned around them."""

from flask import render_template

from bot import holiday_views
from bot.dashboard.access import bp, current_user, sees_everything
from bot.dashboard.overview import chosen_coordinator
from bot.dashboard.participants import coordinator_names
from bot.services import current_services
from storage.db import session_scope


@bp.get("/holidays")
def holidays():
    services = current_services()
    coordinator_id = chosen_coordinator()
    with session_scope(services.db) as db:
        found = holiday_views.upcoming(db, services.clock(), coordinator_id)
        coordinators = coordinator_names(db)
    rows = [(*holiday_views.in_dutch(services.catalogs, item), item) for item in found]
    return render_template(
        "dashboard/holidays.html",
        rows=rows,
        days=holiday_views.DAYS_AHEAD,
        coordinators=coordinators,
        coordinator_id=coordinator_id,
        may_choose=sees_everything(current_user()),
    )
