"""Verifying Europass credentials sealed with JAdES (STANDARDS.md §2.5; ETSI TS 119 182-1).

One report per presented ELM document, with plain-worded checks:

* ``seal signature`` (required): the JAdES signature against the sealing certificate's key; an
  unsealed ELM credential has nothing that proves its origin, so it is not verified;
* ``certificate validity at signing time`` (required): the certificate's validity period
  contains the seal's ``sigT``;
* ``certificate chain`` (required when decided): ``trusted`` when the chain ends in a trust
  anchor the operator configured, otherwise skipped as "not checked";
* ``ELM structure`` (required): the properties every EDC credential must have (SHACL
  ``EDC-generic-no-cv``; the SHACL engine itself is a test-only tool, this is a light check);
* ``EU micro-credential elements`` (informative): the Annex I elements present and missing,
  named as in :mod:`microcred.core.formats.completeness`, with the values read (``details``);
* ``trusted provider`` (informative, issue 5): whether the issuer is in the trust registry, for
  which quality assurance, and whether that accreditation was valid on the issuing date
  (:func:`microcred.core.verify.checks.check_trusted_provider`).

:class:`ElmUnwrapper` (registered with :func:`microcred.core.verify.inputs.register_unwrapper`
when this module is imported) tells an ELM document, sealed or not, from other JSON: the
:class:`~microcred.core.verify.inputs.Presented` it returns carries the document in
``extra["elm"]`` for :func:`verify_elm`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cryptography import x509

from microcred.core.formats.elm_reader import is_elm, read_elm, unwrap_elm
from microcred.core.proofs.jades import verify_seal
from microcred.core.verify.checks import TrustLookup, check_trusted_provider
from microcred.core.verify.inputs import Presented, register_unwrapper
from microcred.core.verify.parse import MAX_DOCUMENT_BYTES, parse_json_document
from microcred.core.verify.report import (
    CheckResult,
    CredentialSummary,
    Outcome,
    VerificationReport,
)
from microcred.errors import MICROCRED, SECURITY, VC_ERRORS, InvalidInputError

__all__ = ["EDC_REQUIRED", "ELM_EXTRA", "ElmUnwrapper", "verify_elm", "verify_elm_bytes"]

ELM_EXTRA = "elm"
"""Key in :attr:`Presented.extra` holding the presented ELM document (or its JAdES envelope)."""

EDC_REQUIRED = (
    "credentialSchema",
    "credentialSubject",
    "issued",
    "issuer",
    "validFrom",
    "credentialProfiles",
    "displayParameter",
)
"""Top-level properties ``EuropeanDigitalCredential`` requires (STANDARDS.md §2.3)."""

SEAL = "seal signature"
CERTIFICATE = "certificate validity at signing time"
CHAIN = "certificate chain"
STRUCTURE = "ELM structure"
EU_ELEMENTS = "EU micro-credential elements"
_INVALID_SEAL = SECURITY + "PROOF_VERIFICATION_ERROR"
_CERTIFICATE_PROBLEM = SECURITY + "INVALID_VERIFICATION_METHOD"


def _check(name: str, outcome: Outcome, reason: str, **kw: Any) -> CheckResult:
    return CheckResult(name, outcome, reason, **kw)


def _structure(credential: Mapping[str, Any] | None) -> CheckResult:
    if credential is None:
        return _check(
            STRUCTURE,
            Outcome.FAILED,
            "the seal's payload is not a JSON object",
            problem_type=VC_ERRORS + "PARSING_ERROR",
        )
    types = credential.get("type")
    type_list = types if isinstance(types, list) else [types]
    missing = [p for p in EDC_REQUIRED if p not in credential]
    if "EuropeanDigitalCredential" not in type_list:
        missing.insert(0, "type EuropeanDigitalCredential")
    if missing:
        return _check(
            STRUCTURE,
            Outcome.FAILED,
            "not a complete European Digital Credential: missing " + ", ".join(missing),
            problem_type=VC_ERRORS + "MALFORMED_VALUE_ERROR",
            details={"missing": missing},
        )
    return _check(STRUCTURE, Outcome.PASSED, "every property EDC requires is present")


def _seal_checks(
    document: Mapping[str, Any], anchors: Sequence[x509.Certificate]
) -> tuple[list[CheckResult], str | None]:
    if not ("signatures" in document or "signature" in document):
        return [
            _check(
                SEAL,
                Outcome.FAILED,
                "the credential carries no seal, so its origin is not proven",
                problem_type=_INVALID_SEAL,
            )
        ], None
    result = verify_seal(document, trust_anchors=anchors)
    details: dict[str, Any] = {}
    if result.subject:
        details["certificate"] = result.subject
    if result.organization_identifier:
        details["organizationIdentifier"] = result.organization_identifier
    if result.unchecked:
        details["notChecked"] = list(result.unchecked)
    if not result.signature_valid:
        return [
            _check(
                SEAL,
                Outcome.FAILED,
                result.signature_reason,
                problem_type=_INVALID_SEAL,
                details=details,
            )
        ], None
    reason = result.signature_reason
    if result.unchecked:
        reason += "; its timestamps (" + ", ".join(result.unchecked) + ") were not checked"
    checks = [_check(SEAL, Outcome.PASSED, reason, details=details)]
    if result.certificate_valid is None:
        checks.append(_check(CERTIFICATE, Outcome.SKIPPED, result.certificate_reason))
    else:
        checks.append(
            _check(
                CERTIFICATE,
                Outcome.PASSED if result.certificate_valid else Outcome.FAILED,
                result.certificate_reason,
                problem_type=None if result.certificate_valid else _CERTIFICATE_PROBLEM,
            )
        )
    outcome = {"trusted": Outcome.PASSED, "not checked": Outcome.SKIPPED}.get(
        result.chain, Outcome.FAILED
    )
    checks.append(
        _check(
            CHAIN,
            outcome,
            result.chain_reason,
            problem_type=_CERTIFICATE_PROBLEM if outcome is Outcome.FAILED else None,
            details={"trust": result.chain},
        )
    )
    sealed = f"JAdES seal ({result.subject})" if result.subject else "JAdES seal"
    return checks, sealed


def _eu_check(credential: Mapping[str, Any] | None) -> CheckResult:
    completeness = read_elm(credential).completeness
    if completeness.missing:
        return _check(
            EU_ELEMENTS,
            Outcome.FAILED,
            "missing mandatory element(s): " + ", ".join(completeness.missing),
            problem_type=MICROCRED + "INCOMPLETE_MICROCREDENTIAL",
            required=False,
            details={
                "present": list(completeness.present),
                "missing": list(completeness.missing),
                "values": dict(completeness.values),
            },
        )
    return _check(
        EU_ELEMENTS,
        Outcome.PASSED,
        "all mandatory EU standard elements are present",
        required=False,
        details={"present": list(completeness.present), "values": dict(completeness.values)},
    )


def _issuer_dated(credential: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """What the trusted-provider check reads: the issuer and the issuing date (ELM's
    ``issued``, else ``validFrom`` / ``issuanceDate``)."""
    credential = credential or {}
    issued = credential.get("issued") or credential.get("validFrom")
    return {
        "issuer": credential.get("issuer"),
        "validFrom": issued,
        "issuanceDate": credential.get("issuanceDate"),
    }


def verify_elm(
    document: Mapping[str, Any],
    *,
    trust_anchors: Sequence[x509.Certificate] = (),
    trust: TrustLookup | None = None,
) -> VerificationReport:
    """The report for an ELM credential: a JAdES envelope, an uploadable wrapper or bare;
    ``trust`` is the trust registry lookup (None: "no trust registry configured")."""
    credential = unwrap_elm(document)
    checks, securing = _seal_checks(document, trust_anchors)
    checks.append(_structure(credential))
    checks.append(_eu_check(credential))
    checks.append(check_trusted_provider(_issuer_dated(credential), trust))
    summary = read_elm(credential)
    title = summary.title or {}
    issuer_name = summary.issuer_name or {}
    types = credential.get("type") if credential else None
    subject = (credential or {}).get("credentialSubject")
    return VerificationReport(
        checks=tuple(checks),
        summary=CredentialSummary(
            id=summary.id,
            types=tuple(
                t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)
            ),
            issuer_id=summary.issuer_id,
            issuer_name=next(iter(issuer_name.values()), None),
            achievement_name=next(iter(title.values()), None),
            subject=subject.get("id") if isinstance(subject, Mapping) else None,
            valid_from=summary.valid_from,
            valid_until=summary.valid_until,
            securing=securing,
        ),
    )


def verify_elm_bytes(
    data: bytes,
    *,
    trust_anchors: Sequence[x509.Certificate] = (),
    trust: TrustLookup | None = None,
) -> VerificationReport:
    """:func:`verify_elm` of JSON bytes; :class:`InvalidInputError` when they are not ELM."""
    document = parse_json_document(data)
    if not is_elm(document):
        raise InvalidInputError("not a Europass (ELM v3) credential")
    return verify_elm(document, trust_anchors=trust_anchors, trust=trust)


class ElmUnwrapper:
    """Reads a Europass (ELM v3) credential presented for verification: bare JSON-LD, the
    JAdES envelope EDC seals it in, or the EDC "uploadable" wrapper."""

    name = ELM_EXTRA

    def sniff(self, data: bytes) -> bool:
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if head != b"{" or len(data) > MAX_DOCUMENT_BYTES:
            return False
        if b"EuropeanDigitalCredential" not in data and b"snb/model/context/edc-ap" not in data:
            return False
        try:
            return is_elm(parse_json_document(data))
        except InvalidInputError:
            return False

    def unwrap(self, data: bytes) -> Presented:
        document = parse_json_document(data)
        sealed = "signatures" in document or "signature" in document
        source = "JAdES-sealed Europass credential" if sealed else "Europass credential"
        return Presented(
            "credential",
            document,
            data.decode("utf-8"),
            source,
            extra={ELM_EXTRA: document},
        )


register_unwrapper(ElmUnwrapper())
