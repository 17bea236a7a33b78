"""E-mail as the service sees it (issue 4): messages rendered by a :class:`MailRenderer`
port, queued in the mail outbox in the same transaction as the thing they announce, and sent
later in batches by :func:`send_due` through a :class:`MailSender` port (SMTP in
:mod:`microcred.net.smtp`), with retries and back-off like webhook deliveries.

Without a sender configured the outbox keeps the mail (pending) and the runner logs that it was
not sent.

A mail's body carries a claim or sign-in link, so it is kept only while it may still be sent:
once a mail is sent or dead its body is cleared (recipient, subject, status and times stay as
the delivery record), and :func:`purge_old` deletes the rows older than the retention period.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from email.message import EmailMessage
from typing import Any, Final, Protocol

from microcred.service.ids import new_id
from microcred.service.learner_records import MailRecord
from microcred.service.ports import Clock, RandomBytes, UnitOfWork, UnitOfWorkFactory

_log = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 8
BACKOFF: Final = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
"""Seconds to wait after the 1st, 2nd... failed attempt."""
LEASE: Final = timedelta(minutes=5)
CLEARED_BODY: Final = ""
"""The body of a mail that was sent or is dead: its link is not kept once it cannot be sent."""


@dataclass(frozen=True)
class OutgoingMail:
    """A rendered message: subject, plain text and (optional) HTML alternative."""

    subject: str
    text: str
    html: str | None = None


class MailRenderer(Protocol):
    """Renders the e-mail ``template`` (``claim``, ``sign_in_link``) in ``language``."""

    def render(self, template: str, language: str, context: Mapping[str, Any]) -> OutgoingMail: ...


class MailSender(Protocol):
    """Sends a batch of messages over one connection; for each message, None when it was
    accepted or the reason it was not. Raises when no message could be attempted."""

    def send(self, messages: Sequence[EmailMessage]) -> list[str | None]: ...


def queue_mail(
    tx: UnitOfWork, *, to: str, mail: OutgoingMail, clock: Clock, rng: RandomBytes
) -> MailRecord:
    """Put ``mail`` to ``to`` in the outbox of the open unit of work (sent after commit). The
    subject is folded onto one line: a CR/LF from a title or a name can neither add a header
    nor make the message unbuildable (which would fail its whole batch)."""
    record = MailRecord(
        id=new_id(rng),
        to=to,
        subject=" ".join(mail.subject.split()),
        text=mail.text,
        html=mail.html,
        created_at=clock(),
        next_attempt_at=clock(),
    )
    tx.mail_outbox.add_many([record])
    return record


def as_message(mail: MailRecord, *, sender: str) -> EmailMessage:
    """The RFC 5322 message of an outbox record (text, with an HTML alternative)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<{mail.id}@microcred>"
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def send_due(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    sender: MailSender | None,
    from_address: str,
    batch: int = 100,
) -> list[MailRecord]:
    """Claim up to ``batch`` due mails, send them over one connection, record each outcome;
    the mails attempted. A failure is retried with back-off, dead after MAX_ATTEMPTS."""
    if sender is None:
        with uow() as tx:
            waiting = tx.mail_outbox.claim_due(now=clock(), lease_until=clock(), limit=batch)
        if waiting:
            _log.warning("%d e-mail(s) waiting: no SMTP server is configured", len(waiting))
        return []
    with uow() as tx:
        due = tx.mail_outbox.claim_due(now=clock(), lease_until=clock() + LEASE, limit=batch)
        tx.commit()
    if not due:
        return []
    try:
        outcomes = sender.send([as_message(m, sender=from_address) for m in due])
    except Exception as failure:  # the connection failed: every mail of the batch is retried
        _log.warning("sending %d e-mail(s) failed: %s", len(due), failure)
        outcomes = [f"{type(failure).__name__}: {failure}"] * len(due)
    now = clock()
    done: list[MailRecord] = []
    with uow() as tx:
        for mail, error in zip(due, outcomes, strict=True):
            attempts = mail.attempts + 1
            if error is None:
                updated = replace(
                    mail,
                    status="sent",
                    text=CLEARED_BODY,
                    html=None,
                    attempts=attempts,
                    last_attempt_at=now,
                    next_attempt_at=None,
                    sent_at=now,
                    last_error=None,
                )
            elif attempts >= MAX_ATTEMPTS:
                updated = replace(
                    mail,
                    status="dead",
                    text=CLEARED_BODY,
                    html=None,
                    attempts=attempts,
                    last_attempt_at=now,
                    next_attempt_at=None,
                    last_error=error[:500],
                )
            else:
                wait = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
                updated = replace(
                    mail,
                    attempts=attempts,
                    last_attempt_at=now,
                    next_attempt_at=now + timedelta(seconds=wait),
                    last_error=error[:500],
                )
            tx.mail_outbox.update(updated)
            done.append(updated)
        tx.commit()
    return done


def purge_old(*, uow: UnitOfWorkFactory, clock: Clock, keep: timedelta) -> int:
    """Delete the outbox rows queued more than ``keep`` ago (sent, dead, or pending ones whose
    links have long expired); how many were deleted."""
    with uow() as tx:
        deleted = tx.mail_outbox.delete_older_than(clock() - keep)
        tx.commit()
    if deleted:
        _log.info("purged %d e-mail(s) older than %s from the outbox", deleted, keep)
    return deleted
