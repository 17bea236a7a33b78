"""Credentials the reference JavaScript stack issues verify with microcred's Verifier.

Two sources: the stack's published vectors (tests/vectors/js-peer-issued/), and credentials it
signs here from microcred's OWN unsigned credentials (build_credential output). The second, plus
the identical proofValue both sides compute for the same document, key and ``created``
(Ed25519 is deterministic), proves byte-exact RDFC-1.0 canonicalisation of our real shape.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from interop import interop_support as mc
from interop.peer import JsPeer
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import VerificationReport

pytestmark = pytest.mark.interop

JS = mc.JS_VECTORS
JS_DID = (JS / "issuer-did.txt").read_text(encoding="ascii").split()[0]
JS_LIST_URL = "https://status.example/lists/1"
# after every vector's validFrom (the published status list's is 2026-11-22T14:43:05Z)
VECTORS_CHECKED_AT = datetime(2027, 1, 1, tzinfo=UTC)
LANGS = sorted(mc.EXAMPLE_FILES)


def load(name: str) -> Any:
    text = (JS / name).read_text(encoding="utf-8")
    return text.strip() if name.endswith("jwt") else json.loads(text)


def js_vector_verifier() -> Verifier:
    return mc.verifier(
        documents={"did:web:issuer.example": load("did-web-issuer.example.json")},
        lists={JS_LIST_URL: load("statuslist-1.json")},
        at=VECTORS_CHECKED_AT,
    )


def failed_checks(report: VerificationReport) -> list[str]:
    return [c.name for c in report.failures]


def passed(report: VerificationReport, check: str) -> bool:
    result = report.check(check)
    return result is not None and result.passed


# --- the JavaScript stack's published vectors ------------------------------------------------
@pytest.mark.parametrize(
    ("name", "securing"),
    [
        ("ob3-signed.json", "Data Integrity"),
        ("ob3-signed-status8.json", "Data Integrity"),
        ("ob3-signed-didweb.json", "Data Integrity"),
        ("ob3.vc-jwt", "VC-JWT"),
        ("ob3.ob3-jwt", "VC-JWT"),
        ("ob3-enveloped.json", "VC-JWT"),
    ],
)
def test_we_verify_the_js_vectors(name: str, securing: str) -> None:
    report = js_vector_verifier().verify(load(name))
    assert report.verified, report.problem_details()
    assert report.summary.securing == securing
    expected_issuer = "did:web:issuer.example" if "didweb" in name else JS_DID
    assert report.summary.issuer_id == expected_issuer
    assert passed(report, "proof")


def test_we_see_the_js_revocation() -> None:
    report = js_vector_verifier().verify(load("ob3-signed-status7.json"))
    assert not report.verified
    assert failed_checks(report) == ["revocation status"]
    assert passed(report, "proof")


def test_we_need_the_js_did_web_document() -> None:
    report = mc.verifier(at=VECTORS_CHECKED_AT).verify(load("ob3-signed-didweb.json"))
    assert not report.verified
    assert "proof" in failed_checks(report)


@pytest.mark.parametrize("name", ["ob3-tampered.json", "ob3-tampered.vc-jwt"])
def test_we_refuse_the_tampered_js_vectors(name: str) -> None:
    report = js_vector_verifier().verify(load(name))
    assert not report.verified
    assert "proof" in failed_checks(report)


# --- freshly signed by the JavaScript stack, from OUR unsigned credentials -------------------
CASES = [*LANGS, *mc.variants()]


@pytest.fixture(scope="module")
def our_unsigned() -> dict[str, dict[str, Any]]:
    """Every unsigned credential both sides sign: the examples and the variants."""
    out = {lang: mc.unsigned(*mc.example(lang)) for lang in LANGS}
    for name, (micro, learner, issued) in mc.variants().items():
        out[name] = mc.unsigned(micro, learner, issued=issued)
    return out


@pytest.fixture(scope="module")
def js_signed(js_peer: JsPeer, our_unsigned: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every unsigned credential signed by the JS stack in ONE process, same key and created."""
    names = list(our_unsigned)
    signed = js_peer.issue_many(
        [our_unsigned[n] for n in names], key=mc.KEY_FILE, created=mc.CREATED
    )
    return dict(zip(names, signed, strict=True))


@pytest.mark.parametrize("case", CASES)
def test_we_verify_what_js_signs_from_our_credentials(js_signed: dict[str, Any], case: str) -> None:
    signed = js_signed[case]
    assert signed["proof"]["verificationMethod"] == mc.KEY.did_key_verification_method
    report = mc.verifier().verify(signed)
    assert report.verified, report.problem_details()
    assert passed(report, "proof")
    assert report.summary.issuer_id == mc.KEY.did


@pytest.mark.parametrize("case", CASES)
def test_both_sides_compute_the_same_proof_value(
    our_unsigned: dict[str, dict[str, Any]], js_signed: dict[str, Any], case: str
) -> None:
    """Same unsigned credential, key and created: the same signature, hence the same
    canonical N-Quads, byte for byte."""
    theirs = js_signed[case]
    ours = mc.sign(our_unsigned[case])
    assert ours["proof"][0]["proofValue"] == theirs["proof"]["proofValue"]
    assert ours["proof"] == [theirs["proof"]]  # every proof option too
    # the JS stack signed our document as is (it added nothing, changed nothing)
    assert {k: v for k, v in theirs.items() if k != "proof"} == our_unsigned[case]


def test_we_refuse_one_character_changes_of_js_signed_credentials(
    js_signed: dict[str, Any],
) -> None:
    copies = mc.one_char_changes(js_signed["fr"])
    assert len(copies) == 7
    for place, copy in copies.items():
        report = mc.verifier().verify(copy)
        assert not report.verified, place
        assert "proof" in failed_checks(report), place


def test_we_verify_js_signed_did_web_credential(js_peer: JsPeer) -> None:
    document = mc.did_web_document()
    vm = f"{mc.DID_WEB}#key-0"
    unsigned = mc.unsigned(*mc.example("fr"), issuer_id=mc.DID_WEB)
    signed = js_peer.issue(unsigned, key=mc.KEY_FILE, vm=vm, created=mc.CREATED)
    assert isinstance(signed, dict)
    assert signed["proof"]["verificationMethod"] == vm
    report = mc.verifier(documents={mc.DID_WEB: document}).verify(signed)
    assert report.verified, report.problem_details()
    assert mc.sign(unsigned, vm=vm)["proof"] == [signed["proof"]]


@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_we_check_status_against_a_js_signed_list(js_peer: JsPeer, purpose: str) -> None:
    """List and credentials all made and signed by the JS stack; microcred reads the bits."""
    url = mc.STATUS_LISTS[purpose]
    status_list = js_peer.statuslist_create(
        list_id=url,
        key=mc.KEY_FILE,
        set_bits=[mc.SET_INDEX],
        purpose=purpose,
        valid_from="2025-01-01T00:00:00Z",
        created=mc.CREATED,
    )
    assert status_list["issuer"] == mc.KEY.did
    set_, unset = js_peer.issue_many(
        [
            mc.unsigned(*mc.example("en"), status=mc.status_entry(purpose, index))
            for index in (mc.SET_INDEX, mc.UNSET_INDEX)
        ],
        key=mc.KEY_FILE,
        created=mc.CREATED,
    )
    verifier = mc.verifier(lists={url: status_list})
    assert verifier.verify(unset).verified, verifier.verify(unset).problem_details()
    report = verifier.verify(set_)
    assert failed_checks(report) == [f"{purpose} status"]


@pytest.mark.parametrize("fmt", ["vc-jwt", "ob3-jwt"])
def test_we_verify_js_signed_jwts_of_our_credentials(js_peer: JsPeer, fmt: str) -> None:
    """The FR example (non-ASCII in the UTF-8 JSON payload) as a JS-signed JWT."""
    token = js_peer.issue(mc.unsigned(*mc.example("fr")), key=mc.KEY_FILE, fmt=fmt)
    assert isinstance(token, str)
    report = mc.verifier().verify(token)
    assert report.verified, report.problem_details()
    assert report.summary.securing == "VC-JWT"
    assert report.summary.achievement_name == "Fondamentaux de la cybersécurité"
    forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert "proof" in failed_checks(mc.verifier().verify(forged))
