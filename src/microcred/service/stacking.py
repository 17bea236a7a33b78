"""Pathways: stacked credentials a provider issues when its rules are met (issue 5).

A pathway is a catalogue entry (the stacked credential) plus rules
(:mod:`microcred.core.stacking.rules`). Evaluating it for a learner verifies each credential
they hold (only verified ones count), reads its evidence, adds what it counts as -- the
provider's own catalogue slug for its own awards, the equivalent of an approved recognition --
and explains the result. When the rules are met a claim is recorded; the stacked credential is
issued at once (``auto_issue``) or when an issuer approves, through the single-issue use case,
with each part named in its OB 3.0 ``evidence``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from microcred.core.stacking.evaluate import Evaluation, evaluate
from microcred.core.stacking.evidence import PART_GENRE, CredentialEvidence, evidence_of
from microcred.core.stacking.rules import load_rules
from microcred.core.verify.inputs import jws_payload
from microcred.core.verify.parse import parse_credential_input
from microcred.core.verify.report import VerificationReport
from microcred.errors import InvalidInputError, SpecValidationError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict, NotFound
from microcred.service.ids import new_id
from microcred.service.ports import Clock, RandomBytes
from microcred.service.recognition import approved_equivalents, published_version_id
from microcred.service.records import AwardRecord, Principal
from microcred.service.trust_ports import TrustUnitOfWork, TrustUnitOfWorkFactory
from microcred.service.trust_records import PathwayRecord, StackClaimRecord
from microcred.service.urls import site_url

VerifyFunction = Callable[[Mapping[str, Any] | str | bytes], VerificationReport]
IssueFunction = Callable[..., AwardRecord]


@dataclass(frozen=True)
class StackResult:
    """A pathway evaluated for a learner: the explanation, the evidence read, and the claim
    recorded when the rules were met (with its award when it was issued)."""

    pathway: PathwayRecord
    evaluation: Evaluation
    evidence: tuple[CredentialEvidence, ...]
    claim: StackClaimRecord | None = None
    award: AwardRecord | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pathway": self.pathway.slug,
            **self.evaluation.to_dict(),
            "evidence": [e.to_dict() for e in self.evidence],
            "claim": None
            if self.claim is None
            else {"id": self.claim.id, "state": self.claim.state, "award_id": self.claim.award_id},
        }


def create_pathway(
    principal: Principal,
    *,
    slug: str,
    entry: str,
    rules: Mapping[str, Any],
    auto_issue: bool = False,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> PathwayRecord:
    """Issuer role: a pathway issuing catalogue entry ``entry`` (slug or id) under ``rules``
    (a rules file's data; SpecValidationError names each problem with its path)."""
    require_role(principal, "issuer")
    load_rules(rules)
    if not isinstance(slug, str) or not slug.strip() or "/" in slug:
        raise SpecValidationError(["slug: give a short name without '/'"])
    with uow() as tx:
        found = tx.catalogue.entry_by_slug(principal.organisation_id, entry) or (
            tx.catalogue.get_entry(entry)
        )
        target = check_owned(principal, found, "catalogue entry", entry)
        if tx.pathways.by_slug(principal.organisation_id, slug) is not None:
            raise Conflict(f"pathway {slug!r} exists already")
        pathway = PathwayRecord(
            id=new_id(rng),
            organisation_id=principal.organisation_id,
            slug=slug,
            entry_id=target.id,
            rules=dict(rules),
            created_at=clock(),
            auto_issue=auto_issue,
        )
        tx.pathways.add(pathway)
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="pathway.created",
            subject=pathway.id,
            details={"slug": slug, "entry_id": target.id},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return pathway


def update_pathway(
    principal: Principal,
    pathway: str,
    *,
    entry: str,
    rules: Mapping[str, Any],
    auto_issue: bool,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> PathwayRecord:
    """Issuer role: new rules, stacked catalogue entry or issuing mode for a pathway (the
    claims already recorded keep the parts they were made of)."""
    require_role(principal, "issuer")
    load_rules(rules)
    with uow() as tx:
        found = _pathway(tx, principal, pathway)
        target = check_owned(
            principal,
            tx.catalogue.entry_by_slug(principal.organisation_id, entry)
            or tx.catalogue.get_entry(entry),
            "catalogue entry",
            entry,
        )
        changed = replace(found, entry_id=target.id, rules=dict(rules), auto_issue=auto_issue)
        tx.pathways.update(changed)
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="pathway.updated",
            subject=found.id,
            details={"entry_id": target.id, "auto_issue": auto_issue},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return changed


def pending_claims(
    principal: Principal, *, uow: TrustUnitOfWorkFactory
) -> list[tuple[PathwayRecord, StackClaimRecord]]:
    """Viewer role: the claims waiting for an issuer's approval, oldest first."""
    require_role(principal, "viewer")
    with uow() as tx:
        found = [
            (pathway, item)
            for pathway in tx.pathways.list_for(principal.organisation_id)
            for item in tx.pathways.claims_for(pathway.id)
            if item.state == "pending"
        ]
    return sorted(found, key=lambda pair: pair[1].created_at)


def _shared_with(
    tx: TrustUnitOfWork, organisation_id: str, learner_id: str, email: str, base_url: str | None
) -> bool:
    """Whether the learner holds a credential of the organisation (claimed or imported) or has
    asked it for something (a stacked credential, a recognition): only then may its staff look
    at their wallet."""
    for holding in tx.holdings.list_for(learner_id):
        achievement = evidence_of(held_document(_stored(holding.credential)), verified=False)
        if _own_slug(tx, organisation_id, achievement.achievement_id, base_url):
            return True
    asked = [r.learner for r in tx.recognitions.list_for(organisation_id)] + [
        c.learner
        for p in tx.pathways.list_for(organisation_id)
        for c in tx.pathways.claims_for(p.id)
    ]
    return any(str(a.get("email", "")).casefold() == email for a in asked)


def evaluate_learner(
    principal: Principal,
    pathway: str,
    *,
    email: str,
    uow: TrustUnitOfWorkFactory,
    base_url: str | None,
) -> StackResult:
    """Viewer role: the pathway evaluated over the verified holdings of the wallet account
    with this e-mail. NotFound unless that learner holds an award of the organisation or has
    asked it for a stacked credential or a recognition (a wallet is not open to everyone)."""
    require_role(principal, "viewer")
    wanted = email.strip().casefold()
    with uow() as tx:
        found = _pathway(tx, principal, pathway)
        learner = tx.learners.by_email(wanted) if wanted else None
        if learner is None or not _shared_with(
            tx, principal.organisation_id, learner.id, wanted, base_url
        ):
            raise NotFound(
                f"no wallet account {email!r} has shared credentials with your organisation"
            )
        held = [(_stored(h.credential), h.verified) for h in tx.holdings.list_for(learner.id)]
        evidence = counted_evidence(tx, principal.organisation_id, held, base_url=base_url)
    return StackResult(found, evaluate(load_rules(found.rules), evidence), evidence)


def _stored(text: str) -> Mapping[str, Any] | str:
    """A stored credential text: the JSON object, else the VC-JWT."""
    return credentials_in([text])[0]


def _pathway(tx: TrustUnitOfWork, principal: Principal, pathway: str) -> PathwayRecord:
    found = tx.pathways.get(pathway) or tx.pathways.by_slug(principal.organisation_id, pathway)
    return check_owned(principal, found, "pathway", pathway)


def get_pathway(
    principal: Principal, pathway: str, *, uow: TrustUnitOfWorkFactory
) -> PathwayRecord:
    """Viewer role: one pathway by id or slug."""
    require_role(principal, "viewer")
    with uow() as tx:
        return _pathway(tx, principal, pathway)


def list_pathways(principal: Principal, *, uow: TrustUnitOfWorkFactory) -> list[PathwayRecord]:
    """Viewer role: the organisation's pathways."""
    require_role(principal, "viewer")
    with uow() as tx:
        return tx.pathways.list_for(principal.organisation_id)


def _own_slug(
    tx: TrustUnitOfWork, organisation_id: str, achievement_id: str | None, base_url: str | None
) -> str | None:
    """The catalogue slug when ``achievement_id`` is one of the organisation's versions."""
    prefix = f"{site_url(base_url)}/achievements/"
    if not achievement_id or not achievement_id.startswith(prefix):
        return None
    version = tx.catalogue.get_version(achievement_id[len(prefix) :])
    if version is None or version.organisation_id != organisation_id:
        return None
    entry = tx.catalogue.get_entry(version.entry_id)
    return entry.slug if entry else None


def held_document(credential: Mapping[str, Any] | str) -> Mapping[str, Any]:
    """The credential a held item carries: the JSON document, or a VC-JWT's payload (its
    ``vc`` claim when there is one). Read after verification; an unreadable token gives {}."""
    if isinstance(credential, Mapping):
        return credential
    payload = jws_payload(credential) or {}
    inner = payload.get("vc")
    return inner if isinstance(inner, Mapping) else payload


def counted_evidence(
    tx: TrustUnitOfWork,
    organisation_id: str,
    held: Sequence[tuple[Mapping[str, Any] | str, bool]],
    *,
    base_url: str | None,
) -> tuple[CredentialEvidence, ...]:
    """Each (credential, verified) pair read as evidence, with what it counts as for the
    organisation (its own catalogue slug; approved recognitions' equivalents)."""
    equivalents = approved_equivalents(tx, organisation_id)
    found = []
    for credential, verified in held:
        item = evidence_of(held_document(credential), verified=verified)
        aliases = set(equivalents.get(item.credential_id, set()))
        if slug := _own_slug(tx, organisation_id, item.achievement_id, base_url):
            aliases.add(slug)
        found.append(item.recognised(*sorted(aliases)))
    return tuple(found)


def holdings_evidence(
    tx: TrustUnitOfWork,
    organisation_id: str,
    credentials: Sequence[Mapping[str, Any] | str | bytes],
    *,
    verify: VerifyFunction,
    base_url: str | None,
) -> tuple[CredentialEvidence, ...]:
    """Each credential (JSON or VC-JWT) verified, then read as evidence
    (:func:`counted_evidence`)."""
    held: list[tuple[Mapping[str, Any] | str, bool]] = []
    for number, credential in enumerate(credentials, 1):
        try:
            document = (
                credential
                if isinstance(credential, Mapping)
                else parse_credential_input(credential)
            )
        except InvalidInputError as exc:
            raise InvalidInputError(f"credential {number}: {exc}") from exc
        held.append((document, verify(document).verified))
    return counted_evidence(tx, organisation_id, held, base_url=base_url)


def evaluate_pathway(
    principal: Principal,
    pathway: str,
    *,
    credentials: Sequence[Mapping[str, Any] | str | bytes],
    verify: VerifyFunction,
    uow: TrustUnitOfWorkFactory,
    base_url: str | None,
) -> StackResult:
    """Viewer role: how far ``credentials`` (a learner's holdings) go towards the pathway."""
    require_role(principal, "viewer")
    with uow() as tx:
        found = _pathway(tx, principal, pathway)
        evidence = holdings_evidence(
            tx, principal.organisation_id, credentials, verify=verify, base_url=base_url
        )
    return StackResult(found, evaluate(load_rules(found.rules), evidence), evidence)


def _part_evidence(
    evidence: Sequence[CredentialEvidence], parts: Sequence[str]
) -> list[dict[str, str]]:
    titles = {e.credential_id: e.title for e in evidence}
    return [{"id": part, "name": titles.get(part) or part, "genre": PART_GENRE} for part in parts]


def claim(
    principal: Principal,
    pathway: str,
    *,
    learner: Mapping[str, Any],
    credentials: Sequence[Mapping[str, Any] | str | bytes],
    verify: VerifyFunction,
    issue: IssueFunction,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    base_url: str | None,
) -> StackResult:
    """Issuer role: evaluate the pathway for ``learner``; when met, record a claim and, for an
    ``auto_issue`` pathway, issue the stacked credential now (``issue``: ``issuing.issue_award``
    bound to its ports). Not met: nothing is recorded."""
    require_role(principal, "issuer")
    result = evaluate_pathway(
        principal, pathway, credentials=credentials, verify=verify, uow=uow, base_url=base_url
    )
    return record_claim(
        principal, result, learner=learner, issue=issue, uow=uow, clock=clock, rng=rng
    )


def record_claim(
    principal: Principal,
    result: StackResult,
    *,
    learner: Mapping[str, Any],
    issue: IssueFunction,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> StackResult:
    """Issuer role: for an evaluation that is met, record a claim for ``learner`` and, for an
    ``auto_issue`` pathway, issue the stacked credential now. Not met: nothing is recorded."""
    require_role(principal, "issuer")
    if not result.evaluation.met:
        return result
    record = StackClaimRecord(
        id=new_id(rng),
        organisation_id=principal.organisation_id,
        pathway_id=result.pathway.id,
        learner=dict(learner),
        parts=result.evaluation.used,
        created_at=clock(),
    )
    with uow() as tx:
        tx.pathways.add_claim(record)
        tx.pathways.update_claim(record)
        tx.commit()
    if not result.pathway.auto_issue:
        return replace(result, claim=record)
    issued, award = _issue(
        principal, record, evidence=result.evidence, issue=issue, uow=uow, clock=clock, rng=rng
    )
    return replace(result, claim=issued, award=award)


def _issue(
    principal: Principal,
    record: StackClaimRecord,
    *,
    evidence: Sequence[CredentialEvidence],
    issue: IssueFunction,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> tuple[StackClaimRecord, AwardRecord]:
    with uow() as tx:
        pathway = check_owned(principal, tx.pathways.get(record.pathway_id), "pathway", "")
        entry = tx.catalogue.get_entry(pathway.entry_id)
        if entry is None:
            raise NotFound(f"catalogue entry {pathway.entry_id!r} not found")
        version_id = published_version_id(tx, principal.organisation_id, entry.slug)
    award = issue(
        principal,
        version_id=version_id,
        learner=record.learner,
        evidence=_part_evidence(evidence, record.parts),
        row_key=f"stack:{record.id}",
    )
    issued = replace(
        record, state="issued", award_id=award.id, decided_by=principal.actor, decided_at=clock()
    )
    with uow() as tx:
        tx.pathways.update_claim(issued)
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="pathway.issued",
            subject=record.id,
            details={"award_id": award.id, "parts": list(record.parts)},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return issued, award


def decide_claim(
    principal: Principal,
    claim_id: str,
    *,
    approve: bool,
    reason: str | None = None,
    issue: IssueFunction,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> StackClaimRecord:
    """Issuer role: approve (issue the stacked credential) or reject a pending claim."""
    require_role(principal, "issuer")
    with uow() as tx:
        found = check_owned(principal, tx.pathways.get_claim(claim_id), "claim", claim_id)
        if found.state != "pending":
            raise Conflict(f"claim {claim_id!r} was already {found.state}")
    if approve:
        titles = [CredentialEvidence(credential_id=p) for p in found.parts]
        return _issue(
            principal, found, evidence=titles, issue=issue, uow=uow, clock=clock, rng=rng
        )[0]
    if not reason or not reason.strip():
        raise InvalidInputError("reason: give the reason for the rejection")
    rejected = replace(
        found,
        state="rejected",
        reason=reason.strip(),
        decided_by=principal.actor,
        decided_at=clock(),
    )
    with uow() as tx:
        tx.pathways.update_claim(rejected)
        tx.commit()
    return rejected


def credentials_in(texts: Sequence[str]) -> list[Mapping[str, Any] | str]:
    """Stored credential texts (JSON or a VC-JWT) as verifier input."""
    return [json.loads(t) if t.lstrip().startswith("{") else t for t in texts]
