"""The trust registry: JSON and CSV import with per-row errors, the lookup on an issuing date,
the signed list, and the informative ``trusted provider`` check of the verifier."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.proofs.data_integrity import add_proof
from microcred.core.trust.registry import (
    NoRegistry,
    TrustRegistry,
    parse_registry,
    providers_of_list_credential,
    registry_list_credential,
)
from microcred.core.verify.checks import TRUSTED_PROVIDER
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import Outcome
from microcred.errors import SpecValidationError

INSTITUTIONAL = "http://data.europa.eu/snb/accreditation/bb4618238e"
ROW = {
    "did": "did:web:uni.example",
    "legal_name": "Example University",
    "country": "IE",
    "qa_type": "institutional-qa",
    "accrediting_body": "Quality and Qualifications Ireland",
    "valid_from": "2024-01-01",
    "valid_until": "2027-01-01",
}
CSV = (
    "did,legal_name,country,qa_type,accrediting_body,valid_from,valid_until\n"
    "did:web:uni.example,Example University,IE,institutional-qa,QQI,2024-01-01,2027-01-01\n"
)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_json_and_csv_import_the_same_entry() -> None:
    (from_json,) = parse_registry(json.dumps([ROW]))
    (from_csv,) = parse_registry(CSV, name="registry.csv")
    assert from_json.qa_type == INSTITUTIONAL
    assert from_json.valid_from == at("2024-01-01")
    assert from_csv.accrediting_body == "QQI"
    assert (from_csv.did, from_csv.valid_until) == (from_json.did, from_json.valid_until)
    assert parse_registry(json.dumps({"providers": [ROW]})) == [from_json]


def test_each_bad_row_is_reported_with_its_number() -> None:
    bad = [
        ROW,
        {**ROW, "did": "https://uni.example", "country": "Ireland"},
        {**ROW, "qa_type": "vibes", "valid_from": "01/02/2024"},
        {**ROW, "valid_until": "2023-01-01", "legal_name": "", "colour": "red"},
    ]
    with pytest.raises(SpecValidationError) as caught:
        parse_registry(json.dumps(bad))
    assert caught.value.problems == [
        "row 2: did: 'https://uni.example' is not a DID (did:method:...)",
        "row 2: country: 'Ireland' is not an ISO 3166-1 alpha-2 code (e.g. IE)",
        "row 3: qa_type: 'vibes' is not a known type of quality assurance; allowed: "
        "institutional-qa, programme-qa, institutional-license, programme-license",
        "row 3: valid_from: '01/02/2024' is not a date (YYYY-MM-DD) or an ISO 8601 date-time",
        "row 4: unknown fields colour; allowed: did, legal_name, country, qa_type, "
        "accrediting_body, valid_from, valid_until",
        "row 4: legal_name: is required",
        "row 4: valid_until: must be after valid_from",
    ]


def test_csv_rows_count_the_header_and_a_missing_column_is_named() -> None:
    with pytest.raises(SpecValidationError, match=r"^row 3: country: 'XX'"):
        parse_registry(CSV + CSV.splitlines()[1].replace(",IE,", ",XX,") + "\n", name="r.csv")
    with pytest.raises(SpecValidationError, match="the CSV header lacks qa_type"):
        parse_registry("did,legal_name,country,accrediting_body,valid_from\n", name="r.csv")
    with pytest.raises(SpecValidationError, match="registry file: not JSON"):
        parse_registry("[{", name="r.json")


def test_trust_of_on_the_issuing_date() -> None:
    registry = TrustRegistry(tuple(parse_registry(json.dumps([ROW]))))
    valid = registry.trust_of("did:web:uni.example", at("2026-05-01"))
    assert valid.trusted and valid.listed
    assert valid.describe() == (
        "trusted provider: did:web:uni.example is accredited (Institutional Quality Assurance "
        "by Quality and Qualifications Ireland), valid on the issuing date 2026-05-01"
    )
    lapsed = registry.trust_of("did:web:uni.example", at("2027-01-01"))
    assert lapsed.listed and lapsed.valid is False and not lapsed.trusted
    assert "accreditation was not valid then" in lapsed.describe()
    undated = registry.trust_of("did:web:uni.example", None)
    assert undated.valid is None and "issuing date is unknown" in undated.describe()
    stranger = registry.trust_of("did:web:other.example", at("2026-05-01"))
    assert not stranger.listed
    assert stranger.describe() == (
        "not from a trusted provider: did:web:other.example is not in the trust registry"
    )


def test_the_list_credential_round_trips_and_verifies_when_signed() -> None:
    providers = parse_registry(json.dumps([ROW]))
    pair = Ed25519KeyPair.generate()
    unsigned = registry_list_credential(
        providers,
        issuer=pair.did,
        issuer_name="Platform operator",
        list_id="https://platform.example/registry",
        valid_from=at("2026-05-01"),
    )
    assert unsigned["type"] == ["VerifiableCredential", "TrustedProviderList"]
    signed = add_proof(
        unsigned,
        signer=pair.signer(),
        cryptosuite="eddsa-rdfc-2022",
        created="2026-05-01T10:00:00Z",
        loader=default_loader(),
    )
    report = Verifier().verify(signed)
    assert report.verified, report.to_dict()
    assert providers_of_list_credential(signed) == providers
    assert parse_registry(json.dumps(signed)) == providers


def signed_credential(issuer_did: str | None = None) -> tuple[dict[str, Any], str]:
    pair = Ed25519KeyPair.generate()
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:2f0c6f0e-6b9c-4a8e-9a43-4f9f5d6d7f11",
        "type": ["VerifiableCredential"],
        "issuer": issuer_did or pair.did,
        "validFrom": "2026-05-01T10:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "A learner"},
    }
    signed = add_proof(
        credential,
        signer=pair.signer(),
        cryptosuite="eddsa-rdfc-2022",
        created="2026-05-01T10:00:00Z",
        loader=default_loader(),
    )
    return signed, pair.did


def test_the_trusted_provider_check_is_informative() -> None:
    credential, did = signed_credential()
    plain = Verifier().verify(credential)
    skipped = plain.check(TRUSTED_PROVIDER)
    assert skipped is not None and skipped.outcome is Outcome.SKIPPED
    assert skipped.reason == "no trust registry configured" and not skipped.required

    listed = TrustRegistry(tuple(parse_registry(json.dumps([{**ROW, "did": did}]))))
    trusted = Verifier(trust=listed.trust_of).verify(credential)
    check = trusted.check(TRUSTED_PROVIDER)
    assert trusted.verified and check is not None and check.passed
    assert check.details["accreditations"][0]["qa_type"] == INSTITUTIONAL

    other = TrustRegistry(tuple(parse_registry(json.dumps([ROW]))))
    untrusted = Verifier(trust=other.trust_of).verify(credential)
    check = untrusted.check(TRUSTED_PROVIDER)
    assert untrusted.verified  # cryptographically fine: the check only informs
    assert check is not None and check.outcome is Outcome.FAILED
    assert check.reason == f"not from a trusted provider: {did} is not in the trust registry"


def test_an_unavailable_registry_is_skipped() -> None:
    credential, _ = signed_credential()

    def none(_issuer: str | None, _at: datetime | None) -> Any:
        raise NoRegistry("empty")

    def broken(_issuer: str | None, _at: datetime | None) -> Any:
        raise OSError("disk")

    for lookup, reason in (
        (none, "no trust registry configured"),
        (broken, "the trust registry could not be consulted (OSError)"),
    ):
        report = Verifier(trust=lookup).verify(credential)
        check = report.check(TRUSTED_PROVIDER)
        assert report.verified and check is not None and check.reason == reason
