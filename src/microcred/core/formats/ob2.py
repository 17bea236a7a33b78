"""Open Badges 2.0, read-only: verifying a legacy assertion someone presents.

OB 2.0 §Assertion, §BadgeClass, §Profile, §IdentityObject, §VerificationObject,
§RevocationList and §Verification: a *hosted* assertion is fetched again from its own ``id``,
which must lie in the issuer's allowed scope (``verification.allowedOrigins`` /
``startsWith``, by default the issuer Profile id's host); a *signed* assertion is a compact JWS
(RS256) whose payload is the assertion, checked against the issuer's ``CryptographicKey``
(``publicKeyPem``, owned by the issuer) and the issuer's ``revocationList``. The recipient
identity is compared, hashed (``sha256$`` / ``md5$`` + ``salt``) when so marked, against a
known identity if one is given. Expiry (``expires``) and ``revoked`` are checked too; a hosted
assertion whose URL answers HTTP 410 Gone is revoked (OB 2.0 §Verification, hosted: "If the
assertion is not found or returns 410 Gone, treat it as revoked"); the fetcher port's error
tells the status by a ``status`` attribute (``net.fetcher.FetchError``).

Everything remote (the hosted assertion, BadgeClass, issuer Profile, key, revocation list)
comes through an injected fetcher (``url -> bytes``, the guarded HTTP client online, local
files offline); without one those checks are reported as skipped. Never issued, only verified
(architecture house rule 6). Returns the same :class:`VerificationReport` as OB 3.0.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from microcred.core.did.fetch import Fetcher, fetch_json_document
from microcred.core.keys.jwk import b64url_decode
from microcred.core.verify.checks import as_list
from microcred.core.verify.parse import parse_json_document
from microcred.core.verify.pipeline import guarded
from microcred.core.verify.report import CheckResult, CredentialSummary, Outcome, VerificationReport
from microcred.errors import MICROCRED, InvalidInputError, MicrocredError

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB2_PROBLEMS = MICROCRED + "OB2_"
OB2_REVOKED = OB2_PROBLEMS + "REVOKED"
"""The problem type of a revoked Open Badges 2.0 assertion (revoked, listed, or gone)."""
HOSTED = frozenset({"hosted", "HostedBadge"})
SIGNED = frozenset({"signed", "SignedBadge"})
AUTHENTICITY = frozenset({"hosted verification", "signature"})
"""The checks that can make an assertion verified; every other passed check is informative."""


@dataclass
class _Assertion:
    """What was presented and what was learnt about it while checking."""

    document: dict[str, Any] | None = None
    token: str | None = None
    url: str | None = None
    badge: Mapping[str, Any] | None = None
    issuer: Mapping[str, Any] | None = None
    gone: str | None = None
    """The URL that answered HTTP 410 Gone, when the hosted assertion did."""

    @property
    def method(self) -> str:
        verification = (self.document or {}).get("verification") or (self.document or {}).get(
            "verify"
        )
        kind = verification.get("type") if isinstance(verification, Mapping) else None
        if self.token is not None or kind in SIGNED:
            return "signed"
        return "hosted"


def _passed(name: str, reason: str, **kw: Any) -> CheckResult:
    return CheckResult(name, Outcome.PASSED, reason, **kw)


def _failed(name: str, reason: str, problem: str = "INVALID", **kw: Any) -> CheckResult:
    return CheckResult(name, Outcome.FAILED, reason, OB2_PROBLEMS + problem, **kw)


def _skipped(name: str, reason: str, **kw: Any) -> CheckResult:
    return CheckResult(name, Outcome.SKIPPED, reason, **kw)


def verify_ob2(
    presented: str | Mapping[str, Any],
    *,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    recipient: str | None = None,
) -> VerificationReport:
    """Verify an OB 2.0 assertion given as JSON (text or object), a signed JWS, or its URL.

    ``fetcher`` reaches the hosted documents (None: offline, those checks are skipped);
    ``recipient`` is an identity (e.g. an e-mail address) to compare with the assertion's.
    Never raises on bad input: every problem is a failed check.
    """
    state = _Assertion()
    checks = _run(presented, state, fetcher, now or datetime.now(UTC), recipient)
    gated = tuple(c if c.name in AUTHENTICITY else _alone_proves_nothing(c) for c in checks)
    summary = _summary(state) if state.document else CredentialSummary(id=state.url)
    return VerificationReport(gated, summary)


def _run(
    presented: str | Mapping[str, Any],
    state: _Assertion,
    fetcher: Fetcher | None,
    now: datetime,
    recipient: str | None,
) -> list[CheckResult]:
    found = guarded("format", lambda: _read(presented, state))
    if not found.passed:
        return [found]
    if state.url is not None and state.document is None:
        if fetcher is None:
            reason = "only the assertion's URL is known; not fetched"
            return [found, _skipped("hosted verification", reason)]
        fetched = guarded("hosted verification", lambda: _fetch_assertion(fetcher, state))
        if not fetched.passed:
            return [found, fetched]
    result = [found, guarded("structure", lambda: _check_structure(state))]
    result.append(guarded("badge and issuer", lambda: _load_badge(state, fetcher)))
    if state.method == "signed":
        result.append(guarded("signature", lambda: _check_signature(state, fetcher)))
    else:
        result.append(guarded("hosted verification", lambda: _check_hosted(state, fetcher)))
    result.append(guarded("recipient", lambda: _check_recipient(state, recipient)))
    result.append(guarded("validity window", lambda: _check_dates(state, now)))
    result.append(guarded("revocation", lambda: _check_revocation(state, fetcher)))
    return result


def _alone_proves_nothing(check: CheckResult) -> CheckResult:
    """A passed check other than the hosted or signature check is informative: only fetching
    the hosted assertion, or checking its signature with the issuer's key, can make an
    assertion verified (a failed check still fails it)."""
    return replace(check, required=False) if check.passed else check


# --- reading -----------------------------------------------------------------------------------


def _read(presented: str | Mapping[str, Any], state: _Assertion) -> CheckResult:
    if isinstance(presented, Mapping):
        state.document = dict(presented)
        return _passed("format", "an Open Badges 2.0 assertion (JSON)")
    text = presented.strip().lstrip("\ufeff")
    if text.startswith("{"):
        state.document = parse_json_document(text)
        return _passed("format", "an Open Badges 2.0 assertion (JSON)")
    if text.startswith(("https://", "http://")) and len(text.split()) == 1:
        state.url = text
        return _passed("format", f"the URL of a hosted Open Badges 2.0 assertion: {text}")
    parts = text.split(".")
    if len(parts) != 3:
        raise InvalidInputError("not an Open Badges 2.0 assertion: neither JSON, a JWS nor a URL")
    header, payload = _json_part(parts[0], "header"), _json_part(parts[1], "payload")
    if not isinstance(header.get("alg"), str):
        raise InvalidInputError("the JWS header names no algorithm")
    state.token = text
    state.document = payload
    return _passed("format", "a signed Open Badges 2.0 assertion (JWS)")


def _json_part(part: str, what: str) -> dict[str, Any]:
    try:
        return parse_json_document(b64url_decode(part))
    except MicrocredError as exc:
        raise InvalidInputError(f"the JWS {what} is not a JSON object: {exc}") from None


GONE = 410
"""HTTP 410 Gone: OB 2.0 hosted verification reads it as "revoked"."""


def _is_gone(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is a fetch answered with HTTP 410 Gone."""
    while error is not None:
        if getattr(error, "status", None) == GONE:
            return True
        error = error.__cause__
    return False


def _revoked_by_gone(url: str) -> CheckResult:
    return _failed(
        "revocation", f"revoked: the hosted assertion {url} is gone (HTTP 410)", "REVOKED"
    )


def _fetch_hosted(fetcher: Fetcher, url: str, state: _Assertion) -> dict[str, Any] | None:
    """The assertion hosted at ``url``; None when it answered 410 Gone (noted in ``state``)."""
    try:
        return fetch_json_document(fetcher, url)
    except MicrocredError as exc:
        if not _is_gone(exc):
            raise
        state.gone = url
        return None


def _fetch_assertion(fetcher: Fetcher, state: _Assertion) -> CheckResult:
    assert state.url is not None
    document = _fetch_hosted(fetcher, state.url, state)
    if document is None:
        return _revoked_by_gone(state.url)
    state.document = document
    return _passed("hosted verification", f"fetched the assertion from {state.url}")


def _fetch(fetcher: Fetcher | None, value: Any, what: str) -> Mapping[str, Any] | None:
    """An embedded object, or the document at a URL (None when offline)."""
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        raise InvalidInputError(f"the {what} is neither a URL nor an object")
    if fetcher is None:
        return None
    return fetch_json_document(fetcher, value)


# --- checks ------------------------------------------------------------------------------------


def _check_structure(state: _Assertion) -> CheckResult:
    """OB 2.0 §Assertion: the required properties and their shapes."""
    doc = state.document or {}
    problems: list[str] = []
    if not isinstance(doc.get("id"), str):
        problems.append("id is missing")
    if "Assertion" not in as_list(doc.get("type")):
        problems.append("type must be Assertion")
    identity = doc.get("recipient")
    if not isinstance(identity, Mapping) or not isinstance(identity.get("identity"), str):
        problems.append("recipient.identity is missing")
    elif not isinstance(identity.get("type"), str):
        problems.append("recipient.type is missing")
    if not isinstance(doc.get("badge"), (str, Mapping)):
        problems.append("badge is missing")
    verification = doc.get("verification") or doc.get("verify")
    if not isinstance(verification, Mapping) or not isinstance(verification.get("type"), str):
        problems.append("verification.type is missing")
    elif verification["type"] not in HOSTED | SIGNED:
        problems.append(f"unknown verification type {verification['type']!r}")
    elif (verification["type"] in SIGNED) != (state.token is not None):
        problems.append(
            "a signed assertion must be presented as its JWS"
            if state.token is None
            else "the JWS payload says it is not a signed assertion"
        )
    if _datetime(doc.get("issuedOn")) is None:
        problems.append("issuedOn is missing or not a date-time")
    if problems:
        return _failed("structure", "; ".join(problems), "STRUCTURE")
    return _passed("structure", "an Open Badges 2.0 Assertion with every required property")


def _load_badge(state: _Assertion, fetcher: Fetcher | None) -> CheckResult:
    """OB 2.0 §BadgeClass and §Profile: the badge and its issuer, fetched when given by URL."""
    doc = state.document or {}
    badge = _fetch(fetcher, doc.get("badge"), "badge")
    if badge is None:
        return _skipped("badge and issuer", "the BadgeClass is given by URL; not fetched")
    if "BadgeClass" not in as_list(badge.get("type")) or not isinstance(badge.get("name"), str):
        return _failed("badge and issuer", "the badge is not a BadgeClass with a name", "BADGE")
    if isinstance(doc.get("badge"), str) and badge.get("id") != doc["badge"]:
        return _failed("badge and issuer", "the BadgeClass fetched has another id", "BADGE")
    state.badge = badge
    issuer = _fetch(fetcher, badge.get("issuer"), "issuer")
    if issuer is None:
        return _skipped("badge and issuer", "the issuer Profile is given by URL; not fetched")
    types = as_list(issuer.get("type"))
    if not ({"Issuer", "Profile"} & set(types)) or not isinstance(issuer.get("id"), str):
        return _failed("badge and issuer", "the badge's issuer is not an issuer Profile", "ISSUER")
    if isinstance(badge.get("issuer"), str) and issuer["id"] != badge["issuer"]:
        return _failed("badge and issuer", "the issuer Profile fetched has another id", "ISSUER")
    state.issuer = issuer
    return _passed("badge and issuer", f"{badge['name']!r} issued by {issuer['id']}")


def _check_hosted(state: _Assertion, fetcher: Fetcher | None) -> CheckResult:
    """OB 2.0 §Verification, hosted: the assertion is served at its id, in the issuer's scope."""
    name = "hosted verification"
    doc = state.document or {}
    assertion_id = doc.get("id")
    if not isinstance(assertion_id, str):
        return _failed(name, "the assertion has no id to fetch it from", "HOSTED")
    if state.issuer is None:
        return _skipped(name, "the issuer is not known (offline); the hosted copy was not checked")
    scope = _in_issuer_scope(assertion_id, state.issuer)
    if scope is not None:
        return _failed(name, scope, "HOSTED")
    if fetcher is None:
        return _skipped(name, "offline: the assertion was not fetched from its id")
    if state.url is None:  # presented as JSON: the hosted copy must be the same assertion
        hosted = _fetch_hosted(fetcher, assertion_id, state)
        if hosted is None:
            return _failed(name, f"the assertion at {assertion_id} is gone (HTTP 410)", "REVOKED")
        if hosted != doc:
            return _failed(name, f"the assertion hosted at {assertion_id} differs", "HOSTED")
        state.document = dict(hosted)
    elif doc.get("id") != state.url:
        return _failed(name, f"the assertion at {state.url} gives another id", "HOSTED")
    return _passed(name, f"the assertion is hosted at its id {assertion_id}")


def _in_issuer_scope(url: str, issuer: Mapping[str, Any]) -> str | None:
    """None if ``url`` is where the issuer may host assertions, else the reason it is not."""
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, Mapping) else {}
    host = urlsplit(url).hostname or ""
    starts = [s for s in as_list(policy.get("startsWith")) if isinstance(s, str)]
    if starts and not any(url.startswith(s) for s in starts):
        return f"{url} does not start with any of the issuer's allowed prefixes"
    origins = [o for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str)]
    if origins:
        if host not in origins:
            return f"{host} is not one of the issuer's allowed origins ({', '.join(origins)})"
        return None
    issuer_host = urlsplit(str(issuer.get("id", ""))).hostname
    if not starts and host != issuer_host:
        return f"the assertion is hosted on {host}, not on the issuer's host {issuer_host}"
    return None


def _check_signature(state: _Assertion, fetcher: Fetcher | None) -> CheckResult:
    """OB 2.0 §Verification, signed: RS256 over the JWS, key owned by the issuer."""
    name = "signature"
    assert state.token is not None
    header = _json_part(state.token.split(".")[0], "header")
    if header.get("alg") != "RS256":
        return _failed(name, f"JWS algorithm {header.get('alg')!r}; OB 2.0 uses RS256", "SIGNATURE")
    if state.issuer is None:
        return _skipped(name, "the issuer is not known (offline); the signature was not checked")
    verification = (state.document or {}).get("verification") or {}
    creator = verification.get("creator") if isinstance(verification, Mapping) else None
    key_ref = creator or state.issuer.get("publicKey")
    key_doc = _fetch(fetcher, key_ref, "issuer's public key") if key_ref is not None else None
    if key_doc is None:
        return _skipped(name, "the issuer's public key is not known (offline or not published)")
    owner = key_doc.get("owner")
    if owner is not None and owner != state.issuer.get("id"):
        return _failed(name, f"the key is owned by {owner}, not by the issuer", "SIGNATURE")
    pem = key_doc.get("publicKeyPem")
    if not isinstance(pem, str):
        return _failed(name, "the issuer's CryptographicKey has no publicKeyPem", "SIGNATURE")
    try:
        key = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError):
        return _failed(name, "the issuer's publicKeyPem is not a public key", "SIGNATURE")
    if not isinstance(key, rsa.RSAPublicKey):
        return _failed(name, "the issuer's key is not an RSA key (RS256)", "SIGNATURE")
    signing_input, _, signature = state.token.rpartition(".")
    try:
        key.verify(
            b64url_decode(signature),
            signing_input.encode("ascii"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        return _failed(name, "the JWS signature does not verify", "SIGNATURE")
    return _passed(name, f"RS256 signature by the issuer's key {key_doc.get('id', '')}".strip())


def identity_hash(identity: str, *, algorithm: str, salt: str = "") -> str:
    """OB 2.0 §IdentityObject hash: ``sha256$<hex>`` / ``md5$<hex>`` of identity + salt."""
    if algorithm not in ("sha256", "md5"):
        raise InvalidInputError(f"unknown identity hash {algorithm!r}")
    digest = hashlib.new(algorithm, (identity + salt).encode("utf-8")).hexdigest()
    return f"{algorithm}${digest}"


def _check_recipient(state: _Assertion, recipient: str | None) -> CheckResult:
    """OB 2.0 §IdentityObject: compare a known identity, hashed with the salt when hashed."""
    name = "recipient"
    identity = (state.document or {}).get("recipient")
    if not isinstance(identity, Mapping) or not isinstance(identity.get("identity"), str):
        return _failed(name, "the assertion names no recipient", "RECIPIENT")
    value = identity["identity"]
    hashed = identity.get("hashed") is True
    if hashed and not value.lower().startswith(("sha256$", "md5$")):
        return _failed(name, f"unknown identity hash in {value!r}", "RECIPIENT")
    if recipient is None:
        shown = "a hashed " if hashed else ""
        return _skipped(name, f"awarded to {shown}{identity.get('type', 'identity')}; not compared")
    salt = _str(identity.get("salt")) or ""
    if hashed:
        algorithm = value.split("$", 1)[0].lower()
        expected = identity_hash(recipient, algorithm=algorithm, salt=salt)
        matches = hmac.compare_digest(expected.lower(), value.lower())
    else:
        matches = recipient.casefold() == value.casefold()
    if not matches:
        return _failed(name, f"the badge was not awarded to {recipient}", "RECIPIENT")
    return _passed(name, f"awarded to {recipient}")


def _check_dates(state: _Assertion, now: datetime) -> CheckResult:
    name = "validity window"
    doc = state.document or {}
    issued = _datetime(doc.get("issuedOn"))
    if issued is None:
        return _failed(name, "issuedOn is missing or not a date-time", "DATES")
    if issued > now:
        return _failed(name, f"issued in the future ({doc['issuedOn']})", "DATES")
    if doc.get("expires") is not None:
        expires = _datetime(doc["expires"])
        if expires is None:
            return _failed(name, "expires is not a date-time", "DATES")
        if expires < now:
            return _failed(name, f"expired on {doc['expires']}", "EXPIRED")
        return _passed(name, f"issued on {doc['issuedOn']}, valid until {doc['expires']}")
    return _passed(name, f"issued on {doc['issuedOn']}, no expiry")


def _check_revocation(state: _Assertion, fetcher: Fetcher | None) -> CheckResult:
    """``revoked`` on the assertion; for signed ones the issuer's RevocationList too."""
    name = "revocation"
    doc = state.document or {}
    if state.gone is not None:
        return _revoked_by_gone(state.gone)
    if doc.get("revoked") is True:
        reason = doc.get("revocationReason")
        return _failed(name, "revoked" + (f": {reason}" if reason else ""), "REVOKED")
    if state.method != "signed":
        if state.url is None and fetcher is None:
            return _skipped(name, "offline: the hosted assertion was not consulted")
        return _passed(name, "the hosted assertion is not revoked")
    if state.issuer is None:
        return _skipped(name, "the issuer is not known (offline); no revocation list consulted")
    listed = state.issuer.get("revocationList")
    if listed is None:
        return _passed(name, "the issuer publishes no revocation list")
    revocations = _fetch(fetcher, listed, "revocation list")
    if revocations is None:
        return _skipped(name, "offline: the issuer's revocation list was not fetched")
    ids = {doc.get("id"), doc.get("uid")} - {None}
    for entry in as_list(revocations.get("revokedAssertions")):
        entry_id = entry if isinstance(entry, str) else None
        if isinstance(entry, Mapping):
            entry_id = entry.get("id") or entry.get("uid")
        if entry_id in ids:
            why = entry.get("revocationReason") if isinstance(entry, Mapping) else None
            return _failed(name, "revoked" + (f": {why}" if why else ""), "REVOKED")
    return _passed(name, "not on the issuer's revocation list")


# --- helpers -----------------------------------------------------------------------------------


def _summary(state: _Assertion) -> CredentialSummary:
    doc = state.document or {}
    identity = doc.get("recipient") if isinstance(doc.get("recipient"), Mapping) else {}
    recipient = identity.get("identity") if isinstance(identity, Mapping) else None
    if isinstance(identity, Mapping) and identity.get("hashed") is True:
        recipient = f"{identity.get('type', 'identity')} (hashed)"
    badge = state.badge or (doc["badge"] if isinstance(doc.get("badge"), Mapping) else {})
    issuer = state.issuer or {}
    issuer_id = issuer.get("id") or (badge.get("issuer") if isinstance(badge, Mapping) else None)
    return CredentialSummary(
        id=_str(doc.get("id")),
        types=tuple(str(t) for t in as_list(doc.get("type"))),
        issuer_id=_str(issuer_id),
        issuer_name=_str(issuer.get("name")),
        achievement_name=_str(badge.get("name")) if isinstance(badge, Mapping) else None,
        subject=_str(recipient),
        valid_from=_str(doc.get("issuedOn")),
        valid_until=_str(doc.get("expires")),
        securing=f"Open Badges 2.0 {state.method}",
    )


def _datetime(value: Any) -> datetime | None:
    """An ISO 8601 date-time (a naive one is taken as UTC), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def documents_fetcher(documents: Mapping[str, Any]) -> Callable[[str], bytes]:
    """A fetcher over local copies (``{URL: JSON object}``), for verifying offline."""

    def fetch(url: str) -> bytes:
        if url not in documents:
            raise InvalidInputError(f"{url} is not among the local documents (offline)")
        return json.dumps(documents[url]).encode("utf-8")

    return fetch
