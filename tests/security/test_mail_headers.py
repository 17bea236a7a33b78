"""E-mail header injection (brief: e-mail through names/subjects): a credential title or a
learner name carrying CR/LF cannot add a header (``Bcc:``) to a claim or sign-in e-mail, and
such a mail does not poison the outbox batch it is sent in (the other mails still go out)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "service"))

from service_support import Env

from microcred.service import mail
from microcred.web.mail import JinjaMailRenderer

EVIL = "Evil\r\nBcc: victim@evil.example\r\n\r\nInjected body"


class Recorder:
    """A MailSender that accepts every message and keeps it."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, messages: Sequence[EmailMessage]) -> list[str | None]:
        self.sent.extend(messages)
        return [None] * len(messages)


def test_a_title_with_cr_lf_neither_injects_a_header_nor_blocks_the_batch() -> None:
    env = Env()
    renderer = JinjaMailRenderer()
    claim = renderer.render(
        "claim",
        "en",
        {"title": EVIL, "name": EVIL, "issuer": EVIL, "url": "https://x.example/claim/t",
         "expires": env.clock()},
    )  # fmt: skip
    link = renderer.render(
        "sign_in_link", "en", {"name": EVIL, "url": "https://x.example/l", "minutes": 15}
    )
    with env.uow() as tx:
        mail.queue_mail(tx, to="a@example.ie", mail=claim, clock=env.clock, rng=env.rng)
        mail.queue_mail(tx, to="b@example.ie", mail=link, clock=env.clock, rng=env.rng)
        tx.commit()
    sender = Recorder()
    done = mail.send_due(uow=env.uow, clock=env.clock, sender=sender, from_address="u@x.example")
    assert sorted(m.status for m in done) == ["sent", "sent"]
    for message in sender.sent:
        assert message["Bcc"] is None
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
        headers = message.as_bytes().split(b"\n\n", 1)[0]  # the body may say anything
        assert b"\nBcc:" not in headers and b"Injected" not in headers.split(b"\nSubject")[0]
    [claimed] = [m for m in sender.sent if m["To"] == "a@example.ie"]
    assert "Evil Bcc: victim@evil.example" in str(claimed["Subject"])
