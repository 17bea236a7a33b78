"""``POST /credentials/issue`` as the W3C VC API test harnesses call it, then verify and revoke."""

from __future__ import annotations

from typing import Any

from api_support import ApiEnv

UNSIGNED: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "type": ["VerifiableCredential", "AlumniCredential"],
    "issuer": "did:example:configured-issuer",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}


def test_issue_verify_revoke_through_the_vc_api(env: ApiEnv, owner: dict[str, str]) -> None:
    issued = env.client.post(
        "/credentials/issue",
        json={
            "credential": UNSIGNED,
            "options": {"credentialId": "urn:uuid:1b2c3d4e-0000-4000-8000-000000000042"},
        },
        headers=owner,
    )
    assert issued.status_code == 201, issued.text
    vc = issued.json()["verifiableCredential"]
    assert vc["id"] == "urn:uuid:1b2c3d4e-0000-4000-8000-000000000042"
    assert vc["issuer"].startswith("did:web:issuer.example:orgs:")
    assert vc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["credentialStatus"]["statusPurpose"] == "revocation"

    verified = env.client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert verified.status_code == 200, verified.text

    revoked = env.client.post(
        "/credentials/status",
        json={
            "credentialId": vc["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=owner,
    )
    assert revoked.status_code == 200, revoked.text
    again = env.client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert again.status_code == 422
    assert again.json()["verified"] is False


def test_issue_needs_an_api_key_and_a_usable_credential(env: ApiEnv, owner: dict[str, str]) -> None:
    anonymous = env.client.post("/credentials/issue", json={"credential": UNSIGNED})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    bad = env.client.post(
        "/credentials/issue",
        json={"credential": {**UNSIGNED, "type": ["AlumniCredential"]}},
        headers=owner,
    )
    assert bad.status_code == 422, bad.text  # problem+json naming the property
    assert "credential/type" in bad.json()["detail"]
