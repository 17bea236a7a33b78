"""Open Badges 2.0, read-only: hosted and signed verification, recipient, expiry, revocation."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from microcred.core.formats.ob2 import documents_fetcher, identity_hash, verify_ob2
from microcred.core.verify.report import Outcome, VerificationReport

VECTORS = Path(__file__).resolve().parents[3] / "vectors" / "ob2"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
ASSERTION_URL = "https://issuer.example/assertions/1"
ISSUER_URL = "https://issuer.example/issuer"
KEY_URL = "https://issuer.example/keys/1"
LIST_URL = "https://issuer.example/revocations"
EMAIL = "learner@example.org"


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    return document


ASSERTION, BADGE, ISSUER = load("assertion"), load("badgeclass"), load("issuer")
HOSTED = {ASSERTION_URL: ASSERTION, BADGE["id"]: BADGE, ISSUER_URL: ISSUER}


def outcome(report: VerificationReport, name: str) -> Outcome:
    check = report.check(name)
    assert check is not None, [c.name for c in report.checks]
    return check.outcome


def reason(report: VerificationReport, name: str) -> str:
    check = report.check(name)
    assert check is not None
    return check.reason


# --- hosted ------------------------------------------------------------------------------------


def test_the_hosted_vector_verifies_with_its_documents() -> None:
    report = verify_ob2(
        (VECTORS / "assertion.json").read_text(encoding="utf-8"),
        fetcher=documents_fetcher(HOSTED),
        now=NOW,
        recipient=EMAIL,
    )
    assert report.verified, report.to_dict()
    assert outcome(report, "hosted verification") is Outcome.PASSED
    assert outcome(report, "recipient") is Outcome.PASSED
    summary = report.summary
    assert (summary.issuer_name, summary.achievement_name) == (
        "Peer Test Academy",
        "OB2 Peer Badge",
    )
    assert (summary.id, summary.valid_from) == (ASSERTION_URL, "2024-01-01T00:00:00Z")
    assert summary.subject == "email (hashed)"
    assert summary.securing == "Open Badges 2.0 hosted"


def test_given_only_its_url_the_assertion_is_fetched() -> None:
    report = verify_ob2(ASSERTION_URL, fetcher=documents_fetcher(HOSTED), now=NOW)
    assert report.verified, report.to_dict()
    assert outcome(report, "recipient") is Outcome.SKIPPED


def test_offline_nothing_is_fetched_and_the_assertion_is_not_verified() -> None:
    report = verify_ob2(ASSERTION, now=NOW)
    assert not report.verified
    assert not report.failures  # nothing is wrong, it just could not be checked
    assert outcome(report, "hosted verification") is Outcome.SKIPPED
    assert outcome(report, "badge and issuer") is Outcome.SKIPPED
    url_only = verify_ob2(ASSERTION_URL, now=NOW)
    assert not url_only.verified
    assert "not fetched" in reason(url_only, "hosted verification")


def test_a_presented_copy_that_differs_from_the_hosted_one_fails() -> None:
    tampered = {**ASSERTION, "issuedOn": "2023-01-01T00:00:00Z"}
    report = verify_ob2(tampered, fetcher=documents_fetcher(HOSTED), now=NOW)
    assert not report.verified
    assert "differs" in reason(report, "hosted verification")


def test_an_assertion_hosted_outside_the_issuers_origin_fails() -> None:
    elsewhere = {**ASSERTION, "id": "https://evil.example/assertions/1"}
    docs = {**HOSTED, elsewhere["id"]: elsewhere}
    report = verify_ob2(elsewhere, fetcher=documents_fetcher(docs), now=NOW)
    assert not report.verified
    assert "evil.example, not on the issuer's host issuer.example" in reason(
        report, "hosted verification"
    )
    allowing = {**ISSUER, "verification": {"allowedOrigins": "evil.example"}}
    report = verify_ob2(
        elsewhere, fetcher=documents_fetcher({**docs, ISSUER_URL: allowing}), now=NOW
    )
    assert report.verified, report.to_dict()
    prefixed = {**ISSUER, "verification": {"startsWith": "https://issuer.example/other/"}}
    report = verify_ob2(ASSERTION, fetcher=documents_fetcher({**docs, ISSUER_URL: prefixed}))
    assert "allowed prefixes" in reason(report, "hosted verification")


def test_a_fetch_that_fails_is_a_failed_check_not_an_exception() -> None:
    def gone(url: str) -> bytes:
        raise OSError(f"410 Gone: {url}")

    report = verify_ob2(ASSERTION_URL, fetcher=gone, now=NOW)
    assert not report.verified
    assert "410 Gone" in reason(report, "hosted verification")


@pytest.mark.parametrize(
    ("change", "check", "says"),
    [
        ({"revoked": True, "revocationReason": "cheating"}, "revocation", "revoked: cheating"),
        ({"expires": "2025-01-01T00:00:00Z"}, "validity window", "expired on 2025-01-01"),
        ({"issuedOn": "2026-01-01T00:00:00Z"}, "validity window", "issued in the future"),
        ({"issuedOn": "yesterday"}, "structure", "issuedOn is missing or not a date-time"),
        ({"type": "BadgeClass"}, "structure", "type must be Assertion"),
        ({"verification": {"type": "magic"}}, "structure", "unknown verification type"),
        ({"verification": {"type": "signed"}}, "structure", "must be presented as its JWS"),
    ],
)
def test_hosted_problems_fail_with_a_reason(
    change: Mapping[str, Any], check: str, says: str
) -> None:
    changed = {**ASSERTION, **change}
    report = verify_ob2(
        changed, fetcher=documents_fetcher({**HOSTED, ASSERTION_URL: changed}), now=NOW
    )
    assert not report.verified
    assert outcome(report, check) is Outcome.FAILED
    assert says in reason(report, check)


def test_a_badge_or_issuer_of_the_wrong_kind_fails() -> None:
    docs = {**HOSTED, BADGE["id"]: {**BADGE, "type": "Issuer"}}
    report = verify_ob2(ASSERTION, fetcher=documents_fetcher(docs), now=NOW)
    assert "not a BadgeClass" in reason(report, "badge and issuer")
    docs = {**HOSTED, BADGE["id"]: {**BADGE, "id": "https://issuer.example/badges/2"}}
    report = verify_ob2(ASSERTION, fetcher=documents_fetcher(docs), now=NOW)
    assert "another id" in reason(report, "badge and issuer")
    assert not report.verified


# --- recipient ---------------------------------------------------------------------------------


def test_identity_hashes_follow_ob2() -> None:
    assert ASSERTION["recipient"]["identity"] == identity_hash(
        EMAIL, algorithm="sha256", salt="deadbeef"
    )
    assert identity_hash("a@b.c", algorithm="md5").startswith("md5$")


@pytest.mark.parametrize(
    ("recipient", "given", "verified"),
    [
        ({"type": "email", "hashed": False, "identity": EMAIL}, "Learner@Example.org", True),
        ({"type": "email", "hashed": False, "identity": EMAIL}, "other@example.org", False),
        (
            {"type": "email", "hashed": True, "identity": identity_hash(EMAIL, algorithm="md5")},
            EMAIL,
            True,
        ),
        ({"type": "email", "hashed": True, "identity": "sha1$abc"}, EMAIL, False),
    ],
)
def test_recipients_are_compared(recipient: dict[str, Any], given: str, verified: bool) -> None:
    changed = {**ASSERTION, "recipient": recipient}
    docs = {**HOSTED, ASSERTION_URL: changed}
    report = verify_ob2(changed, fetcher=documents_fetcher(docs), now=NOW, recipient=given)
    assert report.verified is verified, report.to_dict()


# --- signed ------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(payload: Mapping[str, Any], key: rsa.RSAPrivateKey, alg: str = "RS256") -> str:
    header = b64url(json.dumps({"alg": alg}).encode())
    body = b64url(json.dumps(payload).encode())
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{b64url(signature)}"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


SIGNED_ASSERTION = {
    **ASSERTION,
    "id": "urn:uuid:2b1e5b44-3f0e-4a55-9d8b-0c8a3f9c2d11",
    "verification": {"type": "SignedBadge", "creator": KEY_URL},
}


def signed_docs(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, **issuer: Any
) -> dict[str, Any]:
    cryptographic_key = {"type": "CryptographicKey", "id": KEY_URL, "owner": ISSUER_URL}
    return {
        BADGE["id"]: BADGE,
        ISSUER_URL: {**ISSUER, "publicKey": KEY_URL, **issuer},
        KEY_URL: {**cryptographic_key, "publicKeyPem": pem(key)},
    }


def test_a_signed_assertion_verifies_against_the_issuers_key(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(SIGNED_ASSERTION, rsa_key)
    report = verify_ob2(token, fetcher=documents_fetcher(signed_docs(rsa_key)), now=NOW)
    assert report.verified, report.to_dict()
    assert outcome(report, "signature") is Outcome.PASSED
    assert "no revocation list" in reason(report, "revocation")
    assert report.summary.securing == "Open Badges 2.0 signed"


def test_a_tampered_or_foreign_signature_fails(rsa_key: rsa.RSAPrivateKey) -> None:
    header, _, signature = sign(SIGNED_ASSERTION, rsa_key).split(".")
    other = b64url(json.dumps({**SIGNED_ASSERTION, "issuedOn": "2020-01-01T00:00:00Z"}).encode())
    report = verify_ob2(
        f"{header}.{other}.{signature}", fetcher=documents_fetcher(signed_docs(rsa_key)), now=NOW
    )
    assert "does not verify" in reason(report, "signature")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    report = verify_ob2(
        sign(SIGNED_ASSERTION, stranger), fetcher=documents_fetcher(signed_docs(rsa_key)), now=NOW
    )
    assert not report.verified
    docs = signed_docs(rsa_key)
    docs[KEY_URL] = {**docs[KEY_URL], "owner": "https://evil.example/issuer"}
    report = verify_ob2(sign(SIGNED_ASSERTION, rsa_key), fetcher=documents_fetcher(docs), now=NOW)
    assert "owned by https://evil.example/issuer" in reason(report, "signature")


def test_only_rs256_with_an_rsa_key(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(SIGNED_ASSERTION, rsa_key, alg="none")
    report = verify_ob2(token, fetcher=documents_fetcher(signed_docs(rsa_key)), now=NOW)
    assert "OB 2.0 uses RS256" in reason(report, "signature")
    ec_docs = signed_docs(ec.generate_private_key(ec.SECP256R1()))
    report = verify_ob2(sign(SIGNED_ASSERTION, rsa_key), fetcher=documents_fetcher(ec_docs))
    assert "not an RSA key" in reason(report, "signature")


def test_the_issuers_revocation_list_is_consulted(rsa_key: rsa.RSAPrivateKey) -> None:
    revocations = {
        "type": "RevocationList",
        "id": LIST_URL,
        "issuer": ISSUER_URL,
        "revokedAssertions": [{"id": SIGNED_ASSERTION["id"], "revocationReason": "error"}],
    }
    docs = {**signed_docs(rsa_key, revocationList=LIST_URL), LIST_URL: revocations}
    token = sign(SIGNED_ASSERTION, rsa_key)
    report = verify_ob2(token, fetcher=documents_fetcher(docs), now=NOW)
    assert not report.verified
    assert reason(report, "revocation") == "revoked: error"
    docs[LIST_URL] = {**revocations, "revokedAssertions": ["urn:uuid:someone-else"]}
    report = verify_ob2(token, fetcher=documents_fetcher(docs), now=NOW)
    assert report.verified, report.to_dict()


def test_a_signed_assertion_offline_is_not_verified(rsa_key: rsa.RSAPrivateKey) -> None:
    report = verify_ob2(sign(SIGNED_ASSERTION, rsa_key), now=NOW)
    assert not report.verified and not report.failures
    assert outcome(report, "signature") is Outcome.SKIPPED


@pytest.mark.parametrize(
    ("presented", "says"),
    [
        ("", "neither JSON, a JWS nor a URL"),
        ("{oops", "not valid JSON"),
        ("a.b.c", "header is not a JSON object"),
        (b64url(b'{"typ": "JWT"}') + ".e30.sig", "names no algorithm"),
    ],
)
def test_unreadable_input_is_one_failed_format_check(presented: str, says: str) -> None:
    report = verify_ob2(presented, now=NOW)
    assert [c.name for c in report.checks] == ["format"]
    assert not report.verified
    assert says in reason(report, "format")


class _GoneError(Exception):
    """A fetcher's error carrying the HTTP status, as net.fetcher.FetchError does."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url}: HTTP 410")
        self.status = 410


def _gone_at(url: str, documents: Mapping[str, Any]) -> Any:
    serve = documents_fetcher(documents)

    def fetch(asked: str) -> bytes:
        if asked == url:
            raise _GoneError(asked)
        return serve(asked)

    return fetch


def test_a_hosted_assertion_answering_410_gone_is_revoked() -> None:
    report = verify_ob2(ASSERTION_URL, fetcher=_gone_at(ASSERTION_URL, HOSTED), now=NOW)
    assert not report.verified
    assert outcome(report, "revocation") is Outcome.FAILED
    assert "gone (HTTP 410)" in reason(report, "revocation")
    check = report.check("revocation")
    assert check is not None and str(check.problem_type).endswith("OB2_REVOKED")


def test_a_presented_assertion_whose_hosted_copy_is_gone_is_revoked() -> None:
    report = verify_ob2(ASSERTION, fetcher=_gone_at(ASSERTION_URL, HOSTED), now=NOW)
    assert not report.verified
    assert outcome(report, "hosted verification") is Outcome.FAILED
    assert outcome(report, "revocation") is Outcome.FAILED
    assert "HTTP 410" in reason(report, "revocation")


def test_other_http_errors_are_not_revocation() -> None:
    class _NotFoundError(Exception):
        status = 404

    def missing(url: str) -> bytes:
        raise _NotFoundError(url)

    report = verify_ob2(ASSERTION_URL, fetcher=missing, now=NOW)
    assert not report.verified
    assert report.check("revocation") is None
    assert outcome(report, "hosted verification") is Outcome.FAILED
