"""create_proof: the proof alone, exactly the one add_proof appends (VC Data Integrity 1.0
§4.2), the document left untouched."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.proofs.data_integrity import add_proof, create_proof
from microcred.errors import InvalidInputError, ProofError

VECTORS = Path(__file__).parents[3] / "vectors"
UNSIGNED = json.loads((VECTORS / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
KEY = Ed25519KeyPair.from_json(
    json.loads((VECTORS / "w3c-vc-di-eddsa" / "keyPair.json").read_text())
)
CREATED = "2024-05-01T12:00:00Z"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_create_proof_is_the_proof_add_proof_appends(suite: str) -> None:
    loader = default_loader()
    before = copy.deepcopy(UNSIGNED)
    proof = create_proof(
        UNSIGNED, signer=KEY.signer(), cryptosuite=suite, created=CREATED, loader=loader
    )
    assert before == UNSIGNED
    signed = add_proof(
        UNSIGNED, signer=KEY.signer(), cryptosuite=suite, created=CREATED, loader=loader
    )
    assert signed == {**UNSIGNED, "proof": [proof]}
    # a document that already has a proof: the new proof signs it without, as add_proof's last
    second = create_proof(
        signed, signer=KEY.signer(), cryptosuite=suite, created=CREATED, loader=loader
    )
    assert second == proof
    chained = create_proof(
        {**signed, "proof": [{**proof, "id": "urn:p1"}]},
        signer=KEY.signer(),
        cryptosuite=suite,
        created=CREATED,
        loader=loader,
        previous_proof="urn:p1",
    )
    assert chained["previousProof"] == "urn:p1" and chained["proofValue"] != proof["proofValue"]


def test_create_proof_refuses_what_add_proof_refuses() -> None:
    loader = default_loader()
    with pytest.raises(InvalidInputError):
        create_proof([], signer=KEY.signer(), created=CREATED, loader=loader)  # type: ignore[arg-type]
    with pytest.raises(ProofError, match="created"):
        create_proof(UNSIGNED, signer=KEY.signer(), created="yesterday", loader=loader)
    with pytest.raises(ProofError, match="previous proof"):
        create_proof(
            UNSIGNED, signer=KEY.signer(), created=CREATED, loader=loader, previous_proof="urn:x"
        )
