"""The webhook routes on the service's fakes: register (secret once), list, get, deactivate,
rotate, deliveries; problem details; owner role; another organisation's webhook is a 404."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import ApiEnv, auth, build_env
from fastapi.testclient import TestClient

from fakes import ScriptedSender, public_urls_only
from microcred.api.app import create_app
from microcred.service import webhooks

URL = "https://hooks.example.org/microcred"


@dataclasses.dataclass
class Hooks:
    env: ApiEnv
    client: TestClient
    owner: dict[str, str]

    def register(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return self.client.post("/api/v1/webhooks", json=body, headers=headers or self.owner)


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    env = build_env()
    services = dataclasses.replace(env.services, webhook_url_refusal=public_urls_only)
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        yield Hooks(env, client, auth(env.organisation()[1]))


def test_register_list_get_rotate_and_deactivate(hooks: Hooks) -> None:
    created = hooks.register({"url": URL, "events": ["award.issued"], "label": "SIS"})
    assert created.status_code == 201, created.text
    body = created.json()
    hook = body["webhook"]
    assert created.headers["location"] == f"/api/v1/webhooks/{hook['id']}"
    assert hook["events"] == ["award.issued"] and hook["active"] and hook["label"] == "SIS"
    secret = body["secret"]
    assert secret.startswith("whsec_")

    listed = hooks.client.get("/api/v1/webhooks", headers=hooks.owner)
    assert listed.status_code == 200 and [h["id"] for h in listed.json()] == [hook["id"]]
    one = hooks.client.get(f"/api/v1/webhooks/{hook['id']}", headers=hooks.owner)
    assert one.json() == hook
    assert secret not in listed.text + one.text and "secret" not in listed.text

    rotated = hooks.client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=hooks.owner)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"] not in (secret, None)

    gone = hooks.client.delete(f"/api/v1/webhooks/{hook['id']}", headers=hooks.owner)
    assert gone.status_code == 200 and gone.json()["active"] is False
    again = hooks.client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=hooks.owner)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_deliveries_are_listed_with_their_attempts(hooks: Hooks) -> None:
    hook = hooks.register({"url": URL}).json()["webhook"]
    env = hooks.env
    outbox = webhooks.OutboxPublisher(uow=env.store.uow, clock=env.clock, rng=env.services.rng)
    org_id = next(iter(env.store.tables.organisations))
    for n in range(3):
        outbox.publish(org_id, "award.revoked", {"award_id": f"a{n}"})
    webhooks.deliver_due(
        uow=env.store.uow,
        cipher=env.services.cipher,
        clock=env.clock,
        sender=ScriptedSender(500),
        limit=1,
    )
    page = hooks.client.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries?limit=2", headers=hooks.owner
    )
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert len(items) == 2 and page.json()["next"] and 'rel="next"' in page.headers["link"]
    everything = items + hooks.client.get(page.json()["next"], headers=hooks.owner).json()["items"]
    tried = [d for d in everything if d["attempts"]]
    assert len(everything) == 3 and len(tried) == 1
    assert tried[0]["last_status_code"] == 500 and tried[0]["last_error"] == "HTTP 500"
    assert tried[0]["status"] == "pending" and tried[0]["next_attempt_at"]
    assert {d["payload"]["type"] for d in everything} == {"award.revoked"}
    assert all(d["payload"]["id"] == d["id"] for d in everything)


@pytest.mark.parametrize(
    ("body", "pointer_or_text"),
    [
        ({"url": "https://10.0.0.1/hook"}, "url: the webhook URL https://10.0.0.1/hook is refused"),
        ({"url": "http://hooks.example.org/x"}, "http://hooks.example.org/x is refused"),
        ({"url": URL, "events": ["award.deleted"]}, "unknown event 'award.deleted'"),
        ({"events": ["award.issued"]}, "/url"),
        ({"url": URL, "label": "x" * 201}, "/label"),
    ],
)
def test_bad_registrations_are_422_problems(
    hooks: Hooks, body: dict[str, Any], pointer_or_text: str
) -> None:
    answer = hooks.register(body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert pointer_or_text in answer.text
    assert hooks.client.get("/api/v1/webhooks", headers=hooks.owner).json() == []


def test_only_the_owner_of_the_same_organisation(hooks: Hooks) -> None:
    hook = hooks.register({"url": URL}).json()["webhook"]
    other = auth(hooks.env.organisation("Beta Institute")[1])
    for method, path in [
        ("get", f"/api/v1/webhooks/{hook['id']}"),
        ("delete", f"/api/v1/webhooks/{hook['id']}"),
        ("post", f"/api/v1/webhooks/{hook['id']}/rotate-secret"),
        ("get", f"/api/v1/webhooks/{hook['id']}/deliveries"),
    ]:
        answer = hooks.client.request(method, path, headers=other)
        assert answer.status_code == 404, (method, path, answer.text)
    assert hooks.client.get("/api/v1/webhooks", headers=other).json() == []
    assert hooks.client.get("/api/v1/webhooks").status_code == 401
    viewer_key = hooks.client.post(
        "/api/v1/api-keys", json={"role": "viewer", "label": "ro"}, headers=hooks.owner
    ).json()["key"]
    assert hooks.client.get("/api/v1/webhooks", headers=auth(viewer_key)).status_code == 403
    still = hooks.client.get(f"/api/v1/webhooks/{hook['id']}", headers=hooks.owner).json()
    assert still["active"] is True


def test_an_app_without_a_webhook_sender_registers_nothing() -> None:
    env = build_env()
    with env.client:
        answer = env.client.post(
            "/api/v1/webhooks", json={"url": URL}, headers=auth(env.organisation()[1])
        )
    assert answer.status_code == 422 and "no webhook sender" in answer.text


def test_openapi_documents_the_routes(hooks: Hooks) -> None:
    schema = hooks.client.get("/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/webhooks"]) == {"get", "post"}
    assert set(paths["/api/v1/webhooks/{webhook_id}"]) == {"get", "delete"}
    assert "post" in paths["/api/v1/webhooks/{webhook_id}/rotate-secret"]
    assert "get" in paths["/api/v1/webhooks/{webhook_id}/deliveries"]
    assert "422" in paths["/api/v1/webhooks"]["post"]["responses"]
    tag = next(t for t in schema["tags"] if t["name"] == "Webhooks")
    assert "webhook-signature" in tag["description"]
