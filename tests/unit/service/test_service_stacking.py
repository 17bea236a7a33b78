"""Trust registry, recognition and pathways as use cases, on the in-memory fakes: who may do
what, claims waiting for approval, rejections with reasons, the signed registry list."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
import yaml
from service_support import DESCRIPTION, LEARNER, Env

from microcred.core.verify.checks import TRUSTED_PROVIDER
from microcred.core.verify.pipeline import Verifier
from microcred.errors import InvalidInputError, SpecValidationError
from microcred.service import issuing, recognition, registry, stacking, verifying
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.records import CatalogueVersion, Principal

RULES = {"rules": {"all_of": [{"achievement": "part-one"}, {"min_ects": 5}]}}


def description(slug: str, ects: int) -> dict[str, Any]:
    data = dict(yaml.safe_load(DESCRIPTION))
    data["id"] = slug
    data["workload"] = {"ects": ects}
    return data


def provider(env: Env, name: str = "University of Galway") -> tuple[str, Principal]:
    org, owner = env.organisation(name)
    return org.id, owner


def verify_with(env: Env) -> Any:
    verifier: Verifier = verifying.verifier(
        uow=env.uow,
        cipher=env.cipher,
        clock=env.clock,
        fetcher=env.fetcher,
        base_url=env.base_url,
    )
    return verifier.verify


def registry_row(did: str) -> dict[str, str]:
    return {
        "did": did,
        "legal_name": "University of Galway",
        "country": "IE",
        "qa_type": "institutional-qa",
        "accrediting_body": "QQI",
        "valid_from": "2020-01-01",
    }


def test_registry_admin_import_and_signed_list() -> None:
    env = Env()
    admin_org, admin = provider(env, "Platform Operator")
    _, other = provider(env, "Another University")
    did = json.loads(env.issue(other, env.published(other)).credential)["issuer"]["id"]
    text = json.dumps([registry_row(did)])
    with pytest.raises(PermissionDenied, match="platform administrator"):
        registry.import_entries(other, text, admins=(admin_org,), **env.writes)
    added, skipped = registry.import_entries(admin, text, admins=(admin_org,), **env.writes)
    again = registry.import_entries(admin, text, admins=(admin_org,), **env.writes)
    assert (len(added), skipped, len(again[0]), again[1]) == (1, 0, 0, 1)
    with pytest.raises(SpecValidationError, match=r"row 1: country"):
        registry.import_entries(
            None, json.dumps([{**registry_row(did), "country": "EU"}]), admins=(), **env.writes
        )

    signed = registry.signed_registry(
        admins=(admin_org,), uow=env.uow, cipher=env.cipher, clock=env.clock, base_url=env.base_url
    )
    assert signed["credentialSubject"]["provider"][0]["did"] == did
    report = verify_with(env)(signed)
    assert report.verified, report.to_dict()
    with pytest.raises(NotFound, match="no platform administrator"):
        registry.signed_registry(
            admins=(), uow=env.uow, cipher=env.cipher, clock=env.clock, base_url=env.base_url
        )

    registry.remove_entry(admin, added[0].id, admins=(admin_org,), **env.writes)
    assert registry.list_entries(uow=env.uow) == []
    with pytest.raises(NotFound):
        registry.remove_entry(admin, added[0].id, admins=(admin_org,), **env.writes)


def test_the_service_verifier_reports_registry_membership() -> None:
    env = Env()
    _, owner = provider(env)
    credential = json.loads(env.issue(owner, env.published(owner)).credential)
    verify = verify_with(env)
    check = verify(credential).check(TRUSTED_PROVIDER)
    assert check is not None and check.reason == "no trust registry configured"
    registry.import_entries(
        None, json.dumps([registry_row("did:web:elsewhere.example")]), admins=(), **env.writes
    )
    report = verify(credential)
    check = report.check(TRUSTED_PROVIDER)
    assert report.verified and check is not None and check.outcome.value == "failed"
    registry.import_entries(
        None, json.dumps([registry_row(credential["issuer"]["id"])]), admins=(), **env.writes
    )
    check = verify(credential).check(TRUSTED_PROVIDER)
    assert check is not None and check.passed


def _pathway(env: Env, owner: Principal, *, auto_issue: bool) -> tuple[CatalogueVersion, Any]:
    part = env.published(owner, description("part-one", 5))
    env.published(owner, description("stacked", 10))
    stacking.create_pathway(
        owner, slug="path", entry="stacked", rules=RULES, auto_issue=auto_issue, **env.writes
    )
    return part, partial(issuing.issue_award, **env.issues)


def test_pathway_rules_are_validated_and_slugs_unique() -> None:
    env = Env()
    _, owner = provider(env)
    env.published(owner, description("stacked", 10))
    with pytest.raises(SpecValidationError, match=r"rules.all_of\[0\].min_ects: must be"):
        stacking.create_pathway(
            owner,
            slug="p",
            entry="stacked",
            rules={"rules": {"all_of": [{"min_ects": 0}]}},
            **env.writes,
        )
    with pytest.raises(NotFound, match="catalogue entry 'nope'"):
        stacking.create_pathway(owner, slug="p", entry="nope", rules=RULES, **env.writes)
    stacking.create_pathway(owner, slug="p", entry="stacked", rules=RULES, **env.writes)
    with pytest.raises(Conflict, match="exists already"):
        stacking.create_pathway(owner, slug="p", entry="stacked", rules=RULES, **env.writes)
    assert [p.slug for p in stacking.list_pathways(owner, uow=env.uow)] == ["p"]


def test_a_claim_waits_for_approval_then_issues_with_parts_as_evidence() -> None:
    env = Env()
    _, owner = provider(env)
    part, issue = _pathway(env, owner, auto_issue=False)
    held = json.loads(env.issue(owner, part).credential)
    verify = verify_with(env)
    kw = {"verify": verify, "issue": issue, "base_url": env.base_url, **env.writes}
    nothing = stacking.claim(owner, "path", learner=LEARNER, credentials=[], **kw)
    assert nothing.claim is None and not nothing.evaluation.met
    result = stacking.claim(owner, "path", learner=LEARNER, credentials=[held], **kw)
    assert result.evaluation.met and result.claim is not None
    assert (result.claim.state, result.award) == ("pending", None)
    done = stacking.decide_claim(
        owner, result.claim.id, approve=True, issue=issue, uow=env.uow, clock=env.clock, rng=env.rng
    )
    assert done.state == "issued" and done.award_id
    with env.uow() as tx:
        award = tx.awards.get(done.award_id)
    assert award is not None
    evidence = json.loads(award.credential)["evidence"]
    assert [(e["id"], e["genre"]) for e in evidence] == [(held["id"], "Stacked micro-credential")]
    with pytest.raises(Conflict, match="already issued"):
        stacking.decide_claim(owner, done.id, approve=False, reason="x", issue=issue, **env.writes)


def test_a_claim_can_be_rejected_with_a_reason_and_viewers_cannot_claim() -> None:
    env = Env()
    org_id, owner = provider(env)
    part, issue = _pathway(env, owner, auto_issue=False)
    held = env.issue(owner, part).credential
    kw = {"verify": verify_with(env), "issue": issue, "base_url": env.base_url, **env.writes}
    claimed = stacking.claim(owner, "path", learner=LEARNER, credentials=[held], **kw).claim
    assert claimed is not None
    with pytest.raises(InvalidInputError, match="reason"):
        stacking.decide_claim(owner, claimed.id, approve=False, issue=issue, **env.writes)
    rejected = stacking.decide_claim(
        owner, claimed.id, approve=False, reason="Not enrolled", issue=issue, **env.writes
    )
    assert (rejected.state, rejected.reason) == ("rejected", "Not enrolled")
    viewer = Principal(org_id, "viewer", "viewer")
    with pytest.raises(PermissionDenied):
        stacking.claim(viewer, "path", learner=LEARNER, credentials=[held], **kw)
    _, stranger = provider(env, "Elsewhere")
    with pytest.raises(NotFound):
        stacking.get_pathway(stranger, "path", uow=env.uow)


def test_a_tampered_credential_does_not_count() -> None:
    env = Env()
    _, owner = provider(env)
    part, _ = _pathway(env, owner, auto_issue=True)
    held = json.loads(env.issue(owner, part).credential)
    held["credentialSubject"]["achievement"]["name"] = "Forged"
    result = stacking.evaluate_pathway(
        owner,
        "path",
        credentials=[held],
        verify=verify_with(env),
        uow=env.uow,
        base_url=env.base_url,
    )
    assert not result.evaluation.met
    assert result.evaluation.ignored == (held["id"],)


def test_recognition_by_registry_membership_and_rejection() -> None:
    env = Env()
    _, galway = provider(env)
    _, lyon = provider(env, "Université de Lyon")
    env.published(galway, description("part-one", 5))
    external = json.loads(env.issue(lyon, env.published(lyon)).credential)
    verify = verify_with(env)
    with pytest.raises(SpecValidationError, match="registry=true"):
        recognition.add_policy(galway, equivalent="part-one", **env.writes)
    recognition.add_policy(galway, equivalent="part-one", registry=True, **env.writes)
    org_slug = "university-of-galway"
    unlisted = recognition.submit(
        org_slug, learner=LEARNER, credential=external, verify=verify, **env.writes
    )
    assert unlisted.equivalent is None  # Lyon is in no registry yet
    registry.import_entries(
        None, json.dumps([registry_row(external["issuer"]["id"])]), admins=(), **env.writes
    )
    listed = recognition.submit(
        org_slug, learner=LEARNER, credential=external, verify=verify, **env.writes
    )
    assert listed.equivalent == "part-one"
    issue = partial(issuing.issue_award, **env.issues)
    with pytest.raises(InvalidInputError, match="equivalent: name the catalogue entry"):
        recognition.decide(
            galway, unlisted.id, approve=True, reason="ok", issue=issue, **env.writes
        )
    rejected = recognition.decide(
        galway, unlisted.id, approve=False, reason="Outcomes differ", issue=issue, **env.writes
    )
    assert (rejected.state, rejected.record_award_id) == ("rejected", None)
    tampered = {**external, "name": "changed"}
    with pytest.raises(InvalidInputError, match="it does not verify"):
        recognition.submit(
            org_slug, learner=LEARNER, credential=tampered, verify=verify, **env.writes
        )
    assert [r.state for r in recognition.list_requests(galway, uow=env.uow)] == [
        "rejected",
        "pending",
    ]
