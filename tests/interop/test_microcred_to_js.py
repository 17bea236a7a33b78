"""Credentials microcred issues verify with the reference JavaScript stack, in FULL mode.

FULL mode (tests/interop/node/verify.mjs): the VC data model, the eddsa-rdfc-2022 proof, the
issuer being the controller of the verification method, and every BitstringStatusListEntry
against its (signed) list. Credentials are batched: one Node process per fixture.
"""

from __future__ import annotations

from typing import Any

import pytest

from interop import interop_support as mc
from interop.peer import JsPeer
from microcred.core.did.web import did_web_document
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.proofs.jose import enveloped_credential
from microcred.core.status.bitstring import Bitstring

pytestmark = pytest.mark.interop

LANGS = sorted(mc.EXAMPLE_FILES)


def assert_verified(verdict: dict[str, Any], *, issuer: str = mc.KEY.did) -> None:
    assert verdict["verified"] is True, verdict.get("errors")
    assert verdict["credential"]["issuer"] == issuer


# --- the example micro-credentials, did:key issuer, Data Integrity and VC-JWT ----------------
@pytest.fixture(scope="module")
def example_credentials() -> dict[str, Any]:
    """Both examples secured by microcred: eddsa-rdfc-2022, VC-JWT, enveloped VC-JWT."""
    out: dict[str, Any] = {}
    for lang in LANGS:
        unsigned = mc.unsigned(*mc.example(lang))
        out[f"{lang}-di"] = mc.sign(unsigned)
        token = mc.sign(unsigned, suite="vc-jwt")
        out[f"{lang}-vc-jwt"] = token
        out[f"{lang}-enveloped"] = enveloped_credential(token)
    return out


@pytest.fixture(scope="module")
def example_verdicts(js_peer: JsPeer, example_credentials: dict[str, Any]) -> dict[str, Any]:
    names = list(example_credentials)
    verdicts = js_peer.verify_many([example_credentials[n] for n in names], now=mc.CHECK_AT_ISO)
    return dict(zip(names, verdicts, strict=True))


@pytest.mark.parametrize("lang", LANGS)
def test_js_verifies_our_example_micro_credential(
    example_credentials: dict[str, Any], example_verdicts: dict[str, Any], lang: str
) -> None:
    credential = example_credentials[f"{lang}-di"]
    verdict = example_verdicts[f"{lang}-di"]
    assert_verified(verdict)
    assert verdict["format"] == "data-integrity"
    assert verdict["proofVerified"] is True
    assert verdict["proofs"] == [
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": mc.KEY.did_key_verification_method,
            "created": mc.CREATED,
            "proofPurpose": "assertionMethod",
        }
    ]
    assert verdict["credential"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # every context came from the JS packages or microcred's own bundled context
    assert "https://w3id.org/microcred/v1" in verdict["documentsLoaded"]
    assert mc.verifier().verify(credential).verified


def test_the_french_example_really_is_non_ascii(example_credentials: dict[str, Any]) -> None:
    fr = example_credentials["fr-di"]
    assert fr["name"] == "Fondamentaux de la cybersécurité"
    names = {i["identityType"]: i["identityHash"] for i in fr["credentialSubject"]["identifier"]}
    assert names["ext:familyName"] == "Lefèvre"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("form", "fmt"), [("vc-jwt", "jwt"), ("enveloped", "enveloped-jwt")])
def test_js_verifies_our_vc_jwt(
    example_credentials: dict[str, Any],
    example_verdicts: dict[str, Any],
    lang: str,
    form: str,
    fmt: str,
) -> None:
    verdict = example_verdicts[f"{lang}-{form}"]
    assert_verified(verdict)
    assert verdict["format"] == fmt
    assert verdict["header"] == {
        "alg": "EdDSA",
        "typ": "vc+jwt",
        "kid": mc.KEY.did_key_verification_method,
    }
    assert verdict["checks"] == {"signature": True, "dataModel": True}
    assert mc.verifier().verify(example_credentials[f"{lang}-{form}"]).verified


def test_js_checks_the_validity_period_of_our_credential(js_peer: JsPeer) -> None:
    """The same credential, checked before validFrom and after validUntil (P5Y): refused."""
    signed = mc.sign(mc.unsigned(*mc.example("en")))
    assert signed["validUntil"] == "2030-03-01T09:00:00Z"
    early, late = (
        js_peer.verify(signed, now=now) for now in ("2025-02-28T00:00:00Z", "2030-03-02T00:00:00Z")
    )
    assert early["verified"] is False
    assert 'before "validFrom" (2025-03-01T09:00:00Z)' in str(early["errors"])
    assert late["verified"] is False
    assert 'after "validUntil" (2030-03-01T09:00:00Z)' in str(late["errors"])


# --- did:web issuer ------------------------------------------------------------------------
def test_js_verifies_our_did_web_issuer(js_peer: JsPeer) -> None:
    """Issuer did:web, signed with ``#key-0`` of the DID document microcred generates."""
    document = mc.did_web_document()
    vm = f"{mc.DID_WEB}#key-0"
    assert document["assertionMethod"] == [vm]
    good = mc.sign(mc.unsigned(*mc.example("fr"), issuer_id=mc.DID_WEB), vm=vm)
    # FULL mode: a did:key issuer signing with the did:web key is not its controller
    foreign = mc.sign(mc.unsigned(*mc.example("fr")), vm=vm)
    verdicts = js_peer.verify_many([good, foreign], did_docs=[document], now=mc.CHECK_AT_ISO)
    assert_verified(verdicts[0], issuer=mc.DID_WEB)
    assert vm in verdicts[0]["documentsLoaded"]
    assert verdicts[1]["verified"] is False
    assert verdicts[1]["proofVerified"] is False  # issuer check fails under the proof purpose
    assert "controller" in str(verdicts[1]["errors"]) or "issuer" in str(verdicts[1]["errors"])
    ours = mc.verifier(documents={mc.DID_WEB: document})
    assert ours.verify(good).verified
    assert not ours.verify(foreign).verified


def test_js_refuses_our_did_web_credential_with_another_key(js_peer: JsPeer) -> None:
    """The DID document decides: the same credential with a document naming another key."""
    vm = f"{mc.DID_WEB}#key-0"
    signed = mc.sign(mc.unsigned(*mc.example("en"), issuer_id=mc.DID_WEB), vm=vm)
    other = Ed25519KeyPair.generate(bytes(32))
    document = did_web_document(mc.DID_WEB, [other.public_key_multibase])
    verdict = js_peer.verify(signed, did_docs=[document], now=mc.CHECK_AT_ISO)
    assert verdict["verified"] is False
    assert verdict["proofVerified"] is False
    assert not mc.verifier(documents={mc.DID_WEB: document}).verify(signed).verified


# --- Bitstring Status List: our list, signed by microcred ------------------------------------
@pytest.fixture(scope="module")
def status_case() -> dict[str, Any]:
    lists = {mc.STATUS_LISTS[p]: mc.signed_status_list(p) for p in mc.STATUS_LISTS}
    credentials = {
        (purpose, index): mc.sign(
            mc.unsigned(*mc.example("en"), status=mc.status_entry(purpose, index))
        )
        for purpose in mc.STATUS_LISTS
        for index in (mc.SET_INDEX, mc.UNSET_INDEX)
    }
    return {"lists": lists, "credentials": credentials}


@pytest.fixture(scope="module")
def status_verdicts(js_peer: JsPeer, status_case: dict[str, Any]) -> dict[Any, Any]:
    keys = list(status_case["credentials"])
    verdicts = js_peer.verify_many(
        [status_case["credentials"][k] for k in keys],
        docs=status_case["lists"],
        now=mc.CHECK_AT_ISO,
    )
    return dict(zip(keys, verdicts, strict=True))


@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_js_reads_our_signed_status_list(
    status_case: dict[str, Any], status_verdicts: dict[Any, Any], purpose: str
) -> None:
    flag = {"revocation": "revoked", "suspension": "suspended"}[purpose]
    list_url = mc.STATUS_LISTS[purpose]
    unset = status_verdicts[purpose, mc.UNSET_INDEX]
    assert_verified(unset)
    assert unset["status"]["results"] == [
        {
            "statusPurpose": purpose,
            "statusListIndex": str(mc.UNSET_INDEX),
            "statusListCredential": list_url,
            "bitSet": False,
        }
    ]
    assert flag not in unset
    assert list_url in unset["documentsLoaded"]  # the list (and its proof) was really used

    revoked = status_verdicts[purpose, mc.SET_INDEX]
    assert revoked["verified"] is False
    assert revoked["proofVerified"] is True
    assert revoked[flag] is True
    assert revoked["status"]["results"][0]["bitSet"] is True

    # microcred's own verifier agrees on both
    ours = mc.verifier(lists=status_case["lists"])
    assert ours.verify(status_case["credentials"][purpose, mc.UNSET_INDEX]).verified
    report = ours.verify(status_case["credentials"][purpose, mc.SET_INDEX])
    assert not report.verified
    assert [c.name for c in report.failures] == [f"{purpose} status"]


def test_js_refuses_our_status_list_once_tampered(
    js_peer: JsPeer, status_case: dict[str, Any]
) -> None:
    """The peer checks the list's own proof: our list with the bit cleared after signing."""
    url = mc.STATUS_LISTS["revocation"]
    forged = dict(status_case["lists"][url])
    forged["credentialSubject"] = {
        **forged["credentialSubject"],
        "encodedList": Bitstring().encode(),
    }
    credential = status_case["credentials"]["revocation", mc.SET_INDEX]
    verdict = js_peer.verify(credential, docs={url: forged}, now=mc.CHECK_AT_ISO)
    assert verdict["verified"] is False
    assert "revoked" not in verdict
    assert not mc.verifier(lists={url: forged}).verify(credential).verified


# --- edge-case strings: where canonicalisation escaping bugs show ---------------------------
@pytest.fixture(scope="module")
def variant_credentials() -> dict[str, dict[str, Any]]:
    return {
        name: mc.sign(mc.unsigned(micro, learner, issued=issued))
        for name, (micro, learner, issued) in mc.variants().items()
    }


@pytest.fixture(scope="module")
def variant_verdicts(js_peer: JsPeer, variant_credentials: dict[str, Any]) -> dict[str, Any]:
    names = list(variant_credentials)
    verdicts = js_peer.verify_many([variant_credentials[n] for n in names], now=mc.CHECK_AT_ISO)
    return dict(zip(names, verdicts, strict=True))


@pytest.mark.parametrize("case", list(mc.variants()))
def test_js_verifies_our_edge_cases(
    variant_credentials: dict[str, Any], variant_verdicts: dict[str, Any], case: str
) -> None:
    credential = variant_credentials[case]
    if case.startswith("text-"):
        text = mc.EDGE_CASES[case.removeprefix("text-")]
        assert credential["credentialSubject"]["identifier"][0]["identityHash"] == f"N {text}"
        outcome = credential["credentialSubject"]["achievement"]["learningOutcome"][0]
        assert outcome["nameMap"] == {"en": text, "ga": f"[{text}]"}
    verdict = variant_verdicts[case]
    assert_verified(verdict)
    assert verdict["proofVerified"] is True


# --- one character changed: refused by both verifiers ----------------------------------------
@pytest.fixture(scope="module")
def tampered(example_credentials: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (lang, place): copy
        for lang in LANGS
        for place, copy in mc.one_char_changes(example_credentials[f"{lang}-di"]).items()
    }


@pytest.fixture(scope="module")
def tampered_verdicts(
    js_peer: JsPeer, tampered: dict[tuple[str, str], dict[str, Any]]
) -> dict[tuple[str, str], dict[str, Any]]:
    keys = list(tampered)
    verdicts = js_peer.verify_many([tampered[k] for k in keys], now=mc.CHECK_AT_ISO)
    return dict(zip(keys, verdicts, strict=True))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "place", ["name", "accent", "validFrom", "learner", "outcome", "issuer", "proofValue"]
)
def test_one_character_change_is_refused_by_both(
    example_credentials: dict[str, Any],
    tampered: dict[tuple[str, str], dict[str, Any]],
    tampered_verdicts: dict[tuple[str, str], dict[str, Any]],
    lang: str,
    place: str,
) -> None:
    original = example_credentials[f"{lang}-di"]
    copy = tampered[lang, place]
    assert _char_diff(original, copy) == 1
    verdict = tampered_verdicts[lang, place]
    assert verdict["verified"] is False
    assert verdict["proofVerified"] is False
    report = mc.verifier().verify(copy)
    assert not report.verified
    assert "proof" in [c.name for c in report.failures]


def _char_diff(a: Any, b: Any) -> int:
    """How many characters differ between two JSON documents of the same shape."""
    if isinstance(a, dict):
        return sum(_char_diff(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return sum(_char_diff(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str):
        assert len(a) == len(b)
        return sum(x != y for x, y in zip(a, b, strict=True))
    return int(a != b)
