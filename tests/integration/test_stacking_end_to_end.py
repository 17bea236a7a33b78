"""Issue 5 acceptance, on SQLite and PostgreSQL: a pathway of three micro-credentials (one from
another issuer, recognised) with a 5-ECTS minimum is evaluated step by step and issues a
stacked credential that the JavaScript peer verifies; a credential from a provider outside the
registry verifies cryptographically but is reported as not from a trusted provider.
"""

from __future__ import annotations

import base64
import copy
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from microcred.bootstrap import Container, build
from microcred.config import Settings
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.securing import secure_credential
from microcred.core.verify.checks import TRUSTED_PROVIDER
from microcred.service import (
    api_keys,
    catalogue,
    issuing,
    organisations,
    recognition,
    registry,
    stacking,
)
from microcred.service.records import AwardRecord, Principal
from microcred.service.signing_keys import did_document, issuer_did
from microcred.service.status_lists import status_list_credential
from microcred.store import SqlUnitOfWork

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
BASE_URL = "https://issuer.example"
LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}
RULES = {
    "name": "Privacy engineering pathway",
    "rules": {
        "all_of": [
            {"achievement": "privacy-basics"},
            {"achievement": "privacy-law"},
            {"achievement": "privacy-engineering"},
            {"min_ects": 5},
        ]
    },
}
pytestmark = pytest.mark.interop


@dataclass
class Org:
    slug: str
    did: str
    principal: Principal


def _description(slug: str, title: str, ects: int) -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["id"] = slug
    data["title"] = {"en": title}
    data["workload"] = {"ects": ects, "hours": ects * 25}
    return dict(data)


@pytest.fixture(scope="module")
def container(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Container:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        base_url=BASE_URL,
        master_key=SecretStr(base64.b64encode(bytes(range(32))).decode()),
        seed_demo=False,
    )
    return build(settings)


def _org(container: Container, name: str, country: str) -> Org:
    org, key = organisations.create_organisation(name=name, country=country, **container.ports)
    principal = api_keys.authenticate(key, uow=container.uow)
    did = issuer_did(org.id, uow=container.uow, base_url=BASE_URL)
    return Org(org.slug, did, principal)


def _publish(container: Container, org: Org, slug: str, title: str, ects: int) -> str:
    _, version = catalogue.create_entry(
        org.principal, description=_description(slug, title, ects), **container.ports_writes
    )
    catalogue.publish_version(org.principal, version.id, **container.ports_writes)
    return version.id


def _issue(container: Container, org: Org, version_id: str) -> dict[str, Any]:
    award: AwardRecord = issuing.issue_award(
        org.principal, version_id=version_id, learner=LEARNER, **container.issuing
    )
    return dict(json.loads(award.credential))


def _outside_credential(credential: dict[str, Any]) -> dict[str, Any]:
    """The same kind of credential, issued by a did:key provider that is in no registry."""
    pair = Ed25519KeyPair.generate()
    unsigned = copy.deepcopy(credential)
    for key in ("proof", "credentialStatus"):
        unsigned.pop(key)
    unsigned["id"] = "urn:uuid:5e1f0b8e-3c1d-4a51-9d0f-0d6c4e1b2a77"
    unsigned["issuer"] = {**unsigned["issuer"], "id": pair.did, "name": "Unlisted Academy"}
    secured = secure_credential(
        unsigned,
        signer=pair.signer(),
        suite="eddsa-rdfc-2022",
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        loader=default_loader(),
    )
    assert isinstance(secured, dict)
    return secured


def _accredit(orgs: list[Org], writes: dict[str, Any]) -> None:
    """Both universities in the trust registry, accredited since 2020."""
    accredited = [
        {
            "did": org.did,
            "legal_name": name,
            "country": country,
            "qa_type": "institutional-qa",
            "accrediting_body": body,
            "valid_from": "2020-01-01",
        }
        for org, (name, country, body) in zip(
            orgs,
            (
                ("University of Galway", "IE", "Quality and Qualifications Ireland"),
                ("Université de Lyon", "FR", "Hcéres"),
            ),
            strict=True,
        )
    ]
    added, skipped = registry.import_entries(
        None, json.dumps(accredited), name="registry.json", admins=(), **writes
    )
    assert (len(added), skipped) == (2, 0)


def _js_peer_verdict(
    container: Container, js_peer: Any, org: Org, credential: dict[str, Any]
) -> dict[str, Any]:
    """The JavaScript stack's verdict, given the issuer's DID document and status list."""
    uow = partial(SqlUnitOfWork, container.engine)
    status_url = credential["credentialStatus"]["statusListCredential"]
    status = json.loads(
        status_list_credential(
            status_url.rsplit("/", 1)[-1],
            uow=uow,
            cipher=container.cipher,
            clock=container.ports["clock"],
            base_url=BASE_URL,
        )
    )
    verdict: dict[str, Any] = js_peer.verify(
        credential,
        did_docs=[did_document(org.slug, uow=uow, base_url=BASE_URL)],
        docs={status_url: status},
    )
    return verdict


def test_pathway_with_a_recognised_part_issues_a_stacked_credential(
    container: Container, js_peer: Any
) -> None:
    uow = partial(SqlUnitOfWork, container.engine)
    writes = {"uow": uow, "clock": container.ports["clock"], "rng": os.urandom}
    galway = _org(container, "University of Galway", "IE")
    lyon = _org(container, "Université de Lyon", "FR")
    basics = _publish(container, galway, "privacy-basics", "Privacy basics", 2)
    law = _publish(container, galway, "privacy-law", "Privacy law", 2)
    _publish(container, galway, "privacy-engineering", "Privacy engineering", 2)
    stacked = _publish(container, galway, "privacy-certificate", "Privacy certificate", 6)
    theirs = _publish(container, lyon, "ingenierie-vie-privee", "Ingénierie de la vie privée", 2)
    assert stacked

    _accredit([galway, lyon], writes)

    verify = container.verifier().verify
    first = _issue(container, galway, basics)
    second = _issue(container, galway, law)
    external = _issue(container, lyon, theirs)
    report = verify(external)
    assert report.verified
    trusted = report.check(TRUSTED_PROVIDER)
    assert trusted is not None and trusted.passed
    assert "Institutional Quality Assurance by Hcéres" in trusted.reason

    # Galway recognises Lyon's credentials as its own privacy-engineering micro-credential
    recognition.add_policy(
        galway.principal, equivalent="privacy-engineering", issuer=lyon.did, **writes
    )
    request = recognition.submit(
        galway.slug, learner=LEARNER, credential=external, verify=verify, **writes
    )
    assert (request.state, request.equivalent) == ("pending", "privacy-engineering")

    stacking.create_pathway(
        galway.principal,
        slug="privacy-pathway",
        entry="privacy-certificate",
        rules=RULES,
        auto_issue=True,
        **writes,
    )
    evaluate = partial(
        stacking.evaluate_pathway,
        galway.principal,
        "privacy-pathway",
        verify=verify,
        uow=uow,
        base_url=BASE_URL,
    )

    # 1 of 3: not met, says what is missing
    step1 = evaluate(credentials=[first]).evaluation
    assert not step1.met
    assert step1.tree.missing == (
        "a credential of privacy-law",
        "a credential of privacy-engineering",
        "3 more ECTS",
    )
    assert step1.progress == pytest.approx((1 + 0 + 0 + 0.4) / 4, abs=0.001)
    # 2 of 3, and the external one not yet recognised: still not met
    step2 = evaluate(credentials=[first, second, external]).evaluation
    assert not step2.met
    assert step2.tree.missing == ("a credential of privacy-engineering", "1 more ECTS")

    # the assessor approves: a recognition record is issued, and the part counts
    issue = partial(issuing.issue_award, **container.issuing)
    decided = recognition.decide(
        galway.principal,
        request.id,
        approve=True,
        reason="Equivalent learning outcomes, assessed 2026",
        issue=issue,
        **writes,
    )
    assert decided.state == "approved" and decided.record_award_id
    with uow() as tx:
        record_award = tx.awards.get(decided.record_award_id)
    assert record_award is not None
    record = json.loads(record_award.credential)
    assert record["evidence"][0]["id"] == external["id"]
    assert verify(record).verified

    result = stacking.claim(
        galway.principal,
        "privacy-pathway",
        learner=LEARNER,
        credentials=[first, second, external],
        verify=verify,
        issue=issue,
        base_url=BASE_URL,
        **writes,
    )
    assert result.evaluation.met and result.evaluation.progress == 1.0
    assert result.claim is not None and result.claim.state == "issued"
    assert result.award is not None
    credential = json.loads(result.award.credential)
    assert [e["id"] for e in credential["evidence"]] == [first["id"], second["id"], external["id"]]
    assert verify(credential).verified

    verdict = _js_peer_verdict(container, js_peer, galway, credential)
    assert verdict["verified"] is True, verdict


def test_a_provider_outside_the_registry_verifies_but_is_not_trusted(
    container: Container,
) -> None:
    writes = {
        "uow": partial(SqlUnitOfWork, container.engine),
        "clock": container.ports["clock"],
        "rng": os.urandom,
    }
    cork = _org(container, "University College Cork", "IE")
    listed = _issue(container, cork, _publish(container, cork, "cork-privacy", "Privacy", 2))
    row = {
        "did": cork.did,
        "legal_name": "University College Cork",
        "country": "IE",
        "qa_type": "institutional-qa",
        "accrediting_body": "Quality and Qualifications Ireland",
        "valid_from": "2020-01-01",
    }
    registry.import_entries(None, json.dumps([row]), admins=(), **writes)
    verify = container.verifier().verify
    trusted = verify(listed).check(TRUSTED_PROVIDER)
    assert trusted is not None and trusted.passed

    outsider = verify(_outside_credential(listed))
    assert outsider.verified  # cryptographically fine
    check = outsider.check(TRUSTED_PROVIDER)
    assert check is not None and check.outcome.value == "failed" and not check.required
    assert check.reason.startswith("not from a trusted provider: did:key:")
    assert check.reason.endswith("is not in the trust registry")
