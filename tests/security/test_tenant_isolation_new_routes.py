"""Tenant isolation on the routes of issues 4 and 5 (brief: "One organisation can never read,
issue as, or revoke for another"; Principal in service/access.py): organisation B's owner gets
404 - never data - for A's award, its ELM export, A's pathway, A's recognition requests and
A's seals; B's staff on the dashboard get 404 for A's award, catalogue entry and status change
(the award is unchanged); a non-administrator cannot delete a registry entry; one learner never
sees, shares, downloads or removes another learner's holding."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import yaml
from api_support import BASE_URL, DESCRIPTION, ApiEnv
from fastapi.testclient import TestClient
from security_support import PASSWORD, browser, csrf, register
from web_support import WebEnv, add_staff

from elm_support import make_seal
from microcred.api.app import create_app
from microcred.config import Settings
from microcred.web.session import SESSION_COOKIE

LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}


def publish(env: ApiEnv, headers: dict[str, str], slug: str, ects: int = 3) -> str:
    data = dict(yaml.safe_load(DESCRIPTION))
    data["id"], data["workload"] = slug, {"ects": ects}
    created = env.client.post(
        "/api/v1/catalogue/entries", json={"description": data}, headers=headers
    )
    assert created.status_code == 201, created.text
    version = str(created.json()["version"]["id"])
    published = env.client.post(f"/api/v1/catalogue/versions/{version}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return version


def issue(env: ApiEnv, headers: dict[str, str], version: str) -> dict[str, Any]:
    answer = env.client.post(
        "/api/v1/awards", json={"version_id": version, "learner": LEARNER}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_another_organisation_gets_404_for_awards_pathways_seals_and_recognitions(
    web: WebEnv,
) -> None:
    env = web.api
    _, a = web.provider("University of Galway")
    _, b = web.provider("Université de Lyon")
    award = issue(env, a, publish(env, a, "part-one"))
    publish(env, a, "stacked", 6)
    pathway = env.client.post(
        "/api/v1/pathways",
        json={"slug": "a-path", "entry": "stacked",
              "rules": {"rules": {"all_of": [{"achievement": "part-one"}]}}},
        headers=a,
    )  # fmt: skip
    assert pathway.status_code == 201, pathway.text
    seal = env.client.post(
        "/api/v1/seals",
        files={"file": ("seal.p12", make_seal().pkcs12(), "application/x-pkcs12")},
        data={"password": "secret"},
        headers=a,
    )
    assert seal.status_code == 201, seal.text
    # A recognition request sent to A by a learner credentialled by B.
    external = issue(env, b, publish(env, b, "leur-module"))["credential"]
    policy = env.client.post(
        "/api/v1/recognition/policies",
        json={"equivalent": "part-one", "issuer": external["issuer"]["id"]},
        headers=a,
    )
    assert policy.status_code == 201, policy.text
    request = env.client.post(
        "/orgs/university-of-galway/recognitions",
        json={"learner": LEARNER, "credential": external},
        headers=b,
    )
    assert request.status_code == 201, request.text

    for method, path, body in [
        ("GET", f"/api/v1/awards/{award['id']}", None),
        ("GET", f"/api/v1/awards/{award['id']}/elm", None),
        ("GET", f"/api/v1/awards/{award['id']}/elm?seal=true", None),
        ("GET", f"/api/v1/pathways/{pathway.json()['id']}", None),
        ("POST", f"/api/v1/pathways/{pathway.json()['id']}/evaluate", {"credentials": []}),
        (
            "POST",
            f"/api/v1/recognitions/{request.json()['id']}/decision",
            {"approve": True, "reason": "mine now"},
        ),
    ]:
        answer = env.client.request(method, path, json=body, headers=b)
        assert answer.status_code in (403, 404), (path, answer.status_code, answer.text[:200])
        for secret in ("Galway", LEARNER["name"], LEARNER["email"], "credentialSubject"):
            assert secret not in answer.text, (path, secret)
    assert env.client.get("/api/v1/seals", headers=b).json() == []
    assert [r["id"] for r in env.client.get("/api/v1/recognitions", headers=b).json()] == []
    assert env.client.get("/api/v1/pathways", headers=b).json() in ([], {"items": []})
    mine = env.client.get("/api/v1/recognitions", headers=a).json()
    assert [r["state"] for r in mine] == ["pending"]


def test_another_organisations_staff_get_404_on_dashboard_pages(web: WebEnv) -> None:
    env = web.api
    _, a = web.provider("University of Galway")
    web.provider("Université de Lyon")
    version = publish(env, a, "part-one")
    award = issue(env, a, version)
    entry_id = env.client.get(f"/api/v1/catalogue/versions/{version}", headers=a).json()["entry_id"]
    add_staff(web, "owner", "owner@lyon.fr", of="Université de Lyon")
    client = browser(web)
    form = client.get("/dashboard/sign-in")
    signed = client.post(
        "/dashboard/sign-in",
        data={"email": "owner@lyon.fr", "password": PASSWORD, "csrf_token": csrf(form)},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    token = csrf(client.get("/dashboard"))
    for path in (
        f"/dashboard/awards/{award['id']}",
        f"/dashboard/catalogue/{entry_id}",
        "/dashboard/bulk/" + award["id"],
    ):
        page = client.get(path)
        assert page.status_code == 404, (path, page.status_code)
        assert "Aoife" not in page.text and LEARNER["email"] not in page.text
    revoke = client.post(
        f"/dashboard/awards/{award['id']}/status",
        data={"csrf_token": token, "action": "revoke", "status": "revoked", "reason": "x"},
    )
    assert revoke.status_code in (403, 404)
    after = env.client.get(f"/api/v1/awards/{award['id']}", headers=a).json()
    assert after.get("revoked_at") is None and after.get("status", "active") != "revoked"


def test_a_non_administrator_cannot_remove_a_registry_entry(web: WebEnv) -> None:
    env = web.api
    _, admin = web.provider("Platform Operator")
    _, other = web.provider("University of Galway")
    with env.services.uow() as tx:
        [admin_org] = [o.id for o in tx.organisations.list() if o.legal_name == "Platform Operator"]
    services = replace(env.services, settings=Settings(base_url=BASE_URL, admin_orgs=(admin_org,)))
    with TestClient(create_app(services)) as client:
        row = {"did": "did:web:uni.example", "legal_name": "Example University", "country": "IE",
               "qa_type": "institutional-qa", "accrediting_body": "QQI",
               "valid_from": "2020-01-01"}  # fmt: skip
        added = client.post("/api/v1/registry", json=row, headers=admin)
        assert added.status_code == 201, added.text
        entry = added.json()["id"]
        assert client.delete(f"/api/v1/registry/{entry}", headers=other).status_code == 403
        changed = client.post("/api/v1/registry", json={**row, "legal_name": "X"}, headers=other)
        assert changed.status_code == 403
        listed = client.get("/registry").json()["credentialSubject"]["provider"]
        assert [p["legal_name"] for p in listed] == ["Example University"]


def test_a_learner_never_reaches_another_learners_holding(web: WebEnv) -> None:
    env = web.api
    _, a = web.provider("University of Galway")
    credential = issue(env, a, publish(env, a, "part-one"))["credential"]
    client = browser(web)
    register(client, "owner@learner.ie")
    form = client.get("/wallet/import")
    imported = client.post(
        "/wallet/import",
        data={"csrf_token": csrf(form)},
        files={"file": ("c.json", json.dumps(credential).encode(), "application/json")},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text[:500]
    holding = imported.headers["location"]
    share = client.get(f"{holding}/share")
    assert share.status_code == 200
    client.post(f"{holding}/share", data={"csrf_token": csrf(share)})
    own_links = client.get(f"{holding}/share").text
    owner_session = client.cookies.get(SESSION_COOKIE)
    client.cookies.clear()
    register(client, "intruder@learner.ie")
    token = csrf(client.get("/wallet"))
    for path in (holding, f"{holding}/share", f"{holding}/credential.json", f"{holding}/badge.png"):
        answer = client.get(path)
        assert answer.status_code == 404, (path, answer.status_code)
        assert "Aoife" not in answer.text
    for path in (f"{holding}/share", f"{holding}/remove"):
        answer = client.post(path, data={"csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 404, (path, answer.status_code)
    for link_id in re.findall(r'action="/wallet/shares/([^/"]+)/revoke"', own_links):
        answer = client.post(f"/wallet/shares/{link_id}/revoke", data={"csrf_token": token})
        assert answer.status_code == 404
    assert "Aoife" not in client.get("/wallet").text
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, owner_session or "")
    assert client.get(holding).status_code == 200  # still there, still the owner's
    assert client.get(f"{holding}/share").text.count("/revoke") == own_links.count("/revoke")
