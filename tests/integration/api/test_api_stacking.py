"""The trust registry, pathway and recognition routes: problem+json for bad rules and for a
caller who is no platform administrator, evaluation with its explanation, a claim issued with
its parts as evidence, a recognition approved, the signed registry list."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import yaml
from api_support import BASE_URL, DESCRIPTION, ApiEnv, auth
from fastapi.testclient import TestClient

from microcred.api.app import create_app
from microcred.config import Settings

LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}


def publish(env: ApiEnv, headers: dict[str, str], slug: str, ects: int) -> str:
    data = dict(yaml.safe_load(DESCRIPTION))
    data["id"], data["workload"] = slug, {"ects": ects}
    created = env.client.post(
        "/api/v1/catalogue/entries", json={"description": data}, headers=headers
    )
    assert created.status_code == 201, created.text
    version = created.json()["version"]["id"]
    answer = env.client.post(f"/api/v1/catalogue/versions/{version}/publish", headers=headers)
    assert answer.status_code == 200, answer.text
    return str(version)


def award(env: ApiEnv, headers: dict[str, str], version: str) -> dict[str, Any]:
    answer = env.client.post(
        "/api/v1/awards",
        json={"version_id": version, "learner": LEARNER},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json()["credential"])


def test_pathway_routes(env: ApiEnv, owner: dict[str, str]) -> None:
    part = publish(env, owner, "part-one", 3)
    second = publish(env, owner, "part-two", 3)
    publish(env, owner, "stacked", 6)
    bad = env.client.post(
        "/api/v1/pathways",
        json={"slug": "p", "entry": "stacked", "rules": {"rules": {"all_of": [{"min_ects": 0}]}}},
        headers=owner,
    )
    assert bad.status_code == 422
    assert "rules.all_of[0].min_ects: must be a positive number" in bad.text
    rules = {
        "rules": {
            "all_of": [{"achievement": "part-one"}, {"achievement": "part-two"}, {"min_ects": 5}]
        }
    }
    created = env.client.post(
        "/api/v1/pathways",
        json={"slug": "p", "entry": "stacked", "rules": rules, "auto_issue": True},
        headers=owner,
    )
    assert created.status_code == 201, created.text
    held = award(env, owner, part)
    evaluated = env.client.post(
        "/api/v1/pathways/p/evaluate", json={"credentials": [held]}, headers=owner
    ).json()
    assert evaluated["met"] is False
    assert evaluated["tree"]["missing"] == ["a credential of part-two", "2 more ECTS"]
    other = award(env, owner, second)
    claimed = env.client.post(
        "/api/v1/pathways/p/claims",
        json={"credentials": [held, other], "learner": LEARNER},
        headers=owner,
    ).json()
    assert claimed["met"] is True and claimed["claim"]["state"] == "issued"
    assert env.client.get("/api/v1/pathways/p", headers=owner).json()["auto_issue"] is True


def test_registry_routes_need_a_platform_administrator(env: ApiEnv, owner: dict[str, str]) -> None:
    row = {
        "did": "did:web:uni.example",
        "legal_name": "Example University",
        "country": "IE",
        "qa_type": "institutional-qa",
        "accrediting_body": "QQI",
        "valid_from": "2020-01-01",
    }
    refused = env.client.post("/api/v1/registry", json=row, headers=owner)
    assert refused.status_code == 403
    assert env.client.get("/registry").status_code == 404  # no operator organisation

    with env.services.uow() as tx:
        (admin_org,) = [o.id for o in tx.organisations.list()]
    services = replace(env.services, settings=Settings(base_url=BASE_URL, admin_orgs=(admin_org,)))
    with TestClient(create_app(services)) as client:
        added = client.post("/api/v1/registry", json=row, headers=owner)
        assert added.status_code == 201, added.text
        imported = client.post(
            "/api/v1/registry/import",
            content="did,legal_name,country,qa_type,accrediting_body,valid_from\n"
            "did:web:b.example,B,FR,programme-qa,Hcéres,2021-01-01\n",
            headers={**owner, "Content-Type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["skipped"] == 0
        bad = client.post(
            "/api/v1/registry/import", content=json.dumps([{**row, "country": "EU"}]), headers=owner
        )
        assert bad.status_code == 422 and "row 1: country" in bad.text
        listed = client.get("/registry")
        assert listed.status_code == 200
        providers = listed.json()["credentialSubject"]["provider"]
        assert [p["did"] for p in providers] == ["did:web:b.example", "did:web:uni.example"]
        assert listed.json()["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
        entry = added.json()["id"]
        assert client.delete(f"/api/v1/registry/{entry}", headers=owner).status_code == 204


def test_recognition_routes(env: ApiEnv, owner: dict[str, str]) -> None:
    publish(env, owner, "part-one", 3)
    slug, key = env.organisation("Université de Lyon")
    theirs = auth(key)
    external = award(env, theirs, publish(env, theirs, "leur-module", 3))
    policy = env.client.post(
        "/api/v1/recognition/policies",
        json={"equivalent": "part-one", "issuer": external["issuer"]["id"]},
        headers=owner,
    )
    assert policy.status_code == 201, policy.text
    owner_slug = "university-of-galway"
    anonymous = env.client.post(
        f"/orgs/{owner_slug}/recognitions",
        json={"learner": LEARNER, "credential": external},
    )
    assert anonymous.status_code == 401 and "sign in as a learner" in anonymous.text
    nameless = env.client.post(
        f"/orgs/{owner_slug}/recognitions", json={"credential": external}, headers=theirs
    )
    assert nameless.status_code == 422 and "learner: name the learner" in nameless.text
    bad_key = env.client.post(
        f"/orgs/{owner_slug}/recognitions",
        json={"learner": LEARNER, "credential": external},
        headers=auth("mc_nothing_wrong"),
    )
    assert bad_key.status_code == 401
    submitted = env.client.post(
        f"/orgs/{owner_slug}/recognitions",
        json={"learner": LEARNER, "credential": external},
        headers=theirs,
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["equivalent"] == "part-one"
    tampered = {**external, "name": "changed"}
    refused = env.client.post(
        f"/orgs/{owner_slug}/recognitions",
        json={"learner": LEARNER, "credential": tampered},
        headers=theirs,
    )
    assert refused.status_code == 422 and "does not verify" in refused.text
    decided = env.client.post(
        f"/api/v1/recognitions/{submitted.json()['id']}/decision",
        json={"approve": True, "reason": "Same outcomes"},
        headers=owner,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "approved" and decided.json()["record_award_id"]
    assert slug
