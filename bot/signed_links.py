"""Links of this app that Twilio (or a coordinator's phone) may fetch without logging in.

Signed with SECRET_KEY and a salt per kind of link, so a media link cannot be read as a voice
link; each kind decides how long its links live.
"""

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.services import Services


def make(services: Services, path: str, salt: str, payload: Any) -> str:
    """The full URL `<PUBLIC_BASE_URL>/<path>/<token>` that carries `payload`."""
    token = _serializer(services, salt).dumps(payload)
    return f"{services.settings.public_base_url}/{path}/{token}"


def read(services: Services, salt: str, token: str, max_age: int) -> Any | None:
    """The payload of a valid, unexpired token; None for anything else."""
    try:
        return _serializer(services, salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None


def _serializer(services: Services, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services.settings.secret_key, salt=salt)
