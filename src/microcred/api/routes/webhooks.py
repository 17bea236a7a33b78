"""Platform API: the organisation's webhooks (owner role) and their deliveries.

A webhook's signing secret is returned once, by the request that registers it or rotates it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, Field

from microcred.api.dependencies import Caller, Services
from microcred.api.pagination import Page, PageParams, page_params, paginate
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.service import webhooks
from microcred.service.events import EVENTS
from microcred.service.records import DeliveryRecord, DeliveryStatus, WebhookRecord

router = APIRouter(prefix="/api/v1", tags=["Webhooks"], responses=PROBLEM_RESPONSES)

_EVENTS = ", ".join(f"`{e}`" for e in EVENTS)


class WebhookIn(BaseModel):
    url: str = Field(
        max_length=webhooks.MAX_URL_CHARS,
        description="Where events are POSTed: an https URL on a public address.",
        examples=["https://sis.example.edu/hooks/microcred"],
    )
    events: list[str] | None = Field(
        default=None, description=f"The events to send ({_EVENTS}); all when omitted."
    )
    label: str = Field(default="", max_length=webhooks.MAX_LABEL_CHARS)


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    label: str
    active: bool
    created_at: datetime


class WebhookWithSecret(BaseModel):
    webhook: WebhookOut
    secret: str = Field(
        description="The signing secret `whsec_<base64>`, shown this once: the HMAC-SHA256 key "
        "is its base64 part, decoded."
    )


class DeliveryOut(BaseModel):
    id: str = Field(description="Also the `webhook-id` header and the body's `id`.")
    webhook_id: str
    event: str
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    payload: dict[str, Any] = Field(description="The body sent (ids only).")


def webhook_out(webhook: WebhookRecord) -> WebhookOut:
    return WebhookOut(
        id=webhook.id,
        url=webhook.url,
        events=list(webhook.events),
        label=webhook.label,
        active=webhook.active,
        created_at=webhook.created_at,
    )


def delivery_out(delivery: DeliveryRecord) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        webhook_id=delivery.webhook_id,
        event=delivery.event,
        status=delivery.status,
        attempts=delivery.attempts,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        payload=json.loads(delivery.payload),
    )


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, summary="Register a webhook")
def register_webhook(
    body: WebhookIn, caller: Caller, container: Services, response: Response
) -> WebhookWithSecret:
    """A new webhook (owner role). The URL is checked by the outbound guard (https, a public
    address) and refused with a 422 naming it otherwise. The signing `secret` is shown this once.
    """
    record, secret = webhooks.register_webhook(
        caller,
        body.url,
        body.events,
        label=body.label,
        uow=container.uow,
        cipher=container.cipher,
        clock=container.clock,
        rng=container.rng,
        url_refusal=container.webhook_url_refusal,
    )
    response.headers["Location"] = f"/api/v1/webhooks/{record.id}"
    return WebhookWithSecret(webhook=webhook_out(record), secret=secret)


@router.get("/webhooks", summary="List webhooks")
def list_webhooks(caller: Caller, container: Services) -> list[WebhookOut]:
    """Every webhook of the organisation, deactivated ones included, never secrets (owner)."""
    return [webhook_out(w) for w in webhooks.list_webhooks(caller, uow=container.uow)]


@router.get("/webhooks/{webhook_id}", summary="A webhook")
def get_webhook(webhook_id: str, caller: Caller, container: Services) -> WebhookOut:
    """One webhook (owner role)."""
    return webhook_out(webhooks.get_webhook(caller, webhook_id, uow=container.uow))


@router.delete("/webhooks/{webhook_id}", summary="Deactivate a webhook")
def delete_webhook(webhook_id: str, caller: Caller, container: Services) -> WebhookOut:
    """No more deliveries; pending ones are cancelled; the delivery history stays (owner)."""
    record = webhooks.deactivate_webhook(
        caller, webhook_id, uow=container.uow, clock=container.clock, rng=container.rng
    )
    return webhook_out(record)


@router.post("/webhooks/{webhook_id}/rotate-secret", summary="Rotate a webhook's secret")
def rotate_secret(webhook_id: str, caller: Caller, container: Services) -> WebhookWithSecret:
    """A new signing secret, shown this once; every later attempt is signed with it (owner)."""
    record, secret = webhooks.rotate_webhook_secret(
        caller,
        webhook_id,
        uow=container.uow,
        cipher=container.cipher,
        clock=container.clock,
        rng=container.rng,
    )
    return WebhookWithSecret(webhook=webhook_out(record), secret=secret)


@router.get("/webhooks/{webhook_id}/deliveries", summary="A webhook's deliveries")
def list_deliveries(
    *,
    webhook_id: str,
    caller: Caller,
    container: Services,
    page: Annotated[PageParams, Depends(page_params)],
    request: Request,
    response: Response,
) -> Page[DeliveryOut]:
    """Newest first, with their status, attempts and last error (owner role)."""
    return paginate(
        lambda limit, offset: webhooks.list_deliveries(
            caller, webhook_id, uow=container.uow, limit=limit, offset=offset
        ),
        delivery_out,
        page,
        request,
        response,
    )
