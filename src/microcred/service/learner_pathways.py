"""Stacking and recognition seen from a learner's wallet (issue 5, "Stacking and recognition").

- :func:`learner_pathways`: the published pathways relevant to the learner (a pathway of a
  provider they hold an award from, or one whose rules name an achievement they hold), each
  evaluated over their VERIFIED holdings only, with their latest claim;
- :func:`request_stacked`: when the rules are met, the learner claims the stacked credential:
  an ``auto_issue`` pathway issues it at once into their wallet, otherwise the claim waits in
  the provider's dashboard queue;
- :func:`request_recognition`: the learner asks a provider that declares recognition policies
  to recognise one of their holdings; :func:`learner_recognitions` lists the decisions;
- :func:`collect_awards`: stacked credentials approved later and recognition records (awards
  of this server issued for the learner's requests) are put into the wallet.

A request is the learner's: its ``learner`` is the account's e-mail and name, and it is
matched back to the account by that e-mail address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred.core.stacking.evaluate import Explanation, evaluate
from microcred.core.stacking.rules import load_rules
from microcred.service import recognition
from microcred.service.accounts import Account
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.learner_records import HoldingRecord
from microcred.service.ports import Clock, RandomBytes
from microcred.service.records import CatalogueVersion, Organisation, Principal
from microcred.service.stacking import (
    IssueFunction,
    StackResult,
    VerifyFunction,
    counted_evidence,
    record_claim,
)
from microcred.service.trust_ports import TrustUnitOfWork, TrustUnitOfWorkFactory
from microcred.service.trust_records import PathwayRecord, RecognitionRecord, StackClaimRecord
from microcred.service.wallet import credential_document, holding_from_award

OPEN_CLAIM_STATES = ("pending", "issued")


@dataclass(frozen=True)
class LearnerPathway:
    """A pathway as the learner sees it: its provider, the stacked credential's published
    version, the evaluation over their holdings, and their latest claim (if any)."""

    organisation: Organisation
    version: CatalogueVersion
    result: StackResult
    claim: StackClaimRecord | None

    @property
    def pathway(self) -> PathwayRecord:
        return self.result.pathway

    @property
    def claimable(self) -> bool:
        """Met, and not already claimed (a rejected claim may be made again)."""
        return self.result.evaluation.met and (
            self.claim is None or self.claim.state not in OPEN_CLAIM_STATES
        )


def _learner_only(account: Account) -> None:
    if account.kind != "learner":
        raise PermissionDenied("sign in as a learner")


def learner_identity(account: Account) -> dict[str, str]:
    """Who a learner's request is for (the recipient of what it yields)."""
    return {"email": account.email, "name": account.name}


def _is_theirs(learner: Mapping[str, Any], account: Account) -> bool:
    email = learner.get("email")
    return isinstance(email, str) and email.casefold() == account.email.casefold()


def _held(holding: HoldingRecord) -> Mapping[str, Any] | str:
    return credential_document(holding.credential) or holding.credential


def _holds_part(node: Explanation) -> bool:
    if node.kind == "achievement" and node.met:
        return True
    return any(_holds_part(child) for child in node.children)


def _published_version(tx: TrustUnitOfWork, pathway: PathwayRecord) -> CatalogueVersion | None:
    entry = tx.catalogue.get_entry(pathway.entry_id)
    if entry is None or entry.published_version is None:
        return None
    return tx.catalogue.version_of(entry.id, entry.published_version)


def _latest_claim(
    tx: TrustUnitOfWork, pathway: PathwayRecord, account: Account
) -> StackClaimRecord | None:
    mine = [c for c in tx.pathways.claims_for(pathway.id) if _is_theirs(c.learner, account)]
    return mine[-1] if mine else None


def _evaluate_for(
    tx: TrustUnitOfWork,
    account: Account,
    organisation: Organisation,
    pathways: list[PathwayRecord],
    *,
    base_url: str | None,
    everything: bool,
) -> list[LearnerPathway]:
    holdings = tx.holdings.list_for(account.id)
    held = [(_held(h), h.verified) for h in holdings]
    evidence = counted_evidence(tx, organisation.id, held, base_url=base_url)
    found = []
    for pathway in pathways:
        version = _published_version(tx, pathway)
        if version is None:
            continue
        evaluation = evaluate(load_rules(pathway.rules), evidence)
        if not (everything or _holds_part(evaluation.tree)):
            continue
        result = StackResult(pathway, evaluation, evidence)
        found.append(
            LearnerPathway(organisation, version, result, _latest_claim(tx, pathway, account))
        )
    return found


def learner_pathways(
    *, uow: TrustUnitOfWorkFactory, account: Account, base_url: str | None
) -> list[LearnerPathway]:
    """The published pathways relevant to the learner, evaluated over their verified
    holdings: every pathway of a provider they hold an award from, and any other whose rules
    have an achievement they hold."""
    _learner_only(account)
    found: list[LearnerPathway] = []
    with uow() as tx:
        holdings = tx.holdings.list_for(account.id)
        awards = [tx.awards.get(h.award_id) for h in holdings if h.award_id]
        providers = {a.organisation_id for a in awards if a is not None}
        for organisation in tx.organisations.list():
            pathways = tx.pathways.list_for(organisation.id)
            if pathways:
                found.extend(
                    _evaluate_for(
                        tx,
                        account,
                        organisation,
                        pathways,
                        base_url=base_url,
                        everything=organisation.id in providers,
                    )
                )
    return found


def learner_pathway(
    *, uow: TrustUnitOfWorkFactory, account: Account, pathway_id: str, base_url: str | None
) -> LearnerPathway:
    """One published pathway evaluated for the learner (NotFound if unknown or unpublished)."""
    _learner_only(account)
    with uow() as tx:
        pathway = tx.pathways.get(pathway_id)
        organisation = tx.organisations.get(pathway.organisation_id) if pathway else None
        if pathway is None or organisation is None:
            raise NotFound(f"pathway {pathway_id!r} not found")
        found = _evaluate_for(
            tx, account, organisation, [pathway], base_url=base_url, everything=True
        )
    if not found:
        raise NotFound(f"pathway {pathway_id!r} not found")
    return found[0]


def request_stacked(
    *,
    uow: TrustUnitOfWorkFactory,
    account: Account,
    pathway_id: str,
    issue: IssueFunction,
    clock: Clock,
    rng: RandomBytes,
    base_url: str | None,
) -> LearnerPathway:
    """The learner claims a pathway's stacked credential. Conflict when the rules are not met
    or it was already claimed. An ``auto_issue`` pathway issues it into their wallet now; the
    others record a claim for the provider to approve."""
    current = learner_pathway(uow=uow, account=account, pathway_id=pathway_id, base_url=base_url)
    if not current.result.evaluation.met:
        raise Conflict("the rules of this pathway are not met yet")
    if current.claim is not None and not current.claimable:
        raise Conflict(f"this pathway was already claimed ({current.claim.state})")
    provider = Principal(
        organisation_id=current.organisation.id,
        role="issuer",
        actor=f"learner:{account.id}",
    )
    result = record_claim(
        provider,
        current.result,
        learner=learner_identity(account),
        issue=issue,
        uow=uow,
        clock=clock,
        rng=rng,
    )
    collect_awards(uow=uow, account=account, clock=clock, rng=rng)
    return LearnerPathway(current.organisation, current.version, result, result.claim)


def _awards_for(tx: TrustUnitOfWork, account: Account) -> list[str]:
    """This server's awards issued for the learner's stack claims and recognitions."""
    found: list[str] = []
    for organisation in tx.organisations.list():
        for pathway in tx.pathways.list_for(organisation.id):
            found.extend(
                c.award_id
                for c in tx.pathways.claims_for(pathway.id)
                if c.award_id and _is_theirs(c.learner, account)
            )
        found.extend(
            r.record_award_id
            for r in tx.recognitions.list_for(organisation.id)
            if r.record_award_id and _is_theirs(r.learner, account)
        )
    return found


def collect_awards(
    *, uow: TrustUnitOfWorkFactory, account: Account, clock: Clock, rng: RandomBytes
) -> list[HoldingRecord]:
    """Put into the wallet the stacked credentials and recognition records issued for the
    learner's requests that are not there yet; the holdings added."""
    _learner_only(account)
    added = []
    with uow() as tx:
        learner = tx.learners.get(account.id)
        if learner is None:
            raise NotFound("this account no longer exists")
        for award_id in _awards_for(tx, account):
            award = tx.awards.get(award_id)
            if award is None or tx.holdings.for_award(account.id, award_id) is not None:
                continue
            holding = holding_from_award(award, learner=learner, clock=clock, rng=rng)
            tx.holdings.add(holding)
            added.append(holding)
        tx.commit()
    return added


def recognition_providers(*, uow: TrustUnitOfWorkFactory) -> list[Organisation]:
    """The organisations that declare what they recognise (at least one policy)."""
    with uow() as tx:
        return [o for o in tx.organisations.list() if tx.recognitions.policies_for(o.id)]


def request_recognition(
    *,
    uow: TrustUnitOfWorkFactory,
    account: Account,
    holding_id: str,
    organisation: str,
    verify: VerifyFunction,
    clock: Clock,
    rng: RandomBytes,
) -> RecognitionRecord:
    """The learner asks ``organisation`` (slug or id), which must declare recognition, to
    recognise one of their holdings (it is verified again, see
    :func:`microcred.service.recognition.submit`)."""
    _learner_only(account)
    with uow() as tx:
        holding = tx.holdings.get(holding_id)
        org = tx.organisations.by_slug(organisation) or tx.organisations.get(organisation)
        declares = org is not None and bool(tx.recognitions.policies_for(org.id))
    if holding is None or holding.learner_id != account.id:
        raise NotFound(f"holding {holding_id!r} not found")
    if org is None or not declares:
        raise NotFound(f"no provider {organisation!r} recognising credentials")
    return recognition.submit(
        org.id,
        learner=learner_identity(account),
        credential=holding.credential,
        verify=verify,
        uow=uow,
        clock=clock,
        rng=rng,
    )


def learner_recognitions(
    *, uow: TrustUnitOfWorkFactory, account: Account
) -> list[tuple[Organisation, RecognitionRecord]]:
    """The learner's recognition requests, each with the provider asked, oldest first."""
    _learner_only(account)
    found: list[tuple[Organisation, RecognitionRecord]] = []
    with uow() as tx:
        for organisation in tx.organisations.list():
            found.extend(
                (organisation, r)
                for r in tx.recognitions.list_for(organisation.id)
                if _is_theirs(r.learner, account)
            )
    return sorted(found, key=lambda pair: pair[1].submitted_at)
