"""VC API verification routes as the W3C test harnesses call them (STANDARDS §8.2)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from api_support import VECTORS, ApiEnv, load

from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.verify.presentation import create_presentation

PEER = VECTORS / "js-peer-issued"
HOLDER = Ed25519KeyPair.generate(bytes(range(32)))


def test_a_genuine_credential_is_200_with_legacy_checks_option_ignored(env: ApiEnv) -> None:
    body = {
        "verifiableCredential": load(PEER / "ob3-signed.json"),
        "options": {"checks": ["proof"]},
    }
    answer = env.client.post("/credentials/verify", json=body)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["verified"] is True
    assert result["problemDetails"] == [] and result["errors"] == []
    assert "credential" not in result


def test_ld_json_content_type_and_return_credential(env: ApiEnv) -> None:
    import json

    vc = load(PEER / "ob3-signed.json")
    answer = env.client.post(
        "/credentials/verify",
        content=json.dumps({"verifiableCredential": vc, "options": {"returnCredential": True}}),
        headers={"Content-Type": "application/ld+json"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["credential"] == vc


def test_an_enveloped_credential_verifies(env: ApiEnv) -> None:
    answer = env.client.post(
        "/credentials/verify", json={"verifiableCredential": load(PEER / "ob3-enveloped.json")}
    )
    assert answer.status_code == 200, answer.text


def test_a_tampered_credential_is_422_problem_details(env: ApiEnv) -> None:
    answer = env.client.post(
        "/credentials/verify", json={"verifiableCredential": load(PEER / "ob3-tampered.json")}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["verified"] is False
    assert problem["type"] == "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
    assert problem["type"] == problem["problemDetails"][0]["type"]
    assert problem["title"] == "Not verified" and problem["status"] == 422
    assert problem["errors"] and problem["errors"][0].startswith("proof:")


def test_unreadable_input_is_400(env: ApiEnv) -> None:
    answer = env.client.post("/credentials/verify", json={"verifiableCredential": "not a jwt"})
    assert answer.status_code == 400
    assert answer.json()["problemDetails"][0]["type"].endswith("PARSING_ERROR")


def test_a_missing_credential_names_the_field(env: ApiEnv) -> None:
    answer = env.client.post("/credentials/verify", json={"options": {}})
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["errors"][0]["pointer"] == "/verifiableCredential"
    assert problem["detail"].startswith("/verifiableCredential:")


def test_not_json_at_all_is_a_problem(env: ApiEnv) -> None:
    answer = env.client.post(
        "/credentials/verify", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_an_oversized_body_is_413(env: ApiEnv) -> None:
    answer = env.client.post(
        "/credentials/verify",
        content=b"{" + b" " * (5 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["title"] == "Content Too Large"


def _vp(credentials: list[Any], **kw: Any) -> dict[str, Any]:
    return create_presentation(
        credentials,
        signer=HOLDER.signer(),
        holder=HOLDER.did,
        loader=default_loader(),
        created="2026-03-01T00:00:00Z",
        **{"challenge": "abc", "domain": "verifier.example", **kw},
    )


@pytest.fixture(scope="module")
def vp() -> dict[str, Any]:
    return _vp([load(PEER / "ob3-signed.json")])


def test_a_signed_presentation_verifies(env: ApiEnv, vp: dict[str, Any]) -> None:
    answer = env.client.post(
        "/presentations/verify",
        json={
            "verifiablePresentation": vp,
            "options": {"challenge": "abc", "domain": "verifier.example", "checks": []},
        },
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["verified"] is True and result["holder"] == HOLDER.did
    assert [r["verified"] for r in result["credentialResults"]] == [True]


def test_a_wrong_challenge_is_422(env: ApiEnv, vp: dict[str, Any]) -> None:
    answer = env.client.post(
        "/presentations/verify",
        json={"verifiablePresentation": vp, "options": {"challenge": "other"}},
    )
    assert answer.status_code == 422
    assert answer.json()["type"] == "https://w3id.org/security#INVALID_CHALLENGE_ERROR"


def test_a_presentation_with_a_bad_credential_is_422(env: ApiEnv) -> None:
    bad = _vp([load(PEER / "ob3-tampered.json")])
    answer = env.client.post("/presentations/verify", json={"verifiablePresentation": bad})
    assert answer.status_code == 422
    assert answer.json()["problemDetails"][0]["title"] == "credential 1: proof"


def test_an_unsigned_presentation_is_accepted_as_presentation(
    env: ApiEnv, vp: dict[str, Any]
) -> None:
    unsigned = copy.deepcopy(vp)
    del unsigned["proof"]
    assert (
        env.client.post("/presentations/verify", json={"presentation": unsigned}).status_code == 200
    )
    signed_required = env.client.post(
        "/presentations/verify", json={"verifiablePresentation": unsigned}
    )
    assert signed_required.status_code == 422


def test_a_presentation_request_without_a_presentation_names_the_field(env: ApiEnv) -> None:
    answer = env.client.post("/presentations/verify", json={"options": {}})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "/verifiablePresentation"
