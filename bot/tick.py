"""The dispatcher tick as a job, for `rq cron` (bot/cron.py); apart from bot.jobs, which the tick enqueues."""

from bot import dispatcher
from bot.services import current_services


def dispatch() -> None:
    services = current_services()
    dispatcher.tick(services, services.clock())
