"""Platform API: organisation seals and the Europass (ELM v3) export of awards (issue 5).

- ``POST /api/v1/seals`` (owner): upload the seal, a PKCS#12 file with its password or a PEM
  file holding the certificate chain and the private key; the answer never holds the key;
- ``GET /api/v1/seals`` (viewer): the seals, newest first, without secrets;
- ``GET /api/v1/awards/{id}/elm?seal=true`` (issuer): the award as a Europass
  ``EuropeanDigitalCredential`` (``application/ld+json``), or sealed with JAdES
  (``application/jose+json``, a JWS JSON serialisation with the credential as its payload).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, cast

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from pydantic import BaseModel

from microcred.api.dependencies import Caller, Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.routes.exports import attachment_response
from microcred.service import seals
from microcred.service.seal_ports import SealUnitOfWorkFactory

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


class SealOut(BaseModel):
    """A seal certificate as the organisation may see it (its key never leaves the server)."""

    id: str
    label: str
    subject: str
    algorithm: str
    not_before: datetime
    not_after: datetime
    organization_identifier: str | None
    created_at: datetime
    active: bool
    warnings: list[str]


def _out(info: seals.SealInfo) -> SealOut:
    return SealOut.model_validate(info, from_attributes=True)


def _uow(container: Services) -> SealUnitOfWorkFactory:
    # the store's unit of work implements the seal repository too (store/unit_of_work.py)
    return cast(SealUnitOfWorkFactory, container.uow)


@router.post(
    "/seals",
    tags=["Keys"],
    status_code=status.HTTP_201_CREATED,
    summary="Upload the organisation's seal certificate",
)
async def upload_seal(
    *,
    caller: Caller,
    container: Services,
    file: Annotated[UploadFile, File(description="PKCS#12 (.p12/.pfx) or PEM chain + key.")],
    password: Annotated[str | None, Form(max_length=1024)] = None,
    label: Annotated[str, Form(max_length=200)] = "",
    format: Annotated[Literal["pkcs12", "pem"] | None, Form()] = None,
) -> SealOut:
    """Owner role: the seal replaces the active one. Bad files are 400s naming the problem;
    ``warnings`` says when the certificate's key usage does not allow signing."""
    data = await file.read(seals.MAX_SEAL_FILE_BYTES + 1)  # one byte more: refused as too large
    info = seals.upload_seal(
        caller,
        data=data,
        password=password,
        kind=format,
        label=label,
        uow=_uow(container),
        cipher=container.cipher,
        clock=container.clock,
        rng=container.rng,
    )
    return _out(info)


@router.get("/seals", tags=["Keys"], summary="The organisation's seal certificates")
def list_seals(caller: Caller, container: Services) -> list[SealOut]:
    """Viewer role: every seal, newest first; only the newest unretired one seals."""
    return [_out(i) for i in seals.list_seals(caller, uow=_uow(container))]


@router.get(
    "/awards/{award_id}/elm",
    tags=["Awards"],
    summary="The award as a Europass (ELM v3) credential",
    response_class=Response,
    responses={
        200: {
            "content": {seals.ELM_MEDIA_TYPE: {}, seals.JADES_MEDIA_TYPE: {}},
            "description": "EuropeanDigitalCredential JSON-LD, or its JAdES seal.",
        }
    },
)
def export_elm(
    award_id: str,
    caller: Caller,
    container: Services,
    seal: Annotated[bool, Query(description="seal with the organisation's JAdES seal")] = False,
) -> Response:
    """Issuer role: the export from the award's catalogue record (all Annex I elements)."""
    export = seals.export_elm(
        caller,
        award_id,
        sealed=seal,
        uow=_uow(container),
        cipher=container.cipher,
        clock=container.clock,
    )
    return attachment_response(export.content, export.media_type, export.filename(award_id))
