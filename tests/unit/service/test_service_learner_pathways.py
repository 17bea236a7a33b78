"""Stacking from the learner's side and the issuer's new pathway use cases, on the in-memory
fakes: VC-JWT credentials count; rules are changed and checked; a wallet is evaluated only for
a learner who shared something with the organisation; a learner's claim (auto-issued into the
wallet, or waiting), a recognition asked from a holding whose record arrives in the wallet."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from service_support import Env
from test_service_stacking import RULES, description, provider, verify_with

from microcred.errors import SpecValidationError
from microcred.service import (
    accounts,
    issuing,
    learner_pathways,
    recognition,
    stacking,
    verifying,
    wallet,
)
from microcred.service.accounts import Account
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.records import Principal

EMAIL = "maeve@learner.example"


def _learner(env: Env) -> Account:
    return accounts.register_learner(
        uow=env.uow, clock=env.clock, rng=env.rng, email=EMAIL, name="Maeve", password=None
    )


def _hold(env: Env, account: Account, credential: str) -> str:
    holding = wallet.import_credential(
        uow=env.uow,
        clock=env.clock,
        rng=env.rng,
        verifier=verifying.verifier(
            uow=env.uow,
            cipher=env.cipher,
            clock=env.clock,
            fetcher=env.fetcher,
            base_url=env.base_url,
        ),
        fetcher=env.fetcher,
        account=account,
        data=credential.encode(),
    )
    assert holding.verified, holding.report
    return holding.id


def test_a_vc_jwt_credential_counts_in_stacking() -> None:
    env = Env()
    _, owner = provider(env)
    part = env.published(owner, description("part-one", 5))
    env.published(owner, description("stacked", 10))
    stacking.create_pathway(owner, slug="path", entry="stacked", rules=RULES, **env.writes)
    token = env.issue(owner, part, suite="vc-jwt").credential
    assert token.count(".") == 2
    kw = {"verify": verify_with(env), "uow": env.uow, "base_url": env.base_url}
    result = stacking.evaluate_pathway(owner, "path", credentials=[token], **kw)
    assert result.evaluation.met, result.to_dict()
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    refused = stacking.evaluate_pathway(owner, "path", credentials=[forged], **kw)
    assert not refused.evaluation.met and len(refused.evaluation.ignored) == 1


def test_update_pathway_checks_the_rules_and_the_role() -> None:
    env = Env()
    org_id, owner = provider(env)
    env.published(owner, description("stacked", 10))
    stacking.create_pathway(owner, slug="path", entry="stacked", rules=RULES, **env.writes)
    bad = {"rules": {"any_of": []}}
    with pytest.raises(SpecValidationError, match=r"rules\.any_of"):
        stacking.update_pathway(
            owner, "path", entry="stacked", rules=bad, auto_issue=True, **env.writes
        )
    new_rules = {"rules": {"min_ects": 3}}
    changed = stacking.update_pathway(
        owner, "path", entry="stacked", rules=new_rules, auto_issue=True, **env.writes
    )
    assert (changed.rules, changed.auto_issue) == (new_rules, True)
    assert stacking.get_pathway(owner, "path", uow=env.uow).rules == new_rules
    viewer = Principal(org_id, "viewer", "viewer")
    with pytest.raises(PermissionDenied):
        stacking.update_pathway(
            viewer, "path", entry="stacked", rules=RULES, auto_issue=False, **env.writes
        )


def test_a_wallet_is_evaluated_only_for_a_learner_who_shared_with_the_organisation() -> None:
    env = Env()
    _, owner = provider(env)
    part = env.published(owner, description("part-one", 5))
    env.published(owner, description("stacked", 10))
    stacking.create_pathway(owner, slug="path", entry="stacked", rules=RULES, **env.writes)
    _, other = provider(env, "Elsewhere")
    env.published(other, description("stacked", 10))
    stacking.create_pathway(other, slug="path", entry="stacked", rules=RULES, **env.writes)
    account = _learner(env)
    _hold(env, account, env.issue(owner, part, learner={"email": EMAIL}).credential)
    kw = {"email": EMAIL.upper(), "uow": env.uow, "base_url": env.base_url}
    assert stacking.evaluate_learner(owner, "path", **kw).evaluation.met
    with pytest.raises(NotFound, match="has shared credentials"):
        stacking.evaluate_learner(other, "path", **kw)
    with pytest.raises(NotFound):
        stacking.evaluate_learner(owner, "path", **{**kw, "email": "nobody@example.org"})


def test_a_learner_claims_into_the_wallet_or_waits_for_approval() -> None:
    env = Env()
    _, owner = provider(env)
    part = env.published(owner, description("part-one", 5))
    env.published(owner, description("stacked", 10))
    env.published(owner, description("other", 10))
    stacking.create_pathway(
        owner, slug="auto", entry="stacked", rules=RULES, auto_issue=True, **env.writes
    )
    stacking.create_pathway(owner, slug="asked", entry="other", rules=RULES, **env.writes)
    account = _learner(env)
    issue = partial(issuing.issue_award, **env.issues)
    kw: dict[str, Any] = {"uow": env.uow, "account": account, "issue": issue,
                          "base_url": env.base_url, "clock": env.clock, "rng": env.rng}  # fmt: skip
    found = learner_pathways.learner_pathways(uow=env.uow, account=account, base_url=None)
    assert found == []  # nothing held: no pathway is relevant
    _hold(env, account, env.issue(owner, part, learner={"email": EMAIL}).credential)
    found = learner_pathways.learner_pathways(uow=env.uow, account=account, base_url=env.base_url)
    assert sorted(p.pathway.slug for p in found) == ["asked", "auto"]
    assert all(p.claimable for p in found)
    by_slug = {p.pathway.slug: p.pathway.id for p in found}
    issued = learner_pathways.request_stacked(pathway_id=by_slug["auto"], **kw)
    assert issued.claim is not None and issued.claim.state == "issued"
    holdings = wallet.list_holdings(uow=env.uow, account=account)
    assert [h.award_id for h in holdings if h.award_id] == [issued.claim.award_id]
    with pytest.raises(Conflict, match="already claimed"):
        learner_pathways.request_stacked(pathway_id=by_slug["auto"], **kw)
    waiting = learner_pathways.request_stacked(pathway_id=by_slug["asked"], **kw)
    assert waiting.claim is not None and waiting.claim.state == "pending"
    [(_, pending)] = stacking.pending_claims(owner, uow=env.uow)
    assert pending.learner == {"email": EMAIL, "name": "Maeve"}
    stacking.decide_claim(owner, pending.id, approve=True, issue=issue, **env.writes)
    added = learner_pathways.collect_awards(
        uow=env.uow, account=account, clock=env.clock, rng=env.rng
    )
    assert len(added) == 1
    assert (
        learner_pathways.collect_awards(uow=env.uow, account=account, clock=env.clock, rng=env.rng)
        == []
    )


def test_a_recognition_asked_from_the_wallet_yields_a_record_in_it() -> None:
    env = Env()
    _, owner = provider(env)
    env.published(owner, description("part-one", 5))
    _, lyon = provider(env, "Université de Lyon")
    theirs = env.issue(lyon, env.published(lyon, description("leur-module", 5)))
    account = _learner(env)
    holding = _hold(env, account, theirs.credential)
    kw: dict[str, Any] = {"uow": env.uow, "account": account, "holding_id": holding,
                          "verify": verify_with(env), "clock": env.clock,
                          "rng": env.rng}  # fmt: skip
    with pytest.raises(NotFound, match="recognising"):
        learner_pathways.request_recognition(organisation="university-of-galway", **kw)
    issuer = json.loads(theirs.credential)["issuer"]["id"]
    recognition.add_policy(owner, equivalent="part-one", issuer=issuer, **env.writes)
    assert [o.legal_name for o in learner_pathways.recognition_providers(uow=env.uow)] == [
        "University of Galway"
    ]
    with pytest.raises(NotFound, match="holding"):
        learner_pathways.request_recognition(
            organisation="university-of-galway", **{**kw, "holding_id": "nope"}
        )
    asked = learner_pathways.request_recognition(organisation="university-of-galway", **kw)
    assert (asked.equivalent, asked.learner["email"]) == ("part-one", EMAIL)
    recognition.decide(
        owner,
        asked.id,
        approve=True,
        reason="Same outcomes",
        issue=partial(issuing.issue_award, **env.issues),
        **env.writes,
    )
    [(org, decided)] = learner_pathways.learner_recognitions(uow=env.uow, account=account)
    assert (org.legal_name, decided.state, decided.reason) == (
        "University of Galway", "approved", "Same outcomes"
    )  # fmt: skip
    [record] = learner_pathways.collect_awards(
        uow=env.uow, account=account, clock=env.clock, rng=env.rng
    )
    assert record.award_id == decided.record_award_id
