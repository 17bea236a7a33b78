"""``microcred sign``: VC-DI-EdDSA 1.0 Appendix B vectors reproduced exactly, stdin, JSON Lines
and VC-JOSE-COSE compact JWS."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import base58
import pytest
from cli_harness import PEER, SUITES, W3C, W3C_KEY, W3C_VM, compact, microcred, read_json
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

CREATED = "2023-02-24T23:36:38Z"  # the vectors' proof creation time
PUBLISHED = {
    "eddsa-rdfc-2022": W3C / "eddsa-rdfc-2022" / "signedDataInt.json",
    "eddsa-jcs-2022": W3C / "eddsa-jcs-2022" / "signedJCS.json",
}


def _proofs(document: dict[str, Any]) -> list[Any]:
    proof = document["proof"]
    return proof if isinstance(proof, list) else [proof]


def _b64url_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("via", ["file", "stdin"])
@pytest.mark.parametrize("suite", sorted(PUBLISHED))
def test_signing_the_w3c_vector_reproduces_the_published_proof(suite: str, via: str) -> None:
    unsigned = W3C / "unsigned.json"
    source, stdin = (unsigned, None) if via == "file" else ("-", unsigned.read_bytes())
    run = microcred(
        "sign", source, "--key", W3C_KEY, "--suite", suite,
        "--created", CREATED, "--verification-method", W3C_VM, stdin=stdin,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    signed, published = run.json(), read_json(PUBLISHED[suite])
    assert _proofs(signed) == _proofs(published)  # proofValue included, byte for byte
    assert {k: v for k, v in signed.items() if k != "proof"} == read_json(unsigned)


def test_vc_jwt_is_a_compact_jws_over_the_credential() -> None:
    unsigned = W3C / "unsigned.json"
    run = microcred(
        "sign", unsigned, "--key", W3C_KEY, "--suite", "vc-jwt", "--verification-method", W3C_VM
    )
    assert run.code == 0, run.stderr
    token = run.stdout.strip()
    assert "\n" not in token
    header, payload, signature = token.split(".")
    assert _b64url_json(header) == {"alg": "EdDSA", "typ": "vc+jwt", "kid": W3C_VM}
    assert _b64url_json(payload) == read_json(unsigned)  # VC-JOSE-COSE §3.1.1: the VC itself
    public = base58.b58decode(read_json(W3C_KEY)["publicKeyMultibase"][1:])
    assert public[:2] == b"\xed\x01"
    Ed25519PublicKey.from_public_bytes(public[2:]).verify(  # raises if the signature is wrong
        base64.urlsafe_b64decode(signature + "=="), f"{header}.{payload}".encode()
    )


@pytest.mark.parametrize("suite", SUITES)
def test_jsonl_signs_one_credential_per_line_in_order_and_they_verify(
    suite: str, issuer_key_file: Path, issuer_key: dict[str, Any], tmp_path: Path
) -> None:
    template = read_json(PEER / "ob3-unsigned.json")
    template["issuer"]["id"] = issuer_key["did"]
    ids = [f"urn:uuid:00000000-0000-4000-8000-00000000000{n}" for n in (3, 1, 2)]
    lines = "".join(compact({**template, "id": id_}) + "\n" for id_ in ids)
    run = microcred("sign", "-", "--key", issuer_key_file, "--suite", suite, "--jsonl", stdin=lines)
    assert run.code == 0, run.stderr
    out = run.stdout.splitlines()
    assert len(out) == 3
    if suite == "vc-jwt":
        assert [_b64url_json(line.split(".")[1])["id"] for line in out] == ids
    else:
        assert [json.loads(line)["id"] for line in out] == ids
        assert all(_proofs(json.loads(line))[0]["cryptosuite"] == suite for line in out)
    signed = tmp_path / "signed.jsonl"
    signed.write_text(run.stdout, encoding="utf-8")
    verdicts = microcred("verify", "--jsonl", signed)
    assert verdicts.code == 0, verdicts.stdout
    assert [(v["id"], v["verified"]) for v in verdicts.jsonl()] == [(i, True) for i in ids]
