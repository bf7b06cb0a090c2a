"""Settings, read from the environment (and an optional .env) in this one place, by pydantic-settings.

A bad value stops start-up with a ConfigError that names the variable. An empty
variable counts as unset; the environment wins over .env, and `overrides` over both.
"""

import logging
import re
import secrets
from collections.abc import Mapping
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.office_hours import OfficeHours
from bot.schedule import ReminderRules

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TWILIO_API_DEFAULT = "https://api.twilio.com"
TWILIO_CONTENT_DEFAULT = "https://content.twilio.com"
_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
# secrets.token_urlsafe(32): 32 random bytes, 43 characters.
SECRET_KEY_MIN_CHARS = 32
_NEW_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class ConfigError(ValueError):
    """A configuration value that cannot work; the message starts with its variable."""


def _problem(message: str, **values: Any) -> PydanticCustomError:
    return PydanticCustomError("config", message, values)


class Settings(BaseSettings):
    """Every setting, named after its variable (DATABASE_URL is database_url)."""

    # enable_decoding=False: every value is plain text, parsed by the validators below (not as JSON).
    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", env_ignore_empty=True, str_strip_whitespace=True, enable_decoding=False
    )

    database_url: str = f"sqlite:///{ROOT / 'instance' / 'welkom.db'}"
    redis_url: str | None = None
    messaging_backend: Literal["twilio", "console"]
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_sms_from: str | None = None
    twilio_api_base_url: str = TWILIO_API_DEFAULT
    # Twilio's Content API (WhatsApp buttons and lists, bot/whatsapp_content.py), as the above is for messages.
    twilio_content_base_url: str = TWILIO_CONTENT_DEFAULT
    # Seconds before a call to Twilio is given up; the message is then looked up before a resend.
    twilio_timeout: float = Field(default=15, gt=0)
    public_base_url: str = "http://127.0.0.1:5000"
    # Empty: not given. Required with Twilio (outside a demo); else a temporary one per process.
    secret_key: str = ""
    translator: Literal["none", "google", "microsoft", "deepl", "mymemory", "libre"] = "none"
    translator_api_key: str | None = None
    translator_url: str | None = None
    translator_timeout: float = Field(default=10.0, gt=0)
    session_timeout_days: float = Field(default=7, gt=0)
    reminder_evening_at: time = time(19, 0)
    reminder_hours_before: float = Field(default=2, gt=0)
    quiet_hours: tuple[time, time] = (time(21, 0), time(8, 0))
    # A cancellation less than this before the start is marked too late.
    late_cancel_hours: float = Field(default=12, gt=0)
    # Bearer token of the JSON API for the centre's own systems; unset means the API refuses all.
    api_token: str | None = None
    # Where the approved WhatsApp templates are listed (see whatsapp_templates.example.yaml).
    whatsapp_templates: Path | None = ROOT / "whatsapp_templates.yaml"
    # The coordinator who hears about what has no coordinator of its own.
    duty_coordinator_id: int | None = Field(default=None, ge=1)
    # Where e-mail goes out, smtp://user:password@host:port (smtps:// for TLS); unset, none is sent.
    smtp_url: str | None = None
    smtp_from: str = Field(default="welkom@localhost", pattern=r"^[^@\s]+@[^@\s]+$", max_length=200)
    # An escalation nobody picked up is told again after this long.
    escalation_renotify_minutes: int = Field(default=120, ge=1)
    office_hours: OfficeHours = OfficeHours.parse("Mon-Fri 09:00-17:00")
    # The organisation the bot speaks for, named in its first message to someone the centre registered.
    centre_name: str = Field(default="Vrijwilligerscentrale", min_length=1, max_length=100)
    # Copies of the photos and voice notes people send (Twilio deletes its own after a while).
    media_dir: Path = ROOT / "instance" / "media"
    # Voice notes uploaded on the dashboard or made by `bot voice synthesize` (bot/voice_catalog.py).
    voice_dir: Path = ROOT / "instance" / "voice"
    # Whether an offline speech engine (espeak-ng) may fill gaps in the voice catalog; the centre decides.
    voice_synthetic: bool = False
    # More messages than this a minute from one number are kept but not answered (one notice).
    flood_per_minute: int = Field(default=20, ge=1)
    # Message texts older than this are blanked; participants inactive this long are erased.
    retention_messages_days: int = Field(default=90, ge=1)
    retention_participant_months: int = Field(default=12, ge=1)
    # The ambassadors' review (bot/ambassador_review.py): periods of this many days, repeating from
    # this first day; the group target is for the campaign (unset: the half year holding the period).
    ambassador_period_start: date = date(2024, 1, 1)
    ambassador_period_days: int = Field(default=14, ge=1, le=366)
    ambassador_campaign_start: date | None = None
    ambassador_campaign_months: int = Field(default=6, ge=1, le=60)
    ambassador_group_target: int = Field(default=75, ge=0)
    # What targets count (the seed's measure: plans signed, set by hand by the centre).
    ambassador_target_stage: Literal[
        "first_contact", "consent", "kennismaking", "first_kept", "active_3_months", "plan_signed"
    ] = "plan_signed"
    # What the centre reports to the consulent at the end, in Dutch; the newcomer reads it translated
    # (with a translator), else the catalog's fixed text (bot/ending_dialogue.py).
    ending_consulent_note: str | None = Field(default=None, max_length=1000)
    demo: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # The first message's language: lingua's high-accuracy models (~360 MiB per process) or low (~40 MiB,
    # more first messages answered with the language menu; README, Speed).
    language_detection: Literal["high", "low"] = "high"

    @property
    def embedded(self) -> bool:
        """No Redis: jobs run in this process."""
        return self.redis_url is None

    @property
    def webhook_token(self) -> str:
        """The key that signs Twilio webhooks: Twilio's auth token, or ours in console mode."""
        return self.twilio_auth_token or self.secret_key

    @property
    def session_timeout(self) -> timedelta:
        return timedelta(days=self.session_timeout_days)

    @property
    def late_cancel(self) -> timedelta:
        return timedelta(hours=self.late_cancel_hours)

    @property
    def reminder_rules(self) -> ReminderRules:
        return ReminderRules(
            evening_at=self.reminder_evening_at,
            hours_before=timedelta(hours=self.reminder_hours_before),
            quiet_start=self.quiet_hours[0],
            quiet_end=self.quiet_hours[1],
        )

    @property
    def escalation_renotify(self) -> timedelta:
        return timedelta(minutes=self.escalation_renotify_minutes)

    @property
    def retention_messages(self) -> timedelta:
        return timedelta(days=self.retention_messages_days)

    @property
    def flows_dir(self) -> Path:
        return ROOT / "flows"

    @property
    def translations_dir(self) -> Path:
        return ROOT / "translations"

    @property
    def recorded_voice_dir(self) -> Path:
        """The recordings that come with the project: translations/voice/<lang>/<key>.ogg."""
        return ROOT / "translations" / "voice"

    @model_validator(mode="before")
    @classmethod
    def _backend_by_credentials(cls, values: dict[str, Any]) -> dict[str, Any]:
        values = {key: value for key, value in values.items() if not (isinstance(value, str) and not value.strip())}
        if "messaging_backend" not in values:
            credentials = values.get("twilio_account_sid") and values.get("twilio_auth_token")
            values["messaging_backend"] = "twilio" if credentials else "console"
        for name, case in (("translator", str.lower), ("log_level", str.upper), ("language_detection", str.lower)):
            if isinstance(values.get(name), str):
                values[name] = case(values[name].strip())
        return values

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        # Hosting platforms hand out 'postgres://'; SQLAlchemy wants a driver name.
        value = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", value)
        try:
            url = make_url(value)
            backend, _ = url.get_backend_name(), url.port
        except (ArgumentError, ValueError):
            # The text is not repeated: it may hold a password.
            raise _problem("not a database URL like postgresql://user:password@host:5432/name") from None
        if backend not in ("sqlite", "postgresql"):
            raise _problem("only sqlite and postgresql are supported, not '{backend}'", backend=backend)
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise _problem("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("twilio_api_base_url", "twilio_content_base_url", "public_base_url", "translator_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or not _has_valid_port(parts):
            raise _problem("must be an http(s) URL, not '{url}'", url=masked_url(value))
        return value.rstrip("/")

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname or not _has_valid_port(parts):
            raise _problem("must be like smtp://user:password@host:587, not '{url}'", url=masked_url(value))
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: str) -> str:
        if value and (len(value) < SECRET_KEY_MIN_CHARS or len(set(value)) < SECRET_KEY_MIN_CHARS // 4):
            raise _problem("use at least 32 random bytes, e.g. {command}", command=_NEW_SECRET)
        return value

    @field_validator("api_token", mode="before")
    @classmethod
    def _api_token(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value) < 16:
            raise _problem(
                "use at least 16 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe())')"
            )
        return value

    @field_validator("reminder_evening_at", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> Any:
        return _time_of_day(value) if isinstance(value, str) else value

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet_hours(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        start, _, end = value.partition("-")
        return _time_of_day(start), _time_of_day(end)

    @field_validator("office_hours", mode="before")
    @classmethod
    def _office_hours(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return OfficeHours.parse(value)
        except ValueError as error:
            raise _problem("{problem}", problem=str(error)) from None

    @model_validator(mode="after")
    def _complete(self) -> "Settings":
        if self.messaging_backend == "twilio":
            _check_twilio(self)
        if not self.secret_key:
            if self.messaging_backend == "twilio" and not self.demo:
                raise ConfigError(
                    f"SECRET_KEY: is required when MESSAGING_BACKEND is twilio; make one with {_NEW_SECRET}"
                )
            # Frozen settings: set once, here, before anyone reads it.
            object.__setattr__(self, "secret_key", _temporary_secret())
        if self.translator in ("microsoft", "deepl", "libre") and not self.translator_api_key:
            raise ConfigError(f"TRANSLATOR_API_KEY: is required for TRANSLATOR={self.translator}")
        return self


def load_settings(overrides: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Settings from `.env`, then the environment, then `overrides` (later wins)."""
    given = {name.lower(): value for name, value in (overrides or {}).items() if name.lower() in Settings.model_fields}
    try:
        return Settings(_env_file=env_file or ROOT / ".env", **given)
    except ValidationError as error:
        raise _config_error(error) from None


def masked_url(url: str) -> str:
    """The URL with its password (or lone user token) replaced by ***, for messages."""
    return re.sub(r"(?<=://)([^/@]*)@", lambda found: _masked_user(found[1]) + "@", url)


def _masked_user(userinfo: str) -> str:
    user, sep, _ = userinfo.partition(":")
    return f"{user}:***" if sep else "***"


def _has_valid_port(parts: Any) -> bool:
    try:
        parts.port  # noqa: B018 - reading it is the check: a port that is no number raises
    except ValueError:
        return False
    return True


def _time_of_day(value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise _problem("not a time of day like 19:00: '{value}'", value=value) from None


def _check_twilio(settings: Settings) -> None:
    if not _ACCOUNT_SID.match(settings.twilio_account_sid or ""):
        raise ConfigError("TWILIO_ACCOUNT_SID: must be 'AC' followed by 32 hexadecimal characters")
    if not settings.twilio_auth_token:
        raise ConfigError("TWILIO_AUTH_TOKEN: is required when MESSAGING_BACKEND is twilio")
    if not (settings.twilio_whatsapp_from or settings.twilio_sms_from):
        raise ConfigError("TWILIO_WHATSAPP_FROM: set it or TWILIO_SMS_FROM to send through Twilio")


def _config_error(error: ValidationError) -> ConfigError:
    problem = error.errors(include_url=False, include_input=False)[0]
    if not problem["loc"]:  # a check of several variables: its message names them
        cause = problem.get("ctx", {}).get("error")
        return cause if isinstance(cause, ConfigError) else ConfigError(problem["msg"])
    variable = str(problem["loc"][0]).upper()
    return ConfigError(f"{variable}: {problem['msg']}")


def _temporary_secret() -> str:
    log.warning("SECRET_KEY is not set; using a temporary key for this process")
    return secrets.token_urlsafe(32)
