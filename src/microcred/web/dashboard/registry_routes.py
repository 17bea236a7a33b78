"""The trust registry in the web UI (issue 5, "Trusted providers"; docs/trust-registry.md).

Administration, for platform administrators only (an owner of one of the organisations of the
setting ``admin_orgs``, :func:`microcred.service.registry.require_admin`); anyone else gets 403
and the dashboard hides the tab:

- ``GET /dashboard/registry``: every entry, the add form, the import form, a link to the
  public signed list;
- ``POST /dashboard/registry`` (add), ``GET|POST /dashboard/registry/{id}`` (edit),
  ``POST /dashboard/registry/{id}/remove``;
- ``POST /dashboard/registry/import``: a JSON or CSV file, all rows or none, every bad row
  listed.

Public: ``GET /registry`` for browsers (:class:`~microcred.web.negotiation.HtmlRoute`; every
other client keeps getting the signed ``TrustedProviderList`` JSON), searchable with ``?q=``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from microcred.core.model.vocabularies import QUALITY_ASSURANCE_TYPES
from microcred.core.trust.registry import FIELDS
from microcred.errors import MicrocredError, SpecValidationError
from microcred.service import registry
from microcred.service.accounts import Account
from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.trust_ports import TrustUnitOfWorkFactory
from microcred.service.trust_records import RegistryEntryRecord
from microcred.web.dashboard.staff import gated, staff, staff_context, to_sign_in
from microcred.web.labels import N_
from microcred.web.negotiation import HtmlRoute
from microcred.web.rendering import render
from microcred.web.services import WebServices
from microcred.web.session import check_csrf

REGISTRY = "/dashboard/registry"
MAX_IMPORT_BYTES = 1024 * 1024
QA_CHOICES = tuple((c.iri, c.label) for c in QUALITY_ASSURANCE_TYPES.concepts)
DONE = {
    "added": N_("The entry was added."),
    "changed": N_("The entry was changed."),
    "removed": N_("The entry was removed."),
}


def trust_uow(services: WebServices) -> TrustUnitOfWorkFactory:
    """The unit of work with the registry repository (the store's implements it)."""
    return cast(TrustUnitOfWorkFactory, services.uow)


def is_registry_admin(services: WebServices, account: Account) -> bool:
    """An owner of a platform administrator organisation."""
    try:
        registry.require_admin(account.principal(), services.admin_orgs)
    except PermissionDenied:
        return False
    return True


def entry_form(entry: RegistryEntryRecord | None) -> dict[str, str]:
    """The form's values for ``entry`` (empty for a new one; dates as ``YYYY-MM-DD``)."""
    if entry is None:
        return {}
    data = entry.provider.to_dict()
    for key in ("valid_from", "valid_until"):
        if key in data:
            data[key] = str(data[key])[:10]
    return {k: str(v) for k, v in data.items()}


def submitted_entry(form: FormData) -> dict[str, Any]:
    """The entry fields of a submitted form (an empty ``valid_until`` is left out)."""
    data = {key: str(form.get(key) or "").strip() for key in FIELDS}
    if not data["valid_until"]:
        del data["valid_until"]
    return data


def matches(entry: RegistryEntryRecord, query: str) -> bool:
    """The public page's search: DID, legal name, country, accrediting body or QA label."""
    wanted = query.strip().lower()
    haystack = " ".join(str(v) for v in entry.provider.to_dict().values()).lower()
    return not wanted or all(word in haystack for word in wanted.split())


@dataclass(frozen=True)
class _Pages:
    """What the administration routes share: the ports, the admin check, the pages."""

    services: WebServices

    @property
    def ports(self) -> dict[str, Any]:
        return {
            "uow": trust_uow(self.services),
            "clock": self.services.clock,
            "rng": self.services.rng,
            "admins": self.services.admin_orgs,
        }

    def admin(self, request: Request) -> Account | Response:
        account = staff(request)
        if account is None:
            return to_sign_in()
        if not is_registry_admin(self.services, account):
            return render(
                request,
                "dashboard/registry_denied.html",
                status_code=403,
                **staff_context(account),
            )
        return account

    @property
    def admin_only(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """The decorator of the administration routes: :meth:`admin` lets the account in."""
        return gated(self.admin)

    def page(
        self, request: Request, account: Account, *, status_code: int = 200, **context: Any
    ) -> Response:
        return render(
            request,
            "dashboard/registry.html",
            status_code=status_code,
            staff=account,
            may_issue=True,
            entries=registry.list_entries(uow=trust_uow(self.services)),
            qa_choices=QA_CHOICES,
            **{
                "form": {},
                "problems": (),
                "import_problems": (),
                "done": None,
                "imported": None,
                **context,
            },
        )

    def edit_page(
        self, request: Request, account: Account, entry: RegistryEntryRecord, **context: Any
    ) -> Response:
        return render(
            request,
            "dashboard/registry_entry.html",
            staff=account,
            may_issue=True,
            entry=entry,
            qa_choices=QA_CHOICES,
            **{"form": entry_form(entry), "problems": (), **context},
        )

    def entry_of(self, entry_id: str) -> RegistryEntryRecord | None:
        entries = registry.list_entries(uow=trust_uow(self.services))
        return next((e for e in entries if e.id == entry_id), None)

    def missing(self, request: Request, account: Account) -> Response:
        return render(request, "dashboard/missing.html", status_code=404, staff=account)


def registry_routes(router: APIRouter, services: WebServices) -> None:
    """The administration pages on the dashboard's ``router``."""
    pages = _Pages(services)
    _list_routes(router, pages)
    _entry_routes(router, pages)


def _list_routes(router: APIRouter, pages: _Pages) -> None:
    @router.get(REGISTRY, response_class=HTMLResponse)
    @pages.admin_only
    def registry_page(request: Request, account: Account, done: str = "") -> Response:
        return pages.page(request, account, done=DONE.get(done))

    @router.post(REGISTRY, response_class=HTMLResponse)
    @pages.admin_only
    async def add_submitted(request: Request, account: Account) -> Response:
        form = await request.form()
        check_csrf(request, form)
        data = submitted_entry(form)
        try:
            registry.add_entry(account.principal(), data, **pages.ports)
        except SpecValidationError as exc:
            return pages.page(request, account, status_code=422, form=data, problems=exc.problems)
        return RedirectResponse(f"{REGISTRY}?done=added", status_code=303)

    @router.post(f"{REGISTRY}/import", response_class=HTMLResponse)
    @pages.admin_only
    async def import_submitted(request: Request, account: Account) -> Response:
        form = await request.form(max_part_size=MAX_IMPORT_BYTES + 1024)
        check_csrf(request, form)
        upload = form.get("file")
        data = await upload.read(MAX_IMPORT_BYTES + 1) if isinstance(upload, UploadFile) else b""
        name = upload.filename or "" if isinstance(upload, UploadFile) else ""
        try:
            if not data:
                raise SpecValidationError(["registry file: choose a JSON or CSV file"])
            if len(data) > MAX_IMPORT_BYTES:
                raise SpecValidationError(["registry file: larger than 1 MB"])
            added, skipped = registry.import_entries(
                account.principal(), data, name=name, **pages.ports
            )
        except SpecValidationError as exc:
            return pages.page(request, account, status_code=422, import_problems=exc.problems)
        except MicrocredError as exc:
            return pages.page(request, account, status_code=422, import_problems=(str(exc),))
        return pages.page(request, account, imported=(len(added), skipped))


def _entry_routes(router: APIRouter, pages: _Pages) -> None:
    @router.get(REGISTRY + "/{entry_id}", response_class=HTMLResponse)
    @pages.admin_only
    def edit_form(request: Request, account: Account, entry_id: str) -> Response:
        entry = pages.entry_of(entry_id)
        if entry is None:
            return pages.missing(request, account)
        return pages.edit_page(request, account, entry)

    @router.post(REGISTRY + "/{entry_id}", response_class=HTMLResponse)
    @pages.admin_only
    async def edit_submitted(request: Request, account: Account, entry_id: str) -> Response:
        form = await request.form()
        check_csrf(request, form)
        data = submitted_entry(form)
        try:
            registry.replace_entry(account.principal(), entry_id, data, **pages.ports)
        except NotFound:
            return pages.missing(request, account)
        except SpecValidationError as exc:
            entry = pages.entry_of(entry_id)
            assert entry is not None
            return pages.edit_page(request, account, entry, form=data, problems=exc.problems)
        return RedirectResponse(f"{REGISTRY}?done=changed", status_code=303)

    @router.post(REGISTRY + "/{entry_id}/remove", response_class=HTMLResponse)
    @pages.admin_only
    async def remove_submitted(request: Request, account: Account, entry_id: str) -> Response:
        form = await request.form()
        check_csrf(request, form)
        try:
            registry.remove_entry(account.principal(), entry_id, **pages.ports)
        except NotFound:
            return pages.missing(request, account)
        return RedirectResponse(f"{REGISTRY}?done=removed", status_code=303)


def public_registry_router(services: WebServices) -> APIRouter:
    """``GET /registry`` for browsers: the trusted providers, searchable."""
    router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

    @router.get("/registry", response_class=HTMLResponse)
    def public_registry(request: Request, q: str = "") -> Response:
        query = q[:200]
        entries = registry.list_entries(uow=trust_uow(services))
        shown = [e for e in entries if matches(e, query)]
        return render(request, "registry.html", entries=shown, total=len(entries), q=query)

    return router
