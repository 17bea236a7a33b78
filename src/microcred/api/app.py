"""The FastAPI application factory: routes, problem details, limits, OpenAPI metadata.

``create_app(services)`` is all the composition root calls; OpenAPI is served at
``/openapi.json`` with interactive docs at ``/docs``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from microcred.api import problems
from microcred.api.dependencies import ApiServices
from microcred.api.routes import (
    awards,
    bulk,
    catalogue,
    credentials,
    elm,
    exports,
    organisation,
    public,
    recognition,
    registry,
    stacking,
    users,
    vc_api,
    verify,
    webhooks,
)

API_VERSION = "1.0.0"
MAX_JSON_BYTES = 4 * 1024 * 1024
"""Largest request body outside bulk uploads (a credential or presentation is far smaller)."""

TAGS: list[dict[str, Any]] = [
    {
        "name": "VC API",
        "description": "W3C VC API (VCALM) issuer and verifier routes, as the W3C test suites "
        "call them: issue (API key), verify credentials and presentations (public), set status "
        "(API key).",
    },
    {"name": "Catalogue", "description": "The organisation's micro-credential descriptions."},
    {"name": "Awards", "description": "Issue awards; revoke, suspend and unsuspend them."},
    {"name": "Bulk issuance", "description": "Issue from a CSV/XLSX file, with a per-row report."},
    {"name": "Keys", "description": "The organisation's Ed25519 signing keys (public halves)."},
    {"name": "API keys", "description": "Keys for systems; the secret is shown once."},
    {"name": "Audit", "description": "Who issued, revoked or changed what."},
    {"name": "Users", "description": "The organisation's people and their roles."},
    {
        "name": "Webhooks",
        "description": "Events (`award.issued`, `award.revoked`, `award.suspended`, "
        "`award.unsuspended`, `bulk.finished`) POSTed to the organisation's URLs, signed "
        "Standard Webhooks style (`webhook-id`, `webhook-timestamp`, `webhook-signature: "
        "v1,<base64 HMAC-SHA256 of id.timestamp.body>`), retried with back-off.",
    },
    {
        "name": "Public",
        "description": "Credentials by id, DID documents, status lists, catalogue, contexts.",
    },
    {"name": "Operations", "description": "Health."},
]

DESCRIPTION = """\
Issue, publish and verify EU micro-credentials as W3C Verifiable Credentials 2.0 /
Open Badges 3.0.

* **Authentication**: platform routes and VC API issue/status need an organisation's API key,
  `Authorization: Bearer mc_<prefix>_<secret>`.
* **Errors** are RFC 9457 problem details (`application/problem+json`); validation errors list
  each field as a JSON Pointer in `errors[].pointer`.
* **Lists** are paginated with `limit`/`offset`; the next and previous pages are in the body
  (`next`, `prev`) and in the `Link` header.
"""


EXEMPT_PREFIXES = ("/api/v1/bulk-jobs", "/verify", "/dashboard/", "/wallet/import")
"""Paths with their own body limits: the bulk API (checked by the route) and the web pages
that take uploads (``microcred.web.uploads.UploadLimit`` answers them with an HTML page)."""


class BodyLimit:
    """Refuse request bodies over a limit by ``Content-Length`` before reading them (413);
    bulk uploads have their own limit, checked by the route."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, exempt_prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not str(scope.get("path", "")).startswith(self.exempt):
            for name, value in scope.get("headers", []):
                if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                    response = problems.problem(
                        413,
                        "Content Too Large",
                        f"the request body is {int(value):,} bytes; the limit is "
                        f"{self.max_bytes:,} bytes",
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def create_app(services: ApiServices) -> FastAPI:
    """The microcred HTTP API over ``services`` (built by the composition root)."""
    app = FastAPI(
        title="microcred",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,
    )
    app.state.services = services
    problems.install(app)
    for module in (vc_api, verify, credentials, public, catalogue, awards, bulk, organisation):
        app.include_router(module.router)
    app.include_router(webhooks.router)
    app.include_router(users.router)
    app.include_router(exports.router)
    app.include_router(elm.router)
    for trust_module in (registry, stacking, recognition):
        app.include_router(trust_module.router)
    app.add_middleware(BodyLimit, max_bytes=MAX_JSON_BYTES, exempt_prefixes=EXEMPT_PREFIXES)
    _add_problem_schema(app)
    return app


def _add_problem_schema(app: FastAPI) -> None:
    """Declare the ``Problem`` schema the error responses refer to."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = {
            "type": "object",
            "description": "RFC 9457 problem details",
            "properties": {
                "type": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "pointer": {"type": "string", "description": "RFC 6901 pointer"},
                            "detail": {"type": "string"},
                        },
                    },
                },
            },
            "required": ["type", "title", "status"],
        }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
