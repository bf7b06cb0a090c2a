"""Free-text answers into Dutch for coordinators, through deep-translator.

The boundary never raises and never blocks longer than `translator_timeout`: any
failure gives an `untranslated` result, and the caller keeps the newcomer's own
words. Log lines name the provider, languages, length and error type, never the
text: deep-translator's and requests' exception messages can hold the text (in a
query string) or the API key, so they are not logged either.
"""

import logging
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass

from deep_translator import (
    DeeplTranslator,
    GoogleTranslator,
    LibreTranslator,
    MicrosoftTranslator,
    MyMemoryTranslator,
)
from deep_translator.base import BaseTranslator
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from storage.db import session_scope
from storage.translations import cached_translation, store_translation, translation_key
from storage.types import utcnow

log = logging.getLogger(__name__)
# urllib3 logs each request line at DEBUG, and providers take the text in the query string.
logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)

TRANSLATED, UNTRANSLATED, SAME_LANGUAGE = "translated", "untranslated", "same_language"

# Our language codes -> each provider's code. A language missing here is one the
# provider cannot translate: we answer `untranslated` without a request.
#
# Persian/Dari: the bot offers one choice, "فارسی/دری", as "fa", so we cannot tell a
# Dari writer from a Persian one. Written Dari and Persian share script and almost all
# vocabulary, and every provider's Persian model is the better-trained one, so "fa"
# goes to Persian everywhere (Microsoft "fa", not its Dari "prs"; MyMemory "fa-IR",
# not "prs-AF").
LANGUAGE_CODES: dict[str, dict[str, str]] = {
    # deep-translator's GOOGLE_LANGUAGES_TO_CODES holds all nine.
    "google": {code: code for code in ("ar", "fa", "ps", "ti", "so", "uk", "tr", "en", "nl")},
    # Microsoft's own list (api-version 3.0) holds all nine; deep-translator would
    # fetch it over the network in the constructor, see _MicrosoftTranslator.
    "microsoft": {code: code for code in ("ar", "fa", "ps", "ti", "so", "uk", "tr", "en", "nl")},
    # deep-translator's DEEPL_LANGUAGE_TO_CODE: no Arabic, Persian, Pashto, Tigrinya, Somali.
    "deepl": {code: code for code in ("uk", "tr", "en", "nl")},
    # deep-translator's MY_MEMORY_LANGUAGES_TO_CODES only knows locale codes.
    # Tigrinya exists only as ti-ET; Eritrean Tigrinya is written the same way.
    "mymemory": {
        "ar": "ar-SA",
        "fa": "fa-IR",
        "ps": "ps-PK",
        "ti": "ti-ET",
        "so": "so-SO",
        "uk": "uk-UA",
        "tr": "tr-TR",
        "en": "en-GB",
        "nl": "nl-NL",
    },
    # LibreTranslate (Argos models) serves these; it has no Pashto, Tigrinya or Somali.
    # deep-translator's LIBRE_LANGUAGES_TO_CODES is older and lacks nl, fa and uk,
    # so without _LibreTranslator nothing could be translated into Dutch at all.
    "libre": {code: code for code in ("ar", "fa", "uk", "tr", "en", "nl")},
}

# Largest text per request, in UTF-8 bytes; longer texts are split on sentence
# boundaries (then words) and the pieces translated one by one.
MAX_BYTES: dict[str, int] = {
    # MyMemory counts 500 bytes, not characters (Arabic is 2 bytes, Ge'ez 3), and
    # deep-translator refuses 500 characters or more.
    "mymemory": 499,
    # Google, DeepL and Libre (deep-translator sends them in the query string):
    # percent-encoding triples the bytes; stay under the common 8 KB URL limit.
    "google": 2000,
    "deepl": 2000,
    "libre": 2000,
    # A JSON body; Microsoft takes up to 50,000 characters.
    "microsoft": 5000,
}

# TRANSLATOR_URL is the service root (a self-hosted server or a test double); the
# path deep-translator uses under each provider's default root goes after it.
URL_PATHS: dict[str, str] = {
    "google": "/m",
    "microsoft": "/translate?api-version=3.0",
    "deepl": "/v2/",  # deep-translator appends "translate"
    "mymemory": "/get",
    "libre": "/",  # deep-translator appends "translate"
}

# MyMemory reports some failures with HTTP 200 and the error as the "translation"
# (quota used up, bad language pair, text too long); deep-translator passes it on.
_MYMEMORY_ERROR = re.compile(
    r"^(MYMEMORY WARNING|QUERY LENGTH LIMIT|INVALID LANGUAGE PAIR|PLEASE SELECT TWO DISTINCT LANGUAGES"
    r"|NO QUERY SPECIFIED|'.*' IS AN INVALID (SOURCE|TARGET) LANGUAGE)"
)

# A sentence with the space after it: up to closing marks followed by a space (so
# "3.5" stays whole), a line end, or the end. Arabic-script '؟' and '۔' and Ge'ez
# '።' and '፧' close sentences too.
_SENTENCE = re.compile(r".+?(?:[.!?؟۔።፧]+(?=\s|$)|(?=\n)|$)\s*", re.S)
_WORD = re.compile(r"\S+\s*")

# Calls that may run at once. A call that times out keeps its thread until the
# provider answers (deep-translator sets no socket timeout), so past this many we
# answer `untranslated` at once instead of piling up threads.
MAX_IN_FLIGHT = 4


@dataclass(frozen=True)
class TranslationResult:
    text: str | None  # the Dutch (or target language) text; None unless translated/same_language
    status: str  # TRANSLATED, UNTRANSLATED or SAME_LANGUAGE
    provider: str


class TranslationFailed(Exception):
    """The provider answered, but not with a usable translation."""


class TranslatorBusy(Exception):
    """MAX_IN_FLIGHT calls are still waiting on the provider."""


class _MicrosoftTranslator(MicrosoftTranslator):
    """deep-translator's constructor fetches Microsoft's language list from a fixed
    URL with no timeout; LANGUAGE_CODES already decided, so skip that request."""

    def _get_supported_languages(self) -> dict[str, str]:
        return {code: code for code in LANGUAGE_CODES["microsoft"].values()}


class _LibreTranslator(LibreTranslator):
    """deep-translator checks codes against a stale list without Dutch; LANGUAGE_CODES
    has been checked before we get here, so the codes pass through."""

    def _map_language_to_code(self, *languages: str) -> Iterator[str]:
        return iter(languages)


def split_text(text: str, max_bytes: int) -> list[str] | None:
    """Pieces of at most `max_bytes` (UTF-8), cut between sentences, else between words.

    None when a single word is longer than the limit: such a text is not prose.
    """
    pieces: list[str] = []
    for sentence in _SENTENCE.findall(text):
        pieces.extend([sentence] if _fits(sentence, max_bytes) else _WORD.findall(sentence))
    if not all(_fits(piece, max_bytes) for piece in pieces):
        return None
    chunks = [""]
    for piece in pieces:
        if _fits(chunks[-1] + piece, max_bytes):
            chunks[-1] += piece
        else:
            chunks.append(piece)
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def _fits(text: str, max_bytes: int) -> bool:
    return len(text.strip().encode()) <= max_bytes


def _build(provider: str, source: str, target: str, api_key: str | None, url: str | None) -> BaseTranslator:
    """A fresh deep-translator object: they keep request state on self, so one per call."""
    if provider == "libre":
        custom = url + URL_PATHS["libre"] if url else None
        # Without a custom URL: libretranslate.com, which wants a key (the free mirror is gone).
        return _LibreTranslator(source=source, target=target, api_key=api_key, use_free_api=False, custom_url=custom)
    if provider == "deepl":
        # DeepL free-plan keys end in ':fx' and only work on the api-free host.
        free = bool(api_key and api_key.endswith(":fx"))
        translator = DeeplTranslator(source=source, target=target, api_key=api_key, use_free_api=free)
    elif provider == "microsoft":
        translator = _MicrosoftTranslator(source=source, target=target, api_key=api_key)
    elif provider == "mymemory":
        translator = MyMemoryTranslator(source=source, target=target)
    else:
        translator = GoogleTranslator(source=source, target=target)
    if url:
        # Only Libre takes a URL argument; the others read _base_url when translating.
        translator._base_url = url + URL_PATHS[provider]
    return translator


class Translator:
    """Translates through one configured provider, with a database cache in front."""

    def __init__(
        self,
        provider: str,
        engine: Engine,
        api_key: str | None = None,
        url: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.provider = provider
        self._engine = engine
        self._api_key = api_key
        self._url = url.rstrip("/") if url else None
        self._timeout = timeout
        self._slots = threading.BoundedSemaphore(MAX_IN_FLIGHT)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine) -> "Translator":
        return cls(
            settings.translator,
            engine,
            api_key=settings.translator_api_key,
            url=settings.translator_url,
            timeout=settings.translator_timeout,
        )

    @property
    def configured(self) -> bool:
        """False with TRANSLATOR=none: nothing will ever be translated, so nothing waits for a retry."""
        return self.provider != "none"

    @property
    def into_dutch(self) -> frozenset[str]:
        """The languages this provider can translate into Dutch. Words in any other language
        (TRANSLATOR=none: all of them) will never be translated, so they never wait for a retry."""
        codes = LANGUAGE_CODES.get(self.provider, {})
        return frozenset(code for code in codes if code != "nl") if "nl" in codes else frozenset()

    def translate(self, text: str, source: str, target: str = "nl") -> TranslationResult:
        """`text` in `target`; never raises, and returns within about `timeout` seconds."""
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            return self._result(None, UNTRANSLATED)
        if source == target:
            return self._result(text, SAME_LANGUAGE)
        codes = LANGUAGE_CODES.get(self.provider, {})
        if source not in codes or target not in codes:
            if self.provider != "none":
                log.info("translator %s cannot translate %s->%s", self.provider, source, target)
            return self._result(None, UNTRANSLATED)
        key = translation_key(self.provider, source, target, text)
        cached = self._cached(key)
        if cached is not None:
            return self._result(cached, TRANSLATED)
        translated = self._fetch(text, codes[source], codes[target])
        if translated is None:
            return self._result(None, UNTRANSLATED)
        self._store(key, translated)
        return self._result(translated, TRANSLATED)

    def _result(self, text: str | None, status: str) -> TranslationResult:
        return TranslationResult(text=text, status=status, provider=self.provider)

    def _fetch(self, text: str, source: str, target: str) -> str | None:
        """The provider's translation, or None (logged without the text)."""
        chunks = split_text(text, MAX_BYTES[self.provider])
        if chunks is None:
            log.info("translator %s: text of %d characters cannot be split; not sent", self.provider, len(text))
            return None
        try:
            return self._with_timeout(lambda: self._call_provider(chunks, source, target))
        except TimeoutError:
            log.warning("translator %s %s->%s: no answer within %.1f s", self.provider, source, target, self._timeout)
        except Exception as error:  # deep-translator raises many unrelated types
            log.warning("translator %s %s->%s failed: %s", self.provider, source, target, type(error).__name__)
        return None

    def _call_provider(self, chunks: list[str], source: str, target: str) -> str:
        """Runs in a worker thread: every deep-translator call, the constructor included."""
        translator = _build(self.provider, source, target, self._api_key, self._url)
        return " ".join([self._checked(translator.translate(chunk)) for chunk in chunks])

    def _checked(self, translated: object) -> str:
        # deep-translator can hand back None (Google, Microsoft) or an error text (MyMemory).
        if not isinstance(translated, str) or not translated.strip():
            raise TranslationFailed("empty answer")
        if self.provider == "mymemory" and _MYMEMORY_ERROR.match(translated):
            raise TranslationFailed("error in place of a translation")
        return translated.strip()

    def _with_timeout(self, work: Callable[[], str]) -> str:
        """`work()` in a daemon thread, waited for at most `timeout` seconds.

        Not a ThreadPoolExecutor: its workers are joined at interpreter exit, so one
        request that never returns would block shutdown. The semaphore bounds the
        threads still waiting on slow providers.
        """
        if not self._slots.acquire(blocking=False):
            raise TranslatorBusy()
        future: Future[str] = Future()

        def run() -> None:
            try:
                future.set_result(work())
            except Exception as error:  # handed to the waiting caller
                future.set_exception(error)
            finally:
                self._slots.release()

        try:
            threading.Thread(target=run, name=f"translator-{self.provider}", daemon=True).start()
        except RuntimeError:  # no thread to be had: give the slot back
            self._slots.release()
            raise
        return future.result(timeout=self._timeout)

    def _cached(self, key: str) -> str | None:
        # The cache only saves requests: if the database fails, ask the provider.
        try:
            with session_scope(self._engine) as session:
                row = cached_translation(session, key)
                return row.translated_text if row else None
        except SQLAlchemyError as error:
            log.warning("translation cache read failed: %s", type(error).__name__)
            return None

    def _store(self, key: str, translated: str) -> None:
        try:
            with session_scope(self._engine) as session:
                store_translation(session, key, self.provider, translated, utcnow())
        except SQLAlchemyError as error:
            log.warning("translation cache write failed: %s", type(error).__name__)
