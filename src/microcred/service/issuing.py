"""Issuing awards: one, or many in one transaction (issue 3, "Issuance").

Recipe per award: the catalogue version's model -> the unsigned OB 3.0 credential (core) with
its ``BitstringStatusListEntry`` (BSL 1.0 §2.1: ``statusListIndex`` a string, the list URL in
``statusListCredential``) -> signed by the organisation's active key -> stored as the exact text
serialised once. ``credentialStatus`` is one object (the 1EdTech schema allows only one) unless
the award is suspendable, then ``[revocation, suspension]`` (VC-DM 2.0 §4.10 allows a list).

A batch validates every row first, reserves status positions once per purpose, signs all and
stores all in ONE transaction: nothing is half-done. Rows whose ``row_key`` was issued before
are skipped and reported, so re-sending a batch issues nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from microcred.core.formats.ob3 import CredentialTemplate, prepare_credential
from microcred.core.jsonld.loader import DocumentLoader, default_loader
from microcred.core.model import (
    Award,
    Evidence,
    IssuerProfile,
    Learner,
    learner_to_dict,
    load_learner,
)
from microcred.core.model.language import is_language_tag
from microcred.core.proofs.data_integrity import create_proof
from microcred.core.securing import SUITES, VC_JWT, secure_credential
from microcred.errors import InvalidInputError, SpecValidationError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.catalogue import micro_credential_of
from microcred.service.errors import Conflict
from microcred.service.events import AWARD_ISSUED, Event, publish_events
from microcred.service.ids import new_id
from microcred.service.ports import (
    Clock,
    EventPublisher,
    KeyCipher,
    RandomBytes,
    UnitOfWork,
    UnitOfWorkFactory,
)
from microcred.service.records import AwardRecord, Principal, StatusPurpose, StatusRef
from microcred.service.signing_keys import IssuerIdentity, SignerFactory, load_issuer_identity
from microcred.service.signing_keys import local_signer as _local_signer
from microcred.service.urls import achievement_url, credential_url, status_list_url

DEFAULT_SUITE = "eddsa-rdfc-2022"
_EVIDENCE_KEYS = ("id", "name", "description", "narrative", "genre")


@dataclass(frozen=True)
class IssueRequest:
    """One award to issue: the learner as a JSON object (``name``, ``given_name``,
    ``family_name``, ``email``, ``did``, ``url``, ``institutional_id``), optional grade,
    evidence objects (``id``, ``name``, ``description``, ``narrative``, ``genre``), validUntil,
    ``row_key``, the caller's idempotency key (e.g. a CSV row id), and ``language``, the
    learner's language (a BCP 47 tag) for what is written to them (the claim e-mail)."""

    learner: Mapping[str, Any]
    grade: str | None = None
    evidence: Sequence[Mapping[str, Any]] = ()
    valid_until: datetime | None = None
    suspendable: bool = False
    row_key: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: the awards issued, in row order, and the row keys skipped because
    they were issued before (or repeated within the batch)."""

    issued: list[AwardRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Prepared:
    request: IssueRequest
    award_id: str
    learner: Learner
    credential: dict[str, Any]


def _evidence(items: Sequence[Mapping[str, Any]], problems: list[str]) -> tuple[Evidence, ...]:
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            problems.append(f"evidence {n}: must be an object")
            continue
        unknown = sorted(set(item) - set(_EVIDENCE_KEYS))
        if unknown:
            problems.append(f"evidence {n}: unknown keys {', '.join(map(str, unknown))}")
        values = {k: item.get(k) for k in _EVIDENCE_KEYS}
        if not all(v is None or isinstance(v, str) for v in values.values()):
            problems.append(f"evidence {n}: values must be text")
            continue
        out.append(Evidence(**values))
    return tuple(out)


def _build(
    request: IssueRequest,
    *,
    template: CredentialTemplate,
    award_id: str,
    issued: datetime,
    base_url: str | None,
    rng: RandomBytes,
) -> tuple[Learner, dict[str, Any]]:
    """The learner and the unsigned credential without its status; SpecValidationError lists
    every problem."""
    problems: list[str] = []
    try:
        learner = load_learner(request.learner)
    except SpecValidationError as exc:
        problems += exc.problems
        learner = None
    evidence = _evidence(request.evidence, problems)
    if request.grade is not None and not isinstance(request.grade, str):
        problems.append("grade: must be text")
    if request.valid_until is not None and request.valid_until.tzinfo is None:
        problems.append("valid until: must have a time zone")
    if request.language is not None and not is_language_tag(request.language):
        problems.append(f"language: {request.language!r} is not a BCP 47 language tag")
    if problems or learner is None:
        raise SpecValidationError(problems)
    credential_id = credential_url(base_url, award_id)
    award = Award(
        learner=learner,
        micro_credential=template.micro_credential,
        issued=issued,
        grade=request.grade,
        evidence=evidence,
        valid_until=request.valid_until,
        credential_id=credential_id,
    )
    return learner, template.build(award, credential_id=credential_id, salt=rng(16).hex())


def xsd_datetime(value: datetime) -> str:
    """An XML Schema dateTime in UTC to the second, as proofs' ``created`` and ``validFrom``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_entry(base_url: str | None, purpose: StatusPurpose, ref: StatusRef) -> dict[str, str]:
    url = status_list_url(base_url, ref.list_id)
    return {
        "id": f"{url}#{ref.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(ref.index),
        "statusListCredential": url,
    }


def issuer_profile(identity: IssuerIdentity) -> IssuerProfile:
    """The OB 3.0 issuer profile of an organisation acting as ``identity``."""
    org = identity.organisation
    return IssuerProfile(
        id=identity.did, name=org.legal_name, country_code=org.country, url=org.url
    )


def credential_text(
    secured: dict[str, Any] | str,
    *,
    unsigned: dict[str, Any] | None = None,
    template: CredentialTemplate | None = None,
) -> str:
    """The exact text stored and served for a secured credential (compact JSON or the JWS).

    Given the ``unsigned`` credential built by ``template`` that was signed into ``secured``
    (``add_proof``: a copy of it plus ``proof``), the same text is encoded from ``unsigned``
    and the proof, with the template's achievement encoded once for the whole batch.
    """
    if isinstance(secured, str):
        return secured
    if template is not None and unsigned is not None and list(secured) == [*unsigned, "proof"]:
        return template.to_json({**unsigned, "proof": secured["proof"]})
    return json.dumps(secured, ensure_ascii=False, separators=(",", ":"))


def _signed_text(
    unsigned: dict[str, Any],
    *,
    template: CredentialTemplate,
    identity: IssuerIdentity,
    suite: str,
    created: str,
    loader: DocumentLoader,
) -> str:
    """The exact stored text of ``unsigned`` secured with ``suite``: for a Data Integrity suite,
    the new proof is created alone and the text encoded once from ``unsigned`` and that proof
    (what :func:`~microcred.core.proofs.data_integrity.add_proof` and :func:`credential_text`
    give, without copying the credential)."""
    if suite == VC_JWT:
        return credential_text(
            secure_credential(
                unsigned, signer=identity.signer, suite=suite, created=created, loader=loader
            )
        )
    proof = create_proof(
        unsigned, signer=identity.signer, cryptosuite=suite, created=created, loader=loader
    )
    return template.to_json({**unsigned, "proof": [proof]})


def reserve_positions(
    tx: UnitOfWork,
    identity: IssuerIdentity,
    purpose: StatusPurpose,
    count: int,
    rng: RandomBytes,
) -> list[StatusRef]:
    """``count`` fresh random positions in the organisation's ``purpose`` lists bound to the
    key of ``identity``, which signs both the credentials and those lists (BSL 1.0 §3.2: a
    list's issuer is its credentials' issuer, also after a rotation)."""
    if not count:
        return []
    refs = tx.status_lists.reserve(
        identity.organisation.id, purpose, count, rng=rng, key_id=identity.key_id
    )
    if len(refs) != count:
        raise Conflict(f"the store reserved {len(refs)} {purpose} positions, not {count}")
    return refs


def _new_rows(
    tx: UnitOfWork, organisation_id: str, rows: Sequence[IssueRequest]
) -> tuple[list[IssueRequest], list[str]]:
    """The rows to issue and the row keys to skip (issued before, or repeated here)."""
    keys = [r.row_key for r in rows if r.row_key is not None]
    seen = tx.awards.existing_row_keys(organisation_id, keys) if keys else set()
    skipped: list[str] = []
    todo: list[IssueRequest] = []
    for row in rows:
        if row.row_key is not None:
            if row.row_key in seen:
                skipped.append(row.row_key)
                continue
            seen.add(row.row_key)
        todo.append(row)
    return todo, skipped


def _prepare(
    rows: Sequence[IssueRequest],
    *,
    template: CredentialTemplate,
    issued: datetime,
    base_url: str | None,
    rng: RandomBytes,
) -> list[_Prepared]:
    """Every row's unsigned credential (the micro-credential and issuer checked and their
    parts built once, in ``template``); SpecValidationError naming every bad row."""
    prepared: list[_Prepared] = []
    problems: list[str] = []
    for number, row in enumerate(rows, 1):
        award_id = new_id(rng)
        try:
            learner, unsigned = _build(
                row,
                template=template,
                award_id=award_id,
                issued=issued,
                base_url=base_url,
                rng=rng,
            )
        except SpecValidationError as exc:
            label = row.row_key if row.row_key is not None else str(number)
            problems += [f"row {label}: {p}" for p in exc.problems]
            continue
        prepared.append(_Prepared(row, award_id, learner, unsigned))
    if problems:
        raise SpecValidationError(problems)
    return prepared


def with_status(
    credential: dict[str, Any],
    base_url: str | None,
    revocation: StatusRef,
    suspension: StatusRef | None,
) -> dict[str, Any]:
    """The credential with its BitstringStatusListEntry (or entries, when suspendable)."""
    entry = _status_entry(base_url, "revocation", revocation)
    if suspension is None:
        return {**credential, "credentialStatus": entry}
    return {
        **credential,
        "credentialStatus": [entry, _status_entry(base_url, "suspension", suspension)],
    }


def _version(award: AwardRecord) -> dict[str, str]:
    return {"version_id": award.version_id} if award.version_id is not None else {}


AWARDS_ISSUED = "awards.issued"
"""The audit action of a batch of awards: one event naming every award it issued."""


def _audit_entry(award: AwardRecord) -> dict[str, str]:
    entry = {"id": award.id, "credential_id": award.credential_id}
    if award.row_key is not None:
        entry["row_key"] = award.row_key
    return entry


def record_issued(
    tx: UnitOfWork,
    awards: Sequence[AwardRecord],
    *,
    principal: Principal,
    key_id: str,
    clock: Clock,
    rng: RandomBytes,
) -> None:
    """Store ``awards`` with their audit in ``tx`` (the caller commits, so awards and their
    audit land together or not at all): one ``award.issued`` event for a single award, one
    ``awards.issued`` event for a batch, whose details list every award (id, credential id,
    row key), its subject being the first award."""
    tx.awards.add_many(awards)
    if not awards:
        return
    first = awards[0]
    common = {**_version(first), "key_id": key_id}
    details: dict[str, Any]
    if len(awards) == 1:
        action, details = AWARD_ISSUED, {"credential_id": first.credential_id, **common}
        if first.row_key is not None:
            details["row_key"] = first.row_key
    else:
        action = AWARDS_ISSUED
        details = {**common, "count": len(awards), "awards": [_audit_entry(a) for a in awards]}
    record_audit(
        tx,
        organisation_id=first.organisation_id,
        actor=principal.actor,
        action=action,
        subject=first.id,
        details=details,
        clock=clock,
        rng=rng,
    )


def publish_issued(publisher: EventPublisher, awards: Sequence[AwardRecord]) -> None:
    """One ``award.issued`` event per award, after the commit (ids only, never secrets)."""
    publish_events(
        publisher,
        [
            Event(
                a.organisation_id,
                AWARD_ISSUED,
                {"award_id": a.id, "credential_id": a.credential_id, **_version(a)},
            )
            for a in awards
        ],
    )


def issue_batch(
    principal: Principal,
    *,
    version_id: str,
    rows: Sequence[IssueRequest],
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    base_url: str | None,
    suite: str = DEFAULT_SUITE,
    loader: DocumentLoader | None = None,
    signer_factory: SignerFactory = _local_signer,
) -> BatchResult:
    """Issuer role: issue one award per row from a PUBLISHED catalogue version, all or nothing.

    Raises SpecValidationError naming every bad row (``row <key or number>: <problem>``) before
    anything is reserved or signed; Conflict for an unpublished version. Status positions are
    reserved once per purpose for the whole batch (reservations commit on their own, so a
    failure leaves only unused positions behind), every credential is signed, then all awards
    are stored and audited in one commit and ``award.issued`` is published for each.
    """
    require_role(principal, "issuer")
    if suite not in SUITES:
        raise InvalidInputError(f"suite: {suite!r} is not one of {', '.join(SUITES)}")
    loader = loader or default_loader()
    organisation_id = principal.organisation_id
    with uow() as tx:
        version = check_owned(
            principal, tx.catalogue.get_version(version_id), "catalogue version", version_id
        )
        if version.published_at is None:
            raise Conflict(f"catalogue version {version_id!r} is not published")
        mc = micro_credential_of(version)
        identity = load_issuer_identity(
            tx, organisation_id, cipher=cipher, base_url=base_url, signer_factory=signer_factory
        )
        todo, skipped = _new_rows(tx, organisation_id, rows)
        now = clock()
        template = prepare_credential(
            mc,
            issuer=issuer_profile(identity),
            achievement_id=achievement_url(base_url, version.id),
        )
        prepared = _prepare(
            todo,
            template=template,
            issued=now,
            base_url=base_url,
            rng=rng,
        )
        if not prepared:
            return BatchResult([], skipped)
        revocations = reserve_positions(tx, identity, "revocation", len(prepared), rng)
        suspendable = sum(1 for p in prepared if p.request.suspendable)
        suspensions = iter(reserve_positions(tx, identity, "suspension", suspendable, rng))
        created = xsd_datetime(now)
        awards: list[AwardRecord] = []
        for item, revocation in zip(prepared, revocations, strict=True):
            suspension = next(suspensions) if item.request.suspendable else None
            unsigned = with_status(item.credential, base_url, revocation, suspension)
            awards.append(
                AwardRecord(
                    id=item.award_id,
                    organisation_id=organisation_id,
                    credential_id=str(item.credential["id"]),
                    version_id=version.id,
                    learner=_learner_record(item),
                    credential=_signed_text(
                        unsigned,
                        template=template,
                        identity=identity,
                        suite=suite,
                        created=created,
                        loader=loader,
                    ),
                    suite=suite,
                    issued_at=now,
                    revocation=revocation,
                    suspension=suspension,
                    valid_until=valid_until_of(item.credential),
                    row_key=item.request.row_key,
                )
            )
        record_issued(tx, awards, principal=principal, key_id=identity.key_id, clock=clock, rng=rng)
        tx.commit()
    publish_issued(publisher, awards)
    return BatchResult(awards, skipped)


def _learner_record(item: _Prepared) -> dict[str, str]:
    """What the award keeps of its learner: the learner object and their language, if given."""
    learner = learner_to_dict(item.learner)
    if item.request.language is not None:
        learner["language"] = item.request.language
    return learner


def valid_until_of(credential: Mapping[str, Any]) -> datetime | None:
    """The credential's ``validUntil`` as a datetime, if it has one."""
    value = credential.get("validUntil")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None


def issue_award(
    principal: Principal,
    *,
    version_id: str,
    learner: Mapping[str, Any],
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    base_url: str | None,
    grade: str | None = None,
    evidence: Sequence[Mapping[str, Any]] = (),
    valid_until: datetime | None = None,
    suspendable: bool = False,
    row_key: str | None = None,
    language: str | None = None,
    suite: str = DEFAULT_SUITE,
    loader: DocumentLoader | None = None,
    signer_factory: SignerFactory = _local_signer,
) -> AwardRecord:
    """Issuer role: one award (see :func:`issue_batch`). A ``row_key`` issued before is a
    Conflict."""
    request = IssueRequest(
        learner, grade, tuple(evidence), valid_until, suspendable, row_key, language
    )
    result = issue_batch(
        principal,
        version_id=version_id,
        rows=[request],
        uow=uow,
        cipher=cipher,
        clock=clock,
        rng=rng,
        publisher=publisher,
        base_url=base_url,
        suite=suite,
        loader=loader,
        signer_factory=signer_factory,
    )
    if not result.issued:
        raise Conflict(f"row key {row_key!r} was issued before")
    return result.issued[0]
