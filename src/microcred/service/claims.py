"""Claims (issue 4): each issued award with a learner e-mail gets a claim -- a secret link,
valid 90 days, e-mailed to the learner in their language -- and the learner who opens it and
signs in puts the credential in their wallet.

:class:`ClaimPublisher` is an event publisher (``award.issued``, after the issuance commit):
one transaction per batch of events writes the claims and queues their e-mails in the mail
outbox, so a bulk issuance of 100,000 awards writes rows, never waits on SMTP. The e-mail's
language: the learner's ``language`` given at issuance if any, else the credential's language
(``inLanguage``), else English. Only the SHA-256 of a claim token is stored; an unknown,
expired or used token says nothing about any award.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from microcred.core.i18n import supported
from microcred.service.accounts import Account, hash_token, new_token
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.events import AWARD_ISSUED, Event
from microcred.service.ids import new_id
from microcred.service.learner_records import ClaimRecord, HoldingRecord, MailRecord
from microcred.service.mail import MailRenderer
from microcred.service.ports import Clock, RandomBytes, UnitOfWorkFactory
from microcred.service.records import AwardRecord
from microcred.service.wallet import (
    achievement_of,
    credential_document,
    holding_from_award,
    issuer_name,
    title_in,
    titles_of,
)

CLAIM_VALIDITY: Final = timedelta(days=90)
CLAIM_PATH: Final = "/claim/"
_log = logging.getLogger(__name__)


def mail_language(award: AwardRecord) -> str:
    """The learner's language given at issuance, else the credential's, else English."""
    chosen = supported(str(award.learner.get("language") or ""))
    if chosen:
        return chosen
    document = credential_document(award.credential)
    return supported(str(achievement_of(document).get("inLanguage") or "")) or "en"


class ClaimPublisher:
    """The publisher of claims: on ``award.issued``, a claim and an e-mail per award that has
    a learner e-mail (other events are ignored). Claim links point at ``base_url``."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        rng: RandomBytes,
        renderer: MailRenderer,
        base_url: str,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._rng = rng
        self._renderer = renderer
        self._base_url = base_url.rstrip("/")

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None:
        self.publish_many([Event(organisation_id, event, data)])

    def publish_many(self, events: Sequence[Event]) -> None:
        award_ids = [
            str(e.data["award_id"])
            for e in events
            if e.name == AWARD_ISSUED and "award_id" in e.data
        ]
        if not award_ids:
            return
        now = self._clock()
        with self._uow() as tx:
            claims: list[ClaimRecord] = []
            mails: list[MailRecord] = []
            claimed = tx.claims.awards_with_claims(award_ids)
            for award in tx.awards.get_many(award_ids):
                email = str(award.learner.get("email") or "")
                if not email or award.id in claimed:
                    continue
                token, token_hash = new_token(self._rng)
                language = mail_language(award)
                document = credential_document(award.credential)
                claim = ClaimRecord(
                    id=new_id(self._rng),
                    token_hash=token_hash,
                    award_id=award.id,
                    organisation_id=award.organisation_id,
                    email=email.lower(),
                    language=language,
                    created_at=now,
                    expires_at=now + CLAIM_VALIDITY,
                )
                rendered = self._renderer.render(
                    "claim",
                    language,
                    {
                        "name": str(award.learner.get("name") or ""),
                        "title": title_in(titles_of(document), language),
                        "issuer": issuer_name(document),
                        "url": f"{self._base_url}{CLAIM_PATH}{token}",
                        "expires": claim.expires_at,
                    },
                )
                claims.append(claim)
                mails.append(
                    MailRecord(
                        id=new_id(self._rng),
                        to=claim.email,
                        subject=rendered.subject,
                        text=rendered.text,
                        html=rendered.html,
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
            if claims:
                tx.claims.add_many(claims)
                tx.mail_outbox.add_many(mails)
                tx.commit()
                _log.info("queued %d claim e-mail(s)", len(claims))


@dataclass(frozen=True)
class ClaimView:
    """What a claim page may show: the credential's summary, never the learner's data."""

    claim: ClaimRecord
    award: AwardRecord
    title: str
    issuer: str
    issued_at: datetime
    usable: bool
    reason: str | None = None
    """Why it cannot be used (used already, expired)."""


def open_claim(*, uow: UnitOfWorkFactory, clock: Clock, token: str, language: str) -> ClaimView:
    """The claim of ``token`` (NotFound for an unknown token), with whether it can be used."""
    with uow() as tx:
        claim = tx.claims.by_token_hash(hash_token(str(token)))
        award = tx.awards.get(claim.award_id) if claim else None
    if claim is None or award is None:
        raise NotFound("this claim link is not valid")
    reason = None
    if claim.used_at is not None:
        reason = "used"
    elif claim.expires_at <= clock():
        reason = "expired"
    document = credential_document(award.credential)
    return ClaimView(
        claim=claim,
        award=award,
        title=title_in(titles_of(document), language),
        issuer=issuer_name(document),
        issued_at=award.issued_at,
        usable=reason is None,
        reason=reason,
    )


def accept_claim(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    account: Account,
    token: str,
) -> HoldingRecord:
    """Put the claimed award in the learner's wallet and use the claim up. NotFound for an
    unknown token, Conflict for a used or expired one (the learner who used it gets their
    holding back), PermissionDenied for a staff account."""
    if account.kind != "learner":
        raise PermissionDenied("sign in as a learner to claim a credential")
    with uow() as tx:
        claim = tx.claims.by_token_hash(hash_token(str(token)))
        award = tx.awards.get(claim.award_id) if claim else None
        learner = tx.learners.get(account.id)
        if claim is None or award is None or learner is None:
            raise NotFound("this claim link is not valid")
        if claim.used_at is not None:
            held = tx.holdings.for_award(account.id, award.id)
            if claim.learner_id == account.id and held is not None:
                return held
            raise Conflict("this credential has already been claimed")
        if claim.expires_at <= clock():
            raise Conflict("this claim link has expired; ask the issuer for a new one")
        holding = tx.holdings.for_award(account.id, award.id)
        if holding is None:
            holding = holding_from_award(award, learner=learner, clock=clock, rng=rng)
            tx.holdings.add(holding)
        if not tx.claims.mark_used(claim.id, learner_id=account.id, at=clock()):
            raise Conflict("this credential has already been claimed")
        tx.commit()
    return holding
