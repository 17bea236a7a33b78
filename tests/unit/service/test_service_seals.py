"""Seals and the Europass export on the faked ports (service/seals.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from service_support import Env

from elm_support import NOW, make_seal, shacl_violations
from microcred.core.formats.elm_reader import read_elm
from microcred.core.verify.elm import verify_elm
from microcred.errors import InvalidInputError
from microcred.service import seals
from microcred.service.errors import Conflict, NotFound, PermissionDenied


def _upload(env: Env, principal, material=None, **kw):  # type: ignore[no-untyped-def]
    material = material or make_seal()
    kw.setdefault("data", material.pkcs12())
    kw.setdefault("password", "secret")
    return seals.upload_seal(principal, cipher=env.cipher, **kw, **env.writes), material


def test_owner_uploads_a_pkcs12_seal_stored_encrypted_and_listed_without_secrets() -> None:
    env = Env()
    _, owner = env.organisation()
    info, material = _upload(env, owner, label="Registry seal")
    assert info.active and info.algorithm == "ES256" and info.warnings == ()
    assert info.organization_identifier == "VATIE-1234567T"
    assert info.label == "Registry seal"
    record = env.uow().__enter__().seals.get(info.id)
    assert record is not None
    raw_key = material.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert raw_key not in record.encrypted_key and "encrypted_key" not in repr(record)
    listed = seals.list_seals(owner, uow=env.uow)
    assert [s.id for s in listed] == [info.id]
    assert not hasattr(listed[0], "encrypted_key")
    assert any(e.action == "seal.uploaded" for e in env.store.tables.audit)


def test_a_new_seal_retires_the_old_one_and_pem_works() -> None:
    env = Env()
    _, owner = env.organisation()
    first, _ = _upload(env, owner)
    env.clock.advance(minutes=1)
    second, _ = _upload(env, owner, data=make_seal(rsa_key=True).pem(), password=None)
    assert second.algorithm == "RS256"
    listed = seals.list_seals(owner, uow=env.uow)
    assert [(s.id, s.active) for s in listed] == [(second.id, True), (first.id, False)]


def test_bad_uploads_name_the_problem() -> None:
    env = Env()
    _, owner = env.organisation()
    with pytest.raises(seals.InvalidSealError, match="password"):
        _upload(env, owner, password="wrong")
    with pytest.raises(seals.InvalidSealError, match="PEM holds no readable certificate"):
        _upload(env, owner, data=b"-----BEGIN nonsense-----")
    expired = make_seal(not_before=NOW - timedelta(days=60), not_after=NOW - timedelta(days=1))
    with pytest.raises(seals.InvalidSealError, match="expired"):
        _upload(env, owner, material=expired)
    with pytest.raises(seals.InvalidSealError, match="empty"):
        _upload(env, owner, data=b"")
    with pytest.raises(seals.InvalidSealError, match="larger than"):
        _upload(env, owner, data=b"x" * (seals.MAX_SEAL_FILE_BYTES + 1))
    assert seals.InvalidSealError.problem_type == "https://w3id.org/microcred/problems#INVALID_SEAL"
    assert issubclass(seals.InvalidSealError, InvalidInputError)
    info, _ = _upload(env, owner, material=make_seal(key_usage=False))
    assert "key usage" in info.warnings[0]


def test_only_owners_upload_and_other_organisations_see_nothing() -> None:
    env = Env()
    _, issuer = env.organisation(role="issuer")
    with pytest.raises(PermissionDenied):
        _upload(env, issuer)
    _, owner = env.organisation()
    _upload(env, owner)
    _, stranger = env.organisation("Another University")
    assert seals.list_seals(stranger, uow=env.uow) == []


def test_export_unsealed_conforms_and_sealed_verifies() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    plain = seals.export_elm(
        owner, award.id, sealed=False, uow=env.uow, cipher=env.cipher, clock=env.clock
    )
    assert plain.media_type == "application/ld+json" and not plain.sealed
    document = json.loads(plain.content)
    assert document["id"] == json.loads(award.credential)["id"]
    assert read_elm(document).completeness.complete
    count, report = shacl_violations(document)
    assert count == 0, report
    with pytest.raises(NotFound, match="upload one first"):
        seals.export_elm(
            owner, award.id, sealed=True, uow=env.uow, cipher=env.cipher, clock=env.clock
        )
    _, material = _upload(env, owner)
    sealed = seals.export_elm(
        owner, award.id, sealed=True, uow=env.uow, cipher=env.cipher, clock=env.clock
    )
    envelope = json.loads(sealed.content)
    payload = json.loads(envelope["payload"])
    assert payload["issuer"]["eIDASIdentifier"]["notation"] == "VATIE-1234567T"
    report_ok = verify_elm(envelope, trust_anchors=[material.ca])
    assert report_ok.verified, report_ok.to_dict()
    envelope["payload"] = envelope["payload"].replace("Aoife", "Aoibh")
    assert not verify_elm(envelope).verified


def test_export_of_another_organisations_award_is_not_found() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    _, stranger = env.organisation("Another University")
    with pytest.raises(NotFound):
        seals.export_elm(
            stranger, award.id, sealed=False, uow=env.uow, cipher=env.cipher, clock=env.clock
        )


def test_an_expired_seal_cannot_seal() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    _upload(env, owner, material=make_seal(not_after=env.clock() + timedelta(days=1)))
    env.clock.advance(days=2)
    with pytest.raises(Conflict, match="expired"):
        seals.export_elm(
            owner, award.id, sealed=True, uow=env.uow, cipher=env.cipher, clock=env.clock
        )


def test_an_export_is_named_after_its_award_and_whether_it_is_sealed() -> None:
    plain = seals.ElmExport(b"{}", seals.ELM_MEDIA_TYPE, sealed=False)
    sealed = seals.ElmExport(b"{}", seals.JADES_MEDIA_TYPE, sealed=True)
    assert plain.filename("a1") == "europass-a1.jsonld"
    assert sealed.filename("a1") == "europass-a1.jades.json"
