"""``/api/v1/users``: owners add, re-role and remove people, viewers list them; problems name the
field; another organisation's user is a 404; the last active owner user stays (409)."""

from __future__ import annotations

from typing import Any

from api_support import ApiEnv, auth

PROBLEMS = "https://w3id.org/microcred/problems#"


def add(env: ApiEnv, headers: dict[str, str], email: str, role: str = "owner") -> Any:
    answer = env.client.post(
        "/api/v1/users",
        json={"email": email, "name": "Aoife Murphy", "role": role},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.headers["Location"] == f"/api/v1/users/{answer.json()['id']}"
    return answer.json()


def key_with(env: ApiEnv, owner: dict[str, str], role: str) -> dict[str, str]:
    created = env.client.post("/api/v1/api-keys", json={"role": role, "label": role}, headers=owner)
    assert created.status_code == 201, created.text
    return auth(created.json()["key"])


def test_add_list_change_and_remove(env: ApiEnv, owner: dict[str, str]) -> None:
    boss = add(env, owner, "Aoife.Murphy@Example.IE")
    staff = add(env, owner, "ciaran@example.ie", "viewer")
    assert boss["email"] == "aoife.murphy@example.ie"
    assert boss["role"] == "owner" and boss["removed_at"] is None

    changed = env.client.patch(
        f"/api/v1/users/{staff['id']}", json={"role": "issuer"}, headers=owner
    )
    assert changed.status_code == 200 and changed.json()["role"] == "issuer"
    removed = env.client.delete(f"/api/v1/users/{staff['id']}", headers=owner)
    assert removed.status_code == 200 and removed.json()["removed_at"] is not None

    listed = env.client.get("/api/v1/users", headers=owner).json()
    assert [u["email"] for u in listed] == ["aoife.murphy@example.ie"]
    everyone = env.client.get("/api/v1/users?include_removed=true", headers=owner).json()
    assert [u["role"] for u in everyone] == ["owner", "issuer"]
    one = env.client.get(f"/api/v1/users/{staff['id']}", headers=owner)
    assert one.status_code == 200 and one.json() == removed.json()

    audited = env.client.get("/api/v1/audit", headers=owner).json()["items"]
    assert [e["action"] for e in audited][:4] == [
        "user.removed",
        "user.role_changed",
        "user.added",
        "user.added",
    ]


def test_the_last_active_owner_user_is_a_409(env: ApiEnv, owner: dict[str, str]) -> None:
    boss = add(env, owner, "aoife@example.ie")
    for answer in (
        env.client.delete(f"/api/v1/users/{boss['id']}", headers=owner),
        env.client.patch(f"/api/v1/users/{boss['id']}", json={"role": "viewer"}, headers=owner),
    ):
        assert answer.status_code == 409
        assert answer.headers["content-type"] == "application/problem+json"
        assert "at least one active owner user" in answer.json()["detail"]
    duplicate = env.client.post(
        "/api/v1/users", json={"email": "AOIFE@example.ie", "name": "Again"}, headers=owner
    )
    assert duplicate.status_code == 409


def test_bad_email_and_role_are_422_naming_the_field(env: ApiEnv, owner: dict[str, str]) -> None:
    bad_email = env.client.post(
        "/api/v1/users", json={"email": "not-an-address", "name": "X"}, headers=owner
    )
    assert bad_email.status_code == 422
    assert bad_email.json()["detail"].startswith("email: ")
    bad_role = env.client.post(
        "/api/v1/users", json={"email": "x@example.ie", "name": "X", "role": "admin"}, headers=owner
    )
    assert bad_role.status_code == 422
    assert [e["pointer"] for e in bad_role.json()["errors"]] == ["/role"]
    user = add(env, owner, "x@example.ie", "viewer")
    bad_patch = env.client.patch(
        f"/api/v1/users/{user['id']}", json={"role": "root"}, headers=owner
    )
    assert bad_patch.status_code == 422
    assert env.client.get("/api/v1/users", headers=owner).json() == [user]


def test_viewers_list_but_only_owners_change(env: ApiEnv, owner: dict[str, str]) -> None:
    user = add(env, owner, "aoife@example.ie")
    for role in ("viewer", "issuer"):
        headers = key_with(env, owner, role)
        assert env.client.get("/api/v1/users", headers=headers).json() == [user]
        for answer in (
            env.client.post(
                "/api/v1/users", json={"email": "b@example.ie", "name": "B"}, headers=headers
            ),
            env.client.patch(
                f"/api/v1/users/{user['id']}", json={"role": "viewer"}, headers=headers
            ),
            env.client.delete(f"/api/v1/users/{user['id']}", headers=headers),
        ):
            assert answer.status_code == 403, answer.text
    assert env.client.get("/api/v1/users").status_code == 401


def test_another_organisations_user_is_a_404(env: ApiEnv, owner: dict[str, str]) -> None:
    user = add(env, owner, "aoife@example.ie", "issuer")
    other = auth(env.organisation("Other University")[1])
    assert env.client.get("/api/v1/users", headers=other).json() == []
    for answer in (
        env.client.get(f"/api/v1/users/{user['id']}", headers=other),
        env.client.patch(f"/api/v1/users/{user['id']}", json={"role": "owner"}, headers=other),
        env.client.delete(f"/api/v1/users/{user['id']}", headers=other),
    ):
        assert answer.status_code == 404
        assert answer.json()["type"] == PROBLEMS + "NOT_FOUND"
    assert env.client.get(f"/api/v1/users/{user['id']}", headers=owner).json() == user
