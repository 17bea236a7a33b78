"""W3C VC API issuer routes (VCALM): ``POST /credentials/issue``, ``POST /credentials/status``.

Both need an organisation's API key (issuer role). ``/credentials/status`` sets revocation or
suspension: ``{"credentialId", "credentialStatus": {"type", "statusPurpose"}, "status": bool}``
(``status: true`` sets the bit). A revocation cannot be undone (409).
The credential is found by its ``id`` as issued (also one given as ``options.credentialId``).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from microcred.api.dependencies import Caller, Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.service import status_lists
from microcred.service.supplied import issue_supplied_credential

router = APIRouter(tags=["VC API"], responses=PROBLEM_RESPONSES)


class CredentialStatusIn(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    type: str = "BitstringStatusListEntry"
    status_purpose: Literal["revocation", "suspension"] = Field(alias="statusPurpose")


class UpdateStatusRequest(BaseModel):
    """VCALM ``UpdateCredentialStatus``; unknown members are ignored."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        json_schema_extra={
            "example": {
                "credentialId": "urn:uuid:0b6f2b0c-1c5e-4c59-9d0c-6f9f0b1b6a2e",
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                },
                "status": True,
            }
        },
    )

    credential_id: str = Field(alias="credentialId", description="The credential's id.")
    credential_status: CredentialStatusIn = Field(alias="credentialStatus")
    status: bool = Field(description="true sets the status (revoked / suspended).")


class IssueOptions(BaseModel):
    """VCALM ``IssueCredentialOptions``; unknown members are ignored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    credential_id: str | None = Field(default=None, alias="credentialId")
    suspendable: bool = Field(
        default=False,
        description="microcred extension: also give the credential a suspension status entry.",
    )


class IssueRequest(BaseModel):
    """VCALM ``IssueCredentialRequest``: an unsigned credential and options."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "credential": {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiableCredential"],
                    "credentialSubject": {"id": "did:example:learner"},
                },
                "options": {},
            }
        },
    )

    credential: dict[str, Any]
    options: IssueOptions = Field(default_factory=lambda: IssueOptions())  # noqa: PLW0108 (mypy)


@router.post(
    "/credentials/issue",
    status_code=201,
    summary="Issue a credential (W3C VC API)",
    response_description='{"verifiableCredential": <the secured credential, exactly as signed>}',
)
def issue_credential(body: IssueRequest, caller: Caller, container: Services) -> Response:
    """Secure the given credential as the caller's organisation: microcred sets the ``issuer``,
    an ``id`` (or ``options.credentialId``), ``validFrom``, and a ``BitstringStatusListEntry``."""
    award = issue_supplied_credential(
        caller,
        credential=body.credential,
        credential_id=body.options.credential_id,
        suspendable=body.options.suspendable,
        uow=container.uow,
        cipher=container.cipher,
        clock=container.clock,
        rng=container.rng,
        publisher=container.events,
        base_url=container.base_url,
    )
    text = '{"verifiableCredential":' + award.credential + "}"
    return Response(text, status_code=201, media_type="application/json")


class UpdateStatusResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    credential_id: str = Field(alias="credentialId")
    credential_status: dict[str, Any] = Field(alias="credentialStatus")
    status: bool


@router.post("/credentials/status", summary="Set a credential's revocation or suspension")
def update_status(
    body: UpdateStatusRequest, caller: Caller, container: Services
) -> UpdateStatusResult:
    """Revoke (``statusPurpose: revocation``, ``status: true``), suspend or unsuspend."""
    award = status_lists.update_status(
        caller,
        credential_id=body.credential_id,
        purpose=body.credential_status.status_purpose,
        value=body.status,
        uow=container.uow,
        clock=container.clock,
        rng=container.rng,
        publisher=container.events,
    )
    return UpdateStatusResult.model_validate(
        {
            "credentialId": award.credential_id,
            "credentialStatus": body.credential_status.model_dump(by_alias=True),
            "status": body.status,
        }
    )
