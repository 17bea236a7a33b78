"""JAdES electronic seals as EDC makes them (ETSI TS 119 182-1 baseline B; STANDARDS.md §2.5).

A seal is a JWS in the JSON general serialisation (RFC 7515 §7.2.1) with an unencoded payload
(RFC 7797, ``b64: false``): ``{"payload": "<credential JSON>", "signatures": [{"protected",
"signature"}]}``. The protected header carries ``alg`` (ES256/ES384 for P-256/P-384 keys,
RS256 for RSA; PS256 accepted when verifying), ``typ: "jose+json"``, ``cty``, ``kid`` (base64
DER IssuerSerial, RFC 5035), ``x5t#S256``, ``x5c`` (the certificate chain, leaf first),
``sigT`` (claimed signing time, 119 182-1 §5.2.1) and ``crit: ["b64", "sigT"]``. EDC's own
seals add timestamps and validation data (``adoTst``, ``etsiU``): they are read, not checked.

Verifying checks the signature against the leaf certificate's key and the certificate's
validity at ``sigT``. Trust in the chain is ``trusted`` only when the chain ends in one of the
trust anchors the operator configured, otherwise ``not checked`` (no EU trusted list is read).
Verifying never raises on bad input: the answer is a :class:`SealVerification`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import pkcs12

from microcred.core.keys.jwk import b64url_decode, b64url_encode
from microcred.errors import KeyFormatError, MicrocredError

__all__ = [
    "ChainTrust",
    "SealKey",
    "SealVerification",
    "issuer_serial",
    "load_seal_pem",
    "load_seal_pkcs12",
    "load_stored_seal",
    "load_trust_anchors",
    "organization_identifier",
    "seal",
    "verify_seal",
]

ChainTrust = Literal["trusted", "not checked", "untrusted"]
SealKeyType = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_MIN_RSA_BITS = 2048
_CURVES = {"secp256r1": ("ES256", hashes.SHA256(), 32), "secp384r1": ("ES384", hashes.SHA384(), 48)}
_CURVE_BY_ALG = {alg: (name, digest, size) for name, (alg, digest, size) in _CURVES.items()}
_UNDERSTOOD_CRIT = {"b64", "sigT", "adoTst", "sigPSt", "sigPl", "srCms", "sigX5ts"}
_MAX_CHAIN = 10
MAX_ENVELOPE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class SealKey:
    """An organisation's seal: its private key and certificate chain (leaf first)."""

    private_key: SealKeyType = field(repr=False)
    chain: tuple[x509.Certificate, ...]

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]

    @property
    def algorithm(self) -> str:
        """The JWS ``alg`` for this key."""
        return _algorithm(self.private_key)

    def private_key_der(self) -> bytes:
        """The private key as unencrypted PKCS#8 DER (encrypt it before storing it)."""
        return self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def chain_pem(self) -> str:
        """The certificate chain as PEM text, leaf first."""
        return "".join(
            c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in self.chain
        )

    def usage_warnings(self) -> list[str]:
        """Why the certificate may not be meant for seals: its key usage allows neither
        digitalSignature nor nonRepudiation (contentCommitment), or says nothing."""
        try:
            usage = self.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            return [
                "the certificate has no key usage extension; a seal certificate should "
                "allow digitalSignature or nonRepudiation"
            ]
        if not (usage.digital_signature or usage.content_commitment):
            return [
                "the certificate's key usage allows neither digitalSignature nor "
                "nonRepudiation, so relying parties may refuse its seals"
            ]
        return []

    def validity_problem(self, moment: datetime) -> str | None:
        """Why the certificate cannot seal at ``moment`` (not yet valid, expired), or None."""
        leaf = self.certificate
        if moment < leaf.not_valid_before_utc:
            return f"the seal certificate is valid only from {_sig_time(leaf.not_valid_before_utc)}"
        if moment > leaf.not_valid_after_utc:
            return f"the seal certificate expired on {_sig_time(leaf.not_valid_after_utc)}"
        return None


def load_stored_seal(private_key_der: bytes, chain_pem: str) -> SealKey:
    """A seal back from its stored parts (:meth:`SealKey.private_key_der`, ``chain_pem``)."""
    key = serialization.load_der_private_key(private_key_der, None)
    return _check_key(key, x509.load_pem_x509_certificates(chain_pem.encode("ascii")))


def _algorithm(key: SealKeyType) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    return _CURVES[key.curve.name][0]


def _key_of(certificate: x509.Certificate) -> CertificatePublicKeyTypes | None:
    """The certificate's public key, or None when it is of an unknown kind or malformed (a
    crafted certificate must not make reading a seal raise)."""
    try:
        return certificate.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return None


def _spki(public_key: CertificatePublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _check_key(key: object, chain: Sequence[x509.Certificate]) -> SealKey:
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyFormatError("the seal key must be an RSA or an EC (P-256, P-384) private key")
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name not in _CURVES:
        raise KeyFormatError(f"the seal key's curve {key.curve.name} is not P-256 or P-384")
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < _MIN_RSA_BITS:
        raise KeyFormatError(f"the seal's RSA key has {key.key_size} bits; at least 2048 needed")
    if not chain:
        raise KeyFormatError("no certificate was given with the seal key")
    public = _spki(key.public_key())
    leaf = next((c for c in chain if (k := _key_of(c)) is not None and _spki(k) == public), None)
    if leaf is None:
        raise KeyFormatError("none of the certificates belongs to the seal's private key")
    rest = tuple(c for c in chain if c is not leaf)
    return SealKey(private_key=key, chain=(leaf, *rest))


def load_seal_pkcs12(data: bytes, password: str | bytes | None) -> SealKey:
    """A seal from a PKCS#12 file; :class:`KeyFormatError` names what is wrong."""
    secret = password.encode() if isinstance(password, str) else password
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, secret or None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError(
            f"not a readable PKCS#12 file, or the password is wrong ({str(exc)[:80]})"
        ) from None
    if key is None:
        raise KeyFormatError("the PKCS#12 file holds no private key")
    return _check_key(key, [c for c in (cert, *extra) if c is not None])


def load_seal_pem(data: bytes, password: str | bytes | None = None) -> SealKey:
    """A seal from PEM text holding the private key and the certificate chain (any order)."""
    secret = password.encode() if isinstance(password, str) else password
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise KeyFormatError("the PEM holds no readable certificate") from None
    start = data.find(b"-----BEGIN")
    key = None
    while start >= 0:
        end = data.find(b"-----END", start)
        end = data.find(b"-----", end + 8) + 5 if end >= 0 else -1
        block = data[start:end] if end > start else b""
        if b"PRIVATE KEY" in block.split(b"\n", 1)[0]:
            try:
                key = serialization.load_pem_private_key(block, secret or None)
            except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
                raise KeyFormatError(
                    f"the PEM private key cannot be read, or the password is wrong ({exc})"
                ) from None
            break
        start = data.find(b"-----BEGIN", max(end, start + 1))
    if key is None:
        raise KeyFormatError("the PEM holds no private key")
    return _check_key(key, certificates)


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def issuer_serial(certificate: x509.Certificate) -> str:
    """base64 DER of ``IssuerSerial`` (RFC 5035): the ``kid`` EDC puts in its seals."""
    serial = certificate.serial_number
    serial_bytes = serial.to_bytes(serial.bit_length() // 8 + 1, "big")
    general_names = _der(0x30, _der(0xA4, certificate.issuer.public_bytes()))
    return base64.b64encode(_der(0x30, general_names + _der(0x02, serial_bytes))).decode()


def _sig_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sign(key: SealKeyType, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    _, digest, size = _CURVES[key.curve.name]
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def seal(payload: bytes, key: SealKey, *, signing_time: datetime) -> dict[str, Any]:
    """The JAdES baseline-B seal of ``payload`` (UTF-8 JSON) as a JWS JSON general serialisation.

    The payload is kept as it is (``b64: false``), so the envelope's ``payload`` string is the
    exact credential text.
    """
    text = payload.decode("utf-8")
    der = key.certificate.public_bytes(serialization.Encoding.DER)
    header = {
        "alg": key.algorithm,
        "typ": "jose+json",
        "cty": "application/ld+json",
        "kid": issuer_serial(key.certificate),
        "x5t#S256": b64url_encode(hashlib.sha256(der).digest()),
        "x5c": [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in key.chain
        ],
        "b64": False,
        "sigT": _sig_time(signing_time),
        "crit": ["b64", "sigT"],
    }
    protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    signature = _sign(key.private_key, protected.encode("ascii") + b"." + payload)
    return {
        "payload": text,
        "signatures": [{"protected": protected, "signature": b64url_encode(signature)}],
    }


@dataclass(frozen=True)
class SealVerification:
    """What verifying a JAdES seal found (each part with a plain reason).

    ``signature_valid``: the signature matches the leaf certificate's key; ``certificate_valid``:
    the certificate was valid at ``signing_time`` (None when that could not be decided);
    ``chain``: ``trusted`` (ends in an operator trust anchor), ``not checked`` (no anchor
    configured, or none matched) or ``untrusted`` (the chain is broken).
    """

    signature_valid: bool
    signature_reason: str
    payload: bytes | None = None
    certificate: x509.Certificate | None = None
    signing_time: datetime | None = None
    certificate_valid: bool | None = None
    certificate_reason: str = "no certificate was read"
    chain: ChainTrust = "not checked"
    chain_reason: str = "no certificate was read"
    unchecked: tuple[str, ...] = ()

    @property
    def subject(self) -> str | None:
        """The sealing certificate's subject (RFC 4514), e.g. ``CN=Seal,O=University,C=IE``."""
        return self.certificate.subject.rfc4514_string() if self.certificate else None

    @property
    def organization_identifier(self) -> str | None:
        """The certificate's ``organizationIdentifier`` (e.g. ``VATES-A00000000``), if any."""
        return organization_identifier(self.certificate) if self.certificate else None


def organization_identifier(certificate: x509.Certificate) -> str | None:
    """The subject's ``organizationIdentifier`` (OID 2.5.4.97), as eIDAS seals carry it."""
    values = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_IDENTIFIER)
    value = values[0].value if values else None
    return value if isinstance(value, str) else None


def _fail(reason: str, **kwargs: Any) -> SealVerification:
    return SealVerification(signature_valid=False, signature_reason=reason, **kwargs)


def _envelope(document: object) -> tuple[str, Mapping[str, Any]] | str:
    """(payload, the one signature) of a JWS JSON serialisation, or the reason it is not one."""
    if not isinstance(document, Mapping):
        return "the seal is not a JSON object"
    payload = document.get("payload")
    signatures = document.get("signatures")
    if signatures is None and "signature" in document:  # flattened serialisation
        signatures = [
            {k: document[k] for k in ("protected", "header", "signature") if k in document}
        ]
    if not isinstance(payload, str) or not isinstance(signatures, list) or not signatures:
        return "not a JWS JSON serialisation (needs a payload string and signatures)"
    if len(signatures) != 1 or not isinstance(signatures[0], Mapping):
        return "the seal must hold exactly one signature"
    return payload, signatures[0]


def _header(signature: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | str:
    protected = signature.get("protected")
    if not isinstance(protected, str):
        return "the signature has no protected header"
    try:
        header = json.loads(b64url_decode(protected))
    except (KeyFormatError, ValueError):
        return "the protected header is not base64url JSON"
    if not isinstance(header, dict):
        return "the protected header is not a JSON object"
    return protected, header


def _verify_signature(public_key: object, alg: object, data: bytes, signature: bytes) -> bool:
    try:
        if alg in ("RS256", "PS256") and isinstance(public_key, rsa.RSAPublicKey):
            if public_key.key_size < _MIN_RSA_BITS:
                return False
            pad: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if alg == "RS256"
                else padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH)
            )
            public_key.verify(signature, data, pad, hashes.SHA256())
            return True
        if isinstance(alg, str) and alg in _CURVE_BY_ALG:
            name, digest, size = _CURVE_BY_ALG[alg]
            if (
                not isinstance(public_key, ec.EllipticCurvePublicKey)
                or public_key.curve.name != name
            ):
                return False
            if len(signature) != 2 * size:
                return False
            der = encode_dss_signature(
                int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            )
            public_key.verify(der, data, ec.ECDSA(digest))
            return True
    except InvalidSignature:
        return False
    return False


def _certificates(header: Mapping[str, Any]) -> list[x509.Certificate] | str:
    chain = header.get("x5c")
    if not isinstance(chain, list) or not chain:
        return "the protected header has no x5c certificate chain"
    if len(chain) > _MAX_CHAIN:
        return f"the x5c certificate chain holds more than {_MAX_CHAIN} certificates"
    certificates = []
    for item in chain:
        try:
            certificates.append(
                x509.load_der_x509_certificate(base64.b64decode(item, validate=True))
            )
        except (TypeError, ValueError, binascii.Error):
            return "a certificate in x5c cannot be read"
    thumbprint = header.get("x5t#S256")
    if thumbprint is not None:
        der = certificates[0].public_bytes(serialization.Encoding.DER)
        if thumbprint != b64url_encode(hashlib.sha256(der).digest()):
            return "x5t#S256 is not the thumbprint of the first x5c certificate"
    return certificates


def _parse_sig_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _valid_at(certificate: x509.Certificate, moment: datetime) -> bool:
    return certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _chain_trust(
    chain: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    moment: datetime | None,
) -> tuple[ChainTrust, str]:
    if not anchors:
        return "not checked", "no trust anchor is configured, so the chain was not checked"
    anchor_der = {a.public_bytes(serialization.Encoding.DER) for a in anchors}
    current = chain[0]
    pool = list(chain[1:])
    for _ in range(_MAX_CHAIN + 1):
        if current.public_bytes(serialization.Encoding.DER) in anchor_der:
            return (
                "trusted",
                f"the chain ends in the trust anchor {current.subject.rfc4514_string()}",
            )
        anchor = next((a for a in anchors if _issued_by(current, a)), None)
        if anchor is not None:
            return (
                "trusted",
                f"the chain ends in the trust anchor {anchor.subject.rfc4514_string()}",
            )
        parent = next((p for p in pool if _issued_by(current, p)), None)
        if parent is None:
            break
        if moment is not None and not _valid_at(parent, moment):
            return "untrusted", (
                f"the chain certificate {parent.subject.rfc4514_string()} was not valid at the "
                "signing time"
            )
        pool.remove(parent)
        current = parent
    return "not checked", "the chain does not end in a configured trust anchor"


def verify_seal(
    document: object, *, trust_anchors: Sequence[x509.Certificate] = ()
) -> SealVerification:
    """Verify a JAdES seal (see the module docstring); never raises on bad input."""
    envelope = _envelope(document)
    if isinstance(envelope, str):
        return _fail(envelope)
    payload_text, signature = envelope
    parsed = _header(signature)
    if isinstance(parsed, str):
        return _fail(parsed)
    protected, header = parsed
    payload = payload_text.encode("utf-8")
    if header.get("b64") is not False:
        return _fail("the seal does not use an unencoded payload (b64: false), as EDC does")
    crit = header.get("crit")
    if not isinstance(crit, list) or "b64" not in crit:
        return _fail("b64 is not listed in crit (RFC 7797 §6)", payload=payload)
    unknown = [c for c in crit if c not in _UNDERSTOOD_CRIT]
    if unknown:
        return _fail(f"crit names header parameters microcred does not know: {unknown}")
    certificates = _certificates(header)
    if isinstance(certificates, str):
        return _fail(certificates, payload=payload)
    leaf = certificates[0]
    try:
        raw_signature = b64url_decode(signature.get("signature"))  # type: ignore[arg-type]
    except KeyFormatError:
        return _fail("the signature is not base64url", payload=payload, certificate=leaf)
    signed = protected.encode("ascii") + b"." + payload
    sig_time = _parse_sig_time(header.get("sigT"))
    unprotected = signature.get("header")
    unprotected = unprotected if isinstance(unprotected, Mapping) else {}
    unchecked = tuple(n for n in ("adoTst", "etsiU") if n in header or n in unprotected)
    common: dict[str, Any] = {"payload": payload, "certificate": leaf, "signing_time": sig_time}
    public_key = _key_of(leaf)
    if public_key is None:
        return _fail(
            "the sealing certificate's public key is of an unknown kind or malformed",
            payload=payload,
            certificate=leaf,
        )
    if not _verify_signature(public_key, header.get("alg"), signed, raw_signature):
        return _fail(
            f"the {header.get('alg')} signature does not match the sealing certificate's key: "
            "the credential or its seal was changed",
            **common,
        )
    if sig_time is None:
        valid, reason = None, "the seal has no signing time (sigT), so validity was not decided"
    elif _valid_at(leaf, sig_time):
        valid, reason = True, f"the certificate was valid at the signing time {_sig_time(sig_time)}"
    else:
        valid, reason = (
            False,
            (
                f"the certificate was not valid at the signing time {_sig_time(sig_time)} "
                f"(valid {_sig_time(leaf.not_valid_before_utc)} to "
                f"{_sig_time(leaf.not_valid_after_utc)})"
            ),
        )
    chain, chain_reason = _chain_trust(certificates, trust_anchors, sig_time)
    return SealVerification(
        signature_valid=True,
        signature_reason=f"the {header['alg']} signature matches the sealing certificate",
        certificate_valid=valid,
        certificate_reason=reason,
        chain=chain,
        chain_reason=chain_reason,
        unchecked=unchecked,
        **common,
    )


def load_trust_anchors(data: bytes) -> tuple[x509.Certificate, ...]:
    """Operator trust anchors from PEM text (one or more certificates)."""
    try:
        return tuple(x509.load_pem_x509_certificates(data))
    except ValueError:
        raise MicrocredError("the trust anchor file holds no readable PEM certificate") from None
