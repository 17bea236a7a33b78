"""Test helpers for the Europass (ELM v3) work: seal certificates made on the spot and the EC's
SHACL check (pyshacl, a dev-only dependency) run offline on tests/vectors/elm/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

ELM_VECTORS = Path(__file__).resolve().parent / "vectors" / "elm"
SAMPLES = ELM_VECTORS / "samples"
SHAPES = (
    ELM_VECTORS / "shapes" / "EDC-generic-no-cv.ttl",
    ELM_VECTORS / "shapes" / "EDC-generic-full.ttl",
)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SealMaterial:
    """A test CA and a seal certificate it issued, with the seal's key."""

    ca: x509.Certificate
    ca_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    def pkcs12(self, password: bytes = b"secret") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"seal",
            self.key,
            self.certificate,
            [self.ca],
            serialization.BestAvailableEncryption(password),
        )

    def pem(self) -> bytes:
        key = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return (
            self.certificate.public_bytes(serialization.Encoding.PEM)
            + self.ca.public_bytes(serialization.Encoding.PEM)
            + key
        )

    def ca_pem(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.PEM)


def _name(common: str, org_id: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test University"),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ]
    if org_id:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, org_id))
    return x509.Name(attributes)


def make_seal(
    *,
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=365),
    rsa_key: bool = False,
    key_usage: bool = True,
) -> SealMaterial:
    """A CA (valid 2020-2040) and a seal certificate (organizationIdentifier VATIE-1234567T)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Test Seal CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(65537, 2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("Test University seal", "VATIE-1234567T"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if key_usage:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    return SealMaterial(ca, ca_key, builder.sign(ca_key, hashes.SHA256()), key)


@cache
def _shapes() -> Any:
    from rdflib import Graph

    graph = Graph()
    for path in SHAPES:
        graph.parse(path, format="turtle")
    return graph


def shacl_violations(credential: dict[str, Any]) -> tuple[int, str]:
    """(number of violations, report text) of the EC's EDC shapes (EDC-3.2-(LTS)) on
    ``credential``, expanded offline with microcred's bundled contexts."""
    from pyld import jsonld
    from pyshacl import validate
    from rdflib import Graph

    from microcred.core.jsonld import default_loader

    nquads = jsonld.to_rdf(
        credential, {"format": "application/n-quads", "documentLoader": default_loader()}
    )
    data = Graph()
    data.parse(data=nquads, format="nt")  # no named graphs: N-Quads lines are N-Triples
    conforms, _, text = validate(data, shacl_graph=_shapes(), allow_warnings=True)
    count = text.count("Severity: sh:Violation")
    assert conforms == (count == 0), text
    return count, text


def sample(name: str) -> dict[str, Any]:
    """One of the EC's samples (tests/vectors/elm/samples/)."""
    value: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return value


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example_elm(
    credential_id: str = "urn:uuid:0b7c2f5e-4e33-4d0e-9a43-5f1f7b1c2d3e",
) -> dict[str, Any]:
    """The ELM export of the data-protection-by-design example awarded to examples/learner.json."""
    from microcred.core.formats.elm import build_elm
    from microcred.core.model import Award, IssuerProfile, load_description, load_learner

    mc = load_description((EXAMPLES / "data-protection-by-design.yaml").read_text(encoding="utf-8"))
    learner = load_learner(json.loads((EXAMPLES / "learner.json").read_text(encoding="utf-8")))
    issuer = IssuerProfile(id="did:web:uni.example", name="University of Galway", country_code="IE")
    award = Award(learner=learner, micro_credential=mc, issued=NOW, grade="Pass")
    return build_elm(award, issuer=issuer, credential_id=credential_id)
