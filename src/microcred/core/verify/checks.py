"""One function per verification check; each returns CheckResults and never raises on bad input.

The checks follow the VC Data Model 2.0 verification algorithm (§7.1), the OB 3.0 verification
steps (OB 3.0 §9: conformance, proof, status, validity), Data Integrity 1.0 §4.4 and Bitstring
Status List 1.0 §3.2. Each function takes the parsed credential plus what it needs, injected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from microcred.core.did.resolver import Resolver
from microcred.core.formats.ob3 import eu_elements, validate_ob3_schema
from microcred.core.jsonld.loader import DocumentLoader, StaticDocumentLoader
from microcred.core.proofs.data_integrity import ProofCheck, verify_proofs
from microcred.core.proofs.registry import is_supported
from microcred.core.status.bitstring import check_status, parse_status_entry
from microcred.core.trust.registry import NoRegistry, TrustResult
from microcred.core.verify.report import CheckResult, Outcome
from microcred.errors import MICROCRED, STATUS_LIST, VC_ERRORS, MicrocredError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_DATETIME_Z = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

StatusListSource = Callable[[str], Mapping[str, Any] | None]
"""Gives the status list credential at a URL, or None when it cannot be had."""

TrustLookup = Callable[[str | None, datetime | None], TrustResult]
"""Looks an issuer up in a trust registry on a date (``TrustRegistry.trust_of``)."""


def _passed(name: str, reason: str, **kw: Any) -> CheckResult:
    return CheckResult(name, Outcome.PASSED, reason, **kw)


def _failed(name: str, reason: str, problem_type: str, **kw: Any) -> CheckResult:
    return CheckResult(name, Outcome.FAILED, reason, problem_type=problem_type, **kw)


def _skipped(name: str, reason: str, **kw: Any) -> CheckResult:
    return CheckResult(name, Outcome.SKIPPED, reason, **kw)


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be single or a set, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's identifier: the string itself or the object's ``id`` (VC-DM 2.0 §4.7)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def parse_datetime(value: Any) -> datetime | None:
    """An XSD dateTimeStamp (timezone required), or None if it is not one."""
    if not isinstance(value, str) or not _DATETIME_Z.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def check_structure(credential: Mapping[str, Any]) -> CheckResult:
    """VC-DM 2.0 §4 basic data model, and the OB 3.0 JSON Schema for OB credentials."""
    name = "structure"
    problems: list[str] = []
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not contexts:
        problems.append("@context must be a non-empty list")
    elif contexts[0] not in (VC_V2, VC_V1):
        problems.append(f"the first @context must be {VC_V2}")
    types = as_list(credential.get("type"))
    if not all(isinstance(t, str) for t in types) or "VerifiableCredential" not in types:
        problems.append("type must include VerifiableCredential")
    if issuer_id(credential) is None:
        problems.append("issuer must be a URL or an object with an id")
    subjects = as_list(credential.get("credentialSubject"))
    if not subjects or not all(isinstance(s, Mapping) for s in subjects):
        problems.append("credentialSubject must be an object")
    for key in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
        if key in credential and parse_datetime(credential[key]) is None:
            problems.append(f"{key} must be a date-time with a time zone")
    if problems:
        return _failed(name, "; ".join(problems), VC_ERRORS + "MALFORMED_VALUE_ERROR")
    if OB_TYPES.intersection(types) and contexts and contexts[0] == VC_V2:
        schema_problems = validate_ob3_schema(
            _one_status_per_check(credential), allow_compacted_arrays=True
        )
        statuses = credential.get("credentialStatus")
        if isinstance(statuses, list) and len(statuses) > 1:
            for entry in statuses[1:]:
                schema_problems += validate_ob3_schema(
                    {**credential, "credentialStatus": entry}, allow_compacted_arrays=True
                )
        if schema_problems:
            shown = "; ".join(schema_problems[:5])
            more = f" (and {len(schema_problems) - 5} more)" if len(schema_problems) > 5 else ""
            return _failed(
                name,
                f"not a valid Open Badges 3.0 credential: {shown}{more}",
                VC_ERRORS + "MALFORMED_VALUE_ERROR",
                details={"schemaErrors": schema_problems},
            )
        return _passed(name, "a well-formed Open Badges 3.0 credential (1EdTech JSON Schema)")
    return _passed(name, "a well-formed verifiable credential (VC data model)")


def _one_status_per_check(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential with its first status entry only.

    VC-DM 2.0 §4.10 allows several ``credentialStatus`` entries (microcred's suspendable awards
    carry a revocation and a suspension entry); the OB 3.0 schema allows one, so each entry is
    checked against the schema's ``CredentialStatus`` in turn.
    """
    statuses = credential.get("credentialStatus")
    if isinstance(statuses, list) and statuses:
        return {**credential, "credentialStatus": statuses[0]}
    return credential


def check_contexts(credential: Mapping[str, Any], loader: StaticDocumentLoader) -> CheckResult:
    """Every JSON-LD context is bundled (hash-pinned) or supplied locally; none is fetched."""
    name = "contexts"
    unknown: list[str] = []
    for ctx in as_list(credential.get("@context")):
        if isinstance(ctx, str):
            if ctx not in loader:
                unknown.append(ctx)
        elif not isinstance(ctx, Mapping):
            return _failed(
                name, "a @context entry is neither a URL nor an object", VC_ERRORS + "PARSING_ERROR"
            )
    if unknown:
        return _failed(
            name,
            "unknown JSON-LD context (not bundled, not supplied, never fetched): "
            + ", ".join(unknown),
            VC_ERRORS + "PARSING_ERROR",
        )
    return _passed(name, "every JSON-LD context is known and pinned")


def summarise_proofs(
    checks: Sequence[ProofCheck], *, supported: Callable[[ProofCheck], bool]
) -> CheckResult:
    """Data Integrity proofs: at least one verifies and no supported one fails (DI 1.0 §4.4).

    A proof of a type or cryptosuite microcred does not implement is reported and set aside, as
    OB 3.0 §8.2 allows ("any one valid proof suffices"); it never makes a credential pass alone.
    """
    name = "proof"
    if not checks:
        return _failed(name, "the credential has no proof", MICROCRED + "NO_PROOF")
    details = {
        "proofs": [
            {
                "type": c.proof_type,
                "cryptosuite": c.cryptosuite,
                "verificationMethod": c.verification_method,
                "verified": c.verified,
                **({"reason": c.reason} if c.reason else {}),
            }
            for c in checks
        ]
    }
    known = [c for c in checks if c.verified or supported(c)]
    bad = [c for c in known if not c.verified]
    good = [c for c in known if c.verified]
    if bad:
        first = bad[0]
        label = f"proof {first.proof_index + 1}" if len(checks) > 1 else "the proof"
        suite = first.cryptosuite or first.proof_type or "unknown suite"
        return _failed(
            name,
            f"{label} ({suite}) does not verify: {first.reason}",
            first.problem_type or VC_ERRORS + "CRYPTOGRAPHIC_SECURITY_ERROR",
            details=details,
        )
    if not good:
        reasons = "; ".join(sorted({c.reason or "unsupported" for c in checks}))
        return _failed(
            name,
            f"no proof microcred can check: {reasons}",
            "https://w3id.org/security#PROOF_VERIFICATION_ERROR",
            details=details,
        )
    suites = ", ".join(sorted({c.cryptosuite or c.proof_type or "?" for c in good}))
    skipped = len(checks) - len(known)
    extra = f"; {skipped} proof(s) of an unsupported type set aside" if skipped else ""
    return _passed(name, f"the signature is intact ({suites}){extra}", details=details)


def check_issuer_key(
    credential: Mapping[str, Any],
    controllers: Sequence[str | None],
    *,
    securing: str,
    self_certified: bool = False,
) -> CheckResult:
    """The signing key belongs to the issuer: the verification method's controller is the
    credential's ``issuer`` (OB 3.0 §8.2; VC-DI 1.0 §4.4 "controller" check).

    ``self_certified``: the signature verified only against a key embedded in the token (a JWT
    ``jwk`` header), which proves nothing about who holds it."""
    name = "issuer key"
    issuer = issuer_id(credential)
    if issuer is None:
        return _failed(name, "the credential names no issuer", VC_ERRORS + "MALFORMED_VALUE_ERROR")
    known = [c for c in controllers if c]
    if not known and self_certified:
        return _failed(
            name,
            "the signature was made with a key carried in the token itself, which anyone can "
            "create: nothing ties it to the issuer",
            "https://w3id.org/security#INVALID_VERIFICATION_METHOD",
        )
    if not known:
        return _skipped(name, f"no verified {securing} signature to tie to the issuer")
    if issuer.lower().startswith("urn:"):
        return _skipped(
            name,
            f"the issuer is named {issuer}, which identifies no key; the signing key belongs to "
            f"{known[0]}, and nothing ties the two together",
        )
    strangers = sorted({c for c in known if c != issuer})
    if strangers:
        return _failed(
            name,
            f"signed by a key of {strangers[0]}, not of the issuer {issuer}",
            "https://w3id.org/security#INVALID_VERIFICATION_METHOD",
        )
    return _passed(name, f"signed with a key controlled by the issuer {issuer}")


def check_validity(credential: Mapping[str, Any], now: datetime) -> CheckResult:
    """validFrom <= now <= validUntil (VC-DM 2.0 §4.9; issuanceDate/expirationDate in 1.1)."""
    name = "validity period"
    start_key = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_key = "validUntil" if "validUntil" in credential else "expirationDate"
    start = parse_datetime(credential.get(start_key))
    end = parse_datetime(credential.get(end_key))
    if credential.get(start_key) is not None and start is None:
        return _failed(name, f"{start_key} is not a date-time", VC_ERRORS + "MALFORMED_VALUE_ERROR")
    if credential.get(end_key) is not None and end is None:
        return _failed(name, f"{end_key} is not a date-time", VC_ERRORS + "MALFORMED_VALUE_ERROR")
    if start and end and end < start:
        return _failed(name, f"{end_key} is before {start_key}", VC_ERRORS + "RANGE_ERROR")
    when = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    if start and now < start:
        return _failed(
            name,
            f"not yet valid: valid from {credential[start_key]} (now {when})",
            VC_ERRORS + "RANGE_ERROR",
        )
    if end and now > end:
        return _failed(
            name, f"expired on {credential[end_key]} (now {when})", VC_ERRORS + "RANGE_ERROR"
        )
    if end:
        return _passed(name, f"valid from {credential.get(start_key)} until {credential[end_key]}")
    if start:
        return _passed(name, f"valid from {credential[start_key]}, with no expiry")
    return _passed(name, "no validity period: valid indefinitely")


def check_status_entries(
    credential: Mapping[str, Any],
    *,
    status_lists: StatusListSource,
    verify_list: Callable[[Mapping[str, Any]], str | None],
    now: datetime,
) -> list[CheckResult]:
    """Bitstring Status List 1.0 §3.2 for every ``credentialStatus`` entry; fails closed.

    ``verify_list`` checks a status list credential's proof and issuer and returns None when
    it is sound, or the reason it is not.
    """
    name = "status"
    entries = as_list(credential.get("credentialStatus"))
    if not entries:
        return [_skipped(name, "the credential carries no status entry: it cannot be revoked")]
    results: list[CheckResult] = []
    for raw in entries:
        if not isinstance(raw, Mapping):
            results.append(
                _failed(
                    name,
                    "a credentialStatus entry is not an object",
                    VC_ERRORS + "MALFORMED_VALUE_ERROR",
                )
            )
            continue
        if raw.get("type") == "1EdTechRevocationList":
            results.append(
                _skipped(
                    name,
                    "a 1EdTech revocation list cannot be consulted offline; OB 3.0 §9 treats "
                    "this as a warning",
                    required=False,
                )
            )
            continue
        try:
            entry = parse_status_entry(raw)
        except MicrocredError as exc:
            results.append(_failed(name, str(exc), _problem(exc)))
            continue
        label = f"{entry.status_purpose} status"
        list_credential = status_lists(entry.status_list_credential)
        if list_credential is None:
            results.append(
                _failed(
                    label,
                    f"the status list {entry.status_list_credential} could not be retrieved, so "
                    f"it cannot be ruled out that the credential is {_past(entry.status_purpose)}",
                    STATUS_LIST + "STATUS_RETRIEVAL_ERROR",
                )
            )
            continue
        problem = verify_list(list_credential)
        if problem is not None:
            results.append(
                _failed(
                    label,
                    f"the status list is not trustworthy: {problem}",
                    STATUS_LIST + "STATUS_VERIFICATION_ERROR",
                )
            )
            continue
        try:
            status = check_status(entry, list_credential, now=now)
        except MicrocredError as exc:
            results.append(_failed(label, str(exc), _problem(exc)))
            continue
        where = f"index {entry.status_list_index} of {entry.status_list_credential}"
        if status.valid:
            results.append(_passed(label, f"not {_past(entry.status_purpose)} ({where})"))
        else:
            message = f": {status.message}" if status.message else ""
            results.append(
                _failed(
                    label,
                    f"{_past(entry.status_purpose).upper()}{message} ({where})",
                    MICROCRED + entry.status_purpose.upper(),
                    details={"purpose": status.purpose, "value": status.value},
                )
            )
    return results


def _past(purpose: str) -> str:
    return {"revocation": "revoked", "suspension": "suspended"}.get(purpose, f"flagged ({purpose})")


def _problem(exc: MicrocredError) -> str:
    return str(getattr(exc, "problem_type", type(exc).problem_type))


def check_eu_elements(credential: Mapping[str, Any]) -> CheckResult:
    """Annex I of the Council Recommendation 2022/C 243/02: all mandatory elements present.

    Informative: a genuine credential that is not a complete EU micro-credential still verifies.
    """
    name = "EU micro-credential elements"
    completeness = eu_elements(credential)
    if completeness.missing:
        return _failed(
            name,
            "missing mandatory element(s): " + ", ".join(completeness.missing),
            MICROCRED + "INCOMPLETE_MICROCREDENTIAL",
            required=False,
            details={"present": list(completeness.present), "missing": list(completeness.missing)},
        )
    return _passed(
        name,
        "all mandatory EU standard elements are present",
        required=False,
        details={"present": list(completeness.present)},
    )


TRUSTED_PROVIDER = "trusted provider"


def check_trusted_provider(credential: Mapping[str, Any], trust: TrustLookup | None) -> CheckResult:
    """Issue 5 "Trusted providers": is the issuer in the trust registry, for which quality
    assurance, and was that accreditation valid on the issuing date (``validFrom``, else
    ``issuanceDate``)? Informative: a credential from outside the registry still verifies."""
    if trust is None:
        return _skipped(TRUSTED_PROVIDER, "no trust registry configured", required=False)
    issued = parse_datetime(credential.get("validFrom")) or parse_datetime(
        credential.get("issuanceDate")
    )
    try:
        result = trust(issuer_id(credential), issued)
    except NoRegistry:
        return _skipped(TRUSTED_PROVIDER, "no trust registry configured", required=False)
    except Exception as exc:  # informative: an unavailable registry never fails a credential
        return _skipped(
            TRUSTED_PROVIDER,
            f"the trust registry could not be consulted ({type(exc).__name__})",
            required=False,
        )
    if result.trusted:
        return _passed(
            TRUSTED_PROVIDER, result.describe(), required=False, details=result.to_dict()
        )
    return _failed(
        TRUSTED_PROVIDER,
        result.describe(),
        MICROCRED + "UNTRUSTED_PROVIDER",
        required=False,
        details=result.to_dict(),
    )


def check_proofs(
    credential: Mapping[str, Any],
    *,
    resolver: Resolver,
    loader: DocumentLoader,
    now: datetime | None = None,
) -> tuple[CheckResult, list[str | None]]:
    """Run the Data Integrity proof checks (a proof's ``expires`` is compared with ``now``);
    returns the summary and the verified controllers."""
    checks = verify_proofs(credential, resolver=resolver, loader=loader, now=now)
    return summarise_proofs(checks, supported=is_supported_proof), [
        c.controller for c in checks if c.verified
    ]


def is_supported_proof(check: ProofCheck) -> bool:
    """Whether a registered plug-in claims the proof: by ``cryptosuite`` for a
    DataIntegrityProof, by ``type`` for a legacy proof type (e.g. Ed25519Signature2020)."""
    return is_supported(proof_type=check.proof_type, cryptosuite=check.cryptosuite)
