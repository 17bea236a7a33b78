"""What every dashboard page needs: the signed-in staff account, whether its role may change
things, where to send visitors who are not signed in, and the organisation's published
micro-credentials (for the issue and bulk upload forms)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from microcred.service.accounts import Account
from microcred.service.catalogue import list_entries, list_versions, micro_credential_of
from microcred.service.records import Principal
from microcred.web import presenters
from microcred.web.services import WebServices
from microcred.web.signed_in import signed_in

SIGN_IN = "/dashboard/sign-in"
ROLE_RANK = {"viewer": 0, "issuer": 1, "owner": 2}


def can_issue(account: Account) -> bool:
    """Issuers and owners issue, publish and change awards; viewers only read."""
    return ROLE_RANK.get(account.role or "viewer", 0) >= ROLE_RANK["issuer"]


def staff_context(account: Account) -> dict[str, Any]:
    """What every dashboard page's layout takes: the account, and whether it may change things."""
    return {"staff": account, "may_issue": can_issue(account)}


def staff(request: Request) -> Account | None:
    """The signed-in staff account, or None (nobody, or a learner)."""
    account = signed_in(request)
    return account if account is not None and account.kind == "staff" else None


def to_sign_in() -> RedirectResponse:
    return RedirectResponse(SIGN_IN, status_code=303)


Gate = Callable[[Request], "Account | Response"]
"""Who may see a page: the account, or the response for anyone else."""


def signed_in_staff(request: Request) -> Account | Response:
    """The signed-in staff account, or the redirect to the sign-in page."""
    account = staff(request)
    return to_sign_in() if account is None else account


def gated(gate: Gate = signed_in_staff) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A route handler ``(request, account, ...)`` that runs only for the account ``gate``
    lets in (anyone else gets the gate's response). The route sees the handler's parameters
    without ``account``; sync and async handlers both work."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(handler)
        shown = [p for name, p in signature.parameters.items() if name != "account"]

        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_async(request: Request, *args: Any, **kwargs: Any) -> Any:
                account = gate(request)
                if isinstance(account, Response):
                    return account
                return await handler(request, account, *args, **kwargs)

            wrapper: Callable[..., Any] = run_async
        else:

            @functools.wraps(handler)
            def run(request: Request, *args: Any, **kwargs: Any) -> Any:
                account = gate(request)
                if isinstance(account, Response):
                    return account
                return handler(request, account, *args, **kwargs)

            wrapper = run
        wrapper.__signature__ = signature.replace(parameters=shown)  # type: ignore[attr-defined]
        return wrapper

    return decorate


for_staff = gated()
"""Pages for any signed-in staff account (the sign-in page for anyone else)."""


def writes(services: WebServices) -> dict[str, Any]:
    """The ports every writing use case takes."""
    return {"uow": services.uow, "clock": services.clock, "rng": services.rng}


def published(
    services: WebServices, principal: Principal, languages: Sequence[str]
) -> list[tuple[str, str]]:
    """(version id, title) of every published micro-credential of the organisation."""
    found: list[tuple[str, str]] = []
    for entry in list_entries(principal, uow=services.uow):
        if entry.published_version is None:
            continue
        for version in list_versions(principal, entry.id, uow=services.uow):
            if version.version != entry.published_version:
                continue
            title = presenters.pick(micro_credential_of(version).title, languages)
            found.append((version.id, title.text if title else entry.slug))
    return found
