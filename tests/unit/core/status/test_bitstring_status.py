"""Bitstring Status List v1.0 (W3C REC 2025): codec, entries, list credentials, §3.2 checks."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.core.status.bitstring import (
    MALFORMED_VALUE_ERROR,
    MIN_ENTRIES,
    RANGE_ERROR,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_VERIFICATION_ERROR,
    UNSUPPORTED_STATUS_TYPE,
    Bitstring,
    StatusEntry,
    StatusMessage,
    check_status,
    parse_status_entry,
    status_list_credential,
)
from microcred.errors import InvalidInputError, StatusError

VECTORS = Path(__file__).resolve().parents[3] / "vectors"
JS = VECTORS / "js-peer-issued"
OB3 = VECTORS / "ob3-fixtures"
LIST_URL = "https://status.example/lists/1"
# the example list credential of the REC (§2.2): 131,072 bits, none set
SPEC_EXAMPLE_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def raises_status(problem_type: str, match: str) -> Any:
    """pytest.raises for a StatusError whose instance problem_type is ``problem_type``."""

    class _Check:
        def __enter__(self) -> None:
            self.ctx = pytest.raises(StatusError, match=match)
            self.info = self.ctx.__enter__()

        def __exit__(self, *exc: Any) -> bool:
            handled = self.ctx.__exit__(*exc)
            assert self.info.value.problem_type == problem_type
            return bool(handled)

    return _Check()


def entry(index: int = 7, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
        **extra,
    }


def make_list(bits: Bitstring, *, purpose: str = "revocation") -> dict[str, Any]:
    return status_list_credential(
        list_id=LIST_URL,
        issuer="did:example:issuer",
        purpose=purpose,
        bitstring=bits,
        valid_from="2025-01-01T00:00:00Z",
    )


# --- Bitstring ---------------------------------------------------------------------------------
def test_spec_example_list_decodes_to_min_entries_all_zero() -> None:
    bits = Bitstring.decode(SPEC_EXAMPLE_LIST)
    assert len(bits) == MIN_ENTRIES
    assert list(bits.set_indices()) == []
    assert bits == Bitstring()


def test_js_peer_list_has_only_bit_7_set() -> None:
    encoded = load(JS / "statuslist-1.json")["credentialSubject"]["encodedList"]
    bits = Bitstring.decode(encoded)
    assert len(bits) == MIN_ENTRIES
    assert list(bits.set_indices()) == [7]
    assert bits.get(7) == 1
    assert bits.get(8) == 0


def test_1edtech_validator_testlist_has_only_bit_23_set() -> None:
    encoded = load(OB3 / "bit-string-list" / "testlist")["credentialSubject"]["encodedList"]
    bits = Bitstring.decode(encoded)
    assert len(bits) == MIN_ENTRIES
    assert list(bits.set_indices()) == [23]


def test_bits_are_msb_first() -> None:
    bits = Bitstring(16)
    bits.set(0, True)
    bits.set(9, True)
    bits.set(15, True)
    assert bits.to_bytes() == bytes([0b1000_0000, 0b0100_0001])
    bits.set(0, False)
    assert bits.to_bytes() == bytes([0, 0b0100_0001])
    assert Bitstring.from_bytes(b"\x01").get(7) == 1


def test_encode_is_multibase_base64url_gzip_and_roundtrips() -> None:
    bits = Bitstring()
    for i in (0, 7, 8, 12_345, MIN_ENTRIES - 1):
        bits.set(i, True)
    encoded = bits.encode()
    assert encoded.startswith("uH4sI")  # "u" + base64url of the gzip magic 1f 8b 08
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == bits.to_bytes()
    assert encoded == bits.encode()  # deterministic (gzip mtime 0)
    decoded = Bitstring.decode(encoded)
    assert decoded == bits
    assert list(decoded.set_indices()) == [0, 7, 8, 12_345, MIN_ENTRIES - 1]


def test_multi_bit_values_are_msb_first_at_index_times_size() -> None:
    bits = Bitstring(64)
    bits.set_value(3, 0b10, status_size=2)  # bits 6 and 7
    bits.set_value(2, 0xA, status_size=4)  # bits 8 to 11
    assert bits.to_bytes()[:2] == bytes([0b0000_0010, 0b1010_0000])
    assert bits.get_value(3, status_size=2) == 0b10
    assert bits.get_value(2, status_size=4) == 0xA
    assert bits.get_value(0, status_size=2) == 0
    with pytest.raises(InvalidInputError, match="does not fit"):
        bits.set_value(0, 4, status_size=2)
    with raises_status(RANGE_ERROR, "outside"):
        bits.get_value(16, status_size=4)


@pytest.mark.parametrize("index", [-1, 64])
def test_get_and_set_outside_the_list_are_range_errors(index: int) -> None:
    bits = Bitstring(64)
    with raises_status(RANGE_ERROR, "outside"):
        bits.get(index)
    with raises_status(RANGE_ERROR, "outside"):
        bits.set(index, True)


@pytest.mark.parametrize("length", [0, -8, 12, 8.0, True])
def test_length_must_be_a_positive_multiple_of_8(length: Any) -> None:
    with pytest.raises(InvalidInputError, match="multiple of 8"):
        Bitstring(length)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("encoded", "match"),
    [
        ("", "non-empty"),
        ("H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", "prefix 'u'"),
        ("zH4sIAAAA", "prefix 'u'"),
        ("uH4sI*AAA", "not valid base64url"),
        ("uH4sI+AAA/", "not valid base64url"),
        ("u" + _b64(b"not gzip at all"), "not valid GZIP"),
        ("u" + _b64(gzip.compress(bytes(64), mtime=0)[:-6]), "truncated"),
        ("u" + _b64(gzip.compress(bytes(64), mtime=0) + b"junk"), "after the GZIP stream"),
    ],
)
def test_decode_refuses_malformed_lists(encoded: str, match: str) -> None:
    with raises_status(MALFORMED_VALUE_ERROR, match):
        Bitstring.decode(encoded)


def test_decode_refuses_an_empty_list() -> None:
    with raises_status(STATUS_LIST_LENGTH_ERROR, "empty"):
        Bitstring.decode("u" + _b64(gzip.compress(b"")))


def test_decode_caps_the_inflated_size_against_gzip_bombs() -> None:
    bomb = "u" + _b64(gzip.compress(bytes(17 * 1024 * 1024)))  # 17 MiB of zeros, ~17 KB packed
    assert len(bomb) < 40_000
    with raises_status(MALFORMED_VALUE_ERROR, "more than 16777216 bytes"):
        Bitstring.decode(bomb)
    with raises_status(MALFORMED_VALUE_ERROR, "more than 1024 bytes"):
        Bitstring.decode(SPEC_EXAMPLE_LIST, max_bytes=1024)
    assert len(Bitstring.decode(SPEC_EXAMPLE_LIST, max_bytes=16_384)) == MIN_ENTRIES


def test_legacy_statuslist2021_lists_have_no_multibase_prefix() -> None:
    bits = Bitstring(MIN_ENTRIES)
    bits.set(42, True)
    packed = gzip.compress(bits.to_bytes())
    for text in (
        _b64(packed),  # base64url, no padding (common)
        base64.b64encode(packed).decode(),  # plain base64 with padding (seen in the wild)
        "u" + _b64(packed),  # multibase already
    ):
        assert list(Bitstring.decode(text, legacy=True).set_indices()) == [42]
    with raises_status(MALFORMED_VALUE_ERROR, "prefix 'u'"):
        Bitstring.decode(_b64(packed))


# --- entries -----------------------------------------------------------------------------------
def test_parse_entries_of_the_js_peer_vectors() -> None:
    parsed = parse_status_entry(load(JS / "ob3-signed-status7.json")["credentialStatus"])
    assert parsed == StatusEntry(
        id=f"{LIST_URL}#7",
        type="BitstringStatusListEntry",
        status_purpose="revocation",
        status_list_index=7,
        status_list_credential=LIST_URL,
    )


def test_numeric_index_of_the_1edtech_fixture_is_refused() -> None:
    credential = load(OB3 / "bit-string-list" / "credential-status-revoked.json")
    with raises_status(MALFORMED_VALUE_ERROR, "string of base-10 digits, got int"):
        parse_status_entry(credential["credentialStatus"])


def test_1edtech_revocation_list_is_not_supported() -> None:
    credential = load(OB3 / "credential-status-revoked.json")
    with raises_status(UNSUPPORTED_STATUS_TYPE, "1EdTechRevocationList is not supported"):
        parse_status_entry(credential["credentialStatus"])


@pytest.mark.parametrize("index", ["-1", "1.0", "0x10", " 7", "7 ", "", "٣", "1e3"])
def test_index_must_be_base10_digits(index: str) -> None:
    with raises_status(MALFORMED_VALUE_ERROR, "base-10"):
        parse_status_entry(entry(statusListIndex=index))


@pytest.mark.parametrize(
    ("change", "problem", "match"),
    [
        ({"type": "StatusList2017"}, UNSUPPORTED_STATUS_TYPE, "not supported"),
        ({"type": 3}, MALFORMED_VALUE_ERROR, "type must be a string"),
        ({"statusPurpose": ""}, MALFORMED_VALUE_ERROR, "statusPurpose"),
        ({"statusPurpose": None}, MALFORMED_VALUE_ERROR, "statusPurpose"),
        ({"statusListCredential": 5}, MALFORMED_VALUE_ERROR, "must be a URL"),
        ({"statusListCredential": "lists-1"}, MALFORMED_VALUE_ERROR, "must be a URL"),
        ({"id": LIST_URL}, MALFORMED_VALUE_ERROR, "must not be the statusListCredential"),
        ({"id": 7}, MALFORMED_VALUE_ERROR, "id must be a string"),
        ({"statusSize": 0}, MALFORMED_VALUE_ERROR, "statusSize"),
        ({"statusSize": True}, MALFORMED_VALUE_ERROR, "statusSize"),
        ({"statusSize": "2"}, MALFORMED_VALUE_ERROR, "statusSize"),
        ({"statusSize": 2}, MALFORMED_VALUE_ERROR, "statusMessage is required"),
        (
            {"statusSize": 2, "statusMessage": [{"status": "0x0", "message": "ok"}]},
            MALFORMED_VALUE_ERROR,
            "must have 4 items",
        ),
        ({"statusMessage": [{"status": "1", "message": "x"}] * 2}, MALFORMED_VALUE_ERROR, "hex"),
    ],
)
def test_malformed_entries_name_the_problem(
    change: dict[str, Any], problem: str, match: str
) -> None:
    with raises_status(problem, match):
        parse_status_entry(entry(**change))


def test_missing_fields_are_refused() -> None:
    for field in ("type", "statusPurpose", "statusListIndex", "statusListCredential"):
        obj = entry()
        del obj[field]
        with pytest.raises(StatusError):
            parse_status_entry(obj)
    with raises_status(MALFORMED_VALUE_ERROR, "must be an object"):
        parse_status_entry(["not", "an", "object"])  # type: ignore[arg-type]


def test_status_messages_and_type_array() -> None:
    messages = [
        {"status": "0x0", "message": "valid"},
        {"status": "0x1", "message": "pending review"},
        {"status": "0x2", "message": "under appeal"},
        {"status": "0x3", "message": "withdrawn"},
    ]
    parsed = parse_status_entry(
        entry(type=["BitstringStatusListEntry"], statusSize=2, statusMessage=messages)
    )
    assert parsed.type == "BitstringStatusListEntry"
    assert parsed.status_size == 2
    assert parsed.status_messages[2] == StatusMessage(2, "under appeal")


# --- list credentials and §3.2 -------------------------------------------------------------------
def test_check_status_on_js_peer_vectors() -> None:
    status_list = load(JS / "statuslist-1.json")
    revoked = parse_status_entry(load(JS / "ob3-signed-status7.json")["credentialStatus"])
    fine = parse_status_entry(load(JS / "ob3-signed-status8.json")["credentialStatus"])
    r7, r8 = check_status(revoked, status_list), check_status(fine, status_list)
    assert (r7.purpose, r7.index, r7.value, r7.valid, r7.message) == (
        "revocation",
        7,
        1,
        False,
        None,
    )
    assert (r8.purpose, r8.index, r8.value, r8.valid, r8.message) == (
        "revocation",
        8,
        0,
        True,
        None,
    )


def test_status_list_credential_shape_and_roundtrip() -> None:
    bits = Bitstring()
    bits.set(94_567, True)
    cred = status_list_credential(
        list_id=LIST_URL,
        issuer="did:example:12345",
        purpose="suspension",
        bitstring=bits,
        valid_from="2025-01-01T00:00:00Z",
        valid_until="2026-01-01T00:00:00Z",
        ttl_ms=300_000,
    )
    assert cred["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert cred["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert cred["id"] == LIST_URL
    assert cred["issuer"] == "did:example:12345"
    assert (cred["validFrom"], cred["validUntil"]) == (
        "2025-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    )
    subject = cred["credentialSubject"]
    assert subject["id"] == LIST_URL + "#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "suspension"
    assert subject["ttl"] == 300_000
    assert "proof" not in cred
    hit = parse_status_entry(entry(94_567, statusPurpose="suspension"))
    assert check_status(hit, cred).valid is False
    assert check_status(parse_status_entry(entry(94_568, statusPurpose="suspension")), cred).valid


def test_status_list_credential_refuses_short_lists() -> None:
    with pytest.raises(InvalidInputError, match="at least 131072 bits"):
        make_list(Bitstring(1024))


def test_purpose_must_be_a_purpose_of_the_list() -> None:
    status_list = load(JS / "statuslist-1.json")
    with raises_status(STATUS_VERIFICATION_ERROR, "'suspension' is not a purpose"):
        check_status(parse_status_entry(entry(statusPurpose="suspension")), status_list)
    multi = copy.deepcopy(status_list)
    multi["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    assert check_status(parse_status_entry(entry(statusPurpose="suspension")), multi).value == 1


def test_short_list_is_a_length_error() -> None:
    short = make_list(Bitstring())
    short["credentialSubject"]["encodedList"] = Bitstring(MIN_ENTRIES - 8).encode()
    with raises_status(STATUS_LIST_LENGTH_ERROR, "131064 entries, fewer than the minimum"):
        check_status(parse_status_entry(entry()), short)
    assert check_status(parse_status_entry(entry()), short, min_entries=1024).value == 0
    # with statusSize 2 a minimum-size bitstring holds only half the entries
    two_bit = parse_status_entry(
        entry(
            statusSize=2, statusMessage=[{"status": f"0x{i}", "message": str(i)} for i in range(4)]
        )
    )
    with raises_status(STATUS_LIST_LENGTH_ERROR, "65536 entries"):
        check_status(two_bit, make_list(Bitstring()))


def test_index_beyond_the_list_is_a_range_error() -> None:
    status_list = load(JS / "statuslist-1.json")
    last = parse_status_entry(entry(MIN_ENTRIES - 1))
    assert check_status(last, status_list).value == 0
    with raises_status(RANGE_ERROR, "outside the list of 131072 entries"):
        check_status(parse_status_entry(entry(MIN_ENTRIES)), status_list)


def test_list_credential_structure_is_checked() -> None:
    good = load(JS / "statuslist-1.json")
    e = parse_status_entry(entry())
    cases: list[tuple[str, Any, str]] = [
        ("type", ["VerifiableCredential"], "type must include BitstringStatusListCredential"),
        ("id", "https://status.example/lists/2", "is not the entry's statusListCredential"),
        ("credentialSubject", [], "exactly one credentialSubject"),
        ("credentialSubject", {"type": "StatusList2021"}, "must be BitstringStatusList"),
    ]
    for field, value, match in cases:
        bad = copy.deepcopy(good)
        bad[field] = value
        with raises_status(STATUS_VERIFICATION_ERROR, match):
            check_status(e, bad)
    bad = copy.deepcopy(good)
    bad["credentialSubject"]["encodedList"] = None
    with raises_status(MALFORMED_VALUE_ERROR, "must be a string"):
        check_status(e, bad)


def test_multi_bit_status_reads_the_message() -> None:
    bits = Bitstring(MIN_ENTRIES * 2)
    bits.set_value(5, 2, status_size=2)
    status_list = make_list(bits, purpose="message")
    messages = [{"status": f"0x{i}", "message": m} for i, m in enumerate("abcd")]
    e = entry(5, statusPurpose="message", statusSize=2, statusMessage=messages)
    result = check_status(parse_status_entry(e), status_list)
    assert (result.value, result.message, result.valid) == (2, "c", True)
    e6 = entry(6, statusPurpose="message", statusSize=2, statusMessage=messages)
    assert check_status(parse_status_entry(e6), status_list).message == "a"


@pytest.mark.parametrize(
    ("purpose", "valid"), [("revocation", False), ("suspension", False), ("refresh", True)]
)
def test_only_revocation_and_suspension_invalidate(purpose: str, valid: bool) -> None:
    bits = Bitstring()
    bits.set(7, True)
    result = check_status(
        parse_status_entry(entry(statusPurpose=purpose)), make_list(bits, purpose=purpose)
    )
    assert (result.value, result.valid) == (1, valid)


def test_validity_period_of_the_list_with_now() -> None:
    status_list = make_list(Bitstring())
    status_list["validUntil"] = "2025-06-01T00:00:00Z"
    e = parse_status_entry(entry())
    assert check_status(e, status_list, now=datetime(2025, 3, 1, tzinfo=UTC)).valid
    with raises_status(STATUS_VERIFICATION_ERROR, "not valid before"):
        check_status(e, status_list, now=datetime(2024, 12, 31, tzinfo=UTC))
    with raises_status(STATUS_VERIFICATION_ERROR, "expired"):
        check_status(e, status_list, now=datetime(2025, 6, 2, tzinfo=UTC))
    assert check_status(e, status_list).valid  # no clock given: period not checked


def test_legacy_statuslist2021() -> None:
    bits = Bitstring()
    bits.set(3, True)
    legacy_list = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
        ],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": LIST_URL + "#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": bits.encode()[1:],
        },
    }
    e = parse_status_entry(entry(3, type="StatusList2021Entry"))
    assert e.type == "StatusList2021Entry"
    assert check_status(e, legacy_list).valid is False
    # the entry type decides which list type is acceptable
    with raises_status(STATUS_VERIFICATION_ERROR, "must include BitstringStatusListCredential"):
        check_status(parse_status_entry(entry(3)), legacy_list)


def test_issuer_of_the_list_must_match_when_asked() -> None:
    status_list = load(JS / "statuslist-1.json")
    credential = load(JS / "ob3-signed-status8.json")
    e = parse_status_entry(credential["credentialStatus"])
    assert check_status(e, status_list, issuer=credential["issuer"]["id"]).valid
    with_object = copy.deepcopy(status_list)
    with_object["issuer"] = {"id": credential["issuer"]["id"], "type": "Profile"}
    assert check_status(e, with_object, issuer=credential["issuer"]["id"]).valid
    with raises_status(STATUS_VERIFICATION_ERROR, "is not the credential's"):
        check_status(e, status_list, issuer="did:web:someone-else.example")
