"""Shared data for the OB 3.0 format tests: the two examples, an issuer, a static loader."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from microcred.core.model import Award, IssuerProfile, LanguageMap, load_description, load_learner

ROOT = Path(__file__).resolve().parents[4]
EXAMPLES = ROOT / "examples"
VECTORS = ROOT / "tests" / "vectors" / "ob3-schema"
_CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": VECTORS
    / "contexts/www.w3.org_ns_credentials_v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": VECTORS
    / "contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": VECTORS
    / "contexts/purl.imsglobal.org_spec_ob_v3p0_extensions.json",
    "https://w3id.org/microcred/v1": ROOT
    / "src/microcred/core/jsonld/contexts/microcred-v1.jsonld",
}
EXAMPLE_PAIRS = (
    ("data-protection-by-design.yaml", "learner.json"),
    ("fondamentaux-cybersecurite.yaml", "learner-fr.json"),
)
ISSUER = IssuerProfile(
    id="did:web:credentials.example.eu",
    name=LanguageMap({"en": "Example Credentials Service", "fr": "Service d'exemple"}),
    country_code="BE",
    url="https://credentials.example.eu",
)
ISSUED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CREDENTIAL_ID = "urn:uuid:3f2b6c1e-7f0a-4b7e-9d51-0a1c2e3f4a5b"


def loader(url: str, options: Any = None) -> dict[str, Any]:
    """PyLD document loader serving only the bundled context files (no network)."""
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(_CONTEXT_FILES[url].read_text(encoding="utf-8")),
    }


def example_award(description_file: str, learner_file: str, /, **changes: Any) -> Award:
    """An award of an example micro-credential to an example learner; ``changes`` override."""
    mc = load_description((EXAMPLES / description_file).read_text(encoding="utf-8"))
    person = load_learner(json.loads((EXAMPLES / learner_file).read_text(encoding="utf-8")))
    fields: dict[str, Any] = {
        "learner": person,
        "micro_credential": mc,
        "issued": ISSUED,
        "grade": "Pass",
        "credential_id": CREDENTIAL_ID,
    }
    fields.update(changes)
    return Award(**fields)
