"""A stand-in for Twilio's Messages API that speaks its HTTP: for the failures Prism cannot make.

It answers each POST with the next scripted status (201 with a message resource,
or Twilio's error JSON, or LATE: taken, but answered only after the client gave
up), records what was sent, and lists the messages it took (GET, filtered by To,
From and DateSent as Twilio does).
"""

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime

from werkzeug.wrappers import Request, Response

ERRORS = {
    400: (21211, "The 'To' number is not a valid phone number."),
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}
# Scripted answer: the message is taken, and the answer comes after `late_seconds`.
LATE = "late"


@dataclass
class FakeTwilio:
    script: list[int | str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    # Every message taken, as Twilio's message resource.
    messages: list[dict] = field(default_factory=list)
    late_seconds: float = 2.0
    _sids = itertools.count(1)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def sent(self) -> list[dict]:
        """The forms of the messages Twilio took, in order: what the people received."""
        return [r["form"] for r in self.requests if r["method"] == "POST" and r["taken"]]

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.method == "GET":
            self.requests.append({"method": "GET", "path": request.path, "query": request.args.to_dict()})
            return self._list(request.args)(environ, start_response)
        form = request.form.to_dict()
        with self._lock:
            status = self.script.pop(0) if self.script else 201
            taken = status in (201, LATE)
            self.requests.append(
                {"method": "POST", "path": request.path, "form": form, "auth": request.authorization, "taken": taken}
            )
            resource = self._take(form) if taken else None
        if status == LATE:
            time.sleep(self.late_seconds)
        return self._answer(resource, status)(environ, start_response)

    def _take(self, form: dict) -> dict:
        now = format_datetime(datetime.now(UTC).replace(microsecond=0))
        resource = {
            "sid": f"SM{next(self._sids):032x}",
            "status": "queued",
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "error_code": None,
            "date_created": now,
            "date_sent": now,
            "date_updated": now,
        }
        self.messages.append(resource)
        return resource

    def _answer(self, resource: dict | None, status: int | str) -> Response:
        if resource is not None:
            return _json(resource, 201)
        code, message = ERRORS[status]
        return _json(
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            status,
        )

    def _list(self, args) -> Response:
        chosen = [
            m
            for m in reversed(self.messages)  # Twilio lists the newest first
            if args.get("To", m["to"]) == m["to"] and args.get("From", m["from"]) == m["from"] and _sent_within(m, args)
        ]
        return _json(
            {
                "messages": chosen,
                "start": 0,
                "end": max(len(chosen) - 1, 0),
                "page": 0,
                "page_size": 50,
                "uri": "/2010-04-01/Accounts/AC/Messages.json",
                "first_page_uri": "/2010-04-01/Accounts/AC/Messages.json?Page=0",
                "previous_page_uri": None,
                "next_page_uri": None,
            },
            200,
        )


def _sent_within(message: dict, args) -> bool:
    """Twilio's DateSent filters compare the GMT date only: =, < (on or before), > (on or after)."""
    sent = parsedate_to_datetime(message["date_sent"]).date()
    checks = (("DateSent", date.__eq__), ("DateSent<", date.__le__), ("DateSent>", date.__ge__))
    return all(compare(sent, date.fromisoformat(args[name][:10])) for name, compare in checks if name in args)


def _json(body: dict, status: int) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
