"""The dashboard's Dutch texts, from translations/nl/LC_MESSAGES/coordinator.po."""

from datetime import datetime

from flask import render_template

from bot.i18n import PEOPLE_ZONE, format_when
from bot.services import current_services


def t(key: str, **params: object) -> str:
    """A coordinator text by its key; templates call it as t('key', name=...)."""
    return current_services().coordinator_texts.text("nl", key, {k: str(v) for k, v in params.items()} or None)


def when(moment: datetime | None) -> str:
    return format_when(moment, "nl") if moment else ""


def refused(key: str, status: int) -> tuple[str, int]:
    """A short page that says what went wrong, with the right status."""
    return render_template("dashboard/refused.html", message=t(key)), status


def local(moment: datetime) -> datetime:
    """A moment on the Amsterdam wall clock, as forms show and take it."""
    return moment.astimezone(PEOPLE_ZONE)
