"""Bitstring Status List: microcred's codec and checker against @digitalbazaar's library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interop.peer import JsPeer
from microcred.core.status.bitstring import (
    MIN_ENTRIES,
    Bitstring,
    check_status,
    parse_status_entry,
    status_list_credential,
)

pytestmark = pytest.mark.interop

JS = Path(__file__).resolve().parents[1] / "vectors" / "js-peer-issued"
LIST_URL = "https://status.example/lists/9"
KEY = JS / "issuer-key.json"
DID_KEY = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"
BITS = [0, 3, 7, 8, 17, 12_345, 99_999, MIN_ENTRIES - 1]


def load(name: str) -> Any:
    return json.loads((JS / name).read_text(encoding="utf-8"))


def our_list(
    bits: list[int], *, length: int = MIN_ENTRIES, purpose: str = "revocation"
) -> dict[str, Any]:
    bitstring = Bitstring(length)
    for i in bits:
        bitstring.set(i, True)
    return status_list_credential(
        list_id=LIST_URL,
        issuer=DID_KEY,
        purpose=purpose,
        bitstring=bitstring,
        valid_from="2024-01-01T00:00:00Z",
    )


def test_js_reads_the_bits_we_encode(js_peer: JsPeer) -> None:
    decoded = js_peer.statuslist_decode(our_list(BITS), index=12_345)
    assert decoded["length"] == MIN_ENTRIES
    assert decoded["setBits"] == BITS
    assert decoded["bitSet"] is True
    assert decoded["statusPurpose"] == "revocation"


def test_js_reads_a_longer_list_we_encode(js_peer: JsPeer) -> None:
    decoded = js_peer.statuslist_decode(our_list([MIN_ENTRIES * 4 - 1], length=MIN_ENTRIES * 4))
    assert decoded["length"] == MIN_ENTRIES * 4
    assert decoded["setBits"] == [MIN_ENTRIES * 4 - 1]


def test_we_read_the_bits_js_encodes(js_peer: JsPeer) -> None:
    created = js_peer.statuslist_create(list_id=LIST_URL, set_bits=[3, 17])
    assert created["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = Bitstring.decode(created["credentialSubject"]["encodedList"])
    assert len(bits) == MIN_ENTRIES
    assert list(bits.set_indices()) == [3, 17]
    for index, value in ((3, 1), (17, 1), (4, 0), (16, 0)):
        entry = parse_status_entry(
            {
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": LIST_URL,
            }
        )
        assert check_status(entry, created).value == value


def test_we_read_a_signed_js_list_with_many_bits(js_peer: JsPeer) -> None:
    created = js_peer.statuslist_create(
        list_id=LIST_URL,
        key=KEY,
        set_bits=BITS,
        purpose="suspension",
        valid_from="2024-01-01T00:00:00Z",
    )
    assert created["issuer"] == DID_KEY
    assert created["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    bits = Bitstring.decode(created["credentialSubject"]["encodedList"])
    assert list(bits.set_indices()) == BITS


def test_js_verifies_status_against_our_list_credential(js_peer: JsPeer) -> None:
    """Our unsigned list, signed by the peer, then used by the peer's full verification."""
    signed_list = js_peer.issue(our_list([42]), key=KEY)
    assert isinstance(signed_list, dict)
    template = load("ob3-unsigned-status7.json")
    verdicts = {}
    for index in (42, 43):
        unsigned = dict(template)
        unsigned["credentialStatus"] = {
            **template["credentialStatus"],
            "id": f"{LIST_URL}#{index}",
            "statusListIndex": str(index),
            "statusListCredential": LIST_URL,
        }
        signed = js_peer.issue(unsigned, key=KEY)
        verdicts[index] = js_peer.verify(signed, docs={LIST_URL: signed_list})
        assert verdicts[index]["proofVerified"] is True
        ours = check_status(parse_status_entry(unsigned["credentialStatus"]), signed_list)
        assert ours.value == (1 if index == 42 else 0)
    assert verdicts[42]["revoked"] is True
    assert verdicts[42]["verified"] is False
    assert verdicts[43]["verified"] is True, verdicts[43].get("errors")


def test_js_and_we_agree_on_the_published_js_list(js_peer: JsPeer) -> None:
    status_list = load("statuslist-1.json")
    theirs = js_peer.statuslist_decode(status_list)
    ours = Bitstring.decode(status_list["credentialSubject"]["encodedList"])
    assert theirs["setBits"] == list(ours.set_indices()) == [7]
    assert theirs["length"] == len(ours)
