"""Platform API: issue one award, list/search/read awards, revoke, suspend, unsuspend.

Revocation and suspension flip the award's bit in its Bitstring Status List (BSL 1.0 §3); the
list credential is re-signed on its next read. The reason is kept privately (award, audit log).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from microcred.api.dependencies import Caller, Services
from microcred.api.pagination import Page, PageParams, page_params, paginate
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.schemas import AwardOut, IssueIn, StateChangeIn, award_out
from microcred.service import awards, issuing, status_lists
from microcred.service.records import AwardRecord, Principal

router = APIRouter(prefix="/api/v1/awards", tags=["Awards"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Issue one award")
def issue_award(body: IssueIn, caller: Caller, container: Services, response: Response) -> AwardOut:
    """Sign and store a credential from a published catalogue version, with its status entry
    (issuer role). A ``row_key`` issued before is a 409."""
    award = issuing.issue_award(
        caller,
        version_id=body.version_id,
        learner=body.learner,
        grade=body.grade,
        evidence=body.evidence,
        valid_until=body.valid_until,
        suspendable=body.suspendable,
        row_key=body.row_key,
        language=body.language,
        suite=body.suite,
        uow=container.uow,
        cipher=container.cipher,
        clock=container.clock,
        rng=container.rng,
        publisher=container.events,
        base_url=container.base_url,
    )
    response.headers["Location"] = f"/api/v1/awards/{award.id}"
    return award_out(award)


@router.get("", summary="List or search awards")
def list_awards(
    *,
    caller: Caller,
    container: Services,
    page: Annotated[PageParams, Depends(page_params)],
    request: Request,
    response: Response,
    q: Annotated[str | None, Query(description="Text to search (learner, credential id).")] = None,
) -> Page[AwardOut]:
    """The organisation's awards, in issuing order (viewer role)."""
    return paginate(
        lambda limit, offset: awards.list_awards(
            caller, uow=container.uow, text=q, limit=limit, offset=offset
        ),
        award_out,
        page,
        request,
        response,
    )


@router.get("/{award_id}", summary="One award")
def get_award(award_id: str, caller: Caller, container: Services) -> AwardOut:
    return award_out(awards.get_award(caller, award_id, uow=container.uow))


def _change(
    action: str, award_id: str, body: StateChangeIn | None, caller: Principal, container: Services
) -> AwardRecord:
    run = {
        "revoke": status_lists.revoke,
        "suspend": status_lists.suspend,
        "unsuspend": status_lists.unsuspend,
    }[action]
    return run(
        caller,
        award_id,
        reason=body.reason if body else None,
        uow=container.uow,
        clock=container.clock,
        rng=container.rng,
        publisher=container.events,
    )


@router.post("/{award_id}/revoke", summary="Revoke an award")
def revoke(
    award_id: str, caller: Caller, container: Services, body: StateChangeIn | None = None
) -> AwardOut:
    """For good (issuer role); revoking twice changes nothing."""
    return award_out(_change("revoke", award_id, body, caller, container))


@router.post("/{award_id}/suspend", summary="Suspend an award")
def suspend(
    award_id: str, caller: Caller, container: Services, body: StateChangeIn | None = None
) -> AwardOut:
    """Only awards issued as suspendable (409 otherwise, or when revoked)."""
    return award_out(_change("suspend", award_id, body, caller, container))


@router.post("/{award_id}/unsuspend", summary="Lift a suspension")
def unsuspend(
    award_id: str, caller: Caller, container: Services, body: StateChangeIn | None = None
) -> AwardOut:
    return award_out(_change("unsuspend", award_id, body, caller, container))


class BulkRevokeIn(BaseModel):
    award_ids: list[str] = Field(min_length=1, max_length=10_000)
    reason: str | None = Field(None, max_length=1000)


@router.post("/revoke", summary="Revoke many awards at once")
def bulk_revoke(body: BulkRevokeIn, caller: Caller, container: Services) -> list[AwardOut]:
    """All or nothing: an id not of the organisation is a 404 and nothing is revoked."""
    revoked = status_lists.bulk_revoke(
        caller,
        body.award_ids,
        reason=body.reason,
        uow=container.uow,
        clock=container.clock,
        rng=container.rng,
        publisher=container.events,
    )
    return [award_out(a) for a in revoked]
