"""Credentials secured as JWTs: W3C VC-JOSE-COSE §3.1 (``typ: vc+jwt``, the payload is the
credential) and the Open Badges 3.0 VC-JWT binding (OB 3.0 §8.2: ``typ: JWT``, registered claims
``iss``/``jti``/``nbf``/``sub``/``exp`` beside the credential; before 2024 inside a ``vc`` claim).

Signing uses the injected :class:`Signer` (EdDSA). Verification accepts both ``typ`` values and both
payload shapes, resolves ``kid`` through the :class:`Resolver` (relationship ``assertionMethod``),
or uses an embedded public ``jwk`` (EdDSA or RS256; such a key says nothing about who holds it, so
``controller`` stays ``None``). ``alg: none``, ``crit`` and JWE are refused. It never raises on
bad input: the answer is a :class:`JwtCheck`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from microcred.core.did.resolver import Resolver
from microcred.core.keys.ed25519 import verify_ed25519
from microcred.core.keys.jwk import b64url_decode, b64url_encode, ed25519_multibase_from_jwk
from microcred.core.keys.multikey import decode_public_key
from microcred.core.keys.signer import Signer
from microcred.core.proofs._datetime import parse_datetime
from microcred.errors import (
    SECURITY,
    VC_ERRORS,
    DocumentParseError,
    KeyFormatError,
    MicrocredError,
    ProofError,
)

Profile = Literal["vc-jose-cose", "ob3"]
PARSING_ERROR = VC_ERRORS + "PARSING_ERROR"
PROOF_VERIFICATION_ERROR = SECURITY + "PROOF_VERIFICATION_ERROR"
INVALID_VERIFICATION_METHOD = SECURITY + "INVALID_VERIFICATION_METHOD"

VC_JWT_MEDIA_TYPE = "application/vc+jwt"
_ENVELOPE_PREFIX = "data:application/vc+jwt,"
_SD_JWT_PREFIX = "data:application/vc+sd-jwt,"
_REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf", "vc")
_ACCEPTED_TYP = {"jwt", "vc+jwt", "application/vc+jwt", "vc+ld+jwt", "vc+ld+json+jwt"}
_EDDSA = {"EdDSA", "Ed25519"}
_MIN_RSA_BITS = 2048
_MAX_TOKEN_CHARS = 1024 * 1024


@dataclass(frozen=True)
class JwtCheck:
    """The outcome of verifying a VC-JWT.

    ``credential`` is the secured credential (the ``vc`` claim, or the payload without JWT
    registered claims) when the token could be decoded, also when it did not verify.
    ``controller`` is the controller of the ``kid`` verification method (compare it with the
    issuer); ``None`` when the key came from an embedded ``jwk``.
    """

    verified: bool
    credential: dict[str, Any] | None
    reason: str | None
    problem_type: str | None
    controller: str | None
    verification_method: str | None = None


class _JwtFailedError(Exception):
    def __init__(self, problem_type: str, reason: str) -> None:
        super().__init__(reason)
        self.problem_type = problem_type
        self.reason = reason


def _json_b64(value: Mapping[str, Any]) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return b64url_encode(text.encode("utf-8"))


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _subject_ids(credential: Mapping[str, Any]) -> list[str]:
    subjects = credential.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    return [i for i in (_id_of(s) for s in items) if i is not None]


def _numeric_date(value: Any, what: str) -> int:
    moment = parse_datetime(value)
    if moment is None:
        raise ProofError(f"{what} {value!r} is not a valid dateTime")
    return int(moment.timestamp())


def _ob3_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """OB 3.0 §8.2.4: ``iss``, ``jti``, ``nbf``, ``sub`` (required) and ``exp`` claims."""
    issuer = _id_of(credential.get("issuer"))
    if issuer is None:
        raise ProofError("an OB 3.0 VC-JWT needs issuer.id for the iss claim")
    if not isinstance(credential.get("id"), str):
        raise ProofError("an OB 3.0 VC-JWT needs the credential id for the jti claim")
    subjects = _subject_ids(credential)
    if not subjects:
        raise ProofError("an OB 3.0 VC-JWT needs credentialSubject.id for the sub claim")
    valid_from = credential.get("validFrom", credential.get("issuanceDate"))
    claims: dict[str, Any] = {
        "iss": issuer,
        "jti": credential["id"],
        "sub": subjects[0],
        "nbf": _numeric_date(valid_from, "validFrom"),
    }
    valid_until = credential.get("validUntil", credential.get("expirationDate"))
    if valid_until is not None:
        claims["exp"] = _numeric_date(valid_until, "validUntil")
    return claims


def sign_vc_jwt(
    credential: Mapping[str, Any], *, signer: Signer, profile: Profile = "vc-jose-cose"
) -> str:
    """Compact JWS of ``credential`` (RFC 7515 §7.1).

    ``vc-jose-cose``: header ``{"alg", "typ": "vc+jwt", "kid"}``, payload = the credential.
    ``ob3``: header ``{"alg", "typ": "JWT", "kid"}``, payload = the credential plus
    ``iss``/``jti``/``sub``/``nbf`` (and ``exp`` when it has ``validUntil``).
    """
    if not isinstance(credential, Mapping):
        raise DocumentParseError("only a JSON object can be secured as a VC-JWT")
    if "vc" in credential or "vp" in credential:
        raise ProofError("the credential must not contain 'vc' or 'vp' claims")
    if profile == "vc-jose-cose":
        typ, payload = "vc+jwt", dict(credential)
    elif profile == "ob3":
        typ, payload = "JWT", {**credential, **_ob3_claims(credential)}
    else:
        raise ProofError(f"unknown VC-JWT profile {profile!r}")
    header = {"alg": signer.algorithm, "typ": typ, "kid": signer.verification_method}
    signing_input = _json_b64(header) + "." + _json_b64(payload)
    signature = signer.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature)


def enveloped_credential(token: str) -> dict[str, Any]:
    """An ``EnvelopedVerifiableCredential`` holding ``token`` (VC-JOSE-COSE §3.1.3)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": _ENVELOPE_PREFIX + token,
        "type": "EnvelopedVerifiableCredential",
    }


def parse_enveloped(vc: Mapping[str, Any]) -> str:
    """The compact JWS inside an ``EnvelopedVerifiableCredential`` (``data:application/vc+jwt,``).

    Raises :class:`DocumentParseError` when ``vc`` is not one, :class:`ProofError` for
    ``vc+sd-jwt`` and other unsupported media types.
    """
    if not isinstance(vc, Mapping):
        raise DocumentParseError("an enveloped credential must be a JSON object")
    types = vc.get("type")
    if "EnvelopedVerifiableCredential" not in (types if isinstance(types, list) else [types]):
        raise DocumentParseError("the object is not an EnvelopedVerifiableCredential")
    data_url = vc.get("id")
    if not isinstance(data_url, str) or not data_url.startswith("data:"):
        raise DocumentParseError("an EnvelopedVerifiableCredential id must be a data: URL")
    if data_url.startswith(_ENVELOPE_PREFIX):
        token = data_url[len(_ENVELOPE_PREFIX) :].strip()
        if not token:
            raise DocumentParseError("the enveloped credential's data: URL is empty")
        return token
    if data_url.startswith(_SD_JWT_PREFIX):
        raise ProofError("SD-JWT enveloped credentials (application/vc+sd-jwt) are not supported")
    media_type = data_url[5:].split(",", 1)[0]
    raise ProofError(f"enveloped credentials of type {media_type!r} are not supported")


def _decode_part(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(part))
    except (KeyFormatError, ValueError, UnicodeDecodeError) as exc:
        raise _JwtFailedError(PARSING_ERROR, f"the JWT {what} is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise _JwtFailedError(PARSING_ERROR, f"the JWT {what} is not a JSON object")
    return value


def _credential_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    if "vc" in payload:
        if not isinstance(payload["vc"], dict):
            raise _JwtFailedError(PARSING_ERROR, "the JWT 'vc' claim is not a JSON object")
        return dict(payload["vc"])
    return {k: v for k, v in payload.items() if k not in _REGISTERED_CLAIMS}


def _rsa_key(jwk: Mapping[str, Any]) -> rsa.RSAPublicKey:
    if any(k in jwk for k in ("d", "p", "q", "dp", "dq", "qi")):
        raise KeyFormatError("the JWK contains a private key; refusing it")
    if jwk.get("kty") != "RSA":
        raise KeyFormatError(f"RS256 needs an RSA JWK, got kty={jwk.get('kty')!r}")
    n = int.from_bytes(b64url_decode(str(jwk.get("n", ""))), "big")
    e = int.from_bytes(b64url_decode(str(jwk.get("e", ""))), "big")
    if n.bit_length() < _MIN_RSA_BITS or e < 3:
        raise KeyFormatError(f"the RSA key is weaker than {_MIN_RSA_BITS} bits")
    return rsa.RSAPublicNumbers(e, n).public_key()


class _Key:
    """The key a JWT names, with what is known about who controls it."""

    def __init__(self, alg: str, header: Mapping[str, Any], payload: Mapping[str, Any]):
        self.controller: str | None = None
        self.verification_method: str | None = None
        self.ed25519: bytes | None = None
        self.rsa: rsa.RSAPublicKey | None = None
        self.alg = alg
        self.header = header
        self.payload = payload

    def load(self, resolver: Resolver) -> None:
        kid, jwk = self.header.get("kid"), self.header.get("jwk")
        if jwk is not None and not isinstance(jwk, Mapping):
            raise _JwtFailedError(PARSING_ERROR, "the JWT 'jwk' header is not a JSON object")
        if self.alg == "RS256":
            if jwk is None:
                raise _JwtFailedError(
                    INVALID_VERIFICATION_METHOD,
                    "an RS256 JWT can only be checked with an embedded 'jwk' header",
                )
            self.rsa = _rsa_key(jwk)
            return
        if isinstance(kid, str) and kid:
            issuer = self.payload.get("iss")
            if kid.startswith("#") and isinstance(issuer, str):
                kid = issuer + kid
            method = resolver.resolve_verification_method(kid, purpose="assertionMethod")
            self.verification_method = method.id
            self.controller = method.controller
            self.ed25519 = decode_public_key(method.public_key_multibase)
        elif jwk is not None:
            self.ed25519 = decode_public_key(ed25519_multibase_from_jwk(jwk))
        else:
            raise _JwtFailedError(
                INVALID_VERIFICATION_METHOD, "the JWT header names no key ('kid' or 'jwk')"
            )

    def verify(self, signing_input: bytes, signature: bytes) -> bool:
        if self.ed25519 is not None:
            return verify_ed25519(self.ed25519, signing_input, signature)
        if self.rsa is not None:
            try:
                self.rsa.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
            except InvalidSignature:
                return False
            return True
        return False


def _check_header(header: Mapping[str, Any]) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise _JwtFailedError(PROOF_VERIFICATION_ERROR, "unsigned JWTs (alg 'none') are refused")
    if alg not in _EDDSA and alg != "RS256":
        raise _JwtFailedError(PROOF_VERIFICATION_ERROR, f"JWT algorithm {alg!r} is not supported")
    if "crit" in header or header.get("b64") is False:
        raise _JwtFailedError(
            PROOF_VERIFICATION_ERROR, "JWTs with critical header parameters are not supported"
        )
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.lower() not in _ACCEPTED_TYP):
        raise _JwtFailedError(PARSING_ERROR, f"JWT typ {typ!r} is not a credential JWT")
    return alg


def _check_claims(
    payload: Mapping[str, Any], credential: Mapping[str, Any], *, ob3: bool, now: datetime | None
) -> None:
    """OB 3.0 §8.2.6 / VC-JOSE-COSE §3.1.2: registered claims must agree with the credential."""
    issuer = _id_of(credential.get("issuer"))
    checks = (
        ("iss", issuer, "issuer"),
        ("jti", credential.get("id"), "the credential id"),
    )
    for claim, expected, label in checks:
        if claim in payload and payload[claim] != expected:
            raise _JwtFailedError(
                PROOF_VERIFICATION_ERROR,
                f"the JWT {claim} {payload[claim]!r} does not match {label} {expected!r}",
            )
    if "sub" in payload and payload["sub"] not in _subject_ids(credential):
        raise _JwtFailedError(
            PROOF_VERIFICATION_ERROR,
            f"the JWT sub {payload['sub']!r} does not match credentialSubject.id",
        )
    for claim in ("nbf", "exp", "iat"):
        value = payload.get(claim)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise _JwtFailedError(PARSING_ERROR, f"the JWT {claim} claim is not a NumericDate")
    if ob3:
        pairs = (("nbf", ("validFrom", "issuanceDate")), ("exp", ("validUntil", "expirationDate")))
        for claim, fields in pairs:
            stated = next((credential[f] for f in fields if f in credential), None)
            if claim in payload and stated is not None:
                moment = parse_datetime(stated)
                if moment is None or abs(moment.timestamp() - payload[claim]) >= 1:
                    raise _JwtFailedError(
                        PROOF_VERIFICATION_ERROR,
                        f"the JWT {claim} {payload[claim]!r} does not match {fields[0]} {stated!r}",
                    )
    if now is not None:
        instant = (now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp()
        if "nbf" in payload and instant < payload["nbf"]:
            raise _JwtFailedError(PROOF_VERIFICATION_ERROR, "the JWT is not valid yet (nbf)")
        if "exp" in payload and instant >= payload["exp"]:
            raise _JwtFailedError(PROOF_VERIFICATION_ERROR, "the JWT has expired (exp)")


def verify_vc_jwt(token: str, *, resolver: Resolver, now: datetime | None = None) -> JwtCheck:
    """Verify a compact VC-JWT (RFC 7515 §5.2) and its claims; never raises on bad input.

    ``now`` enables the ``nbf``/``exp`` time checks; without it they are skipped (the caller's
    validity-period check covers ``validFrom``/``validUntil``).
    """
    credential: dict[str, Any] | None = None
    key: _Key | None = None
    try:
        if not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS:
            raise _JwtFailedError(PARSING_ERROR, "a VC-JWT must be a compact JWS string")
        parts = token.strip().split(".")
        if len(parts) == 5:
            raise _JwtFailedError(PARSING_ERROR, "encrypted JWTs (JWE) are not supported")
        if len(parts) != 3:
            raise _JwtFailedError(PARSING_ERROR, "not a compact JWS (expected three parts)")
        header = _decode_part(parts[0], "header")
        payload = _decode_part(parts[1], "payload")
        credential = _credential_of(payload)
        alg = _check_header(header)
        try:
            signature = b64url_decode(parts[2])
        except KeyFormatError as exc:
            raise _JwtFailedError(PARSING_ERROR, "the JWT signature is not base64url") from exc
        key = _Key(alg, header, payload)
        key.load(resolver)
        if not key.verify(f"{parts[0]}.{parts[1]}".encode("ascii"), signature):
            raise _JwtFailedError(
                PROOF_VERIFICATION_ERROR, "the JWT signature does not match its payload and key"
            )
        typ = header.get("typ")
        ob3 = "vc" in payload or typ is None or (isinstance(typ, str) and typ.lower() == "jwt")
        _check_claims(payload, credential, ob3=ob3, now=now)
    except _JwtFailedError as failed:
        return _result(False, credential, failed.reason, failed.problem_type, key)
    except MicrocredError as exc:
        return _result(False, credential, str(exc), exc.problem_type, key)
    except UnicodeEncodeError:
        return _result(False, credential, "the JWT is not ASCII", PARSING_ERROR, key)
    return _result(True, credential, None, None, key)


def _result(
    verified: bool,
    credential: dict[str, Any] | None,
    reason: str | None,
    problem_type: str | None,
    key: _Key | None,
) -> JwtCheck:
    return JwtCheck(
        verified=verified,
        credential=credential,
        reason=reason,
        problem_type=problem_type,
        controller=key.controller if key else None,
        verification_method=key.verification_method if key else None,
    )
