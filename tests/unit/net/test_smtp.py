"""SMTP sending (net/smtp.py) against a real aiosmtpd server on 127.0.0.1: a batch goes over one
connection, a refused recipient is reported for its message only, a server that is not there
raises; without MICROCRED_SMTP_HOST there is no sender."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from microcred.config import Settings
from microcred.net.smtp import SmtpSender, smtp_sender_from_settings


class Handler:
    def __init__(self) -> None:
        self.received: list[list[str]] = []
        self.sessions: set[int] = set()

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.sessions.add(id(session))
        self.received.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    handler, port = Handler(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _message(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@uni.example", to, "Bonjour é"
    message.set_content("texte")
    return message


def test_a_batch_goes_over_one_connection_and_refusals_are_per_message(
    smtp: tuple[Handler, int],
) -> None:
    handler, port = smtp
    sender = SmtpSender(host="127.0.0.1", port=port, security="none", timeout_s=5)
    outcomes = sender.send(
        [_message("a@example.ie"), _message("nobody@example.ie"), _message("b@example.ie")]
    )
    assert outcomes[0] is None and outcomes[2] is None
    assert outcomes[1] is not None and "550" in outcomes[1]
    assert handler.received == [["a@example.ie"], ["b@example.ie"]]
    assert len(handler.sessions) == 1


def test_no_server_raises() -> None:
    sender = SmtpSender(host="127.0.0.1", port=_free_port(), security="none", timeout_s=2)
    with pytest.raises(OSError):
        sender.send([_message("a@example.ie")])


def test_settings_make_the_sender() -> None:
    assert smtp_sender_from_settings(Settings(smtp_host=None)) is None
    sender = smtp_sender_from_settings(
        Settings(smtp_host="mail.example", smtp_port=465, smtp_security="ssl", smtp_username="u")
    )
    assert sender is not None
    assert (sender.host, sender.port, sender.security, sender.username) == (
        "mail.example",
        465,
        "ssl",
        "u",
    )
