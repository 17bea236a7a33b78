"""Sanity of the interop harness: the reference JavaScript stack on its own published vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interop.peer import JsPeer, JsPeerError

pytestmark = pytest.mark.interop

JS = Path(__file__).resolve().parents[1] / "vectors" / "js-peer-issued"
LIST_URL = "https://status.example/lists/1"
DID_KEY = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"


def load(name: str) -> Any:
    return json.loads((JS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ob3-signed.json", "data-integrity"),
        ("ob3-signed-status8.json", "data-integrity"),
        ("ob3.vc-jwt", "jwt"),
        ("ob3.ob3-jwt", "jwt"),
        ("ob3-enveloped.json", "enveloped-jwt"),
    ],
)
def test_peer_verifies_its_own_vectors(js_peer: JsPeer, name: str, fmt: str) -> None:
    verdict = js_peer.verify(JS / name, docs={LIST_URL: JS / "statuslist-1.json"})
    assert verdict["verified"] is True, verdict.get("errors")
    assert verdict["format"] == fmt
    assert verdict["credential"]["issuer"] == DID_KEY


def test_peer_verifies_did_web_with_its_document(js_peer: JsPeer) -> None:
    credential = load("ob3-signed-didweb.json")
    verdict = js_peer.verify(credential, did_docs=[JS / "did-web-issuer.example.json"])
    assert verdict["verified"] is True, verdict.get("errors")
    assert "did:web:issuer.example#key-1" in verdict["documentsLoaded"]
    # offline: without the DID document nothing is fetched and verification fails
    verdict = js_peer.verify(credential)
    assert verdict["verified"] is False
    assert "not resolvable" in json.dumps(verdict["errors"]) or "no local copy" in json.dumps(
        verdict["errors"]
    )


@pytest.mark.parametrize("name", ["ob3-tampered.json", "ob3-tampered.vc-jwt"])
def test_peer_refuses_tampered_vectors(js_peer: JsPeer, name: str) -> None:
    verdict = js_peer.verify(JS / name)
    assert verdict["verified"] is False
    assert verdict.get("proofVerified") in (False, None)
    assert verdict["errors"]


def test_peer_refuses_a_one_character_change(js_peer: JsPeer) -> None:
    credential = load("ob3-signed.json")
    credential["name"] += "!"
    assert js_peer.verify(credential)["verified"] is False


def test_status_bit_set_means_revoked(js_peer: JsPeer) -> None:
    docs = {LIST_URL: JS / "statuslist-1.json"}
    revoked = js_peer.verify(JS / "ob3-signed-status7.json", docs=docs)
    assert revoked["verified"] is False
    assert revoked["proofVerified"] is True
    assert revoked["revoked"] is True
    assert revoked["status"]["results"][0]["bitSet"] is True
    fine = js_peer.verify(JS / "ob3-signed-status8.json", docs=docs)
    assert fine["status"]["results"][0]["bitSet"] is False
    assert "revoked" not in fine
    # --no-status skips the check; without the list the check fails closed
    skipped = js_peer.verify(JS / "ob3-signed-status7.json", no_status=True)
    assert skipped["verified"] is True
    assert skipped["status"]["skipped"] is True
    closed = js_peer.verify(JS / "ob3-signed-status8.json")
    assert closed["verified"] is False
    assert "no local copy" in json.dumps(closed["status"]["errors"])


def test_now_is_passed_to_the_data_model_check(js_peer: JsPeer) -> None:
    before = js_peer.verify(JS / "ob3-signed.json", now="2023-01-01T00:00:00Z")
    assert before["verified"] is False  # validFrom is 2024-01-01
    assert js_peer.verify(JS / "ob3-signed.json", now="2024-06-01T00:00:00Z")["verified"]


def test_peer_reissues_the_vector_byte_for_byte(js_peer: JsPeer) -> None:
    """Ed25519 is deterministic: same document, key and created => the same proofValue."""
    signed = load("ob3-signed.json")
    again = js_peer.issue(
        JS / "ob3-unsigned.json", key=JS / "issuer-key.json", created=signed["proof"]["created"]
    )
    assert again == signed


@pytest.mark.parametrize("fmt", ["vc-jwt", "ob3-jwt"])
def test_peer_issues_jwts_it_verifies(js_peer: JsPeer, fmt: str) -> None:
    token = js_peer.issue(load("ob3-unsigned.json"), key=load("issuer-key.json"), fmt=fmt)
    assert isinstance(token, str)
    assert token.count(".") == 2
    verdict = js_peer.verify(token)
    assert verdict["verified"] is True, verdict.get("errors")
    assert verdict["header"]["typ"] == ("vc+jwt" if fmt == "vc-jwt" else "JWT")


def test_peer_refuses_undefined_terms(js_peer: JsPeer) -> None:
    with pytest.raises(JsPeerError, match="Safe mode validation error"):
        js_peer.issue(JS / "ob3-unsigned-undefined-term.json", key=JS / "issuer-key.json")


def test_peer_uses_microcred_context_from_the_package(js_peer: JsPeer) -> None:
    """microcred's own context (bundled in the package) reaches the peer without --doc."""
    unsigned = load("ob3-unsigned.json")
    unsigned["@context"].append("https://w3id.org/microcred/v1")
    unsigned["credentialSubject"]["achievement"]["ectsCredits"] = 5
    signed = js_peer.issue(unsigned, key=JS / "issuer-key.json")
    assert isinstance(signed, dict)
    verdict = js_peer.verify(signed)
    assert verdict["verified"] is True, verdict.get("errors")
    assert "https://w3id.org/microcred/v1" in verdict["documentsLoaded"]
