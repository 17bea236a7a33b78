"""Stacking and recognition in the web UI (issue 5), on SQLite and PostgreSQL through the real
app (bootstrap, store, pages): the dashboard's pathway editor (rules as YAML with every problem
named by its JSON path, viewers read only), evaluating a learner, the approval queue; the
wallet's Pathways section (progress over verified holdings, claim, request); a recognition
asked from a wallet holding, decided in the dashboard, whose record arrives in the wallet and
makes the pathway met; the stacked credential's Europass export lists its parts as hasPart."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import SecretStr

from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.service import accounts, catalogue, issuing, organisations, recognition, users
from microcred.service.records import Principal

EXAMPLE = Path(__file__).parents[3] / "examples" / "data-protection-by-design.yaml"
MASTER_KEY = SecretStr(base64.b64encode(bytes(range(32))).decode())
BROWSER = {"Accept": "text/html"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a sound passphrase"
RULES = """name: Privacy pathway
rules:
  all_of:
    - achievement: part-one
    - achievement: part-two
    - achievement: part-three
    - min_ects: 5
"""


@dataclass
class Site:
    app: object
    container: Container
    galway: Principal
    lyon: Principal
    versions: dict[str, str]

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="https://testserver")  # type: ignore[arg-type]

    def staff(self, email: str) -> TestClient:
        client = self.client()
        form = client.get("/dashboard/sign-in", headers=BROWSER)
        signed = client.post(
            "/dashboard/sign-in",
            data={"email": email, "password": PASSWORD, "csrf_token": csrf(form)},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:800]
        return client

    def award(self, slug: str, email: str, by: Principal | None = None) -> str:
        """The signed credential of an award of ``slug`` to ``email``."""
        return issuing.issue_award(
            by or self.galway,
            version_id=self.versions[slug],
            learner={"name": "Learner", "email": email},
            **self.container.issuing,
        ).credential


def csrf(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:800]
    return found.group(1)


def _person(container: Container, owner: Principal, email: str, role: str) -> None:
    person = users.add_user(owner, email=email, name=email, role=role, **container.ports_writes)
    accounts.set_staff_password(
        principal=owner, user_id=person.id, password=PASSWORD, **container.ports_writes
    )


def _publish(container: Container, owner: Principal, slug: str, ects: int) -> str:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["id"], data["workload"] = slug, {"ects": ects}
    _, version = catalogue.create_entry(
        owner, description=json.dumps(data), slug=slug, **container.ports_writes
    )
    catalogue.publish_version(owner, version.id, **container.ports_writes)
    return version.id


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
    lyon_org, _ = organisations.create_organisation(
        name="Université de Lyon", country="FR", **container.ports
    )
    galway = Principal(organisation_id=galway_org.id, role="owner", actor="test")
    lyon = Principal(organisation_id=lyon_org.id, role="owner", actor="test")
    _person(container, galway, "owner@galway.example", "owner")
    _person(container, galway, "viewer@galway.example", "viewer")
    versions = {
        slug: _publish(container, galway, slug, ects)
        for slug, ects in [("part-one", 2), ("part-two", 2), ("part-three", 2), ("stacked", 6)]
    }
    versions["leur-module"] = _publish(container, lyon, "leur-module", 2)
    theirs = issuing.issue_award(
        lyon,
        version_id=versions["leur-module"],
        learner={"name": "x", "email": "x@example.org"},
        **container.issuing,
    )
    recognition.add_policy(
        galway,
        equivalent="part-three",
        issuer=json.loads(theirs.credential)["issuer"]["id"],
        **container.ports_writes,
    )
    yield Site(build_app(container, deliver_webhooks=False), container, galway, lyon, versions)
    container.engine.dispose()


def _learner(site: Site, email: str, *credentials: str) -> tuple[TestClient, list[str]]:
    """A registered, signed-in learner's browser and the holdings of ``credentials``."""
    client = site.client()
    form = client.get("/register", headers=BROWSER)
    registered = client.post(
        "/register",
        data={"csrf_token": csrf(form), "next": "/wallet", "name": "Learner", "email": email,
              "password": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert registered.status_code == 303, registered.text
    held = []
    for credential in credentials:
        form = client.get("/wallet/import", headers=BROWSER)
        imported = client.post(
            "/wallet/import",
            data={"csrf_token": csrf(form)},
            files={"file": ("credential.json", credential.encode(), "application/json")},
            follow_redirects=False,
        )
        assert imported.status_code == 303, imported.text
        held.append(imported.headers["location"].rsplit("/", 1)[1])
    return client, held


def _create_pathway(owner: TestClient, slug: str, *, auto: bool) -> str:
    form = owner.get("/dashboard/pathways/new", headers=BROWSER)
    stacked = re.search(r'<option value="([^"]+)"[^>]*>[^<]*\(stacked\)', form.text)
    assert stacked, form.text
    data = {"csrf_token": csrf(form), "slug": slug, "entry": stacked.group(1), "rules": RULES}
    created = owner.post(
        "/dashboard/pathways/new",
        data={**data, **({"auto_issue": "on"} if auto else {})},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    return str(created.headers["location"].split("/")[-1].split("?")[0])


def test_the_rules_editor_names_each_problem_and_viewers_only_read(site: Site) -> None:
    owner = site.staff("owner@galway.example")
    form = owner.get("/dashboard/pathways/new", headers=BROWSER)
    assert form.status_code == 200 and 'aria-current="page">Pathways' in form.text
    bad = "rules:\n  all_of:\n    - min_ects: 0\n    - within: P2X\n"
    refused = owner.post(
        "/dashboard/pathways/new",
        data={"csrf_token": csrf(form), "slug": "bad", "entry": "stacked", "rules": bad},
    )
    assert refused.status_code == 422
    assert "rules.all_of[0].min_ects: must be a positive number" in refused.text
    assert "rules.all_of[1].within: must be an ISO 8601 duration" in refused.text
    assert 'aria-invalid="true"' in refused.text and "min_ects: 0" in refused.text  # kept
    unreadable = owner.post(
        "/dashboard/pathways/new",
        data={"csrf_token": csrf(form), "slug": "bad", "entry": "stacked", "rules": "a: [b"},
    )
    assert unreadable.status_code == 422 and "not YAML or JSON" in unreadable.text
    forged = owner.post(
        "/dashboard/pathways/new", data={"csrf_token": "forged", "slug": "x", "rules": RULES}
    )
    assert forged.status_code in (400, 403)
    pathway = _create_pathway(owner, "editor-check", auto=True)
    again = owner.get("/dashboard/pathways/new", headers=BROWSER)
    duplicate = owner.post(
        "/dashboard/pathways/new",
        data={"csrf_token": csrf(again), "slug": "editor-check", "entry": "stacked",
              "rules": RULES},
    )  # fmt: skip
    assert duplicate.status_code == 422 and "exists already" in duplicate.text
    page = owner.get(f"/dashboard/pathways/{pathway}", headers=BROWSER)
    changed = owner.post(
        f"/dashboard/pathways/{pathway}",
        data={"csrf_token": csrf(page), "entry": "stacked", "rules": RULES.replace("5", "6")},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    page = owner.get(changed.headers["location"], headers=BROWSER)
    assert "The pathway was changed." in page.text and "min_ects: 6" in page.text
    assert 'name="auto_issue" id="auto_issue">' in page.text  # unticked: after approval now
    viewer = site.staff("viewer@galway.example")
    listed = viewer.get("/dashboard/pathways", headers=BROWSER)
    assert "editor-check" in listed.text and "Add a pathway" not in listed.text
    page = viewer.get(f"/dashboard/pathways/{pathway}", headers=BROWSER)
    assert "Check and save" not in page.text
    denied = viewer.post(
        f"/dashboard/pathways/{pathway}",
        data={"csrf_token": csrf(page), "entry": "stacked", "rules": RULES},
    )
    assert denied.status_code == 403
    assert site.client().get("/dashboard/pathways", follow_redirects=False).status_code == 303


def test_a_learner_stacks_with_a_recognised_credential_and_claims_the_result(
    site: Site,
) -> None:
    owner = site.staff("owner@galway.example")
    pathway = _create_pathway(owner, "privacy-auto", auto=True)
    email = "niamh@learner.example"
    external = site.award("leur-module", email, by=site.lyon)
    learner, held = _learner(
        site, email, site.award("part-one", email), site.award("part-two", email), external
    )
    wallet = learner.get("/wallet", headers=BROWSER)
    assert 'id="pathways"' in wallet.text and "Privacy pathway" in wallet.text
    assert "still missing:" in wallet.text and "a credential of part-three" in wallet.text
    assert 'value="67"' in wallet.text  # two of three parts, 4 of 5 ECTS: a progress bar
    assert "Claim the stacked credential" not in wallet.text

    # the dashboard evaluates this learner (who holds the provider's credentials)
    page = owner.get(f"/dashboard/pathways/{pathway}", headers=BROWSER)
    evaluated = owner.post(
        f"/dashboard/pathways/{pathway}/evaluate",
        data={"csrf_token": csrf(page), "email": email},
    )
    assert evaluated.status_code == 200 and "The rules are not met yet." in evaluated.text
    stranger = owner.post(
        f"/dashboard/pathways/{pathway}/evaluate",
        data={"csrf_token": csrf(page), "email": "nobody@learner.example"},
    )
    assert stranger.status_code == 404 and "has shared credentials" in stranger.text

    # recognition asked from the wallet, approved in the dashboard
    ask = learner.get(f"/wallet/{held[2]}/recognition", headers=BROWSER)
    assert "University of Galway" in ask.text
    sent = learner.post(
        f"/wallet/{held[2]}/recognition",
        data={"csrf_token": csrf(ask), "provider": "university-of-galway"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert "waiting for a decision" in learner.get(sent.headers["location"]).text
    queue = owner.get("/dashboard/recognitions", headers=BROWSER)
    [request_id] = re.findall(r'action="/dashboard/recognitions/([^/"]+)/decision"', queue.text)
    nameless = owner.post(
        f"/dashboard/recognitions/{request_id}/decision",
        data={"csrf_token": csrf(queue), "decision": "approve", "equivalent": "part-three"},
    )
    assert nameless.status_code == 422 and "reason" in nameless.text
    approved = owner.post(
        f"/dashboard/recognitions/{request_id}/decision",
        data={"csrf_token": csrf(queue), "decision": "approve", "equivalent": "part-three",
              "reason": "Same learning outcomes"},
        follow_redirects=False,
    )  # fmt: skip
    assert approved.status_code == 303

    # the recognition record arrives in the wallet; the pathway is met; claimed, issued
    wallet = learner.get("/wallet", headers=BROWSER)
    assert "recognised" in wallet.text and "Same learning outcomes" in wallet.text
    assert wallet.text.count('class="card"') == 4  # 3 imported + the recognition record
    assert 'value="100"' in wallet.text
    claim = f"/wallet/pathways/{pathway}/claim"
    assert f'action="{claim}"' in wallet.text
    claimed = learner.post(claim, data={"csrf_token": csrf(wallet)}, follow_redirects=False)
    assert claimed.headers["location"] == "/wallet?claimed=issued#pathways"
    wallet = learner.get(claimed.headers["location"], headers=BROWSER)
    assert "The stacked credential is in your wallet." in wallet.text
    assert wallet.text.count('class="card"') == 5
    twice = learner.post(claim, data={"csrf_token": csrf(wallet)})
    assert twice.status_code == 409 and "already claimed" in twice.text

    # the stacked award names its parts; its Europass export lists them as hasPart
    with site.container.uow() as tx:
        [issued] = tx.pathways.claims_for(pathway)  # type: ignore[attr-defined]
        stacked = tx.awards.get(issued.award_id)
    evidence = json.loads(stacked.credential)["evidence"]
    assert [e["genre"] for e in evidence] == ["Stacked micro-credential"] * 3
    europass = owner.get(f"/dashboard/awards/{stacked.id}/europass.json")
    parts = europass.json()["credentialSubject"]["hasClaim"][0]["hasPart"]
    assert [p["additionalNote"][0]["noteLiteral"]["en"] for p in parts] == [
        f"Credential {e['id']}" for e in evidence
    ]


def test_a_claim_needing_approval_waits_in_the_queue_then_arrives(site: Site) -> None:
    owner = site.staff("owner@galway.example")
    pathway = _create_pathway(owner, "privacy-approved", auto=False)
    email = "cian@learner.example"
    credentials = [site.award(s, email) for s in ("part-one", "part-two", "part-three")]
    learner, _ = _learner(site, email, *credentials)
    wallet = learner.get("/wallet", headers=BROWSER)
    claim = f"/wallet/pathways/{pathway}/claim"
    assert f'action="{claim}"' in wallet.text and "Request the stacked credential" in wallet.text
    asked = learner.post(claim, data={"csrf_token": csrf(wallet)}, follow_redirects=False)
    assert asked.headers["location"] == "/wallet?claimed=pending#pathways"
    assert "waiting for approval" in learner.get("/wallet", headers=BROWSER).text
    queue = owner.get("/dashboard/pathways", headers=BROWSER)
    assert email in queue.text
    [claim_id] = re.findall(r'action="/dashboard/pathways/claims/([^/"]+)/decision"', queue.text)
    viewer = site.staff("viewer@galway.example")
    assert "Approve and issue" not in viewer.get("/dashboard/pathways", headers=BROWSER).text
    approved = owner.post(
        f"/dashboard/pathways/claims/{claim_id}/decision",
        data={"csrf_token": csrf(queue), "decision": "approve"},
        follow_redirects=False,
    )
    assert approved.headers["location"] == "/dashboard/pathways?done=approved"
    wallet = learner.get("/wallet", headers=BROWSER)
    assert wallet.text.count('class="card"') == 4
    assert "The stacked credential is in your wallet." in wallet.text
    again = owner.post(
        f"/dashboard/pathways/claims/{claim_id}/decision",
        data={"csrf_token": csrf(queue), "decision": "approve"},
    )
    assert again.status_code == 409 and "already issued" in again.text
