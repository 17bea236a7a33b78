"""Pathways and recognition in the learner's wallet (issue 5, "Stacking and recognition").

- The wallet page's "Pathways" section (:func:`wallet_section`, template
  ``wallet/_pathways.html``): each published pathway relevant to the learner with a progress
  bar and the explanation, evaluated over their verified holdings only; when the rules are met
  a button claims the stacked credential (issued into the wallet at once, or sent to the
  provider for approval); the learner's recognition requests with their decisions;
- ``POST /wallet/pathways/{id}/claim``;
- ``GET|POST /wallet/{holding_id}/recognition``: ask a provider that declares recognition
  policies to recognise one of the learner's credentials.

Stacked credentials approved later and recognition records arrive in the wallet when the learner
next opens it (:func:`collect`).
"""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from microcred.errors import MicrocredError
from microcred.service import learner_pathways, wallet
from microcred.service.accounts import Account
from microcred.service.catalogue import micro_credential_of
from microcred.service.errors import NotFound
from microcred.service.trust_ports import TrustUnitOfWorkFactory
from microcred.web import presenters
from microcred.web.account_routes import learner_account, learner_form, sign_in_redirect
from microcred.web.dashboard.pathway_routes import evidence_names, issuer_for
from microcred.web.page_errors import PageError, page_error
from microcred.web.rendering import content_languages, render
from microcred.web.services import WebServices

NO_STORE = {"Cache-Control": "no-store"}


def _page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    """A learner's page, never cached."""
    return render(request, template, status_code=status_code, headers=NO_STORE, **context)


def _uow(services: WebServices) -> TrustUnitOfWorkFactory:
    return cast(TrustUnitOfWorkFactory, services.uow)


def collect(services: WebServices, account: Account) -> None:
    """Put the learner's newly issued stacked credentials and recognition records into their
    wallet (call before listing it)."""
    learner_pathways.collect_awards(
        uow=_uow(services), account=account, clock=services.clock, rng=services.rng
    )


def _card(item: learner_pathways.LearnerPathway, languages: tuple[str, ...]) -> dict[str, Any]:
    title = presenters.pick(micro_credential_of(item.version).title, languages)
    return {
        "item": item,
        "title": title.text if title else item.pathway.slug,
        "evaluation": item.result.evaluation,
        "names": evidence_names(item.result),
        "percent": round(item.result.evaluation.progress * 100),
    }


def wallet_section(services: WebServices, account: Account, request: Request) -> dict[str, Any]:
    """What the wallet page's Pathways section shows: ``pathways`` (cards) and
    ``recognitions`` (the learner's requests, each with the provider asked)."""
    languages = content_languages(request)
    found = learner_pathways.learner_pathways(
        uow=_uow(services), account=account, base_url=services.base_url
    )
    return {
        "pathways": [_card(item, languages) for item in found],
        "recognitions": learner_pathways.learner_recognitions(uow=_uow(services), account=account),
        "claimed": request.query_params.get("claimed"),
    }


def learner_pathways_router(services: WebServices) -> APIRouter:
    """The learner's pathway claims and recognition requests (mount before the wallet's
    ``/wallet/{id}`` routes)."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    uow = _uow(services)
    issue = issuer_for(services)

    @router.post("/wallet/pathways/{pathway_id}/claim")
    async def claim(pathway_id: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, _ = posted
        try:
            done = await run_in_threadpool(
                lambda: learner_pathways.request_stacked(
                    uow=uow,
                    account=account,
                    pathway_id=pathway_id,
                    issue=issue,
                    clock=services.clock,
                    rng=services.rng,
                    base_url=services.base_url,
                )
            )
        except NotFound:
            return _page(request, "wallet/missing.html", status_code=404)
        except MicrocredError as exc:
            return _page(
                request, "wallet/pathway_refused.html", status_code=409, error=page_error(exc)
            )
        state = done.claim.state if done.claim else "pending"
        return RedirectResponse(f"/wallet?claimed={state}#pathways", status_code=303)

    def recognition_page(
        request: Request, holding_id: str, *, error: PageError | None = None, status_code: int = 200
    ) -> Response:
        account = learner_account(request)
        if account is None:
            return sign_in_redirect(request)
        try:
            holding = wallet.get_holding(uow=services.uow, account=account, holding_id=holding_id)
        except NotFound:
            return _page(request, "wallet/missing.html", status_code=404)
        asked = [
            (org, item)
            for org, item in learner_pathways.learner_recognitions(uow=uow, account=account)
            if item.credential_id == _credential_id(holding.credential)
        ]
        return _page(
            request,
            "wallet/recognition.html",
            status_code=status_code,
            holding=holding,
            providers=learner_pathways.recognition_providers(uow=uow),
            asked=asked,
            error=error,
            sent=bool(request.query_params.get("sent")),
        )

    @router.get("/wallet/{holding_id}/recognition", response_class=HTMLResponse)
    def recognition_form(holding_id: str, request: Request) -> Response:
        return recognition_page(request, holding_id)

    @router.post("/wallet/{holding_id}/recognition", response_class=HTMLResponse)
    async def recognition_asked(holding_id: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, form = posted
        provider = str(form.get("provider") or "")
        try:
            await run_in_threadpool(
                lambda: learner_pathways.request_recognition(
                    uow=uow,
                    account=account,
                    holding_id=holding_id,
                    organisation=provider,
                    verify=services.verifier().verify,
                    clock=services.clock,
                    rng=services.rng,
                )
            )
        except MicrocredError as exc:
            code = 404 if isinstance(exc, NotFound) else 422
            return recognition_page(request, holding_id, error=page_error(exc), status_code=code)
        return RedirectResponse(f"/wallet/{holding_id}/recognition?sent=1", status_code=303)

    return router


def _credential_id(text: str) -> str | None:
    found = wallet.credential_document(text).get("id")
    return found if isinstance(found, str) else None
