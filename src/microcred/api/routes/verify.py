"""W3C VC API verification routes (VCALM ``/credentials/verify``, ``/presentations/verify``).

Public. Behaves as the W3C test harnesses expect (STANDARDS §8.2): HTTP 200 when verified, 400
(unreadable) or 422 (readable, not verified) with RFC 9457 problem details otherwise, the
verification result's ``verified`` and ``problemDetails`` in both; unknown options (e.g. the
legacy ``checks``) are ignored; enveloped credentials are accepted.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from microcred.api.dependencies import Services
from microcred.api.problems import PROBLEM_RESPONSES, problem
from microcred.core.verify.presentation import PresentationReport, verify_presentation
from microcred.core.verify.report import VerificationReport
from microcred.errors import MICROCRED

router = APIRouter(tags=["VC API"])

NOT_VERIFIED = MICROCRED + "NOT_VERIFIED"
_UNREADABLE = frozenset({"format"})


class VerifyOptions(BaseModel):
    """Verification options; unknown options are accepted and ignored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    return_credential: bool = Field(
        False, alias="returnCredential", description="Echo the credential in the result."
    )
    return_presentation: bool = Field(
        False, alias="returnPresentation", description="Echo the presentation in the result."
    )
    challenge: str | None = Field(None, description="The challenge the holder's proof must carry.")
    domain: str | None = Field(None, description="The domain the holder's proof must carry.")


class VerifyCredentialRequest(BaseModel):
    """``{"verifiableCredential": {...}, "options": {...}}``; a VC-JWT may be given as a string
    or as an ``EnvelopedVerifiableCredential``."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        json_schema_extra={
            "example": {
                "verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"]},
                "options": {},
            }
        },
    )

    verifiable_credential: dict[str, Any] | str = Field(alias="verifiableCredential")
    options: VerifyOptions = VerifyOptions.model_validate({})


class VerifyPresentationRequest(BaseModel):
    """A signed ``verifiablePresentation`` or an unsigned ``presentation`` (VCALM)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    verifiable_presentation: dict[str, Any] | str | None = Field(
        None, alias="verifiablePresentation"
    )
    presentation: dict[str, Any] | None = None
    options: VerifyOptions = VerifyOptions.model_validate({})


class VerificationResult(BaseModel):
    """The verification result: ``verified``, RFC 9457 ``problemDetails``, microcred's named
    ``checks`` and a ``summary`` of what the credential says."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    verified: bool
    problem_details: list[dict[str, Any]] = Field(alias="problemDetails")
    checks: list[dict[str, Any]]
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def _credential_result(report: VerificationReport) -> dict[str, Any]:
    return {
        "verified": report.verified,
        "problemDetails": report.problem_details(),
        "checks": [c.to_dict() for c in report.checks],
        "summary": report.summary.to_dict(),
        "errors": [f"{c.name}: {c.reason}" for c in report.failures],
        "warnings": [
            f"{c.name}: {c.reason}" for c in report.checks if not c.required and not c.passed
        ],
    }


def _answer(result: dict[str, Any], failures: list[str], detail: str) -> JSONResponse:
    if result["verified"]:
        return JSONResponse(result)
    first = result["problemDetails"][0] if result["problemDetails"] else {}
    status = 400 if failures and set(failures) <= _UNREADABLE else 422
    return problem(
        status,
        "Not verified",
        first.get("detail", detail) if isinstance(first, dict) else detail,
        type_=first.get("type", NOT_VERIFIED) if isinstance(first, dict) else NOT_VERIFIED,
        **result,
    )


_VERIFY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": VerificationResult, "description": "Verified."},
    400: PROBLEM_RESPONSES[400],
    422: {
        **PROBLEM_RESPONSES[422],
        "description": "Not verified: problem details plus the verification result members.",
    },
}


@router.post(
    "/credentials/verify",
    summary="Verify a credential",
    response_model=None,
    responses=_VERIFY_RESPONSES,
)
def verify_credential(body: VerifyCredentialRequest, container: Services) -> JSONResponse:
    """Verify a credential's proof (Data Integrity or VC-JWT), issuer key, validity period,
    status (revocation/suspension) and, informatively, its EU micro-credential elements."""
    report = container.verifier().verify(body.verifiable_credential)
    result = _credential_result(report)
    if body.options.return_credential:
        result["credential"] = body.verifiable_credential
    return _answer(result, [c.name for c in report.failures], "the credential did not verify")


def _presentation_result(report: PresentationReport) -> dict[str, Any]:
    return {
        "verified": report.verified,
        "problemDetails": report.problem_details(),
        "checks": [c.to_dict() for c in report.checks],
        "holder": report.holder,
        "credentialResults": [_credential_result(c) for c in report.credentials],
        "errors": [
            f"{p['title']}: {p['detail']}" for p in report.problem_details() if "detail" in p
        ],
        "warnings": [],
    }


@router.post(
    "/presentations/verify",
    summary="Verify a presentation",
    response_model=None,
    responses=_VERIFY_RESPONSES,
)
def verify_presentation_route(body: VerifyPresentationRequest, container: Services) -> JSONResponse:
    """Verify the holder's proof (``authentication``, with ``options.challenge`` /
    ``options.domain`` when given) and every credential in the presentation. An unsigned
    ``presentation`` is accepted; its credentials must still verify."""
    signed = body.verifiable_presentation is not None
    document = body.verifiable_presentation if signed else body.presentation
    if document is None:
        return problem(
            422,
            "Invalid request",
            "/verifiablePresentation: a verifiablePresentation (or presentation) is required",
            type_=MICROCRED + "VALIDATION_ERROR",
            errors=[{"pointer": "/verifiablePresentation", "detail": "required"}],
        )
    report = verify_presentation(
        document,
        verifier=container.verifier(),
        challenge=body.options.challenge,
        domain=body.options.domain,
        require_proof=signed,
    )
    result = _presentation_result(report)
    if body.options.return_presentation:
        result["presentation"] = document
    failures = [c.name for c in report.own.failures]
    return _answer(result, failures, "the presentation did not verify")
