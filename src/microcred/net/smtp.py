"""Outgoing e-mail over SMTP (RFC 5321): the :class:`microcred.service.mail.MailSender` port.

One connection per batch: ``send`` opens it, secures it as configured (``starttls``: RFC 3207
upgrade; ``ssl``: implicit TLS, RFC 8314; ``none``: plain, for a local relay), logs in when a
user name is set, sends every message and reports each recipient refusal separately. TLS uses
the system's trust store and checks the host name. Settings: ``MICROCRED_SMTP_HOST``, ``_PORT``,
``_USERNAME``, ``_PASSWORD``, ``_SECURITY``, ``_FROM``, ``_TIMEOUT_S``.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Literal

from microcred.config import Settings

Security = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpSender:
    """Sends batches of messages through one SMTP server."""

    host: str
    port: int = 587
    security: Security = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_s: float = 20.0

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s, context=context)
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        if self.security == "starttls":
            connection.starttls(context=context)
        return connection

    def send(self, messages: Sequence[EmailMessage]) -> list[str | None]:
        """Each message sent over one connection; None for an accepted message, else why not.
        Raises (``OSError``, ``smtplib.SMTPException``) when the connection or login fails."""
        if not messages:
            return []
        outcomes: list[str | None] = []
        with self._connect() as connection:
            if self.username:
                connection.login(self.username, self.password or "")
            for message in messages:
                try:
                    refused = connection.send_message(message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                    outcomes.append(f"{type(error).__name__}: {error}"[:500])
                    continue
                outcomes.append(f"refused: {sorted(refused)}" if refused else None)
        return outcomes


def smtp_sender_from_settings(settings: Settings) -> SmtpSender | None:
    """The configured sender, or None when no SMTP host is set (mail then waits)."""
    if not settings.smtp_host:
        return None
    return SmtpSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        timeout_s=settings.smtp_timeout_s,
    )
