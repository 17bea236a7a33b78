"""The verification pipeline: ordered checks over one credential, ending in a report.

Implements the VC Data Model 2.0 verification algorithm (§7.1) with the OB 3.0 verification
steps (OB 3.0 §9) for embedded Data Integrity proofs and VC-JWT (VC-JOSE-COSE §3, OB 3.0 §8.2).
Everything it needs from outside (contexts, DID documents, status lists, the clock) is injected,
so it runs offline. It never raises on a bad credential: every problem becomes a failed check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from cryptography import x509

from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import StaticDocumentLoader, default_loader
from microcred.core.proofs.jose import parse_enveloped, verify_vc_jwt
from microcred.core.verify import checks
from microcred.core.verify.parse import parse_credential_input
from microcred.core.verify.report import CheckResult, CredentialSummary, Outcome, VerificationReport
from microcred.errors import MICROCRED, VC_ERRORS, MicrocredError

_log = logging.getLogger(__name__)
T = TypeVar("T")


def _no_status_lists(_url: str) -> Mapping[str, Any] | None:
    return None


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Verifier:
    """Verifies credentials with injected contexts, DID resolution, status lists and clock."""

    loader: StaticDocumentLoader = field(default_factory=default_loader)
    resolver: Resolver = field(default_factory=Resolver)
    status_lists: checks.StatusListSource = _no_status_lists
    clock: Callable[[], datetime] = _utcnow
    check_status: bool = True
    trust: checks.TrustLookup | None = None
    """The trust registry lookup for the informative ``trusted provider`` check (None: the
    check is skipped, "no trust registry configured")."""
    seal_trust_anchors: tuple[x509.Certificate, ...] = ()
    """Operator trust anchors for the X.509 chains of JAdES seals (Europass credentials,
    :mod:`microcred.core.verify.elm`); without any, a seal's chain is reported "not checked"."""

    def verify(self, credential: Mapping[str, Any] | str | bytes) -> VerificationReport:
        """Verify a credential given as a parsed JSON object, JSON text, or a compact JWS."""
        try:
            document: Mapping[str, Any] | str = (
                credential
                if isinstance(credential, Mapping)
                else parse_credential_input(credential)
            )
        except MicrocredError as exc:
            return VerificationReport(
                (CheckResult("format", Outcome.FAILED, str(exc), VC_ERRORS + "PARSING_ERROR"),)
            )
        if isinstance(document, Mapping) and "EnvelopedVerifiableCredential" in checks.as_list(
            document.get("type")
        ):
            try:
                document = parse_enveloped(document)
            except MicrocredError as exc:
                return VerificationReport(
                    (CheckResult("format", Outcome.FAILED, str(exc), VC_ERRORS + "PARSING_ERROR"),)
                )
        if isinstance(document, str):
            return self._verify_jwt(document)
        return self._verify_document(document)

    def _verify_jwt(self, token: str) -> VerificationReport:
        now = self.clock()
        jwt = guarded("proof", lambda: verify_vc_jwt(token, resolver=self.resolver, now=now))
        if isinstance(jwt, CheckResult):
            return VerificationReport((jwt,))
        if jwt.credential is None:
            failed = CheckResult(
                "proof",
                Outcome.FAILED,
                jwt.reason or "the JWT cannot be read",
                jwt.problem_type or VC_ERRORS + "PARSING_ERROR",
            )
            return VerificationReport((failed,), CredentialSummary(securing="VC-JWT"))
        if jwt.verified:
            proof = CheckResult("proof", Outcome.PASSED, "the JWT signature is intact (VC-JWT)")
        else:
            proof = CheckResult(
                "proof",
                Outcome.FAILED,
                f"the JWT does not verify: {jwt.reason}",
                jwt.problem_type or VC_ERRORS + "CRYPTOGRAPHIC_SECURITY_ERROR",
            )
        return self._run(
            jwt.credential,
            proof,
            [jwt.controller],
            securing="VC-JWT",
            self_certified=jwt.verified and jwt.controller is None,
        )

    def _verify_document(self, credential: Mapping[str, Any]) -> VerificationReport:
        outcome = guarded(
            "proof",
            lambda: checks.check_proofs(
                credential, resolver=self.resolver, loader=self.loader, now=self.clock()
            ),
        )
        if isinstance(outcome, CheckResult):
            return self._run(credential, outcome, [], securing="Data Integrity")
        proof, controllers = outcome
        return self._run(credential, proof, controllers, securing="Data Integrity")

    def _run(
        self,
        credential: Mapping[str, Any],
        proof: CheckResult,
        controllers: list[str | None],
        *,
        securing: str,
        self_certified: bool = False,
    ) -> VerificationReport:
        now = self.clock()
        results: list[CheckResult] = []
        for name, run in (
            ("structure", lambda: checks.check_structure(credential)),
            ("contexts", lambda: checks.check_contexts(credential, self.loader)),
        ):
            results.append(guarded(name, run))
        results.append(proof)
        results.append(
            guarded(
                "issuer key",
                lambda: checks.check_issuer_key(
                    credential, controllers, securing=securing, self_certified=self_certified
                ),
            )
        )
        results.append(guarded("validity period", lambda: checks.check_validity(credential, now)))
        if self.check_status:
            status = guarded(
                "status",
                lambda: checks.check_status_entries(
                    credential,
                    status_lists=self.status_lists,
                    verify_list=lambda slc: self._list_problem(slc, credential),
                    now=now,
                ),
            )
            results.extend([status] if isinstance(status, CheckResult) else status)
        else:
            results.append(
                CheckResult(
                    "status", Outcome.SKIPPED, "status checking was turned off by the caller"
                )
            )
        results.append(
            guarded("EU micro-credential elements", lambda: checks.check_eu_elements(credential))
        )
        results.append(
            guarded(
                checks.TRUSTED_PROVIDER,
                lambda: checks.check_trusted_provider(credential, self.trust),
            )
        )
        return VerificationReport(tuple(results), summarise(credential, securing))

    def _list_problem(
        self, list_credential: Mapping[str, Any], credential: Mapping[str, Any]
    ) -> str | None:
        """Why a status list credential cannot be trusted, or None (BSL 1.0 §3.2 step 4)."""
        report = Verifier(
            loader=self.loader, resolver=self.resolver, clock=self.clock, check_status=False
        ).verify(list_credential)
        if not report.verified:
            first = report.failures[0]
            return f"{first.name}: {first.reason}"
        if checks.issuer_id(list_credential) != checks.issuer_id(credential):
            return (
                f"it was issued by {checks.issuer_id(list_credential)}, "
                f"not by the credential's issuer {checks.issuer_id(credential)}"
            )
        return None


def guarded(name: str, run: Callable[[], T]) -> T | CheckResult:
    """Run a check; expected errors become failed checks, and so do our own bugs, flagged."""
    try:
        return run()
    except MicrocredError as exc:
        return CheckResult(name, Outcome.FAILED, str(exc), type(exc).problem_type)
    except (RecursionError, MemoryError):
        return CheckResult(
            name, Outcome.FAILED, "the document is too complex to check", VC_ERRORS + "RANGE_ERROR"
        )
    except Exception as exc:  # a microcred bug: reported as such, never as "invalid credential"
        _log.exception("internal error in the %s check", name)
        return CheckResult(
            name,
            Outcome.FAILED,
            f"internal error in microcred while checking {name} ({type(exc).__name__}); "
            "please report it",
            MICROCRED + "INTERNAL_ERROR",
        )


def summarise(credential: Mapping[str, Any], securing: str) -> CredentialSummary:
    """What the credential says about itself, for display."""
    issuer = credential.get("issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    subject = next(iter(checks.as_list(credential.get("credentialSubject"))), None)
    achievement_name = None
    subject_id = None
    if isinstance(subject, Mapping):
        subject_id = subject.get("id") if isinstance(subject.get("id"), str) else None
        achievement = subject.get("achievement")
        if isinstance(achievement, Mapping) and isinstance(achievement.get("name"), str):
            achievement_name = achievement["name"]
    types = tuple(t for t in checks.as_list(credential.get("type")) if isinstance(t, str))
    return CredentialSummary(
        id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        types=types,
        issuer_id=checks.issuer_id(credential),
        issuer_name=issuer_name if isinstance(issuer_name, str) else None,
        achievement_name=achievement_name,
        subject=subject_id,
        valid_from=_str(credential.get("validFrom") or credential.get("issuanceDate")),
        valid_until=_str(credential.get("validUntil") or credential.get("expirationDate")),
        securing=securing,
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
