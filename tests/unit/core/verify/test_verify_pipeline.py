"""The verification pipeline on published fixtures and on credentials from the JavaScript stack.

Fixture sources (tests/vectors/README.md): 1EdTech's validator fixtures (`ob3-fixtures/`), the
reference JavaScript stack's credentials (`js-peer-issued/`), the W3C vc-di-eddsa vectors.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver, controller_document_for_key
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.multikey import is_public_key_multibase
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import Outcome

VECTORS = Path(__file__).parents[3] / "vectors"
FIXTURES = VECTORS / "ob3-fixtures"
PEER = VECTORS / "js-peer-issued"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def implied_controller_documents(credential: dict[str, Any]) -> dict[str, Any]:
    """The controller document each https verification method's multibase fragment implies."""
    docs: dict[str, Any] = {}
    proofs = credential.get("proof", [])
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        vm = proof.get("verificationMethod", "") if isinstance(proof, dict) else ""
        controller, _, fragment = vm.partition("#")
        if vm.startswith("https://") and is_public_key_multibase(fragment):
            docs[controller] = controller_document_for_key(controller, fragment)
    return docs


def verifier_for(credential: dict[str, Any], **kw: Any) -> Verifier:
    return Verifier(
        resolver=Resolver(documents=implied_controller_documents(credential)),
        clock=lambda: NOW,
        **kw,
    )


GOOD_1EDTECH = [
    "simple.json",
    "simple-context-alias.json",
    "simple-context-version.json",
    "simple-did-key-method.json",
    "simple-did-web-method.json",
    "simple-multiple-proofs.json",
    "simple-eddsa-2022.json",  # legacy cryptosuite name (verified, never issued)
    "simple_v1.json",  # legacy Ed25519Signature2020, VC 1.1 (verified, never issued)
]


@pytest.mark.parametrize("name", GOOD_1EDTECH)
def test_good_1edtech_fixtures_verify(name: str) -> None:
    credential = load(FIXTURES / name)
    report = verifier_for(credential).verify(credential)
    assert report.verified, report.to_dict()
    assert report.check("proof") is not None
    assert report.check("proof").outcome is Outcome.PASSED  # type: ignore[union-attr]


ERR_1EDTECH = sorted(p.name for p in FIXTURES.glob("simple-err-*.json"))


@pytest.mark.parametrize("name", ERR_1EDTECH)
def test_every_1edtech_error_fixture_is_refused(name: str) -> None:
    credential = load(FIXTURES / name)
    report = verifier_for(credential).verify(credential)
    assert not report.verified
    assert all(c.reason for c in report.failures)
    assert all(c.problem_type for c in report.failures)


def test_error_fixtures_fail_for_the_named_reason() -> None:
    def failed(name: str) -> set[str]:
        credential = load(FIXTURES / name)
        return {c.name for c in verifier_for(credential).verify(credential).failures}

    assert "validity period" in failed("simple-err-expired.json")
    assert "validity period" in failed("simple-err-issued.json")
    assert "structure" in failed("simple-err-context.json")
    assert "proof" in failed("simple-err-proof-value.json")
    assert "proof" in failed("simple-err-proof-method-unknown-did-method.json")
    assert "structure" in failed("simple-err-issuer.json")


def test_a_credential_without_proof_is_refused() -> None:
    report = Verifier(clock=lambda: NOW).verify(load(FIXTURES / "simple-noproof.json"))
    assert not report.verified
    assert "no proof" in report.check("proof").reason  # type: ignore[union-attr]


def test_js_peer_credential_verifies_and_tampered_copy_does_not() -> None:
    verifier = Verifier(clock=lambda: NOW)
    good = verifier.verify(load(PEER / "ob3-signed.json"))
    assert good.verified, good.to_dict()
    assert good.check("issuer key").outcome is Outcome.PASSED  # type: ignore[union-attr]
    bad = verifier.verify(load(PEER / "ob3-tampered.json"))
    assert not bad.verified
    assert [c.name for c in bad.failures] == ["proof"]


def test_did_web_issuer_with_local_did_document() -> None:
    did_doc = load(PEER / "did-web-issuer.example.json")
    verifier = Verifier(resolver=Resolver(documents={did_doc["id"]: did_doc}), clock=lambda: NOW)
    assert verifier.verify(load(PEER / "ob3-signed-didweb.json")).verified
    without = Verifier(clock=lambda: NOW).verify(load(PEER / "ob3-signed-didweb.json"))
    assert not without.verified
    assert "proof" in {c.name for c in without.failures}


def test_status_list_bit_set_means_revoked_and_unset_means_valid() -> None:
    status_list = load(PEER / "statuslist-1.json")
    lists = {"https://status.example/lists/1": status_list}
    verifier = Verifier(status_lists=lists.get, clock=lambda: NOW)
    revoked = verifier.verify(load(PEER / "ob3-signed-status7.json"))
    assert not revoked.verified
    assert "REVOKED" in revoked.check("revocation status").reason  # type: ignore[union-attr]
    fine = verifier.verify(load(PEER / "ob3-signed-status8.json"))
    assert fine.verified, fine.to_dict()
    assert load(PEER / "v7.json")["verified"] is False  # the JavaScript stack agrees
    assert load(PEER / "v8.json")["verified"] is True


def test_status_fails_closed_when_the_list_cannot_be_had() -> None:
    report = Verifier(clock=lambda: NOW).verify(load(PEER / "ob3-signed-status8.json"))
    assert not report.verified
    status = report.check("revocation status")
    assert status is not None and status.outcome is Outcome.FAILED
    assert "could not be retrieved" in status.reason
    assert status.problem_type and status.problem_type.endswith("STATUS_RETRIEVAL_ERROR")


def test_a_status_list_from_another_issuer_is_not_trusted() -> None:
    forged = load(FIXTURES / "simple.json")  # signed, but by someone else
    lists = {"https://status.example/lists/1": forged}
    report = Verifier(status_lists=lists.get, clock=lambda: NOW).verify(
        load(PEER / "ob3-signed-status8.json")
    )
    assert not report.verified
    assert "not trustworthy" in report.check("revocation status").reason  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["ob3.vc-jwt", "ob3.ob3-jwt"])
def test_js_peer_jwts_verify(name: str) -> None:
    report = Verifier(clock=lambda: NOW).verify((PEER / name).read_text())
    assert report.verified, report.to_dict()
    assert report.summary.securing == "VC-JWT"


def test_tampered_jwt_is_refused() -> None:
    report = Verifier(clock=lambda: NOW).verify((PEER / "ob3-tampered.vc-jwt").read_text())
    assert not report.verified


def test_enveloped_credential_verifies() -> None:
    report = Verifier(clock=lambda: NOW).verify(load(PEER / "ob3-enveloped.json"))
    assert report.verified, report.to_dict()


def test_unknown_context_is_named() -> None:
    credential = load(PEER / "ob3-signed.json")
    credential["@context"] = [*credential["@context"], "https://evil.example/context.jsonld"]
    report = Verifier(clock=lambda: NOW).verify(credential)
    assert not report.verified
    assert "https://evil.example/context.jsonld" in report.check("contexts").reason  # type: ignore[union-attr]


def test_a_supplied_context_is_used_but_never_fetched() -> None:
    loader = default_loader().with_documents({"https://x.example/ctx": {"@context": {}}})
    credential = load(PEER / "ob3-signed.json")
    credential["@context"] = [*credential["@context"], "https://x.example/ctx"]
    report = Verifier(loader=loader, clock=lambda: NOW).verify(credential)
    assert report.check("contexts").passed  # type: ignore[union-attr]
    assert report.verified  # an empty context leaves the RDF, hence the signature, unchanged


HOSTILE: list[Any] = [
    {},
    {"@context": "nope"},
    {"@context": [1, 2, 3], "type": 5, "issuer": [], "credentialSubject": "x", "proof": "x"},
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": [None, 1, "a", {}]},
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": 7},
        "credentialSubject": {"id": {"@id": None}},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": "did:key:zzz",
            "proofValue": "z111",
            "proofPurpose": 3,
        },
    },
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "credentialStatus": [1, {"type": 2}],
        "validFrom": "yesterday",
        "validUntil": 12,
    },
    {"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,not.a.jwt"},
    {"type": "EnvelopedVerifiableCredential", "id": 42},
    "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.",
    "eyJhbGciOiJFZERTQSJ9.e30.AAAA",
    "a.b.c",
    '{"@context": ["https://www.w3.org/ns/credentials/v2"], "x": "' + "y" * 100_000 + '"}',
]


@pytest.mark.parametrize("document", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_documents_end_in_not_verified_never_an_exception(document: Any) -> None:
    report = Verifier(clock=lambda: NOW).verify(document)
    assert not report.verified
    assert report.failures
    assert all("internal error" not in c.reason for c in report.checks), report.to_dict()


def test_poison_blank_node_clique_is_refused_quickly() -> None:
    credential = load(PEER / "ob3-signed.json")
    clique = [
        {"@id": f"_:b{i}", "https://ex.org/p": [{"@id": f"_:b{j}"} for j in range(10)]}
        for i in range(10)
    ]
    credential["credentialSubject"]["https://ex.org/poison"] = clique
    report = Verifier(clock=lambda: NOW).verify(credential)
    assert not report.verified


def test_a_jwt_signed_with_its_own_embedded_key_is_not_tied_to_the_issuer() -> None:
    import base64

    from microcred.core.keys.keypair import Ed25519KeyPair

    key = Ed25519KeyPair.generate(bytes(range(32)))
    credential = load(PEER / "ob3-signed.json")
    credential.pop("proof")

    def part(value: Any) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(key.public_key).rstrip(b"=").decode(),
    }
    signing_input = f"{part({'alg': 'EdDSA', 'typ': 'vc+jwt', 'jwk': jwk})}.{part(credential)}"
    signature = key.signer().sign(signing_input.encode())
    token = signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    report = Verifier(clock=lambda: NOW).verify(token)
    assert report.check("proof").passed  # type: ignore[union-attr]
    assert not report.verified
    assert "carried in the token itself" in report.check("issuer key").reason  # type: ignore[union-attr]


def test_an_expired_proof_is_refused() -> None:
    from microcred.core.keys.keypair import Ed25519KeyPair
    from microcred.core.proofs.data_integrity import add_proof

    key = Ed25519KeyPair.generate(bytes(range(32)))
    unsigned = load(PEER / "ob3-unsigned.json")
    unsigned["issuer"] = (
        {**unsigned["issuer"], "id": key.did} if isinstance(unsigned["issuer"], dict) else key.did
    )
    signed = add_proof(
        unsigned,
        signer=key.signer(),
        created="2026-01-01T00:00:00Z",
        expires="2026-06-01T00:00:00Z",
        loader=default_loader(),
    )
    assert Verifier(clock=lambda: datetime(2026, 3, 1, tzinfo=UTC)).verify(signed).verified
    late = Verifier(clock=lambda: NOW).verify(signed)
    assert not late.verified
    assert [c.name for c in late.failures] == ["proof"]
