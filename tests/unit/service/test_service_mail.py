"""The mail outbox: due mails go out in one batch per call, a refused message or a failed
connection is retried with back-off and dead after MAX_ATTEMPTS, and without a sender nothing
is attempted (the mail waits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from email.message import EmailMessage

from service_support import Env

from microcred.service import mail


class Batches:
    """A MailSender that records each batch and answers from a script."""

    def __init__(self, *answers: list[str | None] | Exception) -> None:
        self.answers = list(answers)
        self.batches: list[list[EmailMessage]] = []

    def send(self, messages: Sequence[EmailMessage]) -> list[str | None]:
        self.batches.append(list(messages))
        answer = self.answers.pop(0) if self.answers else [None] * len(messages)
        if isinstance(answer, Exception):
            raise answer
        return answer


def queue(env: Env, *recipients: str) -> None:
    with env.uow() as tx:
        for to in recipients:
            message = mail.OutgoingMail("Subject é", f"Hello {to}", "<p>Hello</p>")
            mail.queue_mail(tx, to=to, mail=message, clock=env.clock, rng=env.rng)
        tx.commit()


def send(env: Env, sender: Batches | None) -> list[str]:
    done = mail.send_due(
        uow=env.uow, clock=env.clock, sender=sender, from_address="Uni <no-reply@uni.example>"
    )
    return [m.status for m in done]


def test_due_mails_go_out_in_one_batch_with_text_and_html() -> None:
    env = Env()
    queue(env, "a@example.ie", "b@example.ie")
    sender = Batches()
    assert send(env, sender) == ["sent", "sent"]
    [batch] = sender.batches
    first = batch[0]
    assert first["From"] == "Uni <no-reply@uni.example>" and first["Subject"] == "Subject é"
    assert {m["To"] for m in batch} == {"a@example.ie", "b@example.ie"}
    assert first.get_body(("html",)) is not None and first.get_body(("plain",)) is not None
    assert send(env, sender) == []


def test_a_refused_mail_is_retried_with_back_off_then_dead() -> None:
    env = Env()
    queue(env, "a@example.ie")
    sender = Batches(ConnectionRefusedError("no server"))
    assert send(env, sender) == ["pending"]
    [stored] = env.store.tables.mails.values()
    assert stored.attempts == 1 and "ConnectionRefusedError" in (stored.last_error or "")
    assert send(env, sender) == []  # not due yet
    for seconds in mail.BACKOFF:
        env.clock.advance(seconds=seconds + 1)
        sender.answers.append(["550 no such user"])
        send(env, sender)
    [stored] = env.store.tables.mails.values()
    assert (stored.status, stored.attempts) == ("dead", mail.MAX_ATTEMPTS)
    assert stored.last_error == "550 no such user"


def test_without_a_sender_mails_wait() -> None:
    env = Env()
    queue(env, "a@example.ie")
    assert send(env, None) == []
    [stored] = env.store.tables.mails.values()
    assert (stored.status, stored.attempts) == ("pending", 0)


def test_a_sent_or_dead_mail_keeps_its_metadata_but_not_its_body() -> None:
    env = Env()
    queue(env, "a@example.ie", "b@example.ie")
    env.clock.advance(seconds=1)
    sender = Batches([None, "550 no such user"])
    assert send(env, sender) == ["sent", "pending"]
    sent, pending = sorted(env.store.tables.mails.values(), key=lambda m: m.to)
    assert (sent.to, sent.subject, sent.status, sent.sent_at) == (
        "a@example.ie",
        "Subject é",
        "sent",
        env.clock(),
    )
    assert (sent.text, sent.html) == ("", None)
    assert pending.text == "Hello b@example.ie"  # still to be sent: kept
    for _ in range(mail.MAX_ATTEMPTS):
        env.clock.advance(seconds=max(mail.BACKOFF) + 1)
        sender.answers.append(["550 no such user"])
        send(env, sender)
    dead = env.store.tables.mails[pending.id]
    assert (dead.status, dead.text, dead.html) == ("dead", "", None)
    assert dead.to == "b@example.ie" and dead.last_error == "550 no such user"


def test_purge_deletes_the_mails_older_than_the_retention_period() -> None:
    env = Env()
    queue(env, "old@example.ie")
    env.clock.advance(days=20)
    queue(env, "new@example.ie")
    keep = timedelta(days=30)
    assert mail.purge_old(uow=env.uow, clock=env.clock, keep=keep) == 0
    env.clock.advance(days=11)
    assert mail.purge_old(uow=env.uow, clock=env.clock, keep=keep) == 1
    assert [m.to for m in env.store.tables.mails.values()] == ["new@example.ie"]
