"""Platform API on the in-memory fakes: auth, catalogue, awards, revocation, keys, audit."""

from __future__ import annotations

from typing import Any

from api_support import DESCRIPTION, ApiEnv, auth

LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}


def issue(env: ApiEnv, owner: dict[str, str], version_id: str, **kw: Any) -> dict[str, Any]:
    answer = env.client.post(
        "/api/v1/awards", json={"version_id": version_id, "learner": LEARNER, **kw}, headers=owner
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_no_or_bad_api_key_is_401_problem(env: ApiEnv) -> None:
    for headers in ({}, auth("mc_nope_nope"), {"Authorization": "Basic abc"}):
        answer = env.client.get("/api/v1/catalogue/entries", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.json()["type"] == "https://w3id.org/microcred/problems#UNAUTHENTICATED"


def test_an_invalid_description_is_422_naming_each_problem(
    env: ApiEnv, owner: dict[str, str]
) -> None:
    answer = env.client.post(
        "/api/v1/catalogue/entries", json={"description": {"id": "x"}}, headers=owner
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"] == "https://w3id.org/microcred/problems#INVALID_MICROCREDENTIAL"
    assert len(problem["errors"]) > 1


def test_a_wrongly_typed_field_is_named_by_pointer(env: ApiEnv, owner: dict[str, str]) -> None:
    answer = env.client.post(
        "/api/v1/awards",
        json={"version_id": "x", "learner": LEARNER, "evidence": [{"id": "a"}, 5]},
        headers=owner,
    )
    assert answer.status_code == 422
    assert [e["pointer"] for e in answer.json()["errors"]] == ["/evidence/1"]


def test_catalogue_versions_and_publishing(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    entry_id = published["entry_id"]
    entries = env.client.get("/api/v1/catalogue/entries", headers=owner).json()
    assert [(e["id"], e["published_version"]) for e in entries] == [(entry_id, 1)]
    added = env.client.post(
        f"/api/v1/catalogue/entries/{entry_id}/versions",
        json={"description": DESCRIPTION},
        headers=owner,
    )
    assert added.status_code == 201 and added.json()["version"] == 2
    versions = env.client.get(f"/api/v1/catalogue/entries/{entry_id}/versions", headers=owner)
    assert [v["version"] for v in versions.json()] == [1, 2]
    taken = env.client.post(
        "/api/v1/catalogue/entries", json={"description": DESCRIPTION}, headers=owner
    )
    assert taken.status_code == 409


def test_issue_verify_revoke_verify(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    award = issue(env, owner, published["id"])
    assert award["state"] == "active" and award["credential"]["proof"]
    verified = env.client.post(
        "/credentials/verify", json={"verifiableCredential": award["credential"]}
    )
    assert verified.status_code == 200, verified.text
    revoked = env.client.post(
        f"/api/v1/awards/{award['id']}/revoke", json={"reason": "plagiarism"}, headers=owner
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    again = env.client.post(
        "/credentials/verify", json={"verifiableCredential": award["credential"]}
    )
    assert again.status_code == 422
    assert any("REVOKED" in e for e in again.json()["errors"])
    assert env.publisher.names() == ["award.issued", "award.revoked"]


def test_suspend_needs_a_suspendable_award(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    plain = issue(env, owner, published["id"])
    refused = env.client.post(f"/api/v1/awards/{plain['id']}/suspend", headers=owner)
    assert refused.status_code == 409
    suspendable = issue(env, owner, published["id"], suspendable=True)
    assert suspendable["suspendable"] is True
    for action, state in (("suspend", "suspended"), ("unsuspend", "active")):
        answer = env.client.post(f"/api/v1/awards/{suspendable['id']}/{action}", headers=owner)
        assert answer.status_code == 200 and answer.json()["state"] == state


def test_award_list_is_paginated_with_link_headers(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    ids = {issue(env, owner, published["id"])["id"] for _ in range(3)}
    first = env.client.get("/api/v1/awards?limit=2", headers=owner)
    assert first.status_code == 200
    page = first.json()
    assert len(page["items"]) == 2 and page["prev"] is None
    assert 'rel="next"' in first.headers["link"]
    second = env.client.get(page["next"], headers=owner).json()
    assert len(second["items"]) == 1 and second["next"] is None and second["prev"]
    assert {a["id"] for a in page["items"] + second["items"]} == ids
    bad = env.client.get("/api/v1/awards?limit=0", headers=owner)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/limit"


def test_bulk_revoke_is_all_or_nothing(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    a, b = (issue(env, owner, published["id"])["id"] for _ in range(2))
    missing = env.client.post(
        "/api/v1/awards/revoke", json={"award_ids": [a, "nope"]}, headers=owner
    )
    assert missing.status_code == 404
    assert env.client.get(f"/api/v1/awards/{a}", headers=owner).json()["state"] == "active"
    done = env.client.post("/api/v1/awards/revoke", json={"award_ids": [a, b]}, headers=owner)
    assert [x["state"] for x in done.json()] == ["revoked", "revoked"]


def test_another_organisation_sees_nothing(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    award = issue(env, owner, published["id"])
    other = auth(env.organisation("Trinity College Dublin")[1])
    assert env.client.get(f"/api/v1/awards/{award['id']}", headers=other).status_code == 404
    revoke = env.client.post(f"/api/v1/awards/{award['id']}/revoke", headers=other)
    assert revoke.status_code == 404
    assert env.client.get("/api/v1/awards", headers=other).json()["items"] == []


def test_api_keys_shown_once_roles_and_revocation(env: ApiEnv, owner: dict[str, str]) -> None:
    created = env.client.post(
        "/api/v1/api-keys", json={"role": "viewer", "label": "dashboard"}, headers=owner
    )
    assert created.status_code == 201
    body = created.json()
    viewer = auth(body["key"])
    listed = env.client.get("/api/v1/api-keys", headers=owner).json()
    assert body["api_key"]["id"] in {k["id"] for k in listed}
    assert all("key" not in k and "secret_hash" not in k for k in listed)
    assert env.client.get("/api/v1/catalogue/entries", headers=viewer).status_code == 200
    forbidden = env.client.post("/api/v1/keys/rotate", headers=viewer)
    assert forbidden.status_code == 403
    assert forbidden.json()["type"].endswith("PERMISSION_DENIED")
    revoked = env.client.delete(f"/api/v1/api-keys/{body['api_key']['id']}", headers=owner)
    assert revoked.json()["revoked_at"] is not None
    assert env.client.get("/api/v1/catalogue/entries", headers=viewer).status_code == 401


def test_key_rotation_keeps_old_keys_listed(env: ApiEnv, owner: dict[str, str]) -> None:
    rotated = env.client.post("/api/v1/keys/rotate", headers=owner)
    assert rotated.status_code == 201
    keys = env.client.get("/api/v1/keys", headers=owner).json()
    assert [k["active"] for k in keys] == [False, True]
    assert all(set(k) >= {"public_key_multibase", "verification_method"} for k in keys)
    assert not any("secret" in name for k in keys for name in k)


def test_audit_log_is_paginated(env: ApiEnv, owner: dict[str, str]) -> None:
    env.client.post("/api/v1/keys/rotate", headers=owner)
    first = env.client.get("/api/v1/audit?limit=2", headers=owner)
    assert first.status_code == 200
    actions = [e["action"] for e in first.json()["items"]]
    assert len(actions) == 2 and "link" in first.headers
    everything = env.client.get("/api/v1/audit?limit=200", headers=owner).json()["items"]
    assert "signing_key.rotated" in {e["action"] for e in everything}


def test_vc_api_status_revokes_and_suspends(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    award = issue(env, owner, published["id"], suspendable=True)
    credential_id = award["credential_id"]

    def set_status(purpose: str, status: bool) -> Any:
        return env.client.post(
            "/credentials/status",
            json={
                "credentialId": credential_id,
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
                "status": status,
            },
            headers=owner,
        )

    suspended = set_status("suspension", True)
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["credentialId"] == credential_id
    assert env.client.get(f"/api/v1/awards/{award['id']}", headers=owner).json()["state"] == (
        "suspended"
    )
    assert set_status("suspension", False).status_code == 200
    assert set_status("revocation", True).status_code == 200
    assert set_status("revocation", False).status_code == 409
    unknown = env.client.post(
        "/credentials/status",
        json={
            "credentialId": "https://elsewhere.example/c/1",
            "credentialStatus": {"statusPurpose": "revocation"},
            "status": True,
        },
        headers=owner,
    )
    assert unknown.status_code == 404
    anonymous = env.client.post("/credentials/status", json={})
    assert anonymous.status_code in (401, 422)
