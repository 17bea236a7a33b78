"""Issue 5 in the web UI, on SQLite and PostgreSQL through the real app (bootstrap, store,
pages): the EC's Europass samples on /verify and in the wallet (every element, the missing
quality assurance flagged, the seal checks in plain words); the dashboard's seal page and the
award's Europass download, sealed, which verifies on /verify; the trust registry's
administration pages (platform administrators only) and its public page; the trusted-provider
facts on the report."""

from __future__ import annotations

import base64
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).parents[2]))

from elm_support import SAMPLES, SealMaterial, make_seal
from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.core.verify.elm import verify_elm
from microcred.service import accounts, catalogue, issuing, organisations, users, wallet
from microcred.service.records import AwardRecord, Principal

EXAMPLE = Path(__file__).parents[3] / "examples" / "data-protection-by-design.yaml"
MASTER_KEY = SecretStr(base64.b64encode(bytes(range(32))).decode())
BROWSER = {"Accept": "text/html"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a sound passphrase"
MC_SAMPLE = "Sample-MC-Annex1-signed.jsonld"


@dataclass
class Site:
    app: object
    container: Container
    galway: Principal
    other: Principal
    award: AwardRecord

    def client(self) -> TestClient:
        """A browser of its own (cookies are Secure: the client speaks https)."""
        return TestClient(self.app, base_url="https://testserver")  # type: ignore[arg-type]

    def staff(self, email: str) -> TestClient:
        """A signed-in staff member's browser."""
        client = self.client()
        form = client.get("/dashboard/sign-in", headers=BROWSER)
        signed = client.post(
            "/dashboard/sign-in",
            data={"email": email, "password": PASSWORD, "csrf_token": csrf(form)},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:800]
        return client


def csrf(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:800]
    return found.group(1)


def _person(container: Container, owner: Principal, email: str, role: str) -> None:
    person = users.add_user(owner, email=email, name=email, role=role, **container.ports_writes)
    accounts.set_staff_password(
        principal=owner, user_id=person.id, password=PASSWORD, **container.ports_writes
    )


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    container = build(
        Settings(
            database_url=database_url,
            data_dir=tmp_path_factory.mktemp("data"),
            base_url="https://issuer.example",
            master_key=MASTER_KEY,
            seed_demo=False,
        )
    )
    galway_org, _ = organisations.create_organisation(
        name="University of Galway", country="IE", **container.ports
    )
    other_org, _ = organisations.create_organisation(
        name="Another University", country="FR", **container.ports
    )
    container = build(
        container.settings.model_copy(update={"admin_orgs": (galway_org.id,)}), migrate=False
    )
    galway = Principal(organisation_id=galway_org.id, role="owner", actor="test")
    other = Principal(organisation_id=other_org.id, role="owner", actor="test")
    _person(container, galway, "owner@galway.example", "owner")
    _person(container, galway, "viewer@galway.example", "viewer")
    _person(container, other, "owner@other.example", "owner")
    _, version = catalogue.create_entry(
        galway, description=EXAMPLE.read_text(encoding="utf-8"), **container.ports_writes
    )
    catalogue.publish_version(galway, version.id, **container.ports_writes)
    award = issuing.issue_award(
        galway,
        version_id=version.id,
        learner={"name": "Aoife Murphy", "email": "aoife@learner.example"},
        **container.issuing,
    )
    yield Site(build_app(container, deliver_webhooks=False), container, galway, other, award)
    container.engine.dispose()


def _seal() -> SealMaterial:
    """A seal valid around the real time (the server seals with the real clock)."""
    now = datetime.now(UTC)
    return make_seal(not_before=now - timedelta(days=1), not_after=now + timedelta(days=30))


def _verify_upload(client: TestClient, name: str, data: bytes) -> httpx.Response:
    return client.post("/verify", files={"file": (name, data, "application/json")}, headers=BROWSER)


def _check(page: httpx.Response, name: str) -> str:
    """The <li> of one check on a report page."""
    found = re.search(
        rf'<li class="(\w+)" data-check="{re.escape(name)}">(.*?)</li>', page.text, re.S
    )
    assert found, f"no check {name!r}"
    return found.group(1) + " " + found.group(2)


def test_the_ec_micro_credential_sample_on_verify_shows_every_element_and_flags_missing_qa(
    site: Site,
) -> None:
    page = _verify_upload(site.client(), MC_SAMPLE, (SAMPLES / MC_SAMPLE).read_bytes())
    assert page.status_code == 200, page.text[:800]
    text = page.text
    assert "Digital micro-credential creation" in text and "ORGANIZACION TEST" in text
    # every element with its values: learner, awarding body, outcomes, ECTS, EQF, workload
    for value in ("Ana Andromeda", "University of Zed", "Developing digital content", "2 ECTS",
                  "EQF 6", "PT60H"):  # fmt: skip
        assert value in text, value
    qa = re.search(r'<li class="absent" data-element="Type of quality assurance">.*?</li>', text)
    assert qa and "(mandatory, missing)" in qa.group(0)
    assert "1 mandatory element is missing." in text
    assert _check(page, "seal signature").startswith("passed")
    assert "signature is intact" in _check(page, "seal signature"), _check(page, "seal signature")
    certificate = _check(page, "certificate validity at signing time")
    assert certificate.startswith("passed") and "valid when the document was sealed" in certificate
    chain = _check(page, "certificate chain")
    assert chain.startswith("skipped") and "not checked (no trust anchor configured)" in chain
    assert "JAdES seal (" in text and "CN=TEST SEAL" in text
    assert 'data-verdict="verified"' in text  # the chain not checked is neutral, not a failure


def test_the_certificate_of_participation_lists_four_missing_elements(site: Site) -> None:
    name = "Sample-CertOfPart-unsigned.jsonld"
    page = _verify_upload(site.client(), name, (SAMPLES / name).read_bytes())
    assert page.status_code == 200
    assert "4 mandatory elements are missing." in page.text
    assert _check(page, "seal signature").startswith("failed")
    assert "the origin of the document is not proven" in page.text
    assert 'data-verdict="not-verified"' in page.text


def test_an_ec_sample_imported_into_the_wallet_is_an_elm_holding_with_every_element(
    site: Site,
) -> None:
    client = site.client()
    form = client.get("/register", headers=BROWSER)
    registered = client.post(
        "/register",
        data={"csrf_token": csrf(form), "next": "/wallet", "name": "Ana",
              "email": "ana@learner.example", "password": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert registered.status_code == 303, registered.text[:800]
    form = client.get("/wallet/import", headers=BROWSER)
    imported = client.post(
        "/wallet/import",
        data={"csrf_token": csrf(form)},
        files={"file": (MC_SAMPLE, (SAMPLES / MC_SAMPLE).read_bytes(), "application/json")},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text[:800]
    holding_id = imported.headers["location"].rsplit("/", 1)[1]
    with site.container.uow() as tx:
        holding = tx.holdings.get(holding_id)
    assert holding is not None
    assert (holding.kind, holding.title) == ("elm", "Digital micro-credential creation")
    assert holding.issuer_name == "ORGANIZACION TEST" and holding.verified
    page = client.get(f"/wallet/{holding_id}", headers=BROWSER)
    assert page.status_code == 200
    assert "Developing digital content" in page.text and "2 ECTS" in page.text
    assert re.search(
        r'data-element="Type of quality assurance">.*?\(mandatory, missing\)', page.text
    )
    assert "/badge.png" not in page.text and "europass.json" not in page.text  # not ours

    # a claimed award of this server offers its Europass export (unsealed: no seal yet)
    with site.container.uow() as tx:
        learner = tx.learners.by_email("ana@learner.example")
        assert learner is not None
        claimed = wallet.holding_from_award(
            site.award,
            learner=learner,
            clock=lambda: datetime.now(UTC),
            rng=os.urandom,
        )
        tx.holdings.add(claimed)
        tx.commit()
    page = client.get(f"/wallet/{claimed.id}", headers=BROWSER)
    assert f'href="/wallet/{claimed.id}/europass.json"' in page.text
    export = client.get(f"/wallet/{claimed.id}/europass.json")
    assert export.status_code == 200 and export.headers["content-type"] == "application/ld+json"
    assert "EuropeanDigitalCredential" in export.json()["type"]
    stranger = site.client()
    assert stranger.get(
        f"/wallet/{claimed.id}/europass.json", follow_redirects=False
    ).status_code in (303, 307)


def test_the_owner_uploads_a_seal_and_the_sealed_europass_download_verifies(site: Site) -> None:
    viewer = site.staff("viewer@galway.example")
    page = viewer.get("/dashboard/seal", headers=BROWSER)
    assert page.status_code == 200 and "No seal yet" in page.text
    assert 'action="/dashboard/seal"' not in page.text  # viewers see no upload form
    material = _seal()
    denied = viewer.post(
        "/dashboard/seal",
        data={"csrf_token": csrf(page), "password": "secret"},
        files={"file": ("seal.p12", material.pkcs12(), "application/x-pkcs12")},
    )
    assert denied.status_code == 403 and "Only an owner" in denied.text

    owner = site.staff("owner@galway.example")
    page = owner.get("/dashboard/seal", headers=BROWSER)
    assert 'href="/dashboard/seal" aria-current="page"' in page.text
    wrong = owner.post(
        "/dashboard/seal",
        data={"csrf_token": csrf(page), "password": "wrong"},
        files={"file": ("seal.p12", material.pkcs12(), "application/x-pkcs12")},
    )
    assert wrong.status_code == 422 and "The seal was not accepted." in wrong.text
    assert "password is wrong" in wrong.text
    expired = make_seal(
        not_before=datetime(2020, 1, 1, tzinfo=UTC), not_after=datetime(2021, 1, 1, tzinfo=UTC)
    )
    old = owner.post(
        "/dashboard/seal",
        data={"csrf_token": csrf(page)},
        files={"file": ("seal.pem", expired.pem(), "application/x-pem-file")},
    )
    assert old.status_code == 422 and "expired" in old.text
    uploaded = owner.post(
        "/dashboard/seal",
        data={"csrf_token": csrf(page), "password": "secret"},
        files={"file": ("seal.p12", material.pkcs12(), "application/x-pkcs12")},
    )
    assert uploaded.status_code == 200, uploaded.text[:800]
    assert "The seal was uploaded" in uploaded.text and "CN=Test University seal" in uploaded.text
    assert "CN=Test Seal CA" in uploaded.text and "VATIE-1234567T" in uploaded.text
    assert "PRIVATE KEY" not in uploaded.text and "secret" not in uploaded.text

    award = owner.get(f"/dashboard/awards/{site.award.id}", headers=BROWSER)
    assert "Download Europass (ELM)" in award.text
    download = owner.get(f"/dashboard/awards/{site.award.id}/europass.json")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/jose+json"
    assert verify_elm(download.json()).verified
    assert site.client().get(f"/dashboard/awards/{site.award.id}/europass.json",
                             follow_redirects=False).status_code == 303  # fmt: skip
    stranger = site.staff("owner@other.example").get(
        f"/dashboard/awards/{site.award.id}/europass.json"
    )
    assert stranger.status_code == 404

    page = _verify_upload(site.client(), "europass.jades.json", download.content)
    assert page.status_code == 200 and 'data-verdict="verified"' in page.text
    assert _check(page, "seal signature").startswith("passed")
    assert "CN=Test University seal" in page.text
    assert "All mandatory elements of Annex I" in page.text
    tampered = download.json()
    tampered["payload"] = tampered["payload"].replace("Aoife", "Eve")
    page = _verify_upload(site.client(), "europass.jades.json", json.dumps(tampered).encode())
    assert 'data-verdict="not-verified"' in page.text
    assert _check(page, "seal signature").startswith("failed")


def test_only_platform_administrators_manage_the_registry(site: Site) -> None:
    other = site.staff("owner@other.example")
    overview = other.get("/dashboard", headers=BROWSER)
    assert "/dashboard/registry" not in overview.text  # the tab is hidden
    assert other.get("/dashboard/registry", headers=BROWSER).status_code == 403
    viewer = site.staff("viewer@galway.example")
    assert viewer.get("/dashboard/registry", headers=BROWSER).status_code == 403
    page = viewer.get("/dashboard/seal", headers=BROWSER)
    refused = viewer.post(
        "/dashboard/registry",
        data={"csrf_token": csrf(page), "did": "did:web:x.example", "legal_name": "X",
              "country": "IE", "qa_type": "institutional-qa", "accrediting_body": "QQI",
              "valid_from": "2020-01-01"},
    )  # fmt: skip
    assert refused.status_code == 403
    assert site.client().get("/dashboard/registry", follow_redirects=False).status_code == 303


def test_the_administrator_adds_edits_imports_and_removes_entries(site: Site) -> None:
    admin = site.staff("owner@galway.example")
    page = admin.get("/dashboard/registry", headers=BROWSER)
    assert page.status_code == 200 and 'href="/dashboard/registry" aria-current="page"' in page.text
    token = csrf(page)
    fields = {"csrf_token": token, "did": "did:web:atu.example", "legal_name": "ATU",
              "country": "Ireland", "qa_type": "http://data.europa.eu/snb/accreditation/bb4618238e",
              "accrediting_body": "QQI", "valid_from": "2020-01-01", "valid_until": ""}  # fmt: skip
    bad = admin.post("/dashboard/registry", data=fields)
    assert bad.status_code == 422 and "is not an ISO 3166-1 alpha-2 code" in bad.text
    assert 'value="Ireland"' in bad.text  # kept for correcting
    added = admin.post(
        "/dashboard/registry", data={**fields, "country": "IE"}, follow_redirects=False
    )
    assert added.status_code == 303
    page = admin.get(added.headers["location"], headers=BROWSER)
    assert "The entry was added." in page.text and "did:web:atu.example" in page.text
    entry_id = re.search(r'href="/dashboard/registry/([^"/]+)"', page.text)
    assert entry_id
    edit = admin.get(f"/dashboard/registry/{entry_id.group(1)}", headers=BROWSER)
    assert 'value="ATU"' in edit.text and 'value="2020-01-01"' in edit.text
    changed = admin.post(
        f"/dashboard/registry/{entry_id.group(1)}",
        data={**fields, "country": "IE", "legal_name": "Atlantic TU"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    page = admin.get("/dashboard/registry", headers=BROWSER)
    assert "Atlantic TU" in page.text and ">ATU<" not in page.text

    csv_bad = "did,legal_name,country,qa_type,accrediting_body,valid_from\n" \
        "did:web:a.example,A,IE,institutional-qa,QQI,2021-01-01\n" \
        "did:web:b.example,B,Ireland,institutional-qa,QQI,2021-01-01\n"  # fmt: skip
    refused = admin.post(
        "/dashboard/registry/import",
        data={"csrf_token": token},
        files={"file": ("registry.csv", csv_bad.encode(), "text/csv")},
    )
    assert refused.status_code == 422 and "Nothing was imported" in refused.text
    assert "row 3: country" in refused.text and "did:web:a.example" not in refused.text
    good = csv_bad.replace("Ireland", "IE")
    imported = admin.post(
        "/dashboard/registry/import",
        data={"csrf_token": token},
        files={"file": ("registry.csv", good.encode(), "text/csv")},
    )
    assert imported.status_code == 200 and "2 added, 0 already present" in imported.text

    public = site.client().get("/registry?q=atlantic", headers=BROWSER)
    assert public.status_code == 200 and "Atlantic TU" in public.text
    assert "did:web:a.example" not in public.text and "1 of 3 accreditations" in public.text
    assert site.client().get("/registry", headers={"Accept": "application/json"}).json()[
        "type"
    ] == ["VerifiableCredential", "TrustedProviderList"]

    for found in re.findall(r'action="/dashboard/registry/([^"/]+)/remove"', imported.text):
        removed = admin.post(
            f"/dashboard/registry/{found}/remove",
            data={"csrf_token": token},
            follow_redirects=False,
        )
        assert removed.status_code == 303
    assert "No provider is registered yet." in site.client().get("/registry", headers=BROWSER).text


def test_the_report_states_the_three_trust_facts(site: Site) -> None:
    credential = site.award.credential.encode()
    page = _verify_upload(site.client(), "credential.json", credential)
    assert "No trust registry was consulted" in page.text
    did = json.loads(site.award.credential)["issuer"]["id"]
    admin = site.staff("owner@galway.example")
    form = admin.get("/dashboard/registry", headers=BROWSER)
    entry = {"csrf_token": csrf(form), "did": did, "legal_name": "University of Galway",
             "country": "IE", "qa_type": "http://data.europa.eu/snb/accreditation/bb4618238e",
             "accrediting_body": "QQI", "valid_from": "2020-01-01"}  # fmt: skip
    assert admin.post("/dashboard/registry", data=entry, follow_redirects=False).status_code == 303
    page = _verify_upload(site.client(), "credential.json", credential)
    facts = re.search(
        r'<ul class="trust-facts" data-trust="(\w[\w-]*)">(.*?)</ul>', page.text, re.S
    )
    assert facts and facts.group(1) == "trusted"
    assert "The issuer is in the trust registry." in facts.group(2)
    assert "Quality assurance: Institutional Quality Assurance, by QQI." in facts.group(2)
    assert "The accreditation was valid on the issuing date" in facts.group(2)
    # an accreditation that starts after the issuing date: listed, but not valid then
    page = admin.get("/dashboard/registry", headers=BROWSER)
    entry_id = re.search(r'action="/dashboard/registry/([^"/]+)/remove"', page.text)
    assert entry_id
    admin.post(f"/dashboard/registry/{entry_id.group(1)}",
               data={**entry, "valid_from": "2099-01-01"})  # fmt: skip
    page = _verify_upload(site.client(), "credential.json", credential)
    facts = re.search(
        r'<ul class="trust-facts" data-trust="(\w[\w-]*)">(.*?)</ul>', page.text, re.S
    )
    assert facts and facts.group(1) == "listed"
    assert "The accreditation was not valid on the issuing date" in facts.group(2)
    admin.post(
        f"/dashboard/registry/{entry_id.group(1)}/remove", data={"csrf_token": entry["csrf_token"]}
    )
