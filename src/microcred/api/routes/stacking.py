"""Pathways (stacked credentials) over HTTP: define, evaluate for a learner's credentials,
claim, approve or reject (issue 5, "Stacking and recognition")."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from microcred.api.dependencies import ApiServices, Caller, Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.routes.registry import trust_uow
from microcred.service import issuing, stacking
from microcred.service.trust_records import PathwayRecord, StackClaimRecord

router = APIRouter(prefix="/api/v1/pathways", tags=["Stacking"], responses=PROBLEM_RESPONSES)


class PathwayIn(BaseModel):
    slug: str
    entry: str = Field(description="the catalogue entry (slug or id) of the stacked credential")
    rules: dict[str, Any] = Field(description="the rules file as JSON: {name?, rules}")
    auto_issue: bool = False


class PathwayOut(BaseModel):
    id: str
    slug: str
    entry_id: str
    rules: dict[str, Any]
    auto_issue: bool


class HoldingsIn(BaseModel):
    credentials: list[Any] = Field(description="the learner's credentials (JSON objects)")
    learner: dict[str, Any] | None = Field(
        default=None, description="who receives the stacked credential (for a claim)"
    )


class ClaimOut(BaseModel):
    id: str
    state: str
    parts: list[str]
    award_id: str | None
    reason: str | None


class DecisionIn(BaseModel):
    approve: bool
    reason: str | None = None


def pathway_out(p: PathwayRecord) -> PathwayOut:
    return PathwayOut(
        id=p.id, slug=p.slug, entry_id=p.entry_id, rules=dict(p.rules), auto_issue=p.auto_issue
    )


def claim_out(c: StackClaimRecord) -> ClaimOut:
    return ClaimOut(
        id=c.id, state=c.state, parts=list(c.parts), award_id=c.award_id, reason=c.reason
    )


def issuer_of(container: ApiServices) -> Any:
    """``issuing.issue_award`` bound to the app's ports."""
    return partial(
        issuing.issue_award,
        uow=container.uow,
        cipher=container.cipher,
        clock=container.clock,
        rng=container.rng,
        publisher=container.events,
        base_url=container.base_url,
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Define a pathway")
def create(body: PathwayIn, caller: Caller, container: Services) -> PathwayOut:
    """Issuer role: a stacked credential (catalogue entry) and its rules (422 names each bad
    rule by its path)."""
    return pathway_out(
        stacking.create_pathway(
            caller,
            slug=body.slug,
            entry=body.entry,
            rules=body.rules,
            auto_issue=body.auto_issue,
            uow=trust_uow(container),
            clock=container.clock,
            rng=container.rng,
        )
    )


@router.get("", summary="The organisation's pathways")
def list_all(caller: Caller, container: Services) -> list[PathwayOut]:
    return [pathway_out(p) for p in stacking.list_pathways(caller, uow=trust_uow(container))]


@router.get("/{pathway}", summary="One pathway (id or slug)")
def get_one(pathway: str, caller: Caller, container: Services) -> PathwayOut:
    return pathway_out(stacking.get_pathway(caller, pathway, uow=trust_uow(container)))


@router.post("/{pathway}/evaluate", summary="Evaluate a learner's credentials")
def evaluate(pathway: str, body: HoldingsIn, caller: Caller, container: Services) -> Any:
    """Each credential is verified; only verified ones count. The answer explains every rule:
    met or not, by which credentials, what is missing, progress."""
    result = stacking.evaluate_pathway(
        caller,
        pathway,
        credentials=body.credentials,
        verify=container.verifier().verify,
        uow=trust_uow(container),
        base_url=container.base_url,
    )
    return result.to_dict()


@router.post("/{pathway}/claims", summary="Claim the stacked credential for a learner")
def claim(pathway: str, body: HoldingsIn, caller: Caller, container: Services) -> Any:
    """Issuer role: when the rules are met, a claim is recorded and, for an auto-issue
    pathway, the stacked credential is issued with its parts as evidence."""
    result = stacking.claim(
        caller,
        pathway,
        learner=body.learner or {},
        credentials=body.credentials,
        verify=container.verifier().verify,
        issue=issuer_of(container),
        uow=trust_uow(container),
        clock=container.clock,
        rng=container.rng,
        base_url=container.base_url,
    )
    return result.to_dict()


@router.post("/claims/{claim_id}/decision", summary="Approve or reject a claim")
def decide(claim_id: str, body: DecisionIn, caller: Caller, container: Services) -> ClaimOut:
    return claim_out(
        stacking.decide_claim(
            caller,
            claim_id,
            approve=body.approve,
            reason=body.reason,
            issue=issuer_of(container),
            uow=trust_uow(container),
            clock=container.clock,
            rng=container.rng,
        )
    )
