"""The offline verification bundle: made with what a resolver and status lists give, verified
with nothing but its own content; context substitution and malformed bundles are refused.

Vectors: the reference JavaScript stack's credentials (tests/vectors/js-peer-issued/README.md).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import default_loader
from microcred.core.verify.bundle import (
    BUNDLE_TYPE,
    StatusSnapshot,
    make_bundle,
    parse_bundle,
    verify_bundle,
)
from microcred.core.verify.inputs import read_presented
from microcred.core.verify.report import Outcome
from microcred.errors import DocumentParseError, InvalidInputError

PEER = Path(__file__).parents[3] / "vectors" / "js-peer-issued"
MADE = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def text(name: str) -> str:
    return (PEER / name).read_text(encoding="utf-8")


def did_web_bundle() -> dict[str, Any]:
    did_doc = json.loads(text("did-web-issuer.example.json"))
    resolver = Resolver(documents={did_doc["id"]: did_doc})  # stands for the network
    return make_bundle(
        text("ob3-signed-didweb.json"), resolver=resolver, status_lists=[], created=MADE
    )


def status_bundle(credential: str) -> dict[str, Any]:
    status_list = json.loads(text("statuslist-1.json"))
    snapshot = StatusSnapshot("https://status.example/lists/1", status_list, MADE)
    return make_bundle(credential, resolver=Resolver(), status_lists=[snapshot], created=MADE)


def test_a_did_web_credential_verifies_from_its_bundle_alone() -> None:
    bundle = did_web_bundle()
    assert bundle["type"] == BUNDLE_TYPE
    assert bundle["version"] == 1
    assert bundle["created"] == "2026-11-22T15:00:00Z"
    assert bundle["credential"] == text("ob3-signed-didweb.json")  # exact text
    assert [d["id"] for d in bundle["controllerDocuments"]] == ["did:web:issuer.example"]
    assert {c["url"] for c in bundle["contexts"]} == {
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    }
    report = verify_bundle(json.loads(json.dumps(bundle)), now=NOW)
    assert report.verified, report.to_dict()
    note = report.check("offline bundle")
    assert note is not None and not note.required
    assert "2026-11-22T15:00:00Z" in note.reason


def test_without_the_did_document_the_bundle_does_not_verify() -> None:
    bundle = did_web_bundle()
    bundle["controllerDocuments"] = []
    report = verify_bundle(bundle, now=NOW)
    assert not report.verified
    assert "proof" in {c.name for c in report.failures}


def test_status_is_reported_as_of_the_time_the_list_was_fetched() -> None:
    fine = verify_bundle(status_bundle(text("ob3-signed-status8.json")), now=NOW)
    assert fine.verified, fine.to_dict()
    (status,) = [c for c in fine.checks if c.name.endswith("status")]
    assert status.outcome is Outcome.PASSED
    assert "as of 2026-11-22T15:00:00Z" in status.reason
    assert status.details["asOf"] == "2026-11-22T15:00:00Z"
    revoked = verify_bundle(status_bundle(text("ob3-signed-status7.json")), now=NOW)
    assert not revoked.verified
    assert [c.name for c in revoked.failures] == ["revocation status"]
    assert "as of 2026-11-22T15:00:00Z" in revoked.failures[0].reason


def test_a_bundle_without_its_status_list_fails_closed() -> None:
    bundle = status_bundle(text("ob3-signed-status8.json"))
    bundle["statusLists"] = []
    report = verify_bundle(bundle, now=NOW)
    assert [c.name for c in report.failures] == ["revocation status"]


def test_a_substituted_context_is_refused() -> None:
    bundle = did_web_bundle()
    evil = copy.deepcopy(bundle)
    entry = next(c for c in evil["contexts"] if "purl.imsglobal.org" in c["url"])
    entry["document"]["@context"]["name"] = "https://evil.example/name"
    report = verify_bundle(evil, now=NOW)
    assert not report.verified
    (failure,) = report.failures
    assert failure.name == "offline bundle"
    assert "replaces a pinned JSON-LD context" in failure.reason
    assert failure.problem_type is not None
    assert failure.problem_type.endswith("CONTEXT_SUBSTITUTION")


def test_an_unknown_context_travels_in_the_bundle() -> None:
    custom = {"@context": {"extra": "https://example.org/extra#"}}
    credential = json.loads(text("ob3-signed-didweb.json"))
    loader = default_loader().with_documents({"https://example.org/ctx": custom})
    credential["@context"].append("https://example.org/ctx")  # breaks the proof, not the bundle
    did_doc = json.loads(text("did-web-issuer.example.json"))
    bundle = make_bundle(
        json.dumps(credential),
        resolver=Resolver(documents={did_doc["id"]: did_doc}),
        status_lists=[],
        created=MADE,
        loader=loader,
    )
    assert {"url": "https://example.org/ctx", "document": custom} in bundle["contexts"]
    report = verify_bundle(bundle, now=NOW)
    assert report.check("contexts").outcome is Outcome.PASSED  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError, match=re.escape("https://example.org/ctx")):
        make_bundle(json.dumps(credential), resolver=Resolver(), status_lists=[], created=MADE)


def test_a_vc_jwt_bundle_carries_the_key_named_by_its_kid() -> None:
    bundle = make_bundle(text("ob3.vc-jwt").strip(), resolver=Resolver(), status_lists=[],
                         created=MADE)  # fmt: skip
    assert bundle["controllerDocuments"]
    assert all(d["id"].startswith("did:key:") for d in bundle["controllerDocuments"])
    report = verify_bundle(bundle, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert report.verified, report.to_dict()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"type": "Something"}, "not a verification bundle"),
        ({"version": 2}, "version 2 is not supported"),
        ({"credential": None}, "credential is missing"),
        ({"created": "yesterday"}, "not a date-time"),
        ({"statusLists": {"a": 1}}, "statusLists must be a list"),
    ],
)
def test_malformed_bundles_are_one_failed_check_naming_the_problem(
    change: dict[str, Any], problem: str
) -> None:
    bundle = {**did_web_bundle(), **change}
    report = verify_bundle(bundle, now=NOW)
    assert not report.verified
    assert [c.name for c in report.checks] == ["offline bundle"]
    assert problem in report.checks[0].reason
    with pytest.raises(DocumentParseError, match=problem):
        parse_bundle(json.dumps(bundle))


def test_the_verification_inputs_read_a_bundle() -> None:
    bundle = did_web_bundle()
    presented = read_presented(json.dumps(bundle).encode(), filename="bundle.json")
    assert presented.source == "verification bundle"
    assert presented.kind == "credential"
    assert presented.text == bundle["credential"].strip()
    assert "did:web:issuer.example" in presented.documents
    assert presented.extra["bundle"] == bundle
    plain = read_presented(text("ob3-signed-didweb.json").encode())
    assert plain.source != "verification bundle"
