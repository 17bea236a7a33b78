"""The pages' static files (stylesheet, the few scripts), served from ``microcred/web/static``.

Only files shipped in the package are served, by exact name, with their media type; scripts are
files so the Content Security Policy can keep ``script-src 'self'``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Response
from fastapi.routing import APIRoute

ASSETS_PREFIX = "/assets"
STYLESHEET_PATH = f"{ASSETS_PREFIX}/site.css"
MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


@cache
def _assets() -> dict[str, tuple[bytes, str]]:
    """Every shipped static file by name: (content, media type)."""
    found: dict[str, tuple[bytes, str]] = {}
    for item in (files("microcred.web") / "static").iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1]
        if item.is_file() and suffix in MEDIA_TYPES:
            found[item.name] = (item.read_bytes(), MEDIA_TYPES[suffix])
    return found


def asset(name: str) -> Response:
    """One static file, or 404."""
    found = _assets().get(name)
    if found is None:
        return Response(b"not found", status_code=404, media_type="text/plain")
    content, media_type = found
    return Response(
        content,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


def assets_router() -> APIRouter:
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    router.add_api_route(f"{ASSETS_PREFIX}/{{name}}", asset, methods=["GET"])
    return router
