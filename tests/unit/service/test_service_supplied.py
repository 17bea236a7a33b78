"""The W3C VC API issue use case: a caller's unsigned credential, secured with status."""

from __future__ import annotations

import json
from typing import Any

import pytest
from service_support import Env

from microcred.errors import InvalidInputError
from microcred.service import status_lists
from microcred.service.errors import PermissionDenied
from microcred.service.supplied import issue_supplied_credential

UNSIGNED: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "type": ["VerifiableCredential", "AlumniCredential"],
    "issuer": "did:example:someone-else",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}


def test_caller_credential_is_issued_as_the_organisation_and_verifies() -> None:
    env = Env()
    _, issuer = env.organisation(role="issuer")
    award = issue_supplied_credential(issuer, credential=UNSIGNED, **env.issues)
    credential = json.loads(award.credential)
    assert credential["issuer"] == "did:web:issuer.example:orgs:university-of-galway"
    assert credential["id"] == f"https://issuer.example/credentials/{award.id}"
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    assert award.version_id is None
    assert env.verify(award).verified

    status_lists.revoke(issuer, award.id, reason="mistake", **env.changes_status)
    assert not env.verify(award).verified


def test_options_credential_id_and_suspendable() -> None:
    env = Env()
    _, issuer = env.organisation(role="issuer")
    award = issue_supplied_credential(
        issuer,
        credential=UNSIGNED,
        credential_id="urn:uuid:0b0c7a2c-0000-4000-8000-000000000001",
        suspendable=True,
        **env.issues,
    )
    credential = json.loads(award.credential)
    assert credential["id"] == "urn:uuid:0b0c7a2c-0000-4000-8000-000000000001"
    assert [s["statusPurpose"] for s in credential["credentialStatus"]] == [
        "revocation",
        "suspension",
    ]
    with pytest.raises(InvalidInputError, match="issued before"):
        issue_supplied_credential(
            issuer,
            credential=UNSIGNED,
            credential_id="urn:uuid:0b0c7a2c-0000-4000-8000-000000000001",
            **env.issues,
        )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, "credential/@context"),
        ({"type": ["AlumniCredential"]}, "credential/type"),
        ({"credentialSubject": None}, "credential/credentialSubject"),
        ({"proof": {"type": "DataIntegrityProof"}}, "credential/proof"),
        ({"credentialStatus": {"type": "X"}}, "credential/credentialStatus"),
    ],
)
def test_unusable_credentials_are_refused_naming_the_property(
    change: dict[str, Any], named: str
) -> None:
    env = Env()
    _, issuer = env.organisation(role="issuer")
    with pytest.raises(InvalidInputError, match=named):
        issue_supplied_credential(issuer, credential={**UNSIGNED, **change}, **env.issues)
    assert (
        env.store.uow().awards.list_for(issuer.organisation_id, text=None, limit=5, offset=0) == []
    )


def test_a_viewer_cannot_issue() -> None:
    env = Env()
    _, viewer = env.organisation(role="viewer")
    with pytest.raises(PermissionDenied):
        issue_supplied_credential(viewer, credential=UNSIGNED, **env.issues)
