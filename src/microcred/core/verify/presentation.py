"""Verifiable Presentations: creating them for a holder and verifying them.

VC Data Model 2.0 §4.13 (presentations: ``type`` ``VerifiablePresentation``, optional ``holder``,
``verifiableCredential`` holding credentials or ``EnvelopedVerifiableCredential`` objects) and
VC Data Integrity 1.0 §4.4 with ``proofPurpose`` ``authentication`` plus the ``challenge`` and
``domain`` checks that stop replay (§2.1.2 and §4.4 steps on challenge/domain).

Verifying never raises on hostile input: the presentation's own checks (structure, contexts,
proof, holder binding) and one :class:`VerificationReport` per embedded credential make up a
:class:`PresentationReport`, which is verified only when everything required passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from microcred.core.proofs.data_integrity import add_proof, verify_proofs
from microcred.core.verify import checks
from microcred.core.verify.parse import parse_json_document
from microcred.core.verify.pipeline import Verifier, guarded
from microcred.core.verify.report import CheckResult, Outcome, VerificationReport
from microcred.errors import MICROCRED, SECURITY, VC_ERRORS, InvalidInputError, MicrocredError

if TYPE_CHECKING:
    from datetime import datetime

    from microcred.core.jsonld.loader import DocumentLoader
    from microcred.core.keys.signer import Signer

VP_TYPE = "VerifiablePresentation"
AUTHENTICATION = "authentication"
MAX_CREDENTIALS = 100
"""More embedded credentials than this are refused unverified (each costs a canonicalisation)."""


@dataclass(frozen=True)
class PresentationReport:
    """The presentation's own checks, one report per embedded credential, and the verdict."""

    checks: tuple[CheckResult, ...]
    credentials: tuple[VerificationReport, ...] = ()
    holder: str | None = None

    @property
    def own(self) -> VerificationReport:
        """The presentation's own checks as a report (same verdict rules as a credential's)."""
        return VerificationReport(self.checks)

    @property
    def verified(self) -> bool:
        """The presentation's own checks pass and every embedded credential verifies."""
        return self.own.verified and all(c.verified for c in self.credentials)

    def check(self, name: str) -> CheckResult | None:
        return self.own.check(name)

    def problem_details(self) -> list[dict[str, str]]:
        """RFC 9457 problem details: the presentation's, then each credential's (titled)."""
        details = self.own.problem_details()
        for number, report in enumerate(self.credentials, start=1):
            for problem in report.problem_details():
                details.append({**problem, "title": f"credential {number}: {problem['title']}"})
        return details

    def to_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "holder": self.holder,
            "checks": [c.to_dict() for c in self.checks],
            "credentials": [c.to_dict() for c in self.credentials],
            "problemDetails": self.problem_details(),
        }


def create_presentation(
    credentials: Sequence[Mapping[str, Any]],
    *,
    signer: Signer,
    holder: str | None,
    challenge: str | None,
    domain: str | None,
    loader: DocumentLoader,
    created: str | None,
    cryptosuite: str = "eddsa-rdfc-2022",
    presentation_id: str | None = None,
) -> dict[str, Any]:
    """A presentation of ``credentials`` signed by the holder for authentication (VC-DM 2.0
    §4.13, VC-DI 1.0 §4.2). Raises :class:`InvalidInputError` / proof errors on bad input."""
    if not all(isinstance(c, Mapping) for c in credentials):
        raise InvalidInputError("every credential in a presentation must be a JSON object")
    presentation: dict[str, Any] = {
        "@context": [checks.VC_V2],
        "type": [VP_TYPE],
    }
    if presentation_id is not None:
        presentation["id"] = presentation_id
    if holder is not None:
        presentation["holder"] = holder
    presentation["verifiableCredential"] = [dict(c) for c in credentials]
    return add_proof(
        presentation,
        signer=signer,
        cryptosuite=cryptosuite,
        created=created,
        proof_purpose=AUTHENTICATION,
        challenge=challenge,
        domain=domain,
        loader=loader,
    )


def verify_presentation(
    presentation: Mapping[str, Any] | str | bytes,
    *,
    verifier: Verifier,
    challenge: str | None = None,
    domain: str | None = None,
    require_proof: bool = True,
) -> PresentationReport:
    """Verify a presentation and every credential in it; never raises on bad input.

    ``challenge`` / ``domain``, when given, must be those of the holder's proof. With
    ``require_proof=False`` an unsigned presentation is accepted (VC API ``presentation``);
    its credentials still must verify, and a proof that is present still must verify.
    """
    try:
        vp: Mapping[str, Any] = (
            presentation if isinstance(presentation, Mapping) else parse_json_document(presentation)
        )
    except MicrocredError as exc:
        return PresentationReport(
            (CheckResult("format", Outcome.FAILED, str(exc), VC_ERRORS + "PARSING_ERROR"),)
        )
    own: list[CheckResult] = []
    structure = guarded("structure", lambda: _check_structure(vp))
    own.append(structure)
    own.append(guarded("contexts", lambda: checks.check_contexts(vp, verifier.loader)))
    now = verifier.clock()
    outcome = guarded(
        "proof",
        lambda: _check_proof(
            vp,
            verifier=verifier,
            challenge=challenge,
            domain=domain,
            require_proof=require_proof,
            now=now,
        ),
    )
    controllers: list[str] = []
    if isinstance(outcome, CheckResult):
        own.append(outcome)
    else:
        own.append(outcome[0])
        controllers = outcome[1]
    holder = _holder_id(vp.get("holder"))
    own.append(guarded("holder", lambda: _check_holder(holder, controllers)))
    items = checks.as_list(vp.get("verifiableCredential"))
    if len(items) > MAX_CREDENTIALS:
        own.append(
            CheckResult(
                "credentials",
                Outcome.FAILED,
                f"the presentation holds {len(items)} credentials; the limit is {MAX_CREDENTIALS}",
                VC_ERRORS + "RANGE_ERROR",
            )
        )
        return PresentationReport(tuple(own), (), holder)
    reports = tuple(_verify_item(verifier, item) for item in items)
    return PresentationReport(tuple(own), reports, holder)


def _verify_item(verifier: Verifier, item: Any) -> VerificationReport:
    if isinstance(item, (Mapping, str)):
        return verifier.verify(item)
    return VerificationReport(
        (
            CheckResult(
                "format",
                Outcome.FAILED,
                f"a verifiableCredential entry is a JSON {type(item).__name__}, not a credential",
                VC_ERRORS + "PARSING_ERROR",
            ),
        )
    )


def _check_structure(vp: Mapping[str, Any]) -> CheckResult:
    """VC-DM 2.0 §4.13: contexts, the VerifiablePresentation type, holder and credentials."""
    problems: list[str] = []
    contexts = vp.get("@context")
    if not isinstance(contexts, list) or not contexts:
        problems.append("@context must be a non-empty list")
    elif contexts[0] not in (checks.VC_V2, checks.VC_V1):
        problems.append(f"the first @context must be {checks.VC_V2}")
    types = checks.as_list(vp.get("type"))
    if not all(isinstance(t, str) for t in types) or VP_TYPE not in types:
        problems.append(f"type must include {VP_TYPE}")
    if "holder" in vp and _holder_id(vp["holder"]) is None:
        problems.append("holder must be a URL or an object with an id")
    if "id" in vp and not isinstance(vp["id"], str):
        problems.append("id must be a URL")
    for item in checks.as_list(vp.get("verifiableCredential")):
        if not isinstance(item, Mapping):
            problems.append("every verifiableCredential entry must be an object")
            break
    if problems:
        return CheckResult(
            "structure", Outcome.FAILED, "; ".join(problems), VC_ERRORS + "MALFORMED_VALUE_ERROR"
        )
    count = len(checks.as_list(vp.get("verifiableCredential")))
    return CheckResult(
        "structure", Outcome.PASSED, f"a well-formed presentation of {count} credential(s)"
    )


def _check_proof(
    vp: Mapping[str, Any],
    *,
    verifier: Verifier,
    challenge: str | None,
    domain: str | None,
    require_proof: bool,
    now: datetime,
) -> tuple[CheckResult, list[str]]:
    """The holder's Data Integrity proof, purpose ``authentication`` (VC-DI 1.0 §4.4)."""
    if "proof" not in vp and not require_proof:
        return CheckResult("proof", Outcome.SKIPPED, "an unsigned presentation, as allowed"), []
    proof_checks = verify_proofs(
        vp,
        resolver=verifier.resolver,
        loader=verifier.loader,
        expected_purpose=AUTHENTICATION,
        challenge=challenge,
        domain=domain,
        now=now,
    )
    if not proof_checks:
        reason = "the presentation has no proof (the holder did not sign it)"
        return CheckResult("proof", Outcome.FAILED, reason, MICROCRED + "NO_PROOF"), []
    summary = checks.summarise_proofs(proof_checks, supported=checks.is_supported_proof)
    controllers = [c.controller for c in proof_checks if c.verified and c.controller]
    return summary, controllers


def _holder_id(holder: Any) -> str | None:
    if isinstance(holder, str) and holder:
        return holder
    if isinstance(holder, Mapping) and isinstance(holder.get("id"), str):
        return str(holder["id"])
    return None


def _check_holder(holder: str | None, controllers: list[str]) -> CheckResult:
    """The holder signed: the proof's verification method is controlled by ``holder``."""
    if not controllers:
        return CheckResult("holder", Outcome.SKIPPED, "no verified holder signature to compare")
    if holder is None:
        return CheckResult(
            "holder",
            Outcome.SKIPPED,
            f"the presentation names no holder; it was signed by {controllers[0]}",
        )
    strangers = sorted({c for c in controllers if c != holder})
    if strangers:
        return CheckResult(
            "holder",
            Outcome.FAILED,
            f"signed by a key of {strangers[0]}, not of the holder {holder}",
            SECURITY + "INVALID_VERIFICATION_METHOD",
        )
    return CheckResult("holder", Outcome.PASSED, f"signed with a key controlled by {holder}")
