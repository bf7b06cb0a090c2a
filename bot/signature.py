"""Only Twilio (or whoever holds its auth token) may call the webhooks."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, request
from twilio.request_validator import RequestValidator

from bot.services import current_services

SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio posts only this; a multipart body can hold part names the validator cannot sign.
FORM_TYPE = "application/x-www-form-urlencoded"


def public_url() -> str:
    """The URL Twilio called: the public base plus this path and query.

    Behind a proxy or tunnel the URL Flask sees differs from the one Twilio
    signed, so the signature is checked against PUBLIC_BASE_URL.
    """
    base = current_services().settings.public_base_url
    # Undecodable bytes cannot match Twilio's signature; they must not crash the check either.
    query = request.query_string.decode(errors="replace")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if request.mimetype != FORM_TYPE:
            abort(415, f"send {FORM_TYPE}")
        validator = RequestValidator(current_services().settings.webhook_token)
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not validator.validate(public_url(), request.form, signature):
            abort(403)
        return view(*args, **kwargs)

    return checked
