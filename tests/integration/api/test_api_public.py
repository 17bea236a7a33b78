"""Public routes: contexts, health, DID documents, catalogue, credentials by id, status lists,
OpenAPI."""

from __future__ import annotations

import json
from typing import Any

from api_support import ApiEnv, build_env

from microcred.core.jsonld.loader import bundled_contexts

LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}


def _award(env: ApiEnv, owner: dict[str, str], version_id: str) -> dict[str, Any]:
    answer = env.client.post(
        "/api/v1/awards", json={"version_id": version_id, "learner": LEARNER}, headers=owner
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_healthz(env: ApiEnv) -> None:
    assert env.client.get("/healthz").json() == {"status": "ok"}


def test_contexts_are_served_byte_for_byte_with_etag(env: ApiEnv) -> None:
    own = env.client.get("/contexts/microcred/v1")
    assert own.status_code == 200
    assert own.headers["content-type"] == "application/ld+json"
    assert own.content == bundled_contexts()["https://w3id.org/microcred/v1"]
    v2 = env.client.get("/contexts/www.w3.org/ns/credentials/v2")
    assert v2.content == bundled_contexts()["https://www.w3.org/ns/credentials/v2"]
    cached = env.client.get(
        "/contexts/microcred/v1", headers={"If-None-Match": own.headers["etag"]}
    )
    assert cached.status_code == 304
    missing = env.client.get("/contexts/evil.example/ctx")
    assert missing.status_code == 404 and missing.json()["type"].endswith("NOT_FOUND")


def test_did_web_document_lists_every_key(env: ApiEnv, owner: dict[str, str]) -> None:
    slug = env.organisation("Atlantic Technological University")[0]
    first = env.client.get(f"/orgs/{slug}/did.json")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/did+json")
    document = first.json()
    assert document["id"] == f"did:web:issuer.example:orgs:{slug}"
    assert len(document["verificationMethod"]) == 1
    assert env.client.get("/orgs/nobody/did.json").status_code == 404


def test_no_did_web_without_an_https_base_url() -> None:
    env = build_env(base_url=None)
    slug = env.organisation()[0]
    assert env.client.get(f"/orgs/{slug}/did.json").status_code == 404


def test_public_catalogue_search_and_achievement(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    everything = env.client.get("/catalogue").json()
    assert [i["id"] for i in everything["items"]] == [published["id"]]
    item = everything["items"][0]
    assert item["achievement"] == f"https://issuer.example/achievements/{published['id']}"
    assert env.client.get("/catalogue?eqf_level=8").json()["items"] == []
    assert env.client.get("/catalogue?q=zzzz-nothing").json()["items"] == []
    assert env.client.get("/catalogue?eqf_level=12").status_code == 422
    one = env.client.get(f"/catalogue/{published['id']}")
    assert one.status_code == 200 and one.json()["description"] == published["description"]
    achievement = env.client.get(f"/achievements/{published['id']}")
    assert achievement.status_code == 200
    assert "Achievement" in achievement.json()["type"]
    assert env.client.get("/catalogue/unknown").status_code == 404


def test_unpublished_versions_are_not_public(env: ApiEnv, owner: dict[str, str]) -> None:
    from api_support import DESCRIPTION

    created = env.client.post(
        "/api/v1/catalogue/entries", json={"description": DESCRIPTION}, headers=owner
    ).json()
    assert env.client.get(f"/catalogue/{created['version']['id']}").status_code == 404
    assert env.client.get("/catalogue").json()["items"] == []


def test_credential_by_id_is_the_exact_stored_text(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    award = _award(env, owner, published["id"])
    stored = env.store.tables.awards[award["id"]].credential
    for accept, media in (
        ("application/json", "application/json"),
        ("application/vc+ld+json", "application/vc+ld+json"),
        ("*/*", "application/json"),
    ):
        answer = env.client.get(f"/credentials/{award['id']}", headers={"Accept": accept})
        assert answer.status_code == 200
        assert answer.headers["content-type"] == media
        assert answer.text == stored
    page = env.client.get(
        f"/credentials/{award['id']}", headers={"Accept": "text/html,application/xhtml+xml"}
    )
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>" in page.text and "&quot;" in page.text
    assert env.client.get("/credentials/nope").status_code == 404


def test_status_list_is_signed_cached_and_changes_with_revocation(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    award = _award(env, owner, published["id"])
    entry = award["credential"]["credentialStatus"]
    url = entry["statusListCredential"]
    assert url.startswith("https://issuer.example/status/")
    path = url.removeprefix("https://issuer.example")
    first = env.client.get(path)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=60"
    listed = json.loads(first.text)
    assert "BitstringStatusListCredential" in listed["type"] and listed["proof"]
    again = env.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    env.client.post(f"/api/v1/awards/{award['id']}/revoke", headers=owner)
    changed = env.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    assert env.client.get("/status/unknown").status_code == 404


def test_openapi_documents_every_route_with_tags(env: ApiEnv) -> None:
    schema = env.client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/credentials/verify",
        "/presentations/verify",
        "/credentials/status",
        "/api/v1/awards",
        "/api/v1/bulk-jobs",
        "/catalogue",
        "/status/{list_id}",
    ):
        assert path in paths, path
    tags = {t for item in paths.values() for op in item.values() for t in op.get("tags", [])}
    assert {"VC API", "Catalogue", "Awards", "Public", "Bulk issuance"} <= tags
    assert "Problem" in schema["components"]["schemas"]
    assert "ApiKey" in schema["components"]["securitySchemes"]
    assert env.client.get("/docs").status_code == 200
