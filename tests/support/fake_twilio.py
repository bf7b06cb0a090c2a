"""A stand-in for Twilio's Messages API that speaks its HTTP: for the failures Prism cannot make.

It answers each POST with the next scripted status (201 with a message resource,
or Twilio's error JSON) and records what was sent.
"""

import itertools
import json
from dataclasses import dataclass, field

from werkzeug.wrappers import Request, Response

ERRORS = {
    400: (21211, "The 'To' number is not a valid phone number."),
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}


@dataclass
class FakeTwilio:
    script: list[int] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    _sids = itertools.count(1)

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.requests.append({"path": request.path, "form": request.form.to_dict(), "auth": request.authorization})
        status = self.script.pop(0) if self.script else 201
        return self._answer(status, request.form.to_dict())(environ, start_response)

    def _answer(self, status: int, form: dict) -> Response:
        if status == 201:
            body = {
                "sid": f"SM{next(self._sids):032x}",
                "status": "queued",
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "error_code": None,
            }
        else:
            code, message = ERRORS[status]
            body = {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            }
        return Response(json.dumps(body), status=status, content_type="application/json")
