"""How large a body each page that takes uploads accepts, refused early with a page people can
read (HTTP 413, RFC 9110 §15.5.14) instead of the API's problem+json.

The JSON API refuses bodies over 4 MB (``microcred.api.app.BodyLimit``) and leaves these paths
to this middleware: the verification page takes files up to 5 MB, the wallet import the same,
the dashboard's bulk upload CSV/XLSX files up to :data:`BULK_UPLOAD_BYTES`, and the rest of the
dashboard (catalogue descriptions, forms) up to 1 MB. The limits are on the file; the multipart
envelope gets :data:`ENVELOPE_BYTES` more. Bodies sent without ``Content-Length`` are bounded
by the routes, which read at most the limit.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from microcred.web.rendering import render

MB = 1024 * 1024
VERIFY_UPLOAD_BYTES = 5 * MB
BULK_UPLOAD_BYTES = 50 * MB
FORM_BYTES = 1 * MB
ENVELOPE_BYTES = 64 * 1024
"""Room for the multipart boundaries, headers and the small fields beside the file."""

UPLOAD_LIMITS: tuple[tuple[str, int], ...] = (
    ("/dashboard/bulk", BULK_UPLOAD_BYTES),
    ("/dashboard/", FORM_BYTES),
    ("/verify", VERIFY_UPLOAD_BYTES),
    ("/wallet/import", VERIFY_UPLOAD_BYTES),
)
"""(path prefix, largest file) of the pages that take uploads, first match wins."""
PAGE_PREFIXES = tuple(prefix for prefix, _ in UPLOAD_LIMITS)
"""The paths the JSON API's body limit leaves to :class:`UploadLimit`."""


def upload_limit(path: str) -> int | None:
    """The largest file the page at ``path`` accepts, or None when it takes no uploads."""
    return next((limit for prefix, limit in UPLOAD_LIMITS if path.startswith(prefix)), None)


def megabytes(size: int) -> int:
    return size // MB


class UploadLimit:
    """Answer 413 with an HTML page when ``Content-Length`` is over the page's limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = upload_limit(str(scope.get("path", ""))) if scope["type"] == "http" else None
        if limit is not None:
            for name, value in scope.get("headers", []):
                too_large = value.isdigit() and int(value) > limit + ENVELOPE_BYTES
                if name == b"content-length" and too_large:
                    await self._refuse(scope, receive, send, limit)
                    return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        request = Request(scope, receive)
        response = render(
            request,
            "too_large.html",
            status_code=413,
            size=megabytes(limit),
            back=request.url.path,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
