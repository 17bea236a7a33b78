"""Issue 5 "Europass", end to end on SQLite and PostgreSQL through the real HTTP app: an owner
uploads a seal (PKCS#12 and PEM), lists it without secrets; an issuer exports an award as ELM
(conforming to the EC shapes) and sealed with JAdES, which verifies; a modified one does not."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from elm_support import SealMaterial, make_seal, shacl_violations
from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.core.verify.elm import verify_elm
from microcred.service import api_keys, organisations

EXAMPLE = Path(__file__).parents[3] / "examples" / "data-protection-by-design.yaml"


@dataclass
class Server:
    container: Container
    client: TestClient
    owner: dict[str, str]
    issuer: dict[str, str]
    other: dict[str, str]
    version: str | None = None

    def issue(self) -> dict[str, Any]:
        if self.version is None:
            created = self.client.post(
                "/api/v1/catalogue/entries",
                json={"description": EXAMPLE.read_text(encoding="utf-8")},
                headers=self.owner,
            )
            assert created.status_code == 201, created.text
            self.version = created.json()["version"]["id"]
            published = self.client.post(
                f"/api/v1/catalogue/versions/{self.version}/publish", headers=self.owner
            )
            assert published.status_code == 200, published.text
        version = self.version
        issued = self.client.post(
            "/api/v1/awards",
            json={
                "version_id": version,
                "learner": {"name": "Aoife Murphy", "email": "aoife@example.ie"},
                "grade": "Pass",
            },
            headers=self.owner,
        )
        assert issued.status_code == 201, issued.text
        award: dict[str, Any] = issued.json()
        return award


def _seal(**options: Any) -> SealMaterial:
    """A seal valid around the real time (the bootstrap seals with the real clock)."""
    now = datetime.now(UTC)
    return make_seal(
        not_before=now - timedelta(days=1), not_after=now + timedelta(days=30), **options
    )


def _headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        base_url="https://issuer.example",
        master_key=SecretStr(base64.b64encode(bytes(range(32))).decode()),
        seed_demo=False,
    )
    container = build(settings)
    _, key = organisations.create_organisation(
        name="University of Galway", country="IE", **container.ports
    )
    _, other_key = organisations.create_organisation(
        name="Another University", country="FR", **container.ports
    )
    owner = api_keys.authenticate(key, uow=container.uow)
    _, issuer_key = api_keys.create_api_key(
        owner, role="issuer", label="issuer", **container.ports_writes
    )
    with TestClient(build_app(container)) as client:
        yield Server(container, client, _headers(key), _headers(issuer_key), _headers(other_key))


def test_seal_upload_list_and_sealed_export_round_trip(server: Server) -> None:
    award = server.issue()
    no_seal = server.client.get(
        f"/api/v1/awards/{award['id']}/elm?seal=true", headers=server.issuer
    )
    assert no_seal.status_code == 404
    assert "upload one first" in no_seal.json()["detail"]
    material = _seal()
    denied = server.client.post(
        "/api/v1/seals",
        files={"file": ("seal.p12", material.pkcs12(), "application/x-pkcs12")},
        data={"password": "secret"},
        headers=server.issuer,
    )
    assert denied.status_code == 403
    wrong = server.client.post(
        "/api/v1/seals",
        files={"file": ("seal.p12", material.pkcs12(), "application/x-pkcs12")},
        data={"password": "wrong"},
        headers=server.owner,
    )
    assert wrong.status_code == 422 and "password" in wrong.json()["detail"]
    assert wrong.json()["type"] == "https://w3id.org/microcred/problems#INVALID_SEAL"
    too_large = server.client.post(
        "/api/v1/seals",
        files={"file": ("seal.p12", b"x" * (256 * 1024 + 1), "application/x-pkcs12")},
        headers=server.owner,
    )
    assert too_large.status_code == 422 and "larger than" in too_large.json()["detail"]
    uploaded = server.client.post(
        "/api/v1/seals",
        files={"file": ("seal.p12", material.pkcs12(), "application/x-pkcs12")},
        data={"password": "secret", "label": "Registry seal"},
        headers=server.owner,
    )
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["algorithm"] == "ES256" and body["active"] and body["warnings"] == []
    listed = server.client.get("/api/v1/seals", headers=server.issuer).json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert "PRIVATE" not in json.dumps(listed) and "encrypted" not in json.dumps(listed)

    sealed = server.client.get(f"/api/v1/awards/{award['id']}/elm?seal=true", headers=server.issuer)
    assert sealed.status_code == 200, sealed.text
    assert sealed.headers["content-type"].startswith("application/jose+json")
    envelope = sealed.json()
    report = verify_elm(envelope, trust_anchors=[material.ca])
    assert report.verified, report.to_dict()
    assert report.check("certificate chain").outcome == "passed"
    envelope["payload"] = envelope["payload"].replace("Aoife", "Eve")
    assert not verify_elm(envelope).verified


def test_unsealed_export_conforms_and_pem_seals_work(server: Server) -> None:
    award = server.issue()
    plain = server.client.get(f"/api/v1/awards/{award['id']}/elm", headers=server.issuer)
    assert plain.status_code == 200, plain.text
    assert plain.headers["content-type"].startswith("application/ld+json")
    count, text = shacl_violations(plain.json())
    assert count == 0, text
    pem = server.client.post(
        "/api/v1/seals",
        files={"file": ("seal.pem", _seal(rsa_key=True).pem(), "application/x-pem-file")},
        headers=server.owner,
    )
    assert pem.status_code == 201, pem.text
    assert pem.json()["algorithm"] == "RS256"
    sealed = server.client.get(f"/api/v1/awards/{award['id']}/elm?seal=true", headers=server.issuer)
    assert verify_elm(sealed.json()).verified


def test_other_organisations_cannot_export_and_viewers_cannot(server: Server) -> None:
    award = server.issue()
    answer = server.client.get(f"/api/v1/awards/{award['id']}/elm", headers=server.other)
    assert answer.status_code == 404
    assert server.client.get("/api/v1/seals", headers=server.other).json() == []
