"""Stand-ins for translation services that speak their HTTP, for what no real service can be made to do.

Each answers the request the way its service does: the same method, path, parameters
and JSON (or HTML) shapes that deep-translator sends and reads. A scripted list of
behaviours decides each answer in turn ("ok" when the script is empty):

  ok          a translation: "[<target>] <text>"
  500, 429    the service's error status and error body
  malformed   HTTP 200 with JSON cut off halfway
  wrong-shape HTTP 200 with valid JSON of another shape
  slow        waits until `release` is set (or `slow_seconds` pass), then answers ok
  in-band     MyMemory only: HTTP 200 with the quota warning as the "translation"

Every request is recorded, so a test can count them and read what was sent.
"""

import html
import json
import threading
from dataclasses import dataclass, field

from werkzeug.wrappers import Request, Response

MYMEMORY_QUOTA = (
    "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN  "
    "13 HOURS 31 MINUTES 45 SECONDS VISIT HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP TO TRANSLATE MORE"
)


def fake_translation(text: str, target: str) -> str:
    return f"[{target}] {text}"


@dataclass
class FakeTranslationService:
    script: list[str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    slow_seconds: float = 5.0

    def reset(self, script: list[str] | None = None) -> None:
        """Ready for the next test: the same server, a new script."""
        self.script[:] = script or []
        self.requests.clear()
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.requests.append(self._record(request))
        behaviour = self.script.pop(0) if self.script else "ok"
        return self._answer(request, behaviour)(environ, start_response)

    def _answer(self, request: Request, behaviour: str) -> Response:
        if behaviour == "slow":
            self.release.wait(self.slow_seconds)
            behaviour = "ok"
        if behaviour == "ok":
            text, source, target = self._query(request)
            return self._ok(fake_translation(text, target), source, target)
        if behaviour == "malformed":
            return Response('{"translat', content_type="application/json")
        if behaviour == "wrong-shape":
            return _json({"unexpected": True})
        return self._error(int(behaviour))

    def _record(self, request: Request) -> dict:
        text, source, target = self._query(request)
        return {"method": request.method, "path": request.path, "text": text, "source": source, "target": target}

    # What a service reads from the request, and its answers, per service.
    def _query(self, request: Request) -> tuple[str, str, str]:
        raise NotImplementedError

    def _ok(self, translated: str, source: str, target: str) -> Response:
        raise NotImplementedError

    def _error(self, status: int) -> Response:
        raise NotImplementedError


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


class FakeMyMemory(FakeTranslationService):
    """GET /get?q=...&langpair=src|tgt, as api.mymemory.translated.net answers it."""

    def _query(self, request: Request) -> tuple[str, str, str]:
        source, _, target = request.args.get("langpair", "").partition("|")
        return request.args.get("q", ""), source, target

    def _answer(self, request: Request, behaviour: str) -> Response:
        if behaviour == "in-band":
            return self._ok(MYMEMORY_QUOTA, *self._query(request)[1:], status=429)
        return super()._answer(request, behaviour)

    def _ok(self, translated: str, source: str, target: str, status: int = 200) -> Response:
        match = {"id": "0", "segment": "", "translation": translated, "source": source, "target": target}
        return _json(
            {
                "responseData": {"translatedText": translated, "match": 0.85},
                "quotaFinished": status == 429,
                "responseDetails": "",
                "responseStatus": status,
                "matches": [{**match, "quality": "74", "match": 0.85}],
            }
        )

    def _error(self, status: int) -> Response:
        detail = MYMEMORY_QUOTA if status == 429 else "SERVER ERROR"
        return _json({"responseData": {"translatedText": detail}, "responseStatus": status}, status)


class FakeLibre(FakeTranslationService):
    """POST /translate with q, source, target, format, api_key, as LibreTranslate answers it.

    LibreTranslate reads the fields from a JSON body, or else from the form and query
    string (deep-translator sends the query string); so does this.
    """

    def _fields(self, request: Request) -> dict:
        if request.is_json:
            return request.get_json(silent=True) or {}
        return request.values.to_dict()

    def _record(self, request: Request) -> dict:
        return {**super()._record(request), "fields": self._fields(request)}

    def _query(self, request: Request) -> tuple[str, str, str]:
        fields = self._fields(request)
        return fields.get("q", ""), fields.get("source", ""), fields.get("target", "")

    def _ok(self, translated: str, source: str, target: str) -> Response:
        return _json({"translatedText": translated})

    def _error(self, status: int) -> Response:
        message = {429: "Slowdown: 20 per 1 minute", 500: "Cannot translate text"}.get(status, "Error")
        return _json({"error": message}, status)


class FakeDeepL(FakeTranslationService):
    """/v2/translate with auth_key, text, source_lang, target_lang, as api(-free).deepl.com answers it."""

    def _record(self, request: Request) -> dict:
        return {**super()._record(request), "auth_key": request.values.get("auth_key")}

    def _query(self, request: Request) -> tuple[str, str, str]:
        values = request.values
        return values.get("text", ""), values.get("source_lang", ""), values.get("target_lang", "")

    def _ok(self, translated: str, source: str, target: str) -> Response:
        return _json({"translations": [{"detected_source_language": source.upper(), "text": translated}]})

    def _error(self, status: int) -> Response:
        return _json({"message": "Too many requests" if status == 429 else "Internal error"}, status)


class FakeMicrosoft(FakeTranslationService):
    """POST /translate?api-version=3.0&from=..&to=.. with [{"text": ...}], as Azure Translator answers it."""

    def _record(self, request: Request) -> dict:
        key = request.headers.get("Ocp-Apim-Subscription-Key")
        return {**super()._record(request), "api_version": request.args.get("api-version"), "key": key}

    def _query(self, request: Request) -> tuple[str, str, str]:
        body = request.get_json(silent=True) or [{}]
        return body[0].get("text", ""), request.args.get("from", ""), request.args.get("to", "")

    def _ok(self, translated: str, source: str, target: str) -> Response:
        return _json([{"translations": [{"text": translated, "to": target}]}])

    def _error(self, status: int) -> Response:
        message = "The server rejected the request because the client has exceeded request limits."
        return _json({"error": {"code": status * 1000, "message": message}}, status)


class FakeGoogle(FakeTranslationService):
    """GET /m?sl=..&tl=..&q=.., the mobile page of translate.google.com that deep-translator reads."""

    def _query(self, request: Request) -> tuple[str, str, str]:
        return request.args.get("q", ""), request.args.get("sl", ""), request.args.get("tl", "")

    def _ok(self, translated: str, source: str, target: str) -> Response:
        page = f'<html><body><div class="result-container">{html.escape(translated)}</div></body></html>'
        return Response(page, content_type="text/html; charset=utf-8")

    def _error(self, status: int) -> Response:
        return Response("<html><body>Error</body></html>", status=status, content_type="text/html")
