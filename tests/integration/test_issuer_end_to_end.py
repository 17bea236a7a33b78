"""Issue 3 acceptance, end to end on SQLite and on PostgreSQL, through the real HTTP app:
create an organisation, publish a micro-credential, issue through the platform API and through
the VC API, fetch the status lists over HTTP, verify with microcred and with the reference
JavaScript stack (which checks the status list itself), revoke, verify again (both say revoked),
suspend and unsuspend a suspendable award.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.service import organisations

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
BASE_URL = "https://issuer.example"
pytestmark = pytest.mark.interop


@dataclass
class Server:
    container: Container
    client: TestClient
    auth: dict[str, str]
    slug: str

    def post(self, path: str, body: Any = None, *, auth: bool = True) -> Any:
        answer = self.client.post(path, json=body, headers=self.auth if auth else {})
        return answer

    def status_lists(self, credential: dict[str, Any]) -> dict[str, Any]:
        """Every status list the credential points to, fetched over HTTP (URL -> JSON)."""
        entries = credential["credentialStatus"]
        lists = {}
        for entry in entries if isinstance(entries, list) else [entries]:
            url = entry["statusListCredential"]
            answer = self.client.get(urlsplit(url).path)
            assert answer.status_code == 200, answer.text
            assert "max-age" in answer.headers["cache-control"]
            lists[url] = answer.json()
        return lists

    def did_document(self) -> dict[str, Any]:
        answer = self.client.get(f"/orgs/{self.slug}/did.json")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        base_url=BASE_URL,
        master_key=SecretStr(base64.b64encode(bytes(range(32))).decode()),
        seed_demo=False,
    )
    container = build(settings)
    org, key = organisations.create_organisation(
        name="University of Galway", country="IE", **container.ports
    )
    with TestClient(build_app(container)) as client:
        yield Server(container, client, {"Authorization": f"Bearer {key}"}, org.slug)


@pytest.fixture(scope="module")
def version_id(server: Server) -> str:
    created = server.post(
        "/api/v1/catalogue/entries", {"description": EXAMPLE.read_text(encoding="utf-8")}
    )
    assert created.status_code == 201, created.text
    version = created.json()["version"]["id"]
    published = server.post(f"/api/v1/catalogue/versions/{version}/publish")
    assert published.status_code == 200, published.text
    return str(version)


def both_verify(server: Server, js_peer: Any, credential: dict[str, Any]) -> tuple[Any, dict]:
    """(microcred's HTTP answer, the JavaScript stack's verdict) for one credential."""
    ours = server.post("/credentials/verify", {"verifiableCredential": credential}, auth=False)
    theirs = js_peer.verify(
        credential, did_docs=[server.did_document()], docs=server.status_lists(credential)
    )
    return ours, theirs


def test_platform_award_lifecycle(server: Server, version_id: str, js_peer: Any) -> None:
    issued = server.post(
        "/api/v1/awards",
        {
            "version_id": version_id,
            "learner": {"name": "Aoife Murphy", "email": "aoife@example.ie"},
            "grade": "Pass",
            "suspendable": True,
        },
    )
    assert issued.status_code == 201, issued.text
    award = issued.json()
    credential = award["credential"]
    assert credential["issuer"]["id"] == f"did:web:issuer.example:orgs:{server.slug}"

    ours, theirs = both_verify(server, js_peer, credential)
    assert ours.status_code == 200, ours.text
    assert theirs["verified"] is True, theirs

    suspended = server.post(f"/api/v1/awards/{award['id']}/suspend", {"reason": "inquiry"})
    assert suspended.status_code == 200, suspended.text
    ours, theirs = both_verify(server, js_peer, credential)
    assert ours.status_code == 422 and "SUSPENDED" in ours.text
    assert theirs["verified"] is False and theirs.get("suspended") is True, theirs

    back = server.post(f"/api/v1/awards/{award['id']}/unsuspend", {})
    assert back.status_code == 200, back.text
    ours, theirs = both_verify(server, js_peer, credential)
    assert ours.status_code == 200 and theirs["verified"] is True

    revoked = server.post(f"/api/v1/awards/{award['id']}/revoke", {"reason": "plagiarism"})
    assert revoked.status_code == 200, revoked.text
    ours, theirs = both_verify(server, js_peer, credential)
    assert ours.status_code == 422 and "REVOKED" in ours.text
    assert theirs["verified"] is False and theirs.get("revoked") is True, theirs
    assert "plagiarism" not in json.dumps(server.status_lists(credential))


def test_vc_api_issue_and_status(server: Server, js_peer: Any) -> None:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner-1"},
    }
    issued = server.post("/credentials/issue", {"credential": unsigned, "options": {}})
    assert issued.status_code == 201, issued.text
    credential = issued.json()["verifiableCredential"]
    ours, theirs = both_verify(server, js_peer, credential)
    assert ours.status_code == 200 and theirs["verified"] is True, theirs

    changed = server.post(
        "/credentials/status",
        {
            "credentialId": credential["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
    )
    assert changed.status_code == 200, changed.text
    ours, theirs = both_verify(server, js_peer, credential)
    assert ours.status_code == 422 and theirs.get("revoked") is True


def test_one_organisation_cannot_touch_another(server: Server, version_id: str) -> None:
    _, other_key = organisations.create_organisation(
        name="Other College", country="FR", **server.container.ports
    )
    other = {"Authorization": f"Bearer {other_key}"}
    issued = server.post(
        "/api/v1/awards",
        {"version_id": version_id, "learner": {"name": "X", "did": "did:example:x"}},
    )
    award_id = issued.json()["id"]
    for method, path in [
        ("get", f"/api/v1/awards/{award_id}"),
        ("post", f"/api/v1/awards/{award_id}/revoke"),
        ("post", f"/api/v1/catalogue/versions/{version_id}/publish"),
    ]:
        answer = getattr(server.client, method)(path, headers=other)
        assert answer.status_code in (403, 404), (path, answer.status_code)
    refused = server.client.post(
        "/api/v1/awards",
        json={"version_id": version_id, "learner": {"name": "Y", "did": "did:example:y"}},
        headers=other,
    )
    assert refused.status_code in (403, 404)
    assert (
        server.client.get(f"/api/v1/awards/{award_id}", headers=server.auth).json()["state"]
        == "active"
    )
