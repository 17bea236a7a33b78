"""Published canonical forms reproduce byte for byte (VC-DI-EdDSA 1.0 test vectors, OB 3.0)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import base58
import nacl.exceptions
import nacl.signing
import pytest

from microcred.core.jsonld import StaticDocumentLoader, canonical_nquads, default_loader, jcs
from microcred.core.jsonld.canonicalize import canonical_nquads_generic

VECTORS = Path(__file__).parents[3] / "vectors" / "jsonld"


def _json(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def _text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8")


def _ob3_proof_config() -> dict[str, Any]:
    proof = dict(_json("ob3/obv3p0-signed.json")["proof"])
    del proof["proofValue"]
    proof["@context"] = _json("ob3/obv3p0-unsigned.json")["@context"]
    return proof


CASES = [
    ("w3c-rdfc/unsigned.json", "w3c-rdfc/canonDocDataInt.txt"),
    ("w3c-rdfc/proofConfigDataInt.json", "w3c-rdfc/proofCanonDataInt.txt"),
    ("w3c-employ/employmentAuth.json", "w3c-employ/canonDocDataInt.txt"),
    ("w3c-employ/proofConfigDataInt.json", "w3c-employ/proofCanonDataInt.txt"),
    ("ob3/obv3p0-unsigned.json", "ob3/obv3p0-document-canon.txt"),
]


@pytest.mark.parametrize(("document", "canonical"), CASES)
def test_published_canonical_forms(document: str, canonical: str) -> None:
    loader = StaticDocumentLoader()  # fresh: first call generic, second from the shape template
    assert canonical_nquads(_json(document), loader=loader) == _text(canonical)
    assert canonical_nquads(_json(document), loader=loader) == _text(canonical)
    assert canonical_nquads_generic(_json(document), loader=loader) == _text(canonical)


def test_ob3_proof_options_canonical_form() -> None:
    loader = StaticDocumentLoader()
    canon = canonical_nquads(_ob3_proof_config(), loader=loader)
    assert canon == _text("ob3/obv3p0-proof-canon.txt")
    assert canonical_nquads(_ob3_proof_config(), loader=loader) == canon
    digest = hashlib.sha256(canon.encode()).hexdigest()
    assert digest == "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"


@pytest.mark.parametrize(
    ("document", "digest_file"),
    [
        ("w3c-rdfc/unsigned.json", "w3c-rdfc/docHashDataInt.txt"),
        ("w3c-employ/employmentAuth.json", "w3c-employ/docHashDataInt.txt"),
        ("w3c-rdfc/proofConfigDataInt.json", "w3c-rdfc/proofHashDataInt.txt"),
    ],
)
def test_published_hashes(document: str, digest_file: str) -> None:
    canon = canonical_nquads(_json(document), loader=default_loader())
    assert hashlib.sha256(canon.encode()).hexdigest() == _text(digest_file).strip()


def test_ob3_document_hash() -> None:
    canon = canonical_nquads(_json("ob3/obv3p0-unsigned.json"), loader=default_loader())
    digest = hashlib.sha256(canon.encode()).hexdigest()
    assert digest == "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"


def test_every_line_ends_with_newline() -> None:
    canon = canonical_nquads(_json("w3c-employ/employmentAuth.json"), loader=default_loader())
    assert canon.endswith("\n")
    assert all(line.endswith(" .") for line in canon.split("\n")[:-1])


def test_js_peer_signature_verifies_over_our_canonical_bytes() -> None:
    """The JavaScript stack signed SHA-256(proof canon) || SHA-256(doc canon): same bytes here."""
    signed = _json("js-peer/ob3-signed.json")
    proof = dict(signed.pop("proof"))
    signature = base58.b58decode(proof.pop("proofValue")[1:])
    proof["@context"] = signed["@context"]
    loader = default_loader()
    data = (
        hashlib.sha256(canonical_nquads(proof, loader=loader).encode()).digest()
        + hashlib.sha256(canonical_nquads(signed, loader=loader).encode()).digest()
    )
    seed = bytes.fromhex(_json("js-peer/issuer-key.json")["seedHex"])
    verify_key = nacl.signing.SigningKey(seed).verify_key
    assert verify_key.verify(data, signature) == data
    tampered = dict(signed, name=signed["name"] + ".")
    data = data[:32] + hashlib.sha256(canonical_nquads(tampered, loader=loader).encode()).digest()
    with pytest.raises(nacl.exceptions.BadSignatureError):
        verify_key.verify(data, signature)


def test_jcs_reproduces_the_eddsa_jcs_2022_vector() -> None:
    expected = (
        '{"@context":["https://www.w3.org/ns/credentials/v2",'
        '"https://www.w3.org/ns/credentials/examples/v2"],"credentialSubject":'
        '{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},'
        '"description":"A minimum viable example of an Alumni Credential.",'
        '"id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",'
        '"issuer":"https://vc.example/issuers/5678","name":"Alumni Credential",'
        '"type":["VerifiableCredential","AlumniCredential"],"validFrom":"2023-01-01T00:00:00Z"}'
    )
    assert jcs(_json("w3c-rdfc/unsigned.json")) == expected.encode()
