"""The published vectors, byte for byte: VC-DI-EdDSA 1.0 appendix (eddsa-rdfc-2022,
eddsa-jcs-2022, proof sets and chains) and the 1EdTech OB 3.0 eddsa-rdfc-2022 vector."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.canonicalize import canonical_nquads, jcs
from microcred.core.jsonld.loader import StaticDocumentLoader, default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.keys.multikey import decode_base58btc
from microcred.core.proofs import registry
from microcred.core.proofs.data_integrity import add_proof, verify_proofs

VECTORS = Path(__file__).parents[3] / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"
OB = VECTORS / "ob3-impl"
CREATED = "2023-02-24T23:36:38Z"


def _json(path: Path) -> Any:
    return json.loads(path.read_text())


def _text(path: Path) -> str:
    return path.read_text().strip()


@pytest.fixture(scope="module")
def loader() -> StaticDocumentLoader:
    return default_loader()


W3C_CASES = [
    # (folder, suffix, unsigned document, cryptosuite)
    (W3C / "eddsa-rdfc-2022", "DataInt", W3C / "unsigned.json", "eddsa-rdfc-2022"),
    (W3C / "eddsa-rdfc-2022" / "employ", "DataInt", W3C / "employmentAuth.json", "eddsa-rdfc-2022"),
    (W3C / "eddsa-jcs-2022", "JCS", W3C / "unsigned.json", "eddsa-jcs-2022"),
]


@pytest.mark.parametrize(("folder", "suffix", "unsigned", "suite_name"), W3C_CASES)
def test_w3c_vector_intermediate_values(
    folder: Path, suffix: str, unsigned: Path, suite_name: str, loader: StaticDocumentLoader
) -> None:
    document = _json(unsigned)
    proof_config = _json(folder / f"proofConfig{suffix}.json")
    suite = registry.get(suite_name)
    options = {k: v for k, v in proof_config.items() if k != "@context"}
    proof_options = suite.create_proof_options(document, options)
    if suite_name == "eddsa-jcs-2022":
        assert jcs(proof_options).decode() == _text(folder / f"proofCanon{suffix}.txt")
        assert jcs(document).decode() == _text(folder / f"canonDoc{suffix}.txt")
    else:
        assert proof_config["@context"] == document["@context"]
        assert (
            canonical_nquads(proof_config, loader=loader)
            == (folder / f"proofCanon{suffix}.txt").read_text()
        )
    hash_data = suite.hash_data(document, proof_options, loader=loader)
    assert hash_data[:32].hex() == _text(folder / f"proofHash{suffix}.txt")
    assert hash_data[32:].hex() == _text(folder / f"docHash{suffix}.txt")
    assert hash_data.hex() == _text(folder / f"combinedHash{suffix}.txt")
    signer = Ed25519KeyPair.from_json(_json(W3C / "keyPair.json")).signer()
    signature = suite.sign(signer, hash_data)
    assert signature.hex() == _text(folder / f"sigHex{suffix}.txt")


@pytest.mark.parametrize(("folder", "suffix", "unsigned", "suite_name"), W3C_CASES)
def test_w3c_vector_add_proof_reproduces_signed_document(
    folder: Path, suffix: str, unsigned: Path, suite_name: str, loader: StaticDocumentLoader
) -> None:
    signer = Ed25519KeyPair.from_json(_json(W3C / "keyPair.json")).signer()
    signed = add_proof(
        _json(unsigned),
        signer=signer,
        cryptosuite=suite_name,
        created=CREATED,
        loader=loader,
        proof_as_array=False,
    )
    expected = _json(folder / f"signed{suffix}.json")
    assert signed == expected
    assert list(signed["proof"]) == list(expected["proof"])  # same member order
    assert signed["proof"]["proofValue"] == _text(folder / f"sigBTC58{suffix}.txt")
    (check,) = verify_proofs(expected, resolver=Resolver(), loader=loader)
    assert check.verified, check.reason
    assert check.controller == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def test_w3c_tampered_vector_fails(loader: StaticDocumentLoader) -> None:
    (check,) = verify_proofs(
        _json(W3C / "tampered-signedDataInt.json"), resolver=Resolver(), loader=loader
    )
    assert not check.verified
    assert check.problem_type == "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
    assert check.reason is not None and "signature does not match" in check.reason


@pytest.mark.parametrize("suffix", ["DataInt", "JCS"])
def test_w3c_vector_with_changed_value_fails(suffix: str, loader: StaticDocumentLoader) -> None:
    folder = W3C / ("eddsa-jcs-2022" if suffix == "JCS" else "eddsa-rdfc-2022")
    signed = _json(folder / f"signed{suffix}.json")
    signed["validFrom"] = "2023-01-02T00:00:00Z"
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader)
    assert not check.verified


def test_ed25519signature2020_vector_verifies_as_legacy(loader: StaticDocumentLoader) -> None:
    (check,) = verify_proofs(
        _json(W3C / "Ed25519Signature2020" / "signedEdSig.json"), resolver=Resolver(), loader=loader
    )
    assert check.verified, check.reason
    assert check.proof_type == "Ed25519Signature2020"


def _multi_key(name: str) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_json(_json(W3C / "proof-set-chain" / "multiKeyPairs.json")[name])


def test_w3c_proof_set_and_chain_reproduced_and_verified(loader: StaticDocumentLoader) -> None:
    folder = W3C / "proof-set-chain"
    document = _json(W3C / "unsigned.json")
    for number, key in ((1, "keyPair1"), (2, "keyPair2")):
        config = _json(folder / f"proofSetConfig{number}.json")
        document = add_proof(
            document,
            signer=_multi_key(key).signer(),
            created=config["created"],
            proof_id=config["id"],
            loader=loader,
            proof_as_array=False,
        )
        assert document == _json(folder / f"signedProofSet{number}.json")
    for number, key in ((1, "keyPair3"), (2, "keyPair4")):
        config = _json(folder / f"proofChainConfig{number}.json")
        document = add_proof(
            document,
            signer=_multi_key(key).signer(),
            created=config["created"],
            proof_id=config.get("id"),
            previous_proof=config["previousProof"],
            loader=loader,
        )
        assert document == _json(folder / f"signedProofChain{number}.json")
    checks = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert [c.verified for c in checks] == [True, True, True, True]


def test_broken_chain_is_reported(loader: StaticDocumentLoader) -> None:
    document = _json(W3C / "proof-set-chain" / "signedProofChain2.json")
    del document["proof"][2]  # the proof the last one chains to
    checks = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert [c.verified for c in checks] == [True, True, False]
    assert "previous proof 'urn:uuid:d94f792a" in (checks[2].reason or "")


def test_ob3_vector_reproduced_byte_exact(loader: StaticDocumentLoader) -> None:
    signed = _json(OB / "obv3p0-signed.json")
    unsigned = _json(OB / "obv3p0-unsigned.json")
    assert unsigned == {k: v for k, v in signed.items() if k != "proof"}
    expected = dict(
        line.split(":", 1) for line in (OB / "obv3p0-expected.txt").read_text().splitlines()[1:5]
    )
    key = Ed25519KeyPair.from_json(_json(OB / "obv3p0-key.json"))
    proof = signed["proof"]
    suite = registry.get("eddsa-rdfc-2022")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    hash_data = suite.hash_data(unsigned, options, loader=loader)
    assert (
        hashlib.sha256((OB / "obv3p0-document-canon.txt").read_bytes()).hexdigest()
        == hash_data[32:].hex()
    )
    assert hash_data[32:].hex() == expected["document hash (hex)"].strip()
    assert hash_data[:32].hex() == expected["proof hash (hex)"].strip()
    result = add_proof(
        unsigned,
        signer=key.signer(proof["verificationMethod"]),
        created=proof["created"],
        loader=loader,
    )
    (new_proof,) = result["proof"]
    assert new_proof == proof
    assert decode_base58btc(new_proof["proofValue"]).hex() == expected["signature (hex)"].strip()
    assert new_proof["proofValue"].endswith("zgkCr")


def test_ob3_vector_verifies_with_the_controller_document(loader: StaticDocumentLoader) -> None:
    controller = _json(OB / "obv3p0-controller-doc.json")
    signed = _json(OB / "obv3p0-signed.json")
    resolver = Resolver(documents={controller["id"]: controller})
    (check,) = verify_proofs(signed, resolver=resolver, loader=loader)
    assert check.verified and check.controller == "https://example.edu/issuers/565049"
    signed["credentialSubject"]["achievement"]["name"] = "Leadership"
    (check,) = verify_proofs(signed, resolver=resolver, loader=loader)
    assert not check.verified


def test_proof_config_hash_is_computed_once_per_batch(loader: StaticDocumentLoader) -> None:
    suite = registry.get("eddsa-rdfc-2022")
    signer = _multi_key("keyPair1").signer()
    document = _json(W3C / "unsigned.json")
    hits, misses = suite.cache_info()  # type: ignore[attr-defined]
    for number in range(3):
        add_proof(
            {**document, "id": f"urn:uuid:{number}"},
            signer=signer,
            created="2031-01-01T00:00:00Z",
            loader=loader,
        )
    assert suite.cache_info() == (hits + 2, misses + 1)  # type: ignore[attr-defined]
