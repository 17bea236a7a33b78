"""Offset pagination: ``?limit=&offset=`` in, a page with ``next``/``prev`` and an RFC 8288
``Link`` header out. The use case is asked for one item more than the page to learn whether a
next page exists, so no count query is needed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query, Request, Response
from pydantic import BaseModel

T = TypeVar("T")
MAX_LIMIT = 200


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit, offset)


class Page(BaseModel, Generic[T]):
    """One page of a list; ``next`` / ``prev`` are the URLs of the neighbouring pages."""

    items: list[T]
    limit: int
    offset: int
    next: str | None = None
    prev: str | None = None


def paginate(
    fetch: Callable[[int, int], Sequence[Any]],
    convert: Callable[[Any], T],
    params: PageParams,
    request: Request,
    response: Response,
) -> Page[T]:
    """Call ``fetch(limit + 1, offset)``, keep ``limit`` items and set the ``Link`` header."""
    rows = list(fetch(params.limit + 1, params.offset))
    more = len(rows) > params.limit
    items = [convert(r) for r in rows[: params.limit]]
    next_url = (
        str(
            request.url.include_query_params(
                offset=params.offset + params.limit, limit=params.limit
            )
        )
        if more
        else None
    )
    prev_url = (
        str(
            request.url.include_query_params(
                offset=max(0, params.offset - params.limit), limit=params.limit
            )
        )
        if params.offset > 0
        else None
    )
    links = [
        f'<{url}>; rel="{rel}"' for rel, url in (("next", next_url), ("prev", prev_url)) if url
    ]
    if links:
        response.headers["Link"] = ", ".join(links)
    return Page[T](
        items=items, limit=params.limit, offset=params.offset, next=next_url, prev=prev_url
    )
