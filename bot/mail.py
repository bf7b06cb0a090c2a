"""E-mail to coordinators who prefer it, over SMTP (STARTTLS when the server offers it)."""

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from bot.channels import Outgoing, SendError, Sent

SMTP_TIMEOUT_SECONDS = 15


class SmtpMailer:
    """Sends an outgoing message as a plain-text e-mail; the first line is the subject."""

    def __init__(self, url: str, sender: str):
        parts = urlsplit(url)
        self.tls_from_start = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls_from_start else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender

    def send(self, outgoing: Outgoing, status_callback: str) -> Sent:
        mail = EmailMessage()
        subject, _, rest = outgoing.body.partition("\n")
        mail["From"], mail["To"], mail["Subject"] = self.sender, outgoing.to.phone, subject[:150]
        links = "".join(f"\n{url}" for url in outgoing.media_urls)
        mail.set_content(f"{outgoing.body}{links}\n")
        try:
            with self._connect() as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPResponseException as error:
            raise SendError("smtp refused", error.smtp_code, transient=400 <= error.smtp_code < 500) from error
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(f"smtp: {type(error).__name__}", transient=True) from error
        return Sent(sid=None, status="sent")

    def find(self, outgoing: Outgoing, attempted_at: datetime, known: frozenset[str] = frozenset()) -> Sent | None:
        return None  # SMTP cannot be asked; a claim left by a dead worker is mailed again

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.tls_from_start:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp
