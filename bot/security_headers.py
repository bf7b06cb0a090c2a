"""Headers every answer carries, HTML and JSON alike: nothing framed, sniffed, referred or cached.

The answers hold personal data (appointments, names), so no cache keeps them. A page that
needs a looser policy (say, the dashboard's own stylesheet) sets its own before this runs.
"""

from flask import Response

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# For waitress: no Server header naming the server (and its version) to whoever asks.
WAITRESS_OPTIONS = {"ident": ""}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
