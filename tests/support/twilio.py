"""Signing requests the way Twilio does, with the twilio library's own validator."""

from twilio.request_validator import RequestValidator

INBOUND_PATH = "/webhooks/twilio/messages"
STATUS_PATH = "/webhooks/twilio/status"
BOT_NUMBER = "whatsapp:+3197010000000"
NEWCOMER = "whatsapp:+31612345678"


def sign(token: str, url: str, form: dict[str, str]) -> str:
    return RequestValidator(token).compute_signature(url, form)


def inbound_form(sid: str, body: str = "", sender: str = NEWCOMER, **extra: str) -> dict[str, str]:
    form = {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": BOT_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "ProfileName": "Test",
        "WaId": sender.split("+")[-1],
    }
    form.update(extra)
    return form


ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "token"
WHATSAPP_FROM, SMS_FROM = "+3197010000000", "+3197020000000"
# Settings for an app that sends through Twilio's API at `TWILIO_API_BASE_URL`.
TWILIO_SETTINGS = {
    "MESSAGING_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
    "TWILIO_SMS_FROM": SMS_FROM,
}
