"""The catalogue pages (issue 3, "Catalogue": a public catalogue anyone can browse and search).

- ``GET /``: redirects to the catalogue;
- ``GET /catalogue``: the search form (text, provider, EQF level, ECTS range, language, form of
  participation, ESCO skill) and one page of results;
- ``GET /catalogue/{version_id}``: every Annex I element of one published micro-credential, with
  links to its OB 3.0 ``Achievement`` JSON; an unknown or unpublished version is a 404 page.

The catalogue pages answer only requests that want HTML (:mod:`microcred.web.negotiation`); the
JSON API answers the rest at the same URLs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from microcred.core.i18n import Translator
from microcred.core.model.vocabularies import PARTICIPATION_FORMS
from microcred.service.catalogue import micro_credential_of, public_version, search_catalogue
from microcred.service.errors import NotFound
from microcred.service.organisations import list_organisations
from microcred.service.ports import UnitOfWorkFactory
from microcred.service.records import CatalogueVersion, Organisation
from microcred.service.urls import achievement_url
from microcred.web import presenters
from microcred.web.names import LANGUAGES, country_name
from microcred.web.negotiation import HtmlRoute
from microcred.web.rendering import content_languages, page_translator, render
from microcred.web.search_form import FIELDS, SearchForm, read_search
from microcred.web.services import PAGE_SIZE


@dataclass(frozen=True)
class Option:
    """One choice of a ``<select>``."""

    value: str
    label: str
    selected: bool = False
    lang: str | None = None


def _options(
    form: SearchForm, providers: Sequence[Organisation], t: Translator
) -> dict[str, list[Option]]:
    values = form.values
    try:
        participation = PARTICIPATION_FORMS.resolve(values["participation"])
    except ValueError:
        participation = None
    return {
        "organisation": [
            Option(o.id, o.legal_name, o.id == values["organisation"]) for o in providers
        ],
        "eqf_level": [
            Option(
                str(n),
                t.gettext("Level %(level)s") % {"level": n},
                str(n) == values["eqf_level"],
            )
            for n in range(1, 9)
        ],
        "language": [
            Option(code, name, code == values["language"].lower(), lang=code)
            for code, name in sorted(LANGUAGES.items())
        ],
        "participation": [
            Option(c.alias, t.gettext(c.label), c.iri == participation)
            for c in PARTICIPATION_FORMS.concepts
        ],
    }


def _page_url(path: str, values: Mapping[str, str], page: int) -> str:
    params = [(name, values[name]) for name in FIELDS if values.get(name)]
    if page > 1:
        params.append(("page", str(page)))
    return f"{path}?{urlencode(params)}" if params else path


def _provider(version: CatalogueVersion, providers: Mapping[str, Organisation]) -> str:
    found = providers.get(version.organisation_id)
    return found.legal_name if found else ""


def web_router(
    *, uow: UnitOfWorkFactory, base_url: str | None, page_size: int = PAGE_SIZE
) -> APIRouter:
    """The pages, reading the catalogue through ``uow``; ``base_url`` makes the Achievement ids
    shown; ``page_size`` results per page (1-199)."""
    if not 1 <= page_size < 200:
        raise ValueError("page_size must be 1-199")
    router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

    def providers() -> dict[str, Organisation]:
        return {o.id: o for o in list_organisations(uow=uow)}

    @router.get("/", response_class=RedirectResponse)
    def home() -> RedirectResponse:
        """The site's front door for browsers: the public catalogue."""
        return RedirectResponse("/catalogue", status_code=303)

    @router.get("/catalogue", response_class=HTMLResponse)
    def catalogue_page(request: Request) -> HTMLResponse:
        languages = content_languages(request)
        t = page_translator(request)
        form = read_search(request.query_params, t)
        known = providers()
        rows: list[CatalogueVersion] = []
        if not form.errors:
            rows = search_catalogue(
                form.query, uow=uow, limit=page_size + 1, offset=(form.page - 1) * page_size
            )
        cards = [
            presenters.card(
                micro_credential_of(v), v, provider=_provider(v, known), languages=languages, t=t
            )
            for v in rows[:page_size]
        ]
        path = request.url.path
        return render(
            request,
            "catalogue.html",
            status_code=422 if form.errors else 200,
            form=form,
            options=_options(
                form,
                sorted(known.values(), key=lambda o: o.legal_name.casefold()),
                t,
            ),
            cards=cards,
            first=(form.page - 1) * page_size + 1,
            prev_url=_page_url(path, form.values, form.page - 1) if form.page > 1 else None,
            next_url=_page_url(path, form.values, form.page + 1) if len(rows) > page_size else None,
        )

    @router.get("/catalogue/{version_id}", response_class=HTMLResponse)
    def credential_page(version_id: str, request: Request) -> HTMLResponse:
        try:
            version = public_version(version_id, uow=uow)
        except NotFound:
            return render(request, "not_found.html", status_code=404, wanted=version_id)
        languages = content_languages(request)
        publisher = providers().get(version.organisation_id)
        return render(
            request,
            "credential.html",
            mc=presenters.detail(
                micro_credential_of(version),
                version,
                provider=publisher.legal_name if publisher else "",
                languages=languages,
                t=page_translator(request),
            ),
            publisher_country=country_name(publisher.country) if publisher else None,
            publisher_url=presenters.web_link(publisher.url) if publisher else None,
            achievement_href=f"/achievements/{version.id}",
            achievement_id=achievement_url(base_url, version.id),
            json_href=f"/catalogue/{version.id}?format=json",
        )

    return router
