"""Settings come from the environment, and a bad one names its variable."""

import pytest

from bot.config import ROOT, ConfigError, load_settings
from tests.conftest import CLEAN_ENV, SECRET

SID = "AC" + "a1" * 16


def settings(**values: str):
    return load_settings({**CLEAN_ENV, **values})


def test_defaults_are_embedded_console_and_sqlite_under_instance() -> None:
    s = settings()
    assert s.embedded and s.redis_url is None
    assert s.messaging_backend == "console"
    assert s.database_url == f"sqlite:///{ROOT / 'instance' / 'welkom.db'}"
    assert s.public_base_url == "http://127.0.0.1:5000"
    assert s.twilio_api_base_url == "https://api.twilio.com"
    assert len(s.secret_key) >= 32


TWILIO = {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "t", "TWILIO_SMS_FROM": "+3197010000000"}


def test_twilio_credentials_choose_the_twilio_backend() -> None:
    s = settings(**TWILIO, SECRET_KEY=SECRET)
    assert s.messaging_backend == "twilio"
    assert s.webhook_token == "t"


def test_with_twilio_a_secret_key_is_required_outside_a_demo() -> None:
    with pytest.raises(ConfigError, match="^SECRET_KEY: is required when MESSAGING_BACKEND is twilio"):
        settings(**TWILIO)
    assert len(settings(**TWILIO, DEMO="1").secret_key) >= 32  # a demo may use a temporary one
    assert settings(**TWILIO, SECRET_KEY=SECRET).secret_key == SECRET


def test_without_twilio_a_temporary_key_serves_one_process() -> None:
    first, second = settings(), settings()
    assert len(first.secret_key) >= 32 and first.secret_key != second.secret_key


def test_console_mode_signs_webhooks_with_the_secret_key() -> None:
    assert settings(SECRET_KEY=SECRET).webhook_token == SECRET


def test_postgres_urls_get_a_driver() -> None:
    assert settings(DATABASE_URL="postgres://u@h/db").database_url == "postgresql+psycopg://u@h/db"


def test_values_are_trimmed_and_trailing_slashes_dropped() -> None:
    assert settings(PUBLIC_BASE_URL=" https://bot.example.org/ ").public_base_url == "https://bot.example.org"


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"MESSAGING_BACKEND": "carrier-pigeon"}, "MESSAGING_BACKEND"),
        ({"MESSAGING_BACKEND": "twilio"}, "TWILIO_ACCOUNT_SID"),
        ({"MESSAGING_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC123"}, "TWILIO_ACCOUNT_SID"),
        ({"MESSAGING_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": SID}, "TWILIO_AUTH_TOKEN"),
        ({"MESSAGING_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "t"}, "TWILIO_WHATSAPP_FROM"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "::not a url::"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL"),
        ({"PUBLIC_BASE_URL": "bot.example.org"}, "PUBLIC_BASE_URL"),
        ({"TWILIO_API_BASE_URL": "ftp://x"}, "TWILIO_API_BASE_URL"),
        ({"TWILIO_CONTENT_BASE_URL": "content.twilio.com"}, "TWILIO_CONTENT_BASE_URL"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(values: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        settings(**values)


def test_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"SECRET_KEY={SECRET}\nPUBLIC_BASE_URL=https://file.example.org\n")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://env.example.org")
    for name in CLEAN_ENV:
        if name != "PUBLIC_BASE_URL":
            monkeypatch.delenv(name, raising=False)
    s = load_settings(env_file=env_file)
    assert s.secret_key == SECRET
    assert s.public_base_url == "https://env.example.org"


def test_the_new_settings_have_their_defaults() -> None:
    s = settings()
    assert (s.duty_coordinator_id, s.smtp_url, s.smtp_from) == (None, None, "welkom@localhost")
    assert s.escalation_renotify_minutes == 120
    assert s.office_hours.weekdays == frozenset(range(5))  # Monday to Friday
    assert (s.office_hours.opens.isoformat(), s.office_hours.closes.isoformat()) == ("09:00:00", "17:00:00")
    assert (s.demo, s.log_level) == (False, "INFO")


def test_the_new_settings_are_parsed() -> None:
    s = settings(
        DUTY_COORDINATOR_ID="3",
        SMTP_URL="smtp://welkom:pa55@mail.example.org:587",
        SMTP_FROM="bot@example.org",
        ESCALATION_RENOTIFY_MINUTES="30",
        OFFICE_HOURS="Mon,Wed-Thu 10:00-12:30",
        DEMO="true",
        LOG_LEVEL="debug",
    )
    assert (s.duty_coordinator_id, s.smtp_from, s.escalation_renotify_minutes) == (3, "bot@example.org", 30)
    assert s.smtp_url == "smtp://welkom:pa55@mail.example.org:587"
    assert s.office_hours.weekdays == frozenset({0, 2, 3}) and s.office_hours.closes.isoformat() == "12:30:00"
    assert s.demo is True and s.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"SECRET_KEY": "a"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 64}, "SECRET_KEY"),  # long, but no randomness
        ({"DATABASE_URL": "postgresql://u:pw@db:port/welkom"}, "DATABASE_URL"),
        ({"DUTY_COORDINATOR_ID": "0"}, "DUTY_COORDINATOR_ID"),
        ({"DUTY_COORDINATOR_ID": "anna"}, "DUTY_COORDINATOR_ID"),
        ({"SMTP_URL": "mail.example.org"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://u:pw@mail:port"}, "SMTP_URL"),
        ({"SMTP_FROM": "welkom"}, "SMTP_FROM"),
        ({"ESCALATION_RENOTIFY_MINUTES": "0"}, "ESCALATION_RENOTIFY_MINUTES"),
        ({"OFFICE_HOURS": "weekdays"}, "OFFICE_HOURS"),
        ({"OFFICE_HOURS": "Mon-Fri 17:00-09:00"}, "OFFICE_HOURS"),
        ({"OFFICE_HOURS": "Fri-Mon 09:00-17:00"}, "OFFICE_HOURS"),
        ({"DEMO": "maybe"}, "DEMO"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"TRANSLATOR": "deepl"}, "TRANSLATOR_API_KEY"),
        ({"API_TOKEN": "short"}, "API_TOKEN"),
        ({"QUIET_HOURS": "21:00"}, "QUIET_HOURS"),
    ],
)
def test_a_bad_new_value_names_its_variable(values: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        settings(**values)


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("TWILIO_API_BASE_URL", "ftp://AC123:hunter2secret@api.example.org"),
        ("PUBLIC_BASE_URL", "https://admin:hunter2secret@bot.example.org:port"),
        ("SMTP_URL", "smtp://welkom:hunter2secret@mail.example.org:smtp"),
        ("DATABASE_URL", "postgresql://welkom:hunter2secret@db:port/welkom"),
    ],
)
def test_a_refused_url_never_shows_its_password(variable: str, url: str) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}: ") as refused:
        settings(**{variable: url})
    assert "hunter2secret" not in str(refused.value)


def test_log_level_is_honoured(monkeypatch) -> None:
    import logging

    from bot.logs import configure_logging

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    configure_logging(settings(LOG_LEVEL="warning").log_level)
    assert root.level == logging.WARNING
