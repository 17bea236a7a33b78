"""Issue 4 "Export", end to end on SQLite and PostgreSQL through the real HTTP app: the PDF
certificate, the offline bundle, the baked PNG and SVG of an award; the PDF's and the PNG's
credential verified by the reference JavaScript stack too; a bundle made before revocation
still says valid (as of its date) once the server is gone, one made after says revoked."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from pypdf import PdfReader

from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.core.formats import baking
from microcred.core.formats.pdf_certificate import extract_credential
from microcred.core.verify.bundle import verify_bundle
from microcred.service import organisations

EXAMPLE = Path(__file__).parents[3] / "examples" / "data-protection-by-design.yaml"
BASE_URL = "https://issuer.example"


@dataclass
class Server:
    container: Container
    client: TestClient
    auth: dict[str, str]
    slug: str
    version: str | None = None

    def issue(self) -> dict[str, Any]:
        if self.version is None:
            created = self.client.post(
                "/api/v1/catalogue/entries",
                json={"description": EXAMPLE.read_text(encoding="utf-8")},
                headers=self.auth,
            )
            assert created.status_code == 201, created.text
            version = created.json()["version"]["id"]
            published = self.client.post(
                f"/api/v1/catalogue/versions/{version}/publish", headers=self.auth
            )
            assert published.status_code == 200, published.text
            self.version = version
        issued = self.client.post(
            "/api/v1/awards",
            json={
                "version_id": self.version,
                "learner": {"name": "Aoife Murphy", "email": "aoife@example.ie"},
                "grade": "Pass",
            },
            headers=self.auth,
        )
        assert issued.status_code == 201, issued.text
        award: dict[str, Any] = issued.json()
        return award

    def stored_text(self, award_id: str) -> str:
        answer = self.client.get(f"/credentials/{award_id}", headers={"Accept": "application/json"})
        assert answer.status_code == 200
        return answer.text


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


def test_certificate_pdf_in_the_asked_language_with_the_credential_attached(
    server: Server,
) -> None:
    award = server.issue()
    answer = server.client.get(f"/credentials/{award['id']}/certificate.pdf?lang=fr")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="certificate-{award["id"]}-fr.pdf"'
    )
    assert extract_credential(answer.content) == server.stored_text(award["id"])
    reader = PdfReader(io.BytesIO(answer.content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Aoife Murphy" in text
    credential_url = f"{BASE_URL}/credentials/{award['id']}"
    verify_url = f"{BASE_URL}/verify?credential={quote(credential_url, safe='')}"
    assert verify_url in "".join(text.split())  # a long URL wraps over lines
    german = server.client.get(
        f"/credentials/{award['id']}/certificate.pdf", headers={"Accept-Language": "de-AT, en"}
    )
    assert german.headers["content-disposition"].endswith('-de.pdf"')
    irish = server.client.get(f"/credentials/{award['id']}/certificate.pdf?lang=ga")
    first_page = PdfReader(io.BytesIO(irish.content)).pages[0].extract_text()
    assert "Cosaint Sonraí trí Dhearadh" in first_page  # content in Irish, labels in English
    assert "This is to certify that" in first_page


def test_badges_are_baked_with_the_exact_credential(server: Server) -> None:
    award = server.issue()
    text = server.stored_text(award["id"])
    png = server.client.get(f"/credentials/{award['id']}/badge.png")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert baking.unbake(png.content).text == text
    svg = server.client.get(f"/credentials/{award['id']}/badge.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "default-src 'none'" in svg.headers["content-security-policy"]
    assert baking.unbake(svg.content).text == text


def test_unknown_awards_are_404_problems(server: Server) -> None:
    for suffix in ("certificate.pdf", "bundle.json", "badge.png", "badge.svg"):
        answer = server.client.get(f"/credentials/no-such-award/{suffix}")
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"


def test_bundle_before_and_after_revocation_verifies_offline(server: Server) -> None:
    award = server.issue()
    before = server.client.get(f"/credentials/{award['id']}/bundle.json")
    assert before.status_code == 200, before.text
    assert before.headers["content-type"].startswith("application/json")
    revoked = server.client.post(
        f"/api/v1/awards/{award['id']}/revoke", json={"reason": "plagiarism"}, headers=server.auth
    )
    assert revoked.status_code == 200, revoked.text
    after = server.client.get(f"/credentials/{award['id']}/bundle.json")

    # the issuer's server may be gone: verify_bundle is given no fetcher, only the bundle
    later = datetime.now(UTC) + timedelta(days=400)
    old = verify_bundle(before.json(), now=later)
    assert old.verified, old.to_dict()
    fetched = before.json()["statusLists"][0]["fetched"]
    assert any(f"as of {fetched}" in c.reason for c in old.checks)
    new = verify_bundle(after.json(), now=later)
    assert not new.verified
    assert any("REVOKED" in c.reason for c in new.failures)


@pytest.mark.interop
def test_the_js_peer_verifies_the_pdf_and_png_credentials(server: Server, js_peer: Any) -> None:
    award = server.issue()
    did_document = server.client.get(f"/orgs/{server.slug}/did.json").json()
    bundle = server.client.get(f"/credentials/{award['id']}/bundle.json").json()
    lists = {entry["url"]: entry["credential"] for entry in bundle["statusLists"]}
    pdf = server.client.get(f"/credentials/{award['id']}/certificate.pdf").content
    png = server.client.get(f"/credentials/{award['id']}/badge.png").content
    for text in (extract_credential(pdf), baking.unbake(png).text):
        verdict = js_peer.verify(json.loads(text), did_docs=[did_document], docs=lists)
        assert verdict["verified"] is True, verdict
