"""Pathways and recognition requests in the dashboard (issue 5, "Stacking and recognition";
docs/stacking.md).

- ``GET /dashboard/pathways``: the organisation's pathways and the stacked-credential claims
  waiting for approval (approve, or reject with a reason);
- ``GET|POST /dashboard/pathways/new`` and ``GET|POST /dashboard/pathways/{id}``: a pathway's
  stacked catalogue entry, its rules as YAML or JSON in a text field (every validation problem
  listed beside it with its JSON path, the text kept for correcting in place), auto-issue or
  after approval; the pathway page also evaluates a learner (the e-mail of a wallet account
  that shared credentials with the organisation, or uploaded credential files) and shows the
  explanation tree;
- ``POST /dashboard/pathways/claims/{id}/decision``;
- ``GET /dashboard/recognitions``: the recognition requests (approve with the equivalent
  entry, or reject, with a reason) and the organisation's recognition policies.

Viewers read; issuers change (the service refuses viewers, the pages hide the forms). Every
POST checks the CSRF token.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from microcred.core.stacking.evidence import evidence_of
from microcred.core.stacking.rules import MAX_RULES_BYTES, rules_data
from microcred.errors import InvalidInputError, MicrocredError, SpecValidationError
from microcred.service import issuing, recognition, stacking
from microcred.service.accounts import Account
from microcred.service.catalogue import list_entries, list_versions, micro_credential_of
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.records import CatalogueEntry, Principal
from microcred.service.stacking import StackResult
from microcred.service.trust_records import PathwayRecord
from microcred.web import presenters
from microcred.web.dashboard.registry_routes import trust_uow
from microcred.web.dashboard.staff import for_staff, staff_context
from microcred.web.labels import N_
from microcred.web.rendering import content_languages, render
from microcred.web.services import WebServices
from microcred.web.session import check_csrf

PATHWAYS = "/dashboard/pathways"
RECOGNITIONS = "/dashboard/recognitions"
MAX_FILES = 50
MAX_FILE_BYTES = 1024 * 1024
DONE = {
    "created": N_("The pathway was created."),
    "changed": N_("The pathway was changed."),
    "approved": N_("The stacked credential was issued."),
    "rejected": N_("The claim was rejected."),
    "recognised": N_("The credential was recognised and the recognition record issued."),
    "refused": N_("The recognition request was rejected."),
}
EXAMPLE_RULES = """name: Example pathway
rules:
  all_of:
    - achievement: first-module
    - achievement: second-module
    - min_ects: 5
"""


@dataclass(frozen=True)
class PathwayInput:
    """The pathway form as sent (kept after a refusal), with every problem found."""

    slug: str = ""
    entry: str = ""
    rules: str = EXAMPLE_RULES
    auto_issue: bool = False
    problems: tuple[str, ...] = ()
    """The rules' problems, each naming its JSON path (English, from the core)."""
    errors: dict[str, str] = field(default_factory=dict)
    """Problems of the other fields, by field name."""


def _as_text(pathway: PathwayRecord) -> str:
    return yaml.safe_dump(dict(pathway.rules), allow_unicode=True, sort_keys=False, width=100)


def _stacked_entries(
    services: WebServices, principal: Principal, languages: Sequence[str]
) -> list[tuple[CatalogueEntry, str]]:
    """Every catalogue entry with its title (of its latest version)."""
    found = []
    for entry in list_entries(principal, uow=services.uow):
        versions = list_versions(principal, entry.id, uow=services.uow)
        title = presenters.pick(micro_credential_of(versions[-1]).title, languages)
        found.append((entry, title.text if title else entry.slug))
    return found


def issuer_for(services: WebServices) -> stacking.IssueFunction:
    """``issuing.issue_award`` bound to the pages' ports."""
    return partial(
        issuing.issue_award,
        uow=services.uow,
        cipher=services.cipher,
        clock=services.clock,
        rng=services.rng,
        publisher=services.publisher,
        base_url=services.base_url,
    )


def _read_input(form: FormData) -> tuple[PathwayInput, Any]:
    """The form's fields and the parsed rules (None with the problems when unreadable)."""
    text = str(form.get("rules") or "")
    given = PathwayInput(
        slug=str(form.get("slug") or "").strip(),
        entry=str(form.get("entry") or ""),
        rules=text,
        auto_issue=form.get("auto_issue") == "on",
    )
    if not text.strip():
        return PathwayInput(**{**given.__dict__, "problems": ("rules: write the rules",)}), None
    if len(text.encode("utf-8")) > MAX_RULES_BYTES:
        problem = ("rules: larger than 256 kB",)
        return PathwayInput(**{**given.__dict__, "problems": problem}), None
    try:
        return given, rules_data(text)
    except SpecValidationError as exc:
        return PathwayInput(**{**given.__dict__, "problems": tuple(exc.problems)}), None


def _refused(given: PathwayInput, exc: MicrocredError) -> PathwayInput:
    fields = dict(given.__dict__)
    if isinstance(exc, SpecValidationError):
        slug = [p for p in exc.problems if p.startswith("slug:")]
        fields["problems"] = tuple(p for p in exc.problems if not p.startswith("slug:"))
        fields["errors"] = {"slug": slug[0]} if slug else {}
    elif isinstance(exc, Conflict):
        fields["errors"] = {"slug": str(exc)}
    elif isinstance(exc, NotFound):
        fields["errors"] = {"entry": str(exc)}
    else:
        fields["problems"] = (str(exc),)
    return PathwayInput(**fields)


async def _uploaded_credentials(form: FormData) -> list[str]:
    """The texts of the uploaded credential files (InvalidInputError when too many or large)."""
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if len(files) > MAX_FILES:
        raise InvalidInputError(f"files: at most {MAX_FILES} credential files at a time")
    texts = []
    for upload in files:
        data = await upload.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InvalidInputError(f"{upload.filename}: larger than 1 MB")
        texts.append(data.decode("utf-8", errors="replace"))
    return texts


def _base(request: Request, account: Account) -> dict[str, Any]:
    done = request.query_params.get("done", "")
    return {**staff_context(account), "done": DONE.get(done)}


def _edit_page(
    request: Request,
    services: WebServices,
    account: Account,
    given: PathwayInput,
    *,
    pathway: PathwayRecord | None = None,
    result: StackResult | None = None,
    evaluate_error: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """A pathway's page (or the new-pathway form): the form, evaluation, pending claims."""
    principal = account.principal()
    languages = content_languages(request)
    claims = []
    if pathway is not None:
        pending = stacking.pending_claims(principal, uow=trust_uow(services))
        claims = [c for p, c in pending if p.id == pathway.id]
    return render(
        request,
        "dashboard/pathway.html",
        status_code=status_code,
        **_base(request, account),
        pathway=pathway,
        given=given,
        entries=_stacked_entries(services, principal, languages),
        result=result,
        names=evidence_names(result),
        evaluate_error=evaluate_error,
        email=email,
        claims=claims,
    )


def _editor(services: WebServices) -> Callable[..., HTMLResponse]:
    """:func:`_edit_page` on ``services``' ports: ``(request, account, given, **more)``."""

    def edit_page(
        request: Request, account: Account, given: PathwayInput, **more: Any
    ) -> HTMLResponse:
        return _edit_page(request, services, account, given, **more)

    return edit_page


def _pathway_fields(services: WebServices, given: PathwayInput, data: Any) -> dict[str, Any]:
    """What creating and changing a pathway both take: the form's entry, rules (a bare rule
    list is wrapped in a rules object) and auto-issue choice, and the writing ports."""
    return {
        "entry": given.entry,
        "rules": data if isinstance(data, dict) else {"rules": data},
        "auto_issue": given.auto_issue,
        **_trust_writes(services),
    }


def _trust_writes(services: WebServices) -> dict[str, Any]:
    """The ports every writing pathway or recognition use case takes."""
    return {"uow": trust_uow(services), "clock": services.clock, "rng": services.rng}


def _refused_status(exc: MicrocredError) -> int:
    """403 for a role that may not change pathways, 422 for anything else refused."""
    return 403 if isinstance(exc, PermissionDenied) else 422


def evidence_names(result: StackResult | None) -> dict[str, str]:
    """Credential id -> title, for the explanation tree."""
    if result is None:
        return {}
    return {e.credential_id: e.title or e.credential_id for e in result.evidence}


def _given_for(pathway: PathwayRecord) -> PathwayInput:
    return PathwayInput(
        slug=pathway.slug,
        entry=pathway.entry_id,
        rules=_as_text(pathway),
        auto_issue=pathway.auto_issue,
    )


def _found_pathway(
    services: WebServices, account: Account, pathway_id: str
) -> PathwayRecord | None:
    try:
        return stacking.get_pathway(account.principal(), pathway_id, uow=trust_uow(services))
    except NotFound:
        return None


def pathway_router(services: WebServices) -> APIRouter:
    """The pathway and recognition pages of the dashboard."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    _list_routes(router, services)
    _edit_routes(router, services)
    _evaluate_route(router, services)
    _claim_route(router, services)
    _recognition_routes(router, services)
    return router


def _list_routes(router: APIRouter, services: WebServices) -> None:
    uow = trust_uow(services)

    @router.get(PATHWAYS, response_class=HTMLResponse)
    @for_staff
    def list_page(request: Request, account: Account) -> Response:
        principal = account.principal()
        titles = dict(
            (e.id, t) for e, t in _stacked_entries(services, principal, content_languages(request))
        )
        pathways = stacking.list_pathways(principal, uow=uow)
        return render(
            request,
            "dashboard/pathways.html",
            **_base(request, account),
            pathways=[(p, titles.get(p.entry_id, p.entry_id)) for p in pathways],
            claims=stacking.pending_claims(principal, uow=uow),
        )


def _edit_routes(router: APIRouter, services: WebServices) -> None:
    edit_page = _editor(services)

    @router.get(f"{PATHWAYS}/new", response_class=HTMLResponse)
    @for_staff
    def new_page(request: Request, account: Account) -> Response:
        return edit_page(request, account, PathwayInput())

    @router.post(f"{PATHWAYS}/new", response_class=HTMLResponse)
    @for_staff
    async def new_submitted(request: Request, account: Account) -> Response:
        form = await request.form(max_part_size=MAX_RULES_BYTES + 1024)
        check_csrf(request, form)
        given, data = _read_input(form)
        if data is None:
            return edit_page(request, account, given, status_code=422)
        try:
            created = await run_in_threadpool(
                lambda: stacking.create_pathway(
                    account.principal(), slug=given.slug, **_pathway_fields(services, given, data)
                )
            )
        except MicrocredError as exc:
            refused = _refused(given, exc)
            return edit_page(request, account, refused, status_code=_refused_status(exc))
        return RedirectResponse(f"{PATHWAYS}/{created.id}?done=created", status_code=303)

    @router.get(f"{PATHWAYS}/{{pathway_id}}", response_class=HTMLResponse)
    @for_staff
    def pathway_page(request: Request, account: Account, pathway_id: str) -> Response:
        pathway = _found_pathway(services, account, pathway_id)
        if pathway is None:
            return _missing(request, account)
        return edit_page(request, account, _given_for(pathway), pathway=pathway)

    @router.post(f"{PATHWAYS}/{{pathway_id}}", response_class=HTMLResponse)
    @for_staff
    async def pathway_submitted(request: Request, account: Account, pathway_id: str) -> Response:
        pathway = _found_pathway(services, account, pathway_id)
        if pathway is None:
            return _missing(request, account)
        form = await request.form(max_part_size=MAX_RULES_BYTES + 1024)
        check_csrf(request, form)
        given, data = _read_input(form)
        given = PathwayInput(**{**given.__dict__, "slug": pathway.slug})
        if data is None:
            return edit_page(request, account, given, pathway=pathway, status_code=422)
        try:
            await run_in_threadpool(
                lambda: stacking.update_pathway(
                    account.principal(), pathway.id, **_pathway_fields(services, given, data)
                )
            )
        except MicrocredError as exc:
            refused = _refused(given, exc)
            status_code = _refused_status(exc)
            return edit_page(request, account, refused, pathway=pathway, status_code=status_code)
        return RedirectResponse(f"{PATHWAYS}/{pathway.id}?done=changed", status_code=303)


def _evaluate_route(router: APIRouter, services: WebServices) -> None:
    uow = trust_uow(services)
    edit_page = _editor(services)

    @router.post(f"{PATHWAYS}/{{pathway_id}}/evaluate", response_class=HTMLResponse)
    @for_staff
    async def evaluate_submitted(request: Request, account: Account, pathway_id: str) -> Response:
        pathway = _found_pathway(services, account, pathway_id)
        if pathway is None:
            return _missing(request, account)
        form = await request.form(max_files=MAX_FILES + 1, max_part_size=MAX_FILE_BYTES + 1024)
        check_csrf(request, form)
        email = str(form.get("email") or "").strip()
        principal = account.principal()
        try:
            texts = await _uploaded_credentials(form)
            if texts:
                result = await run_in_threadpool(
                    lambda: stacking.evaluate_pathway(
                        principal,
                        pathway.id,
                        credentials=texts,
                        verify=services.verifier().verify,
                        uow=uow,
                        base_url=services.base_url,
                    )
                )
            elif email:
                result = await run_in_threadpool(
                    lambda: stacking.evaluate_learner(
                        principal, pathway.id, email=email, uow=uow, base_url=services.base_url
                    )
                )
            else:
                raise InvalidInputError("give the e-mail of a wallet account or credential files")
        except MicrocredError as exc:
            return edit_page(
                request,
                account,
                _given_for(pathway),
                pathway=pathway,
                evaluate_error=str(exc),
                email=email,
                status_code=404 if isinstance(exc, NotFound) else 422,
            )
        return edit_page(
            request, account, _given_for(pathway), pathway=pathway, result=result, email=email
        )


async def _decision(
    request: Request,
    account: Account,
    back: str,
    outcomes: tuple[str, str],
    decide: Callable[[Principal, bool, FormData], object],
) -> Response:
    """A staff decision form (approve or reject, with a reason): ``decide`` runs the use case;
    back to ``back`` with the ``done`` message of the outcome (approved, rejected)."""
    form = await request.form()
    check_csrf(request, form)
    approve = form.get("decision") == "approve"
    try:
        await run_in_threadpool(lambda: decide(account.principal(), approve, form))
    except NotFound:
        return _missing(request, account)
    except MicrocredError as exc:
        return _problem(request, account, exc, back)
    return RedirectResponse(f"{back}?done={outcomes[0 if approve else 1]}", status_code=303)


def _reason(form: FormData) -> str:
    return str(form.get("reason") or "")


def _claim_route(router: APIRouter, services: WebServices) -> None:
    @router.post(f"{PATHWAYS}/claims/{{claim_id}}/decision", response_class=HTMLResponse)
    @for_staff
    async def claim_decided(request: Request, account: Account, claim_id: str) -> Response:
        def decide(principal: Principal, approve: bool, form: FormData) -> object:
            return stacking.decide_claim(
                principal,
                claim_id,
                approve=approve,
                reason=_reason(form),
                issue=issuer_for(services),
                **_trust_writes(services),
            )

        return await _decision(request, account, PATHWAYS, ("approved", "rejected"), decide)


def _recognition_routes(router: APIRouter, services: WebServices) -> None:
    uow = trust_uow(services)

    @router.get(RECOGNITIONS, response_class=HTMLResponse)
    @for_staff
    def queue_page(request: Request, account: Account) -> Response:
        principal = account.principal()
        requests = recognition.list_requests(principal, uow=uow)
        with uow() as tx:
            policies = tx.recognitions.policies_for(principal.organisation_id)
        entries = _stacked_entries(services, principal, content_languages(request))
        return render(
            request,
            "dashboard/recognitions.html",
            **_base(request, account),
            pending=[r for r in requests if r.state == "pending"],
            decided=[r for r in requests if r.state != "pending"],
            policies=policies,
            entries=entries,
            titles={r.id: _external_title(r.credential) for r in requests},
        )

    @router.post(f"{RECOGNITIONS}/{{recognition_id}}/decision", response_class=HTMLResponse)
    @for_staff
    async def decided(request: Request, account: Account, recognition_id: str) -> Response:
        def decide(principal: Principal, approve: bool, form: FormData) -> object:
            return recognition.decide(
                principal,
                recognition_id,
                approve=approve,
                reason=_reason(form),
                equivalent=str(form.get("equivalent") or "") or None,
                issue=issuer_for(services),
                **_trust_writes(services),
            )

        return await _decision(request, account, RECOGNITIONS, ("recognised", "refused"), decide)


def _external_title(text: str) -> str:
    """The title of a submitted external credential (its id when it has none)."""
    held = evidence_of(json.loads(text), verified=True)
    return held.title or held.credential_id


def _problem(request: Request, account: Account, exc: MicrocredError, back: str) -> HTMLResponse:
    """A refused decision, with the service's reason."""
    status_code = 403 if isinstance(exc, PermissionDenied) else 409
    if isinstance(exc, InvalidInputError):
        status_code = 422
    return render(
        request,
        "dashboard/pathway_problem.html",
        status_code=status_code,
        **staff_context(account),
        problem=str(exc),
        back=back,
    )


def _missing(request: Request, account: Account) -> HTMLResponse:
    return render(
        request,
        "dashboard/missing.html",
        status_code=404,
        **staff_context(account),
        message=N_("There is no such pathway, claim or request in your organisation."),
        back=(PATHWAYS, N_("Back to the pathways")),
    )
