"""Signing keys (encrypted at rest, rotation, did:web document) and API keys (shown once,
hashed, revocable); secrets never leak into reprs, returned records or the audit log."""

from __future__ import annotations

import json

import pytest
from cryptography.exceptions import InvalidTag
from service_support import Env

from microcred.service import api_keys, audit, signing_keys
from microcred.service.errors import NotFound, Unauthenticated


def test_rotation_keeps_old_credentials_verifying_and_the_document_lists_both() -> None:
    env = Env()
    org, owner = env.organisation()
    version = env.published(owner)
    old = env.issue(owner, version)
    new_key = signing_keys.rotate_key(owner, **env.keys)
    new = env.issue(owner, version)

    did = "did:web:issuer.example:orgs:university-of-galway"
    assert json.loads(old.credential)["proof"][0]["verificationMethod"] == f"{did}#key-0"
    assert json.loads(new.credential)["proof"][0]["verificationMethod"] == f"{did}#key-1"
    assert new_key.verification_method == f"{did}#key-1"
    document = signing_keys.did_document(org.slug, uow=env.uow, base_url=env.base_url)
    keys = signing_keys.public_keys(org.id, uow=env.uow, base_url=env.base_url)
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        k.public_key_multibase for k in keys
    ]
    assert document["assertionMethod"] == [f"{did}#key-0", f"{did}#key-1"]
    assert [k.active for k in keys] == [False, True]
    assert env.verify(old).verified
    assert env.verify(new).verified


def test_without_did_web_the_issuer_is_the_did_key_of_the_active_key() -> None:
    env = Env(base_url=None)
    org, owner = env.organisation()
    first = signing_keys.issuer_did(org.id, uow=env.uow, base_url=None)
    key = signing_keys.rotate_key(owner, **env.keys)
    assert (
        signing_keys.issuer_did(org.id, uow=env.uow, base_url=None)
        == ("did:key:" + key.public_key_multibase)
        != first
    )
    with pytest.raises(NotFound):
        signing_keys.did_document(org.slug, uow=env.uow, base_url=None)


def test_seeds_are_encrypted_and_bound_to_their_organisation_and_key() -> None:
    env = Env()
    org, _ = env.organisation()
    other, _ = env.organisation("Other")
    with env.uow() as tx:
        key = tx.signing_keys.all_for(org.id)[0]
        identity = signing_keys.load_issuer_identity(
            tx, org.id, cipher=env.cipher, base_url=env.base_url
        )
    assert len(key.encrypted_secret) > 32
    assert identity.signer.public_key_multibase == key.public_key_multibase  # type: ignore[attr-defined]
    with pytest.raises(InvalidTag):  # the blob moved to another organisation's row
        env.cipher.decrypt(key.encrypted_secret, aad=f"{other.id}/{key.id}".encode())


def test_api_keys_authenticate_until_revoked() -> None:
    env = Env()
    org, owner = env.organisation()
    info, secret = api_keys.create_api_key(owner, role="issuer", label="LMS", **env.writes)
    assert secret.startswith(f"mc_{info.prefix}_")
    principal = api_keys.authenticate(secret, uow=env.uow)
    assert (principal.organisation_id, principal.role) == (org.id, "issuer")
    assert principal.actor == f"api-key:{info.prefix}"

    for wrong in (secret[:-1] + ("0" if secret[-1] != "0" else "1"), "mc_x", "", "Bearer x"):
        with pytest.raises(Unauthenticated):
            api_keys.authenticate(wrong, uow=env.uow)

    revoked = api_keys.revoke_api_key(owner, info.id, **env.writes)
    assert revoked.revoked_at == env.clock()
    with pytest.raises(Unauthenticated):
        api_keys.authenticate(secret, uow=env.uow)
    assert api_keys.revoke_api_key(owner, info.id, **env.writes).revoked_at == env.clock()


def test_secrets_never_appear_in_reprs_returned_records_or_audit() -> None:
    env = Env()
    org, owner = env.organisation()
    info, secret = api_keys.create_api_key(owner, role="viewer", label="x", **env.writes)
    signing_keys.rotate_key(owner, **env.keys)
    with env.uow() as tx:
        stored_keys = tx.api_keys.list_for(org.id)
        signing = tx.signing_keys.all_for(org.id)
        identity = signing_keys.load_issuer_identity(
            tx, org.id, cipher=env.cipher, base_url=env.base_url
        )
    seeds = [
        env.cipher.decrypt(k.encrypted_secret, aad=f"{org.id}/{k.id}".encode()) for k in signing
    ]
    secret_part = secret.rsplit("_", 1)[1]
    forbidden = [secret_part, *(s.hex() for s in seeds), *(k.secret_hash for k in stored_keys)]
    forbidden += [repr(k.encrypted_secret) for k in signing]
    shown = [
        repr(info),
        repr(stored_keys),
        repr(signing),
        repr(identity),
        repr(api_keys.list_api_keys(owner, uow=env.uow)),
        repr(signing_keys.public_keys(org.id, uow=env.uow, base_url=env.base_url)),
        repr(audit.list_audit(owner, uow=env.uow, limit=200)),
        json.dumps(signing_keys.did_document(org.slug, uow=env.uow, base_url=env.base_url)),
    ]
    for text in shown:
        for secret_text in forbidden:
            assert secret_text not in text
    assert not hasattr(info, "secret_hash")
