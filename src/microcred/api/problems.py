"""Every error as an RFC 9457 problem details document (``application/problem+json``).

Microcred's exceptions carry their problem ``type`` URL; the HTTP status follows the class:
401 unauthenticated, 403 permission denied, 404 not found, 409 conflict, 400 unreadable input,
422 input that is readable but unusable (EU Annex I rules, JSON-LD, proofs). Request validation
errors name each offending field as a JSON Pointer (RFC 6901) in ``errors[].pointer``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from microcred.errors import (
    MICROCRED,
    DocumentParseError,
    InvalidInputError,
    JsonLdError,
    MicrocredError,
    ProofError,
    ResolutionError,
    SpecValidationError,
    StatusError,
)
from microcred.service.errors import Conflict, NotFound, PermissionDenied, Unauthenticated

PROBLEM_JSON = "application/problem+json"
VALIDATION_ERROR = MICROCRED + "VALIDATION_ERROR"
INTERNAL_ERROR = MICROCRED + "INTERNAL_ERROR"

_STATUS: tuple[tuple[type[MicrocredError], int, str], ...] = (
    (Unauthenticated, 401, "Authentication required"),
    (PermissionDenied, 403, "Permission denied"),
    (NotFound, 404, "Not found"),
    (Conflict, 409, "Conflict"),
    (DocumentParseError, 400, "Unreadable input"),
    (SpecValidationError, 422, "Invalid micro-credential description"),
    (InvalidInputError, 422, "Invalid input"),
    (JsonLdError, 422, "JSON-LD processing failed"),
    (ProofError, 422, "Proof error"),
    (ResolutionError, 422, "Resolution failed"),
    (StatusError, 422, "Status list error"),
)
_log = logging.getLogger(__name__)


class ProblemResponse(JSONResponse):
    """A JSON response with the RFC 9457 media type."""

    media_type = PROBLEM_JSON


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> ProblemResponse:
    """A problem details response; ``extensions`` become extra members."""
    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    if instance is not None:
        body["instance"] = instance
    body.update(extensions)
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


def status_of(exc: MicrocredError) -> tuple[int, str]:
    """HTTP status and title for a microcred exception (400 for an unlisted one)."""
    for cls, status, title in _STATUS:
        if isinstance(exc, cls):
            return status, title
    return 400, "Request failed"


def json_pointer(location: Sequence[str | int]) -> str:
    """RFC 6901 pointer of a FastAPI error location (``("body", "a", 0)`` -> ``/a/0``)."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    escaped = [str(p).replace("~", "~0").replace("/", "~1") for p in parts]
    return "/" + "/".join(escaped) if escaped else ""


def microcred_problem(exc: MicrocredError, request: Request) -> ProblemResponse:
    status, title = status_of(exc)
    extensions: dict[str, Any] = {}
    if isinstance(exc, SpecValidationError):
        extensions["errors"] = [{"detail": p} for p in exc.problems]
    headers = {"WWW-Authenticate": 'Bearer realm="microcred"'} if status == 401 else None
    return problem(
        status,
        title,
        str(exc),
        type_=type(exc).problem_type,
        instance=request.url.path,
        headers=headers,
        **extensions,
    )


def _validation_problem(request: Request, exc: RequestValidationError) -> ProblemResponse:
    errors = []
    for error in exc.errors():
        location = [p for p in error.get("loc", ()) if isinstance(p, (str, int))]
        where = location[0] if location and location[0] != "body" else "body"
        errors.append(
            {
                "pointer": json_pointer(location),
                "in": where,
                "detail": str(error.get("msg", "invalid")),
            }
        )
    first = errors[0] if errors else {"pointer": "", "detail": "invalid request"}
    detail = f"{first['pointer'] or 'the request'}: {first['detail']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem(
        422,
        "Invalid request",
        detail,
        type_=VALIDATION_ERROR,
        instance=request.url.path,
        errors=errors,
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem details."""

    async def on_microcred(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, MicrocredError)
        return microcred_problem(exc, request)

    async def on_validation(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation_problem(request, exc)

    async def on_http(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        return problem(
            exc.status_code,
            _reason(exc.status_code),
            str(exc.detail),
            instance=request.url.path,
            headers=headers,
        )

    async def on_unexpected(request: Request, exc: Exception) -> ProblemResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(
            500,
            "Internal server error",
            "microcred failed to handle this request; the error is logged",
            type_=INTERNAL_ERROR,
            instance=request.url.path,
        )

    app.add_exception_handler(MicrocredError, on_microcred)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, description in (
        (400, "Unreadable input (problem details)"),
        (401, "Missing or invalid API key (problem details)"),
        (403, "The API key may not do this (problem details)"),
        (404, "Not found (problem details)"),
        (409, "Conflict with the current state (problem details)"),
        (422, "Invalid input; `errors[].pointer` names each field (problem details)"),
    )
}
"""OpenAPI ``responses`` for the problem documents a route can answer with."""
