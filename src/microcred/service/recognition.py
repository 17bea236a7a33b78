"""Recognition of other providers' credentials (issue 5, "Stacking and recognition").

A provider declares which external issuers it recognises (by DID, or any issuer in the trust
registry with an accreditation valid on the issuing date), optionally only some of their
achievements, each as equivalent to one of its own catalogue entries. A learner submits an
external credential: it is verified first (an unverified one is refused, nothing is stored);
an assessor (issuer role) approves or rejects it with a reason.

The recognition record: approving issues an award of the equivalent catalogue entry to the
learner (an OB 3.0 ``AchievementCredential``, signed by the provider) whose ``evidence`` names
the external credential (genre "Recognition of prior learning"). It is an ordinary credential
the learner can share and anyone can verify; an approved recognition also counts in stacking.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from microcred.core.stacking.evidence import evidence_of
from microcred.core.verify.checks import TRUSTED_PROVIDER
from microcred.core.verify.parse import parse_credential_input
from microcred.core.verify.report import VerificationReport
from microcred.errors import InvalidInputError, SpecValidationError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict, NotFound
from microcred.service.ids import new_id
from microcred.service.ports import Clock, RandomBytes
from microcred.service.records import Principal
from microcred.service.trust_ports import TrustUnitOfWork, TrustUnitOfWorkFactory
from microcred.service.trust_records import RecognitionPolicyRecord, RecognitionRecord

VerifyFunction = Callable[[Mapping[str, Any] | str | bytes], VerificationReport]
RPL_GENRE = "Recognition of prior learning"


def published_version_id(tx: TrustUnitOfWork, organisation_id: str, slug: str) -> str:
    """The published version of the organisation's catalogue entry ``slug`` (or entry id)."""
    entry = tx.catalogue.entry_by_slug(organisation_id, slug) or tx.catalogue.get_entry(slug)
    if entry is None or entry.organisation_id != organisation_id:
        raise NotFound(f"catalogue entry {slug!r} not found")
    if entry.published_version is None:
        raise Conflict(f"catalogue entry {slug!r} has no published version")
    version = tx.catalogue.version_of(entry.id, entry.published_version)
    if version is None:
        raise NotFound(f"catalogue entry {slug!r} has no published version")
    return version.id


def add_policy(
    principal: Principal,
    *,
    equivalent: str,
    issuer: str | None = None,
    registry: bool = False,
    external_achievement: str | None = None,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> RecognitionPolicyRecord:
    """Issuer role: recognise ``issuer`` (a DID) or, with ``registry``, any trusted provider,
    as equivalent to the organisation's catalogue entry ``equivalent`` (a slug)."""
    require_role(principal, "issuer")
    problems = []
    if issuer is None and not registry:
        problems.append("issuer: give an issuer DID, or registry=true for any trusted provider")
    if issuer is not None and not (isinstance(issuer, str) and issuer.startswith("did:")):
        problems.append(f"issuer: {issuer!r} is not a DID")
    if problems:
        raise SpecValidationError(problems)
    with uow() as tx:
        entry = tx.catalogue.entry_by_slug(principal.organisation_id, equivalent)
        if entry is None:
            raise NotFound(f"catalogue entry {equivalent!r} not found")
        policy = RecognitionPolicyRecord(
            id=new_id(rng),
            organisation_id=principal.organisation_id,
            equivalent=entry.slug,
            created_at=clock(),
            issuer=issuer,
            registry=registry,
            external_achievement=external_achievement,
        )
        tx.recognitions.add_policy(policy)
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="recognition.policy_added",
            subject=policy.id,
            details={"equivalent": entry.slug, "issuer": issuer, "registry": registry},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return policy


def _trusted(report: VerificationReport) -> bool:
    check = report.check(TRUSTED_PROVIDER)
    return check is not None and check.passed


def matching_policy(
    policies: list[RecognitionPolicyRecord],
    *,
    issuer: str | None,
    achievement_id: str | None,
    trusted: bool,
) -> RecognitionPolicyRecord | None:
    """The first policy that recognises this issuer (by DID, else by registry membership)."""
    for policy in policies:
        if policy.external_achievement and policy.external_achievement != achievement_id:
            continue
        if policy.issuer is not None and policy.issuer == issuer:
            return policy
        if policy.issuer is None and policy.registry and trusted:
            return policy
    return None


def submit(
    organisation: str,
    *,
    learner: Mapping[str, Any],
    credential: Mapping[str, Any] | str | bytes,
    verify: VerifyFunction,
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> RecognitionRecord:
    """A learner asks ``organisation`` (slug or id) to recognise an external credential.

    The credential must verify (InvalidInputError naming the failed checks otherwise). The
    request names the equivalent entry when a policy of the organisation matches.
    """
    if isinstance(credential, Mapping):
        document: Mapping[str, Any] | str = credential
    else:
        document = parse_credential_input(credential)
    if not isinstance(document, Mapping):
        raise InvalidInputError("credential: submit the JSON credential (not a VC-JWT)")
    report = verify(document)
    if not report.verified:
        reasons = "; ".join(f"{c.name}: {c.reason}" for c in report.failures)
        raise InvalidInputError(f"credential: it does not verify ({reasons})")
    held = evidence_of(document, verified=True)
    with uow() as tx:
        org = tx.organisations.by_slug(organisation) or tx.organisations.get(organisation)
        if org is None:
            raise NotFound(f"organisation {organisation!r} not found")
        policy = matching_policy(
            tx.recognitions.policies_for(org.id),
            issuer=held.issuer,
            achievement_id=held.achievement_id,
            trusted=_trusted(report),
        )
        recognition = RecognitionRecord(
            id=new_id(rng),
            organisation_id=org.id,
            learner=dict(learner),
            credential=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
            credential_id=held.credential_id,
            issuer=held.issuer,
            achievement_id=held.achievement_id,
            verified=True,
            submitted_at=clock(),
            policy_id=policy.id if policy else None,
            equivalent=policy.equivalent if policy else None,
            report=report.to_dict(),
        )
        tx.recognitions.add(recognition)
        tx.commit()
    return recognition


def list_requests(principal: Principal, *, uow: TrustUnitOfWorkFactory) -> list[RecognitionRecord]:
    """Viewer role: the organisation's recognition requests."""
    require_role(principal, "viewer")
    with uow() as tx:
        return tx.recognitions.list_for(principal.organisation_id)


def decide(
    principal: Principal,
    recognition_id: str,
    *,
    approve: bool,
    reason: str,
    equivalent: str | None = None,
    uow: TrustUnitOfWorkFactory,
    issue: Callable[..., Any],
    clock: Clock,
    rng: RandomBytes,
) -> RecognitionRecord:
    """Issuer role (the assessor): approve or reject a pending request, with a reason.

    Approving needs an equivalent entry (the policy's, or ``equivalent``) and issues the
    recognition record through ``issue`` (``issuing.issue_award`` bound to its ports).
    """
    require_role(principal, "issuer")
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInputError("reason: give the reason for the decision")
    with uow() as tx:
        found = check_owned(
            principal, tx.recognitions.get(recognition_id), "recognition", recognition_id
        )
        if found.state != "pending":
            raise Conflict(f"recognition {recognition_id!r} was already {found.state}")
        target = equivalent or found.equivalent
        version_id = (
            published_version_id(tx, principal.organisation_id, target)
            if (approve and target)
            else None
        )
    if approve and version_id is None:
        raise InvalidInputError("equivalent: name the catalogue entry this credential counts as")
    award_id = None
    if approve and version_id is not None:
        external = evidence_of(json.loads(found.credential), verified=True)
        award = issue(
            principal,
            version_id=version_id,
            learner=found.learner,
            evidence=[
                {
                    "id": found.credential_id,
                    "name": f"{RPL_GENRE}: {external.title or found.credential_id}",
                    "genre": RPL_GENRE,
                    "narrative": reason.strip(),
                }
            ],
        )
        award_id = award.id
    decided = replace(
        found,
        state="approved" if approve else "rejected",
        equivalent=target if approve else found.equivalent,
        reason=reason.strip(),
        decided_by=principal.actor,
        decided_at=clock(),
        record_award_id=award_id,
    )
    with uow() as tx:
        tx.recognitions.update(decided)
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action=f"recognition.{decided.state}",
            subject=decided.id,
            details={"credential_id": found.credential_id, "equivalent": decided.equivalent},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return decided


def approved_equivalents(tx: TrustUnitOfWork, organisation_id: str) -> dict[str, set[str]]:
    """Credential id -> the organisation's entry slugs it was recognised as (approved only)."""
    found: dict[str, set[str]] = {}
    for item in tx.recognitions.list_for(organisation_id):
        if item.state == "approved" and item.equivalent:
            found.setdefault(item.credential_id, set()).add(item.equivalent)
    return found
