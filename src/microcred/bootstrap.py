"""Composition root: the one place that turns settings into adapters and wires the use cases.

``build(settings)`` opens the database (SQLite file by default, PostgreSQL when configured),
loads the master key, and binds the ports of :mod:`microcred.service.ports` to their adapters:
SQLAlchemy units of work, AES-GCM key encryption, the guarded HTTP fetcher, the job queue
(in-process on SQLite, procrastinate on PostgreSQL) and the event publisher (the log and the
webhook outbox). The CLI and the HTTP app get everything they need from the returned
:class:`Container`; :func:`build_app` also runs the webhook delivery thread for the app's
lifetime.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from microcred.api.app import create_app
from microcred.api.dependencies import ApiServices
from microcred.config import Settings
from microcred.core.proofs.jades import load_trust_anchors
from microcred.core.verify.pipeline import Verifier
from microcred.jobs.events import FanOutPublisher, LogPublisher
from microcred.jobs.inprocess import InProcessQueue, bulk_handlers
from microcred.jobs.pg_queue import ProcrastinateQueue, setup_schema
from microcred.jobs.webhook_runner import WebhookRunner
from microcred.jobs.xlsx import read_xlsx
from microcred.net.fetcher import GuardedFetcher, fetcher_from_settings
from microcred.net.smtp import SmtpSender, smtp_sender_from_settings
from microcred.net.webhooks import HttpWebhookSender, webhook_sender_from_settings
from microcred.service import issuing, verifying, wallet, webhooks
from microcred.service.bulk import BulkContext, resume_bulk_jobs
from microcred.service.claims import ClaimPublisher
from microcred.service.learner_records import HoldingRecord, MailRecord
from microcred.service.mail import purge_old, send_due
from microcred.service.ports import EventPublisher, JobQueue, UnitOfWork
from microcred.service.records import DeliveryRecord
from microcred.store.cipher import AesGcmCipher, load_or_create_master_key
from microcred.store.engine import make_engine, upgrade
from microcred.store.unit_of_work import SqlUnitOfWork
from microcred.web import WebServices, install_web
from microcred.web.mail import JinjaMailRenderer

_log = logging.getLogger(__name__)

WEBHOOK_POLL_S = 2.0
"""How often the webhook runner looks for due deliveries."""
MAIL_POLL_S = 5.0
"""How often the mail runner looks for due e-mails (claim and sign-in links)."""
WALLET_REFRESH_POLL_S = 300.0
"""How often the wallet refresh runner looks for holdings due a new check."""


def utc_now() -> datetime:
    """The clock of a real installation."""
    return datetime.now(UTC)


def is_postgresql(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))


@dataclass
class Container:
    """Every port bound to its adapter, for one process."""

    settings: Settings
    database_url: str
    engine: Engine
    cipher: AesGcmCipher
    queue: JobQueue
    publisher: EventPublisher = field(init=False)
    """Each event to the log and to the webhook outbox."""

    def __post_init__(self) -> None:
        outbox = webhooks.OutboxPublisher(uow=self.uow, clock=utc_now, rng=os.urandom)
        claims = ClaimPublisher(
            uow=self.uow,
            clock=utc_now,
            rng=os.urandom,
            renderer=JinjaMailRenderer(),
            base_url=self.base_url,
        )
        self.publisher = FanOutPublisher(LogPublisher(), outbox, claims)

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.engine)

    @property
    def ports(self) -> dict[str, Any]:
        """The keyword arguments most use cases take."""
        return {"uow": self.uow, "cipher": self.cipher, "clock": utc_now, "rng": os.urandom}

    @property
    def ports_writes(self) -> dict[str, Any]:
        """The keyword arguments of use cases that write but hold no keys."""
        return {"uow": self.uow, "clock": utc_now, "rng": os.urandom}

    @property
    def issuing(self) -> dict[str, Any]:
        return {**self.ports, "publisher": self.publisher, "base_url": self.base_url}

    @property
    def base_url(self) -> str:
        return self.settings.service_base_url()

    @functools.cached_property
    def fetcher(self) -> GuardedFetcher:
        """The process's one guarded HTTP client (building one loads the CA store: ~35 ms)."""
        return fetcher_from_settings(self.settings)

    @functools.cached_property
    def _verifier(self) -> Verifier:
        verifier = verifying.verifier(
            uow=self.uow,
            cipher=self.cipher,
            clock=utc_now,
            fetcher=self.fetcher,
            base_url=self.base_url,
        )
        anchors = self.settings.seal_trust_anchors
        if anchors is None:
            return verifier
        return dataclasses.replace(
            verifier, seal_trust_anchors=load_trust_anchors(anchors.read_bytes())
        )

    def verifier(self) -> Verifier:
        """The verifier of this server: stateless between calls, so one is shared."""
        return self._verifier

    @functools.cached_property
    def webhook_sender(self) -> HttpWebhookSender:
        """The guarded POST of webhook deliveries (the fetcher's allow-list and time limit)."""
        return webhook_sender_from_settings(self.settings)

    def deliver_webhooks(self, now: datetime | None = None) -> list[DeliveryRecord]:
        """Send the webhook deliveries due at ``now`` (default: now); what was attempted."""
        return webhooks.deliver_due(
            uow=self.uow, cipher=self.cipher, clock=utc_now, sender=self.webhook_sender, now=now
        )

    @functools.cached_property
    def webhook_runner(self) -> WebhookRunner:
        """The thread that drains the webhook outbox every :data:`WEBHOOK_POLL_S` seconds."""
        return WebhookRunner(self.deliver_webhooks, interval_s=WEBHOOK_POLL_S)

    @functools.cached_property
    def mail_sender(self) -> SmtpSender | None:
        """The SMTP sender, or None when no ``MICROCRED_SMTP_HOST`` is set."""
        return smtp_sender_from_settings(self.settings)

    def send_mail(self) -> list[MailRecord]:
        """Send one batch of due e-mails from the outbox over one connection, after deleting
        the mails older than ``mail_keep_days``."""
        purge_old(uow=self.uow, clock=utc_now, keep=timedelta(days=self.settings.mail_keep_days))
        return send_due(
            uow=self.uow,
            clock=utc_now,
            sender=self.mail_sender,
            from_address=self.settings.smtp_from,
        )

    @functools.cached_property
    def mail_runner(self) -> WebhookRunner:
        """The thread that drains the mail outbox every :data:`MAIL_POLL_S` seconds."""
        return WebhookRunner(
            self.send_mail, interval_s=MAIL_POLL_S, name="microcred-mail", what="mail delivery"
        )

    def refresh_wallets(self) -> list[HoldingRecord]:
        """Verify again one batch of holdings (any learner's) whose last check is older than
        the setting ``wallet_refresh_hours``."""
        return wallet.refresh_due(
            uow=self.uow,
            clock=utc_now,
            verifier=self.verifier(),
            fetcher=self.fetcher,
            max_age=timedelta(hours=self.settings.wallet_refresh_hours),
            batch=self.settings.wallet_refresh_batch,
        )

    @functools.cached_property
    def wallet_refresh_runner(self) -> WebhookRunner:
        """The thread that keeps wallet statuses current without a page view."""
        return WebhookRunner(
            self.refresh_wallets,
            interval_s=WALLET_REFRESH_POLL_S,
            batch=self.settings.wallet_refresh_batch,
            name="microcred-wallet-refresh",
            what="wallet status refresh",
        )

    @functools.cached_property
    def bulk(self) -> BulkContext:
        return BulkContext(
            uow=self.uow,
            clock=utc_now,
            rng=os.urandom,
            issue=functools.partial(issuing.issue_batch, **self.issuing),
            queue=self.queue,
            publisher=self.publisher,
            chunk_size=self.settings.bulk_chunk_size,
            readers={"xlsx": read_xlsx},
        )

    @functools.cached_property
    def bulk_direct(self) -> BulkContext:
        """The bulk context for a command that runs the job itself, in the foreground."""
        return dataclasses.replace(self.bulk, queue=None)

    def web_services(self) -> WebServices:
        return WebServices(
            uow=self.uow,
            base_url=self.base_url,
            clock=utc_now,
            rng=os.urandom,
            cipher=self.cipher,
            publisher=self.publisher,
            verifier=self.verifier,
            fetcher=self.fetcher,
            bulk=self.bulk,
            admin_orgs=self.settings.admin_orgs,
        )

    def api_services(self) -> ApiServices:
        return ApiServices(
            settings=self.settings,
            uow=self.uow,
            clock=utc_now,
            rng=os.urandom,
            cipher=self.cipher,
            jobs=self.queue,
            events=self.publisher,
            verifier=self.verifier,
            bulk=self.bulk,
            webhook_url_refusal=self.webhook_sender.refusal,
        )


def build(settings: Settings, *, migrate: bool = True) -> Container:
    """Open (and, unless ``migrate=False``, upgrade) the database and wire every adapter."""
    url = settings.resolved_database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        upgrade(url)
        if is_postgresql(url):
            setup_schema(url)
    queue: JobQueue = ProcrastinateQueue(url) if is_postgresql(url) else InProcessQueue()
    container = Container(
        settings=settings,
        database_url=url,
        engine=make_engine(url),
        cipher=AesGcmCipher(load_or_create_master_key(settings)),
        queue=queue,
    )
    if isinstance(queue, InProcessQueue):
        for task, handler in bulk_handlers(container.bulk).items():
            queue.register(task, handler)
    elif isinstance(queue, ProcrastinateQueue):
        queue.bind(container.bulk)
    return container


def build_app(
    container: Container, *, resume_jobs: bool = True, deliver_webhooks: bool = True
) -> FastAPI:
    """The HTTP application; bulk jobs cut short by a restart are queued again. Unless
    ``deliver_webhooks=False``, the container's webhook runner delivers from the outbox while
    the app runs (started and stopped by the app's lifespan)."""
    if resume_jobs:
        resumed = resume_bulk_jobs(ctx=container.bulk)
        if resumed:
            _log.info("resumed %d bulk job(s)", len(resumed))
    app = create_app(container.api_services())
    install_web(app, container.web_services())
    if deliver_webhooks:
        _run_during_lifespan(app, container.webhook_runner)
        _run_during_lifespan(app, container.wallet_refresh_runner)
        if container.mail_sender is not None:
            _run_during_lifespan(app, container.mail_runner)
        else:
            _log.warning("no SMTP server configured (MICROCRED_SMTP_HOST): e-mails wait unsent")
    return app


def _run_during_lifespan(app: FastAPI, runner: WebhookRunner) -> None:
    """Start ``runner`` when the app starts, stop it when the app shuts down."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        runner.start()
        try:
            async with inner(application) as state:
                yield state
        finally:
            await asyncio.to_thread(runner.stop)

    app.router.lifespan_context = lifespan
