"""Settings come from the environment, and a bad one names its variable."""

import pytest

from bot.config import ROOT, ConfigError, load_settings
from tests.conftest import CLEAN_ENV

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


def test_twilio_credentials_choose_the_twilio_backend() -> None:
    s = settings(TWILIO_ACCOUNT_SID=SID, TWILIO_AUTH_TOKEN="t", TWILIO_SMS_FROM="+3197010000000")
    assert s.messaging_backend == "twilio"
    assert s.webhook_token == "t"


def test_console_mode_signs_webhooks_with_the_secret_key() -> None:
    assert settings(SECRET_KEY="s3cret").webhook_token == "s3cret"


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
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(values: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        settings(**values)


def test_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=from-file\nPUBLIC_BASE_URL=https://file.example.org\n")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://env.example.org")
    for name in CLEAN_ENV:
        if name != "PUBLIC_BASE_URL":
            monkeypatch.delenv(name, raising=False)
    s = load_settings(env_file=env_file)
    assert s.secret_key == "from-file"
    assert s.public_base_url == "https://env.example.org"
