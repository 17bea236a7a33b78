"""Recognition of other providers' credentials over HTTP (issue 5): policies, a learner's
submission (by a signed-in learner, for themselves, or with an API key on a learner's behalf;
the credential must verify), an assessor's decision with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status
from pydantic import BaseModel, Field

from microcred.api.dependencies import Caller, Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.routes.registry import trust_uow
from microcred.api.routes.stacking import issuer_of
from microcred.errors import InvalidInputError
from microcred.service import recognition
from microcred.service.accounts import Account
from microcred.service.api_keys import authenticate
from microcred.service.errors import Unauthenticated
from microcred.service.learner_pathways import learner_identity
from microcred.service.trust_records import RecognitionPolicyRecord, RecognitionRecord

router = APIRouter(tags=["Recognition"], responses=PROBLEM_RESPONSES)


class PolicyIn(BaseModel):
    equivalent: str = Field(description="the slug of the organisation's own catalogue entry")
    issuer: str | None = Field(default=None, description="the external issuer's DID")
    registry: bool = Field(default=False, description="any trusted provider of the registry")
    external_achievement: str | None = None


class PolicyOut(BaseModel):
    id: str
    equivalent: str
    issuer: str | None
    registry: bool
    external_achievement: str | None


class SubmissionIn(BaseModel):
    learner: dict[str, Any] | None = Field(
        default=None,
        description="who asks (with an API key); a signed-in learner always asks for themselves",
    )
    credential: dict[str, Any]


class RecognitionOut(BaseModel):
    id: str
    state: str
    credential_id: str
    issuer: str | None
    equivalent: str | None
    reason: str | None
    record_award_id: str | None


class DecisionIn(BaseModel):
    approve: bool
    reason: str
    equivalent: str | None = None


def policy_out(p: RecognitionPolicyRecord) -> PolicyOut:
    return PolicyOut(
        id=p.id,
        equivalent=p.equivalent,
        issuer=p.issuer,
        registry=p.registry,
        external_achievement=p.external_achievement,
    )


def recognition_out(r: RecognitionRecord) -> RecognitionOut:
    return RecognitionOut(
        id=r.id,
        state=r.state,
        credential_id=r.credential_id,
        issuer=r.issuer,
        equivalent=r.equivalent,
        reason=r.reason,
        record_award_id=r.record_award_id,
    )


@router.post(
    "/api/v1/recognition/policies",
    status_code=status.HTTP_201_CREATED,
    summary="Recognise an external issuer",
)
def add_policy(body: PolicyIn, caller: Caller, container: Services) -> PolicyOut:
    return policy_out(
        recognition.add_policy(
            caller,
            equivalent=body.equivalent,
            issuer=body.issuer,
            registry=body.registry,
            external_achievement=body.external_achievement,
            uow=trust_uow(container),
            clock=container.clock,
            rng=container.rng,
        )
    )


@router.post(
    "/orgs/{organisation}/recognitions",
    status_code=status.HTTP_201_CREATED,
    summary="Submit an external credential for recognition (public)",
)
def submit(
    organisation: str,
    body: SubmissionIn,
    request: Request,
    container: Services,
    authorization: Annotated[str | None, Header()] = None,
) -> RecognitionOut:
    """A signed-in learner (the web session) asks for themselves; a system with an API key of
    any organisation asks for the ``learner`` it names. Anyone else: 401."""
    return recognition_out(
        recognition.submit(
            organisation,
            learner=_submitter(request, container, authorization, body.learner),
            credential=body.credential,
            verify=container.verifier().verify,
            uow=trust_uow(container),
            clock=container.clock,
            rng=container.rng,
        )
    )


def _submitter(
    request: Request,
    container: Services,
    authorization: str | None,
    learner: dict[str, Any] | None,
) -> dict[str, Any]:
    """Who the request is for: the signed-in learner, else the ``learner`` named by a caller
    with a valid API key."""
    account = getattr(request.state, "account", None)
    if isinstance(account, Account) and account.kind == "learner":
        return dict(learner_identity(account))
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            "sign in as a learner, or give an API key: Authorization: Bearer mc_<prefix>_<secret>"
        )
    authenticate(token.strip(), uow=container.uow)
    if not learner:
        raise InvalidInputError("learner: name the learner who asks (email and name)")
    return learner


@router.get("/api/v1/recognitions", summary="The organisation's recognition requests")
def list_requests(caller: Caller, container: Services) -> list[RecognitionOut]:
    found = recognition.list_requests(caller, uow=trust_uow(container))
    return [recognition_out(r) for r in found]


@router.post("/api/v1/recognitions/{recognition_id}/decision", summary="Approve or reject")
def decide(
    recognition_id: str, body: DecisionIn, caller: Caller, container: Services
) -> RecognitionOut:
    """Issuer role: approving issues the recognition record (an award of the equivalent entry
    naming the external credential as evidence)."""
    return recognition_out(
        recognition.decide(
            caller,
            recognition_id,
            approve=body.approve,
            reason=body.reason,
            equivalent=body.equivalent,
            uow=trust_uow(container),
            issue=issuer_of(container),
            clock=container.clock,
            rng=container.rng,
        )
    )
