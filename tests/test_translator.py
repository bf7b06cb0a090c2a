"""The translation boundary over real HTTP: fakes of each provider on 127.0.0.1, a migrated SQLite cache."""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from deep_translator import constants
from sqlalchemy import Engine, text
from sqlmodel import select
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bot import translator as translator_module
from bot.config import load_settings
from bot.translator import (
    LANGUAGE_CODES,
    MAX_BYTES,
    SAME_LANGUAGE,
    TRANSLATED,
    UNTRANSLATED,
    TranslationResult,
    Translator,
    split_text,
)
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import CachedTranslation
from storage.translations import cached_translation, store_translation, translation_key
from tests.conftest import CLEAN_ENV, SECRET
from tests.support.databases import fresh_database
from tests.support.fake_translators import (
    FakeDeepL,
    FakeGoogle,
    FakeLibre,
    FakeMicrosoft,
    FakeMyMemory,
    FakeTranslationService,
    fake_translation,
)
from tests.support.http import free_port, serving

PROVIDERS = ("mymemory", "libre", "deepl", "microsoft", "google")
FAKES = {
    "mymemory": FakeMyMemory,
    "libre": FakeLibre,
    "deepl": FakeDeepL,
    "microsoft": FakeMicrosoft,
    "google": FakeGoogle,
}
KEYS = {"libre": "libre-key-123", "deepl": "deepl-key-123:fx", "microsoft": "ms-key-123"}
ARABIC = "مرحبا، اسمي أمل وأسكن في زفوله 🌷"
PERSIAN = "سلام، من می‌خواهم هلندی یاد بگیرم 👋🏽"  # holds a zero-width non-joiner
TIGRINYA = "ሰላም፡ ኣነ ኣማል እየ። ኣብ ዝቮለ እቕመጥ 🙏"
ENGLISH = "My name is Amal and I live in Zwolle"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'welkom.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def make_translator(engine: Engine, provider: str, url: str | None = None, timeout: str = "5") -> Translator:
    settings = load_settings(
        {
            **CLEAN_ENV,
            "SECRET_KEY": SECRET,
            "TRANSLATOR": provider,
            "TRANSLATOR_API_KEY": KEYS.get(provider, ""),
            "TRANSLATOR_URL": url or "",
            "TRANSLATOR_TIMEOUT": timeout,
        }
    )
    return Translator.from_settings(settings, engine)


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, tuple[FakeTranslationService, str]]]:
    """A fake of each provider under its own path on one server for the module (stopping
    a server takes 0.5 s); a TRANSLATOR_URL with a path, as behind a reverse proxy."""
    fakes = {provider: fake_class() for provider, fake_class in FAKES.items()}
    with serving(DispatcherMiddleware(NotFound(), {f"/{name}": fake for name, fake in fakes.items()})) as base_url:
        yield {name: (fake, f"{base_url}/{name}") for name, fake in fakes.items()}


@pytest.fixture
def on_http(
    engine: Engine, services
) -> Callable[..., AbstractContextManager[tuple[Translator, FakeTranslationService]]]:
    """A translator pointed at the provider's fake, which starts the test with `script`."""

    @contextmanager
    def start(provider: str, script: list[str] | None = None, timeout: str = "5"):
        fake, base_url = services[provider]
        fake.reset(script)
        try:
            yield make_translator(engine, provider, base_url, timeout), fake
        finally:
            fake.release.set()
            wait_for_translator_threads()

    return start


def wait_for_translator_threads() -> None:
    """Let calls the translator gave up on finish, so no test leaves a thread behind."""
    deadline = time.monotonic() + 5
    while any(t.name.startswith("translator-") for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)


def cache_rows(engine: Engine) -> list[CachedTranslation]:
    with session_scope(engine) as session:
        return list(session.exec(select(CachedTranslation)).all())


# Success, and what goes over the wire


@pytest.mark.parametrize(
    ("provider", "source", "wire_source", "wire_target"),
    [
        ("mymemory", "ar", "ar-SA", "nl-NL"),
        ("libre", "ar", "ar", "nl"),
        ("deepl", "uk", "uk", "nl"),
        ("microsoft", "fa", "fa", "nl"),
        ("google", "ti", "ti", "nl"),
    ],
)
def test_each_provider_translates_through_its_own_protocol(
    on_http, provider: str, source: str, wire_source: str, wire_target: str
) -> None:
    with on_http(provider) as (translator, fake):
        result = translator.translate(ENGLISH, source)
    assert result == TranslationResult(fake_translation(ENGLISH, wire_target), TRANSLATED, provider)
    [sent] = fake.requests
    assert (sent["text"], sent["source"], sent["target"]) == (ENGLISH, wire_source, wire_target)


def test_mymemory_is_asked_with_get_and_a_langpair(on_http) -> None:
    with on_http("mymemory") as (translator, fake):
        translator.translate(ARABIC, "ar")
    [sent] = fake.requests
    assert (sent["method"], sent["path"]) == ("GET", "/get")


def test_libre_gets_a_post_with_the_key_and_plain_text_format(on_http) -> None:
    with on_http("libre") as (translator, fake):
        translator.translate(ARABIC, "ar")
    [sent] = fake.requests
    assert (sent["method"], sent["path"]) == ("POST", "/translate")
    assert sent["fields"] == {"q": ARABIC, "source": "ar", "target": "nl", "format": "text", "api_key": KEYS["libre"]}


def test_microsoft_and_deepl_send_their_keys_where_their_apis_read_them(on_http) -> None:
    with on_http("microsoft") as (microsoft, fake_microsoft):
        microsoft.translate(PERSIAN, "fa")
    with on_http("deepl") as (deepl, fake_deepl):
        deepl.translate("Привіт, мене звати Амаль", "uk")
    assert fake_microsoft.requests[0]["key"] == KEYS["microsoft"]
    assert fake_microsoft.requests[0]["api_version"] == "3.0"
    assert fake_deepl.requests[0]["auth_key"] == KEYS["deepl"]
    assert fake_deepl.requests[0]["path"] == "/v2/translate"


@pytest.mark.parametrize(
    ("provider", "source", "words"),
    [
        ("mymemory", "ar", ARABIC),
        ("mymemory", "fa", PERSIAN),
        ("mymemory", "ti", TIGRINYA),
        ("libre", "ar", ARABIC),
        ("libre", "fa", PERSIAN),
        ("google", "ti", TIGRINYA),
    ],
    ids=["mymemory-ar", "mymemory-fa", "mymemory-ti", "libre-ar", "libre-fa", "google-ti"],
)
def test_arabic_script_geez_and_emoji_reach_the_provider_intact(
    on_http, provider: str, source: str, words: str
) -> None:
    with on_http(provider) as (translator, fake):
        result = translator.translate(words, source)
    assert fake.requests[0]["text"] == words
    assert result.text == fake_translation(words, LANGUAGE_CODES[provider]["nl"])


# The cache


def test_a_cached_translation_makes_no_second_request(on_http, engine: Engine) -> None:
    with on_http("mymemory") as (translator, fake):
        first = translator.translate(ARABIC, "ar")
        again = translator.translate(f"  {ARABIC}\n", "ar")  # the same answer, typed with spaces around
        after_restart = make_translator(engine, "mymemory", "http://127.0.0.1:9").translate(ARABIC, "ar")
    assert len(fake.requests) == 1
    assert first == again == after_restart
    assert first.status == TRANSLATED


def test_the_cache_row_holds_a_hash_not_the_words(on_http, engine: Engine) -> None:
    with on_http("mymemory") as (translator, _fake):
        result = translator.translate(ARABIC, "ar")
    [row] = cache_rows(engine)
    assert row.key == translation_key("mymemory", "ar", "nl", ARABIC)
    assert len(row.key) == 64 and ARABIC not in row.key
    assert (row.provider, row.translated_text) == ("mymemory", result.text)
    assert row.created_at.tzinfo == UTC


def test_the_cache_key_separates_providers_and_languages() -> None:
    keys = {
        translation_key("mymemory", "ar", "nl", "x"),
        translation_key("libre", "ar", "nl", "x"),
        translation_key("mymemory", "fa", "nl", "x"),
        translation_key("mymemory", "ar", "en", "x"),
        translation_key("mymemory", "ar", "nl", "y"),
    }
    assert len(keys) == 5


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path: Path) -> Iterator[Engine]:
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_storing_the_same_key_twice_keeps_one_row(any_engine: Engine) -> None:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    key = translation_key("mymemory", "ar", "nl", ARABIC)
    with session_scope(any_engine) as first, session_scope(any_engine) as second:
        # Two workers that both missed the cache; the first commits after the second inserts.
        assert store_translation(first, key, "mymemory", "Hallo", now) is True
        first.commit()
        assert store_translation(second, key, "mymemory", "Hallo!", now) is False
    with session_scope(any_engine) as session:
        assert cached_translation(session, key).translated_text == "Hallo"
    assert len(cache_rows(any_engine)) == 1


def test_a_broken_cache_does_not_lose_the_translation(on_http, engine: Engine, caplog) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE cached_translation"))
    with on_http("mymemory") as (translator, fake):
        result = translator.translate(ARABIC, "ar")
    assert result.status == TRANSLATED and len(fake.requests) == 1
    assert "translation cache read failed" in caplog.text and "translation cache write failed" in caplog.text


# Failures: untranslated, never an exception, nothing cached, no words in the log


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("behaviour", ["500", "429", "malformed", "wrong-shape"])
def test_a_failing_provider_gives_untranslated(on_http, caplog, provider: str, behaviour: str) -> None:
    caplog.set_level(logging.INFO)
    with on_http(provider, [behaviour]) as (translator, fake):
        result = translator.translate(ENGLISH, "en")
        retried = translator.translate(ENGLISH, "en")
    assert result == TranslationResult(None, UNTRANSLATED, provider)
    assert retried.status == TRANSLATED  # the failure was not cached
    assert len(fake.requests) == 2
    assert_logged_without_secrets(caplog, provider)


def test_mymemory_quota_warning_in_a_200_answer_is_not_a_translation(on_http, engine: Engine, caplog) -> None:
    with on_http("mymemory", ["in-band"]) as (translator, _fake):
        result = translator.translate(ENGLISH, "en")
    assert result.status == UNTRANSLATED
    assert cache_rows(engine) == []
    assert "TranslationFailed" in caplog.text


def test_a_provider_slower_than_the_timeout_is_given_up_on(on_http, engine: Engine, caplog) -> None:
    with on_http("mymemory", ["slow"], timeout="0.5") as (translator, fake):
        started = time.monotonic()
        result = translator.translate(ENGLISH, "en")
        waited = time.monotonic() - started
        fake.release.set()
        wait_for_translator_threads()
    assert result.status == UNTRANSLATED
    assert 0.4 < waited < 1.5
    assert cache_rows(engine) == []  # the late answer is dropped, not cached
    assert "no answer within 0.5 s" in caplog.text
    assert_logged_without_secrets(caplog, "mymemory")


def test_calls_stuck_on_the_provider_are_bounded(on_http, monkeypatch) -> None:
    monkeypatch.setattr(translator_module, "MAX_IN_FLIGHT", 1)
    with on_http("mymemory", ["slow"], timeout="0.5") as (translator, fake):
        assert translator.translate(ENGLISH, "en").status == UNTRANSLATED  # still waiting on the fake
        started = time.monotonic()
        busy = translator.translate(ARABIC, "ar")
        assert time.monotonic() - started < 0.3 and busy.status == UNTRANSLATED
        assert len(fake.requests) == 1
        fake.release.set()
        wait_for_translator_threads()
        assert translator.translate(ARABIC, "ar").status == TRANSLATED


@pytest.mark.parametrize("provider", PROVIDERS)
def test_connection_refused_gives_untranslated(engine: Engine, caplog, provider: str) -> None:
    translator = make_translator(engine, provider, f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    result = translator.translate(ENGLISH, "en")
    assert result == TranslationResult(None, UNTRANSLATED, provider)
    assert time.monotonic() - started < 3
    assert_logged_without_secrets(caplog, provider)


def assert_logged_without_secrets(caplog, provider: str) -> None:
    warnings = [r for r in caplog.records if r.name == "bot.translator" and r.levelno == logging.WARNING]
    assert warnings, "a failure is logged"
    assert all(record.exc_info is None for record in warnings)  # a traceback would carry the words
    # werkzeug's request lines come from the fake service, not from the bot.
    ours = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("werkzeug"))
    for secret in (ENGLISH, "Amal", "Zwolle", KEYS.get(provider, "no key")):
        assert secret not in ours


# No request at all


@pytest.mark.parametrize(
    ("provider", "source"),
    [("deepl", "ti"), ("deepl", "fa"), ("deepl", "ps"), ("deepl", "so"), ("libre", "ps"), ("mymemory", "xx")],
)
def test_a_language_the_provider_lacks_makes_no_request(on_http, provider: str, source: str) -> None:
    with on_http(provider) as (translator, fake):
        result = translator.translate(TIGRINYA, source)
    assert result == TranslationResult(None, UNTRANSLATED, provider)
    assert fake.requests == []


def test_provider_none_never_translates(engine: Engine) -> None:
    translator = make_translator(engine, "none")
    assert translator.translate(ARABIC, "ar") == TranslationResult(None, UNTRANSLATED, "none")
    assert translator.translate("Ik woon in Zwolle", "nl") == TranslationResult(
        "Ik woon in Zwolle", SAME_LANGUAGE, "none"
    )
    assert cache_rows(engine) == []


def test_no_translator_configured_means_none(engine: Engine) -> None:
    settings = load_settings({**CLEAN_ENV, "SECRET_KEY": SECRET})
    assert Translator.from_settings(settings, engine).provider == "none"


def test_dutch_is_already_dutch(on_http) -> None:
    with on_http("mymemory") as (translator, fake):
        result = translator.translate(" Ik woon in Zwolle ", "nl")
    assert result == TranslationResult("Ik woon in Zwolle", SAME_LANGUAGE, "mymemory")
    assert fake.requests == []


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_empty_text_is_not_sent(on_http, blank: str) -> None:
    with on_http("mymemory") as (translator, fake):
        result = translator.translate(blank, "ar")
    assert result == TranslationResult(None, UNTRANSLATED, "mymemory")
    assert fake.requests == []


# Language codes


@pytest.mark.parametrize(
    ("provider", "ours", "theirs"),
    [
        ("mymemory", "ar", "ar-SA"),
        ("mymemory", "fa", "fa-IR"),  # Persian, not Dari's prs-AF: see LANGUAGE_CODES
        ("mymemory", "ti", "ti-ET"),
        ("mymemory", "nl", "nl-NL"),
        ("microsoft", "fa", "fa"),  # Persian, not Dari's prs
        ("microsoft", "ti", "ti"),
        ("google", "fa", "fa"),
        ("google", "ti", "ti"),
        ("libre", "ar", "ar"),
        ("libre", "fa", "fa"),
    ],
)
def test_our_codes_map_to_the_providers_codes(provider: str, ours: str, theirs: str) -> None:
    assert LANGUAGE_CODES[provider][ours] == theirs


@pytest.mark.parametrize(
    ("provider", "table"),
    [
        ("google", constants.GOOGLE_LANGUAGES_TO_CODES),
        ("mymemory", constants.MY_MEMORY_LANGUAGES_TO_CODES),
        ("deepl", constants.DEEPL_LANGUAGE_TO_CODE),
    ],
)
def test_codes_are_ones_deep_translator_accepts(provider: str, table: dict[str, str]) -> None:
    assert set(LANGUAGE_CODES[provider].values()) <= set(table.values())


def test_libre_adds_only_the_languages_deep_translators_old_table_lacks() -> None:
    missing = set(LANGUAGE_CODES["libre"].values()) - set(constants.LIBRE_LANGUAGES_TO_CODES.values())
    assert missing == {"nl", "fa", "uk"}


def test_deepl_and_libre_lack_the_east_african_and_afghan_languages() -> None:
    assert not {"fa", "ps", "ti", "so", "ar"} & set(LANGUAGE_CODES["deepl"])
    assert not {"ps", "ti", "so"} & set(LANGUAGE_CODES["libre"])


def test_every_provider_can_translate_into_dutch() -> None:
    assert all("nl" in codes for codes in LANGUAGE_CODES.values())
    assert set(LANGUAGE_CODES) == set(MAX_BYTES) == set(PROVIDERS)


# Long texts


def test_split_text_cuts_between_sentences_within_the_byte_limit() -> None:
    words = "Ik kom uit Syrië. Het kost 3.5 euro! Waar is de bus? Dank je."
    chunks = split_text(words, 40)
    assert chunks == ["Ik kom uit Syrië. Het kost 3.5 euro!", "Waar is de bus? Dank je."]
    assert all(len(chunk.encode()) <= 40 for chunk in chunks)


def test_split_text_falls_back_to_words_and_gives_up_on_one_giant_word() -> None:
    assert split_text("een twee drie vier vijf", 10) == ["een twee", "drie vier", "vijf"]
    assert split_text("kijk https://example.org/" + "x" * 40, 20) is None


def test_split_text_counts_bytes_of_geez() -> None:
    chunks = split_text(TIGRINYA, 30)
    assert chunks is not None and all(len(chunk.encode()) <= 30 for chunk in chunks)
    assert " ".join(chunks) == TIGRINYA


def test_a_long_answer_goes_to_mymemory_in_pieces(on_http) -> None:
    long_answer = " ".join([TIGRINYA] * 12)  # about 900 bytes: over MyMemory's 500
    with on_http("mymemory") as (translator, fake):
        result = translator.translate(long_answer, "ti")
    assert len(fake.requests) > 1
    assert all(len(sent["text"].encode()) <= MAX_BYTES["mymemory"] for sent in fake.requests)
    assert " ".join(sent["text"] for sent in fake.requests) == long_answer
    assert result.text == " ".join(fake_translation(sent["text"], "nl-NL") for sent in fake.requests)


def test_a_text_that_cannot_be_split_is_not_sent(on_http) -> None:
    with on_http("mymemory") as (translator, fake):
        result = translator.translate("x" * 600, "en")
    assert result.status == UNTRANSLATED and fake.requests == []
