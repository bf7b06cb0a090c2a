"""Settings, read from the environment (and an optional .env) in this one place.

A bad value stops start-up with a ConfigError that names the variable.
"""

import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.office_hours import BadOfficeHours, OfficeHours
from bot.schedule import ReminderRules

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TWILIO_API_DEFAULT = "https://api.twilio.com"
_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
BACKENDS = ("twilio", "console")
TRANSLATORS = ("none", "google", "microsoft", "deepl", "mymemory", "libre")


class ConfigError(ValueError):
    """A configuration value that cannot work; the message starts with its variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    messaging_backend: str
    twilio_account_sid: str | None
    twilio_auth_token: str | None
    twilio_whatsapp_from: str | None
    twilio_sms_from: str | None
    twilio_api_base_url: str
    public_base_url: str
    secret_key: str
    translator: str = "none"
    translator_api_key: str | None = None
    translator_url: str | None = None
    translator_timeout: float = 10.0
    session_timeout: timedelta = timedelta(days=7)
    reminder_rules: ReminderRules = ReminderRules()
    # A cancellation less than this before the start is marked too late.
    late_cancel: timedelta = timedelta(hours=12)
    # Bearer token of the JSON API for the centre's own systems; unset means the API refuses all.
    api_token: str | None = None
    # Where the approved WhatsApp templates are listed (see whatsapp_templates.example.yaml).
    whatsapp_templates: Path | None = None
    # DEMO=1: the phone simulator at /simulator and the demo clock (never in production).
    demo: bool = False
    # Who gets escalations of newcomers without a coordinator of their own (besides anyone on duty).
    duty_coordinator_id: int | None = None
    # E-mail to coordinators who prefer it: smtp://user:pass@host:port (STARTTLS when offered).
    smtp_url: str | None = None
    smtp_from: str = "welkom@localhost"
    # An unacknowledged escalation is brought up again after this much office time.
    escalation_renotify: timedelta = timedelta(minutes=120)
    office_hours: OfficeHours = OfficeHours.parse("Mon-Fri 09:00-17:00")
    # Copies of the photos and voice notes people send (Twilio deletes its own after a while).
    media_dir: Path = ROOT / "instance" / "media"
    # More messages than this a minute from one number are stored but not answered (one notice).
    flood_per_minute: int = 20
    # Message texts older than this are blanked; participants inactive this long are erased.
    retention_messages: timedelta = timedelta(days=90)
    retention_participant_months: int = 12
    flows_dir: Path = ROOT / "flows"
    translations_dir: Path = ROOT / "translations"

    @property
    def embedded(self) -> bool:
        """No Redis: jobs run in this process."""
        return self.redis_url is None

    @property
    def webhook_token(self) -> str:
        """The key that signs Twilio webhooks: Twilio's auth token, or ours in console mode."""
        return self.twilio_auth_token or self.secret_key


def load_settings(overrides: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Settings from `.env`, then the environment, then `overrides` (later wins)."""
    values: dict[str, str | None] = dict(dotenv_values(env_file or ROOT / ".env"))
    values.update(os.environ)
    values.update(overrides or {})
    return _validated({key: value.strip() for key, value in values.items() if value and value.strip()})


def _validated(env: dict[str, str]) -> Settings:
    sid, token = env.get("TWILIO_ACCOUNT_SID"), env.get("TWILIO_AUTH_TOKEN")
    backend = env.get("MESSAGING_BACKEND") or ("twilio" if sid and token else "console")
    if backend not in BACKENDS:
        raise ConfigError(f"MESSAGING_BACKEND: must be one of {', '.join(BACKENDS)}, not '{backend}'")
    if backend == "twilio":
        _check_twilio(env)
    return Settings(
        database_url=_database_url(env.get("DATABASE_URL")),
        redis_url=_redis_url(env.get("REDIS_URL")),
        messaging_backend=backend,
        twilio_account_sid=sid,
        twilio_auth_token=token,
        twilio_whatsapp_from=env.get("TWILIO_WHATSAPP_FROM"),
        twilio_sms_from=env.get("TWILIO_SMS_FROM"),
        twilio_api_base_url=_http_url("TWILIO_API_BASE_URL", env.get("TWILIO_API_BASE_URL", TWILIO_API_DEFAULT)),
        public_base_url=_http_url("PUBLIC_BASE_URL", env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")),
        secret_key=env.get("SECRET_KEY") or _temporary_secret(),
        **_translator(env),
        session_timeout=timedelta(days=_positive_number("SESSION_TIMEOUT_DAYS", env.get("SESSION_TIMEOUT_DAYS", "7"))),
        reminder_rules=_reminder_rules(env),
        late_cancel=timedelta(hours=_positive_number("LATE_CANCEL_HOURS", env.get("LATE_CANCEL_HOURS", "12"))),
        api_token=_api_token(env.get("API_TOKEN")),
        whatsapp_templates=Path(env.get("WHATSAPP_TEMPLATES", str(ROOT / "whatsapp_templates.yaml"))),
        demo=_flag("DEMO", env.get("DEMO", "0")),
        **_escalations(env),
    )


def _escalations(env: dict[str, str]) -> dict:
    duty = env.get("DUTY_COORDINATOR_ID")
    if duty is not None and not (duty.isascii() and duty.isdigit()):
        raise ConfigError(f"DUTY_COORDINATOR_ID: must be a coordinator's id (a number), not '{duty}'")
    smtp = env.get("SMTP_URL")
    if smtp and (urlsplit(smtp).scheme not in ("smtp", "smtps") or not urlsplit(smtp).hostname):
        raise ConfigError("SMTP_URL: must look like smtp://user:password@host:587")
    try:
        office_hours = OfficeHours.parse(env.get("OFFICE_HOURS", "Mon-Fri 09:00-17:00"))
    except BadOfficeHours as error:
        raise ConfigError(f"OFFICE_HOURS: {error}") from None
    minutes = _positive_number("ESCALATION_RENOTIFY_MINUTES", env.get("ESCALATION_RENOTIFY_MINUTES", "120"))
    return {
        "duty_coordinator_id": int(duty) if duty else None,
        "smtp_url": smtp,
        "smtp_from": env.get("SMTP_FROM", "welkom@localhost"),
        "escalation_renotify": timedelta(minutes=minutes),
        "office_hours": office_hours,
        "media_dir": Path(env.get("MEDIA_DIR", str(ROOT / "instance" / "media"))),
        "flood_per_minute": int(_positive_number("FLOOD_PER_MINUTE", env.get("FLOOD_PER_MINUTE", "20"))),
        "retention_messages": timedelta(
            days=_positive_number("RETENTION_MESSAGES_DAYS", env.get("RETENTION_MESSAGES_DAYS", "90"))
        ),
        "retention_participant_months": int(
            _positive_number("RETENTION_PARTICIPANT_MONTHS", env.get("RETENTION_PARTICIPANT_MONTHS", "12"))
        ),
    }


def _check_twilio(env: dict[str, str]) -> None:
    sid = env.get("TWILIO_ACCOUNT_SID", "")
    if not _ACCOUNT_SID.match(sid):
        raise ConfigError("TWILIO_ACCOUNT_SID: must be 'AC' followed by 32 hexadecimal characters")
    if not env.get("TWILIO_AUTH_TOKEN"):
        raise ConfigError("TWILIO_AUTH_TOKEN: is required when MESSAGING_BACKEND is twilio")
    if not (env.get("TWILIO_WHATSAPP_FROM") or env.get("TWILIO_SMS_FROM")):
        raise ConfigError("TWILIO_WHATSAPP_FROM: set it or TWILIO_SMS_FROM to send through Twilio")


def _translator(env: dict[str, str]) -> dict:
    name = env.get("TRANSLATOR", "none").lower()
    if name not in TRANSLATORS:
        raise ConfigError(f"TRANSLATOR: must be one of {', '.join(TRANSLATORS)}, not '{name}'")
    key = env.get("TRANSLATOR_API_KEY")
    if name in ("microsoft", "deepl", "libre") and not key:
        raise ConfigError(f"TRANSLATOR_API_KEY: is required for TRANSLATOR={name}")
    url = env.get("TRANSLATOR_URL")
    return {
        "translator": name,
        "translator_api_key": key,
        "translator_url": _http_url("TRANSLATOR_URL", url) if url else None,
        "translator_timeout": _positive_number("TRANSLATOR_TIMEOUT", env.get("TRANSLATOR_TIMEOUT", "10")),
    }


def _api_token(value: str | None) -> str | None:
    if value is not None and len(value) < 16:
        raise ConfigError(
            "API_TOKEN: use at least 16 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe())')"
        )
    return value


def _reminder_rules(env: dict[str, str]) -> ReminderRules:
    quiet = env.get("QUIET_HOURS", "21:00-08:00")
    start, _, end = quiet.partition("-")
    return ReminderRules(
        evening_at=_clock("REMINDER_EVENING_AT", env.get("REMINDER_EVENING_AT", "19:00")),
        hours_before=timedelta(hours=_positive_number("REMINDER_HOURS_BEFORE", env.get("REMINDER_HOURS_BEFORE", "2"))),
        quiet_start=_clock("QUIET_HOURS", start),
        quiet_end=_clock("QUIET_HOURS", end),
    )


def _flag(name: str, value: str) -> bool:
    if value.lower() not in ("0", "1", "true", "false", "yes", "no"):
        raise ConfigError(f"{name}: must be 1 or 0, not '{value}'")
    return value.lower() in ("1", "true", "yes")


def _clock(name: str, value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{name}: not a time of day like 19:00: '{value}'") from None


def _positive_number(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if number <= 0:
        raise ConfigError(f"{name}: must be a positive number, not '{value}'")
    return number


def _database_url(value: str | None) -> str:
    if not value:
        return f"sqlite:///{ROOT / 'instance' / 'welkom.db'}"
    # Hosting platforms hand out 'postgres://'; SQLAlchemy wants a driver name.
    value = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", value)
    try:
        backend = make_url(value).get_backend_name()
    except ArgumentError as error:
        raise ConfigError(f"DATABASE_URL: not a database URL ({error})") from error
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL: only sqlite and postgresql are supported, not '{backend}'")
    return value


def _redis_url(value: str | None) -> str | None:
    if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("REDIS_URL: must start with redis://, rediss:// or unix://")
    return value


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: must be an http(s) URL, not '{value}'")
    return value.rstrip("/")


def _temporary_secret() -> str:
    log.warning("SECRET_KEY is not set; using a temporary key for this process")
    return secrets.token_urlsafe(32)
