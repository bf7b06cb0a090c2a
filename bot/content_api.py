"""Twilio's Content API, the few calls the bot makes: create a resource, ask WhatsApp's approval, read it.

Plain HTTPS with the account's credentials, at TWILIO_CONTENT_BASE_URL (a local server in tests).
Only `bot whatsapp sync` and `status` call it, never the sending path.
"""

from typing import Any

import requests

from bot.config import Settings

TIMEOUT_SECONDS = 20
# WhatsApp's category for messages about something the person already takes part in.
APPROVAL_CATEGORY = "UTILITY"


class ContentApiError(Exception):
    """Twilio refused a Content API request, or could not be reached."""


class ContentApi:
    def __init__(self, settings: Settings):
        self.base_url = settings.twilio_content_base_url
        # One connection for the whole sync: a few hundred requests in a row.
        self.http = requests.Session()
        self.http.auth = (settings.twilio_account_sid or "", settings.twilio_auth_token or "")

    def create(self, friendly_name: str, language: str, variables: dict[str, str], types: dict) -> str:
        """A new Content resource; returns its SID (HX...)."""
        body = {"friendly_name": friendly_name, "language": language, "variables": variables, "types": types}
        return str(self._call("POST", "/v1/Content", body)["sid"])

    def request_approval(self, content_sid: str, name: str) -> str:
        """Ask WhatsApp to approve it as a template; returns the status Twilio reports."""
        body = {"name": name, "category": APPROVAL_CATEGORY}
        answer = self._call("POST", f"/v1/Content/{content_sid}/ApprovalRequests/whatsapp", body)
        return str(answer.get("status") or "received")

    def approval(self, content_sid: str) -> str | None:
        """WhatsApp's approval status ('approved', 'pending', 'rejected', ...), None when never asked."""
        whatsapp = self._call("GET", f"/v1/Content/{content_sid}/ApprovalRequests").get("whatsapp") or {}
        return whatsapp.get("status") if isinstance(whatsapp, dict) else None

    def _call(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        try:
            response = self.http.request(method, f"{self.base_url}{path}", json=body, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise ContentApiError(f"{method} {path}: {type(error).__name__}") from error
        if response.status_code >= 400:
            raise ContentApiError(f"{method} {path}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise ContentApiError(f"{method} {path}: not JSON") from error
