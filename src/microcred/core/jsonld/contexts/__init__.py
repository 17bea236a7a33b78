"""Bundled JSON-LD context files and the table of URLs they answer (VC-DI 1.0 §2.4, offline).

The files in this directory are byte-exact copies of published contexts. ``manifest.json`` maps
each URL to ``{"file": name, "sha256": hex}``; it is generated from :data:`SOURCES` by running
``python -m microcred.core.jsonld.contexts`` (files that are missing are skipped with a warning).
"""

from __future__ import annotations

from typing import Final

#: Context URL -> file name in this directory. Several URLs may share a file (aliases).
SOURCES: Final[dict[str, str]] = {
    # W3C Verifiable Credentials
    "https://www.w3.org/ns/credentials/v2": "www.w3.org_ns_credentials_v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "www.w3.org_2018_credentials_v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "www.w3.org_ns_credentials_examples_v2.jsonld",
    "https://www.w3.org/2018/credentials/examples/v1": (
        "www.w3.org_2018_credentials_examples_v1.jsonld"
    ),
    "https://www.w3.org/ns/credentials/status/v1": "www.w3.org_ns_credentials_status_v1.jsonld",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": (
        "www.w3.org_ns_credentials_undefined-terms_v2.jsonld"
    ),
    # Data Integrity, keys, DIDs
    "https://w3id.org/security/data-integrity/v1": "w3id.org_security_data-integrity_v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "w3id.org_security_data-integrity_v2.jsonld",
    "https://w3id.org/security/multikey/v1": "w3id.org_security_multikey_v1.jsonld",
    "https://w3id.org/security/v1": "w3id.org_security_v1.jsonld",
    "https://w3id.org/security/v2": "w3id.org_security_v2.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "w3id.org_security_suites_ed25519-2020_v1.jsonld"
    ),
    "https://www.w3.org/ns/did/v1": "www.w3.org_ns_did_v1.jsonld",
    # Citizenship vocabulary (VC-DI-EdDSA "enhanced" test vector)
    "https://w3id.org/citizenship/v1": "w3id.org_citizenship_v1.jsonld",
    "https://w3id.org/citizenship/v2": "w3id.org_citizenship_v2.jsonld",
    "https://w3id.org/citizenship/v3": "w3id.org_citizenship_v3.jsonld",
    "https://w3id.org/citizenship/v4rc1": "w3id.org_citizenship_v4rc1.jsonld",
    # 1EdTech Open Badges 3.0
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": (
        "purl.imsglobal.org_spec_ob_v3p0_context.json"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": (
        "purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": (
        "purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
        "purl.imsglobal.org_spec_ob_v3p0_extensions.json"
    ),
    "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html": (
        "imsglobal.github.io_openbadges-specification_ob_v3p0.html.jsonld"
    ),
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json": (
        "w3c-ccg.github.io_vc-ed_plugfest-1-2022_jff-vc-edu-plugfest-1-context.json"
    ),
    # Europass / European Learning Model v3 (EDC application profile, branch EDC-3.2-(LTS))
    "http://data.europa.eu/snb/model/context/edc-ap": (
        "data.europa.eu_snb_model_context_edc-ap.jsonld"
    ),
    # microcred's own vocabulary (EU Annex I terms)
    "https://w3id.org/microcred/v1": "microcred-v1.jsonld",
}

MANIFEST_NAME: Final = "manifest.json"
