"""Share links (issue 4, "Sharing"): a learner shares one credential of their wallet at a URL
that is public (search engines may index it) or unlisted (``noindex``; the URL is the secret),
with an optional expiry and label, and revokes it whenever they like.

The token is 18 random bytes in URL-safe base64 (144 bits; unguessable, RFC 4648 §5); a link is
found only by its exact token. Anyone with the URL sees the credential while the link is live;
a revoked or expired link, or one whose credential left the wallet, is :class:`NoLongerShared`
(the page answers 410 Gone, RFC 9110 §15.5.11). Another learner's links are NotFound. Each view
counts and stamps ``last_viewed_at``.

The shared page shows the credential's *live* verification result: :class:`LiveVerification`
verifies it now and keeps the report for a short while per link (60 s by default), so a page
refreshed by many visitors costs one verification a minute. A credential this server issued
is checked again at once when its award's state changed (revoked, suspended, unsuspended), so
the issuer's revocation shows on the next view; others show a revocation within a minute.
"""

from __future__ import annotations

import base64
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final

from microcred.core.verify.report import VerificationReport
from microcred.errors import MICROCRED, InvalidInputError
from microcred.service.accounts import Account
from microcred.service.errors import NotFound, PermissionDenied, ServiceError
from microcred.service.ids import new_id
from microcred.service.learner_records import HoldingRecord
from microcred.service.ports import Clock, RandomBytes
from microcred.service.sharing_ports import SharingUnitOfWork, SharingUnitOfWorkFactory
from microcred.service.sharing_records import VISIBILITIES, ShareLinkRecord, Visibility

TOKEN_BYTES: Final = 18
MAX_LABEL_CHARS: Final = 200
LIVE_CHECK_TTL: Final = timedelta(seconds=60)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class NoLongerShared(ServiceError):  # noqa: N818 -- named like the service errors
    """The link existed but is revoked or expired, or its credential left the wallet."""

    problem_type = MICROCRED + "NO_LONGER_SHARED"


@dataclass(frozen=True)
class SharedCredential:
    """What a share link shows: the link (after counting this view) and the held credential;
    ``award_state`` is the state of the award behind a credential claimed from this server."""

    link: ShareLinkRecord
    holding: HoldingRecord
    award_state: str | None = None


def learner_id_of(account: Account) -> str:
    """The learner's id; PermissionDenied for a staff account (only learners hold and share)."""
    if account.kind != "learner":
        raise PermissionDenied("only learners hold, share and present credentials")
    return account.id


def own_holding(tx: SharingUnitOfWork, learner_id: str, holding_id: str) -> HoldingRecord:
    """The learner's holding, else NotFound (another learner's holding is indistinguishable
    from a missing one)."""
    holding = tx.holdings.get(holding_id)
    if holding is None or holding.learner_id != learner_id:
        raise NotFound(f"credential {holding_id!r} is not in your wallet")
    return holding


def _visibility(value: object) -> Visibility:
    for known in VISIBILITIES:
        if value == known:
            return known
    raise InvalidInputError(f"visibility: must be one of {', '.join(VISIBILITIES)}, not {value!r}")


def _label(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError("label: must be text")
    text = " ".join(value.split())
    if len(text) > MAX_LABEL_CHARS:
        raise InvalidInputError(f"label: at most {MAX_LABEL_CHARS} characters")
    return text or None


def _expiry(value: datetime | None, now: datetime) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise InvalidInputError("expires_at: a date and time with a time zone is required")
    if value <= now:
        raise InvalidInputError("expires_at: must be in the future")
    return value


def new_token(rng: RandomBytes) -> str:
    """A share link token: ``TOKEN_BYTES`` random bytes, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(rng(TOKEN_BYTES)).rstrip(b"=").decode("ascii")


def create_share_link(
    account: Account,
    holding_id: str,
    *,
    visibility: str = "unlisted",
    expires_at: datetime | None = None,
    label: str | None = None,
    uow: SharingUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> ShareLinkRecord:
    """A new link to one of the learner's credentials (unlisted unless asked otherwise)."""
    learner_id = learner_id_of(account)
    now = clock()
    link = ShareLinkRecord(
        id=new_id(rng),
        learner_id=learner_id,
        holding_id=holding_id,
        token=new_token(rng),
        visibility=_visibility(visibility),
        created_at=now,
        label=_label(label),
        expires_at=_expiry(expires_at, now),
    )
    with uow() as tx:
        own_holding(tx, learner_id, holding_id)
        tx.share_links.add(link)
        tx.commit()
    return link


def list_share_links(
    account: Account, *, uow: SharingUnitOfWorkFactory, holding_id: str | None = None
) -> list[ShareLinkRecord]:
    """The learner's links, newest first, revoked and expired ones included (optionally only
    those of one credential)."""
    learner_id = learner_id_of(account)
    with uow() as tx:
        links = tx.share_links.list_for(learner_id)
    return [link for link in links if holding_id is None or link.holding_id == holding_id]


def revoke_share_link(
    account: Account, link_id: str, *, uow: SharingUnitOfWorkFactory, clock: Clock
) -> ShareLinkRecord:
    """Stop sharing: the link answers "no longer shared" from now on. Revoking twice changes
    nothing; another learner's link is NotFound."""
    learner_id = learner_id_of(account)
    with uow() as tx:
        link = tx.share_links.get(link_id)
        if link is None or link.learner_id != learner_id:
            raise NotFound(f"share link {link_id!r} not found")
        if link.revoked_at is not None:
            return link
        at = clock()
        tx.share_links.revoke(link_id, at=at)
        tx.commit()
    return replace(link, revoked_at=at)


def open_share_link(
    token: str, *, uow: SharingUnitOfWorkFactory, clock: Clock, count_view: bool = True
) -> SharedCredential:
    """Public: the credential shared at ``token``, counting the view. NotFound for a token
    that never existed; NoLongerShared for a revoked or expired link or a removed credential."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise NotFound("no credential is shared at this address")
    now = clock()
    with uow() as tx:
        link = tx.share_links.by_token(token)
        if link is None:
            raise NotFound("no credential is shared at this address")
        if not link.live_at(now):
            why = "revoked" if link.revoked_at is not None else "expired"
            raise NoLongerShared(f"this credential is no longer shared (the link was {why})")
        holding = tx.holdings.get(link.holding_id)
        if holding is None or holding.learner_id != link.learner_id:
            raise NoLongerShared("this credential is no longer shared (it left the wallet)")
        award = tx.awards.get(holding.award_id) if holding.award_id else None
        if count_view:
            tx.share_links.record_view(link.id, at=now)
            tx.commit()
            link = replace(link, views=link.views + 1, last_viewed_at=now)
    return SharedCredential(
        link=link, holding=holding, award_state=award.state if award is not None else None
    )


@dataclass(frozen=True)
class LiveReport:
    """A verification report and when it was made."""

    report: VerificationReport
    checked_at: datetime


class LiveVerification:
    """Verify shared credentials now, keeping each link's report for ``ttl`` or until the state
    of the award behind it changes (thread-safe, at most ``max_entries`` links remembered, least
    recently used forgotten first)."""

    def __init__(
        self,
        verify: Callable[[str], VerificationReport],
        *,
        clock: Clock,
        ttl: timedelta = LIVE_CHECK_TTL,
        max_entries: int = 1024,
    ) -> None:
        self._verify = verify
        self._clock = clock
        self._ttl = ttl
        self._max = max_entries
        self._lock = threading.Lock()
        self._reports: OrderedDict[str, tuple[str | None, LiveReport]] = OrderedDict()

    def check(self, shared: SharedCredential) -> LiveReport:
        """The link's credential verified at most ``ttl`` ago and since its award's state last
        changed."""
        key = shared.link.id
        now = self._clock()
        with self._lock:
            state, cached = self._reports.get(key, (None, None))
            fresh_enough = cached is not None and now - cached.checked_at < self._ttl
            if cached is not None and fresh_enough and state == shared.award_state:
                self._reports.move_to_end(key)
                return cached
        fresh = LiveReport(self._verify(shared.holding.credential), now)
        with self._lock:
            self._reports[key] = (shared.award_state, fresh)
            self._reports.move_to_end(key)
            while len(self._reports) > self._max:
                self._reports.popitem(last=False)
        return fresh

    def forget(self, link_ids: Sequence[str]) -> None:
        """Drop cached reports (e.g. of revoked links)."""
        with self._lock:
            for link_id in link_ids:
                self._reports.pop(link_id, None)


def holding_with_links(
    account: Account, holding_id: str, *, uow: SharingUnitOfWorkFactory
) -> tuple[HoldingRecord, list[ShareLinkRecord]]:
    """One of the learner's credentials and its share links (newest first); NotFound for a
    credential not in the learner's wallet."""
    learner_id = learner_id_of(account)
    with uow() as tx:
        holding = own_holding(tx, learner_id, holding_id)
        links = [k for k in tx.share_links.list_for(learner_id) if k.holding_id == holding_id]
    return holding, links
