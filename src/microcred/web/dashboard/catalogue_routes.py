"""The dashboard's catalogue (issue 4, "issuer dashboard (catalogue ...)"): the organisation's
micro-credentials with their versions and which one is published; adding one, or a new version
of one, by uploading or pasting its description (the YAML/JSON format of ``examples/*.yaml`` and
``microcred demo``, every element of Annex I of Council Recommendation 2022/C 243/02, validated by
:func:`microcred.service.catalogue.read_description`); publishing a version; reading a version as
the public catalogue shows it.

Every problem the validation finds is listed next to the description field, in the words of the
core's :class:`~microcred.errors.SpecValidationError`. Viewers read; issuers and owners change
(the service enforces the roles, the pages hide the forms). Every POST checks the CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from microcred.errors import MicrocredError, SpecValidationError
from microcred.service.accounts import Account
from microcred.service.catalogue import (
    add_version,
    create_entry,
    get_entry,
    get_version,
    list_entries,
    list_versions,
    micro_credential_of,
    publish_version,
)
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.organisations import get_organisation
from microcred.service.records import CatalogueEntry, CatalogueVersion
from microcred.web import presenters
from microcred.web.dashboard.staff import (
    can_issue,
    for_staff,
    staff,
    staff_context,
    writes,
)
from microcred.web.labels import N_
from microcred.web.names import country_name
from microcred.web.rendering import content_languages, page_translator, render
from microcred.web.services import WebServices
from microcred.web.session import check_csrf

CATALOGUE = "/dashboard/catalogue"
MAX_DESCRIPTION_BYTES = 1024 * 1024
"""The largest description accepted (uploaded or pasted); the examples are a few kB."""
DONE = {"created", "added", "published"}


@dataclass(frozen=True)
class DescriptionInput:
    """What the description form shows again after a refusal: the text (uploaded or pasted, so
    it can be corrected in place), the slug, and every problem found."""

    text: str = ""
    slug: str = ""
    message: str | None = None
    """A message id of the page (translated), e.g. "Choose a file or paste a description"."""
    problems: tuple[str, ...] = ()
    """The validation's own sentences (English), one per problem."""
    slug_problem: str | None = None


class DescriptionError(Exception):
    def __init__(self, given: DescriptionInput) -> None:
        super().__init__(given.message or "; ".join(given.problems))
        self.given = given


async def read_form(request: Request) -> FormData:
    """The submitted multipart form (a pasted description may be up to the upload limit)."""
    form = await request.form(max_part_size=MAX_DESCRIPTION_BYTES + 1024)
    check_csrf(request, form)
    return form


async def description_text(form: FormData) -> str:
    """The uploaded file's text, else the pasted text; DescriptionError when neither."""
    upload = form.get("file")
    pasted = str(form.get("description") or "")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_DESCRIPTION_BYTES + 1)
        if len(data) > MAX_DESCRIPTION_BYTES:
            message = N_("The file is too large: the limit is 1 MB.")
            raise DescriptionError(DescriptionInput(text=pasted, message=message))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = N_("The file is not UTF-8 text. Save it as UTF-8 YAML or JSON and retry.")
            raise DescriptionError(DescriptionInput(text=pasted, message=message)) from None
    if not pasted.strip():
        message = N_("Choose a file or paste a description.")
        raise DescriptionError(DescriptionInput(message=message))
    return pasted


def refusal(exc: MicrocredError, text: str, slug: str = "") -> DescriptionInput:
    """The form again, with every problem ``exc`` names."""
    if isinstance(exc, Conflict):
        return DescriptionInput(text=text, slug=slug, slug_problem=str(exc))
    if isinstance(exc, SpecValidationError):
        return DescriptionInput(text=text, slug=slug, problems=tuple(exc.problems))
    if str(exc).startswith("slug:"):
        return DescriptionInput(text=text, slug=slug, slug_problem=str(exc))
    return DescriptionInput(text=text, slug=slug, problems=(str(exc),))


def as_yaml(version: CatalogueVersion) -> str:
    """The stored description as YAML, ready to be edited into the next version."""
    return yaml.safe_dump(dict(version.description), allow_unicode=True, sort_keys=False, width=100)


def _title(version: CatalogueVersion | None, languages: tuple[str, ...], fallback: str) -> str:
    if version is None:
        return fallback
    found = presenters.pick(micro_credential_of(version).title, languages)
    return found.text if found else fallback


def entry_page(
    request: Request,
    services: WebServices,
    entry: CatalogueEntry,
    *,
    number: int | None = None,
    done: str = "",
    given: DescriptionInput | None = None,
    status_code: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    """An entry: its versions (publish buttons), the new-version form, one version in full."""
    account = staff(request)
    assert account is not None
    principal = account.principal()
    versions = list_versions(principal, entry.id, uow=services.uow)
    wanted = number or entry.published_version or entry.latest_version
    shown = next((v for v in versions if v.version == wanted), versions[-1])
    languages = content_languages(request)
    organisation = get_organisation(principal, principal.organisation_id, uow=services.uow)
    mc = presenters.detail(
        micro_credential_of(shown),
        shown,
        provider=organisation.legal_name,
        languages=languages,
        t=page_translator(request),
    )
    return render(
        request,
        "dashboard/entry.html",
        status_code=status_code,
        **staff_context(account),
        entry=entry,
        title=_title(shown, languages, entry.slug),
        versions=versions,
        shown=shown,
        mc=mc,
        publisher_country=country_name(organisation.country),
        publisher_url=presenters.web_link(organisation.url),
        done=done if done in DONE else "",
        given=given or DescriptionInput(text=as_yaml(versions[-1])),
        open_new_version=given is not None,
        error=error,
    )


def new_page(request: Request, given: DescriptionInput, *, status_code: int = 200) -> HTMLResponse:
    """The form that adds a micro-credential (403 for viewers)."""
    account = staff(request)
    assert account is not None
    return render(
        request,
        "dashboard/catalogue_new.html",
        status_code=status_code if can_issue(account) else 403,
        **staff_context(account),
        given=given,
    )


def catalogue_routes(router: APIRouter, services: WebServices) -> None:
    """Add the catalogue pages to the dashboard's ``router``."""
    _list_routes(router, services)
    _entry_routes(router, services)


def _list_routes(router: APIRouter, services: WebServices) -> None:
    """The list of entries and adding one."""

    @router.get(CATALOGUE, response_class=HTMLResponse)
    @for_staff
    def catalogue_page(request: Request, account: Account) -> Response:
        principal = account.principal()
        languages = content_languages(request)
        rows: list[tuple[CatalogueEntry, str]] = []
        for entry in list_entries(principal, uow=services.uow):
            versions = list_versions(principal, entry.id, uow=services.uow)
            rows.append((entry, _title(versions[-1] if versions else None, languages, entry.slug)))
        return render(
            request,
            "dashboard/catalogue.html",
            **staff_context(account),
            entries=rows,
        )

    @router.get(f"{CATALOGUE}/new", response_class=HTMLResponse)
    @for_staff
    def new_entry_page(request: Request, account: Account) -> Response:
        return new_page(request, DescriptionInput())

    @router.post(f"{CATALOGUE}/new", response_class=HTMLResponse)
    @for_staff
    async def new_entry_submitted(request: Request, account: Account) -> Response:
        form = await read_form(request)
        slug = str(form.get("slug") or "").strip()
        try:
            text = await description_text(form)
        except DescriptionError as refused:
            return new_page(request, replace(refused.given, slug=slug), status_code=422)
        principal = account.principal()
        try:
            entry, _ = await run_in_threadpool(
                lambda: create_entry(
                    principal, description=text, slug=slug or None, **writes(services)
                )
            )
        except PermissionDenied:
            return new_page(request, DescriptionInput(text=text, slug=slug), status_code=403)
        except MicrocredError as exc:
            return new_page(request, refusal(exc, text, slug), status_code=422)
        return RedirectResponse(f"{CATALOGUE}/{entry.id}?done=created", status_code=303)


def _entry_routes(router: APIRouter, services: WebServices) -> None:
    """One entry, adding a version to it, publishing a version."""

    @router.get(f"{CATALOGUE}/{{entry_id}}", response_class=HTMLResponse)
    @for_staff
    def entry_view(
        request: Request, account: Account, entry_id: str, version: int = 0, done: str = ""
    ) -> Response:
        try:
            entry = get_entry(account.principal(), entry_id, uow=services.uow)
        except NotFound:
            return _missing(request, account)
        return entry_page(request, services, entry, number=version or None, done=done)

    @router.post(f"{CATALOGUE}/{{entry_id}}/versions", response_class=HTMLResponse)
    @for_staff
    async def version_submitted(request: Request, account: Account, entry_id: str) -> Response:
        principal = account.principal()
        try:
            entry = get_entry(principal, entry_id, uow=services.uow)
        except NotFound:
            return _missing(request, account)
        form = await read_form(request)
        try:
            text = await description_text(form)
            added = await run_in_threadpool(
                lambda: add_version(principal, entry.id, description=text, **writes(services))
            )
        except DescriptionError as refused:
            return entry_page(request, services, entry, given=refused.given, status_code=422)
        except PermissionDenied as exc:
            return entry_page(request, services, entry, status_code=403, error=str(exc))
        except MicrocredError as exc:
            return entry_page(request, services, entry, given=refusal(exc, text), status_code=422)
        return RedirectResponse(
            f"{CATALOGUE}/{entry.id}?version={added.version}&done=added", status_code=303
        )

    @router.post(f"{CATALOGUE}/versions/{{version_id}}/publish", response_class=HTMLResponse)
    @for_staff
    async def publish_submitted(request: Request, account: Account, version_id: str) -> Response:
        principal = account.principal()
        form = await request.form()
        check_csrf(request, form)
        try:
            version = get_version(principal, version_id, uow=services.uow)
            entry = get_entry(principal, version.entry_id, uow=services.uow)
        except NotFound:
            return _missing(request, account)
        try:
            await run_in_threadpool(
                lambda: publish_version(principal, version.id, **writes(services))
            )
        except (PermissionDenied, MicrocredError) as exc:
            return entry_page(
                request, services, entry, number=version.version, status_code=403, error=str(exc)
            )
        return RedirectResponse(
            f"{CATALOGUE}/{entry.id}?version={version.version}&done=published", status_code=303
        )


def _missing(request: Request, account: Any) -> HTMLResponse:
    return render(
        request,
        "dashboard/missing.html",
        status_code=404,
        staff=account,
        message=N_("There is no such micro-credential in your organisation's catalogue."),
        back=(CATALOGUE, N_("Back to the catalogue")),
    )
