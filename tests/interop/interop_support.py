"""microcred's side of the interop tests: the example micro-credentials, issued reproducibly.

Everything is fixed (key, salt, ids, dates), so microcred and the JavaScript peer sign the very
same unsigned credential; only public microcred APIs are used.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from microcred.core.did import web
from microcred.core.did.resolver import Resolver
from microcred.core.formats.ob3 import build_credential
from microcred.core.issuing import issuer_profile_for
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.model import (
    Award,
    LanguageMap,
    Learner,
    MicroCredential,
    Workload,
    load_description,
    load_learner,
)
from microcred.core.proofs.data_integrity import add_proof
from microcred.core.securing import secure_credential
from microcred.core.status.bitstring import Bitstring, status_list_credential
from microcred.core.verify.pipeline import Verifier

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
JS_VECTORS = ROOT / "tests" / "vectors" / "js-peer-issued"

# a fixed key of our own (the JS vectors use RFC 8032 TEST 1's)
KEY = Ed25519KeyPair.generate(bytes(range(0x40, 0x60)))
# the same key as the peer reads it (issue.mjs --key): our Multikey encoding of the secret
KEY_FILE = {
    "publicKeyMultibase": KEY.public_key_multibase,
    "secretKeyMultibase": KEY.secret_key_multibase,
}
ISSUED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
CREATED = "2025-03-01T09:00:00Z"
CHECK_AT = datetime(2025, 6, 1, tzinfo=UTC)  # inside every credential's validity period
CHECK_AT_ISO = "2025-06-01T00:00:00Z"
SALT = "5f3a9c0e7b21d4e8"
CREDENTIAL_ID = "urn:uuid:6f1c2a7e-3b4d-4e5f-9a0b-1c2d3e4f5a6b"
DID_WEB = "did:web:credentials.microcred.example"
STATUS_LISTS = {
    "revocation": "https://credentials.microcred.example/status/revocation/1",
    "suspension": "https://credentials.microcred.example/status/suspension/1",
}
SET_INDEX, UNSET_INDEX = 4242, 4243

# (description, learner) per example micro-credential
EXAMPLE_FILES = {
    "en": ("data-protection-by-design.yaml", "learner.json"),
    "fr": ("fondamentaux-cybersecurite.yaml", "learner-fr.json"),
}

# Strings that stress JSON and canonical N-Quads escaping (RDF 1.1 N-Triples §8: only " \ LF CR
# are escaped with ECHAR; every other character, control characters included, goes raw).
EDGE_CASES: dict[str, str] = {
    "c0-controls": "C0 " + "".join(chr(c) for c in range(0x20)) + " end",
    "tab-newline-cr": "line one\tcol\nline two\r\nline three\rend",
    "del-and-c1": "del\x7f c1\x80\x85\x9f end",
    "quotes": "she said \"hi\" and 'bye' `tick` \u201ccurly\u201d",
    "backslashes": 'C:\\path\\n\\t \\" \\\\ \\u0041 ends with \\',
    "nquads-syntax": '"@en . <urn:x> _:b0 "^^<http://www.w3.org/2001/XMLSchema#string> .',
    "emoji": "\U0001f393 \U0001f469\U0001f3fd\u200d\U0001f393 \U0001f1ea\U0001f1fa \U0001f600",
    "rtl": "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u202eoverride\u202c \u200f",
    "unicode-forms": "caf\u00e9 cafe\u0301 \ufb01 \u212b \u2028 \u2029 \ufeff \ufffd",
    "noncharacters": "\ufffe \uffff \U0010ffff \U0001fffe",
    "long-ascii": "long " + "abcdefghij" * 10_000,
    "long-multibyte": "\u00e9\u4e2d\U0001f600" * 5_000,
    "html-and-json": '<b>&amp;</b> {"a": [1, null]} ${x} %s %n',
}


@cache
def example(lang: str) -> tuple[MicroCredential, Learner]:
    """The example micro-credential and learner for ``lang`` ("en" or "fr")."""
    description, learner = EXAMPLE_FILES[lang]
    mc = load_description((EXAMPLES / description).read_text(encoding="utf-8"))
    person = load_learner(json.loads((EXAMPLES / learner).read_text(encoding="utf-8")))
    return mc, person


def edge_case_award(text: str) -> tuple[MicroCredential, Learner]:
    """The EN example with ``text`` in the learner's names, the title, and an outcome (two
    languages, so both plain and language-tagged literals carry it)."""
    mc, learner = example("en")
    outcomes = mc.learning_outcomes
    first = dataclasses.replace(outcomes[0], text=LanguageMap({"en": text, "ga": f"[{text}]"}))
    mc = dataclasses.replace(
        mc,
        title=LanguageMap({"en": f"Title {text}", "ga": mc.title["ga"]}),
        learning_outcomes=(first, *outcomes[1:]),
    )
    learner = dataclasses.replace(
        learner, name=f"N {text}", given_name=f"G{text}", family_name=f"{text}F"
    )
    return mc, learner


MINIMAL_DESCRIPTION = """\
id: minimal
title: {en: Minimal}
issuer_country: DE
awarding_bodies:
  - legal_name: {en: Minimal Academy}
    country: DE
    url: https://minimal.example
learning_outcomes:
  - text: {en: Do one thing.}
workload: {ects: 1}
level: {eqf: 4}
assessment: [exam]
participation: online
quality_assurance:
  - type: institutional-qa
"""


def minimal_award() -> tuple[MicroCredential, Learner]:
    """Only the mandatory Annex I elements, and a learner known by a DID alone: every optional
    field is absent."""
    return load_description(MINIMAL_DESCRIPTION), Learner(did=KEY.did)


def variants() -> dict[str, tuple[MicroCredential, Learner, datetime]]:
    """Awards beyond the two examples, each where canonicalisation could diverge: the edge-case
    strings (``text-*``), no optional field at all (``minimal``), decimal ECTS credits (JSON
    numbers become xsd:double literals), language tags with script, region and variant
    subtags, and sub-second or non-UTC timestamps."""
    en, learner = example("en")
    out = {f"text-{name}": (*edge_case_award(text), ISSUED) for name, text in EDGE_CASES.items()}
    out["minimal"] = (*minimal_award(), ISSUED)
    for ects in ("2.5", "0.000001", "1.3333333333", "123456789.5"):
        workload = Workload(ects=Decimal(ects), hours=Decimal("12.5"))
        out[f"ects-{ects}"] = (dataclasses.replace(en, workload=workload), learner, ISSUED)
    texts = LanguageMap(
        {
            "fr-BE": "r\u00e9sultat",
            "zh-Hant-TW": "\u5b78\u7fd2\u6210\u679c",
            "sr-Latn": "ishod u\u010denja",
            "de-CH-1996": "Lernergebnis",
            "EN-gb": "learning outcome",
        }
    )
    first = dataclasses.replace(en.learning_outcomes[0], text=texts)
    tagged = dataclasses.replace(en, learning_outcomes=(first, *en.learning_outcomes[1:]))
    out["language-tags"] = (tagged, learner, ISSUED)
    out["microseconds"] = (en, learner, ISSUED.replace(microsecond=123456))
    india = timezone(timedelta(hours=5, minutes=30))
    out["utc-offset"] = (en, learner, ISSUED.astimezone(india))
    return out


def unsigned(
    mc: MicroCredential,
    learner: Learner,
    *,
    issuer_id: str = KEY.did,
    status: Mapping[str, Any] | None = None,
    issued: datetime = ISSUED,
) -> dict[str, Any]:
    """microcred's unsigned OB 3.0 credential (build_credential) with the fixed ids and salt."""
    award = Award(learner=learner, micro_credential=mc, issued=issued)
    return build_credential(
        award,
        issuer=issuer_profile_for(mc, issuer_id=issuer_id),
        credential_id=CREDENTIAL_ID,
        salt=SALT if learner.email else None,
        status=status,
    )


def sign(
    credential: Mapping[str, Any], *, suite: str = "eddsa-rdfc-2022", vm: str | None = None
) -> Any:
    """``credential`` secured by microcred with :data:`KEY` (a dict, or a compact JWS)."""
    return secure_credential(
        credential, signer=KEY.signer(vm), suite=suite, created=CREATED, loader=default_loader()
    )


def did_web_document() -> dict[str, Any]:
    """The DID document of :data:`DID_WEB`: one Multikey method ``#key-0`` for :data:`KEY`."""
    return web.did_web_document(DID_WEB, [KEY.public_key_multibase])


def status_entry(purpose: str, index: int) -> dict[str, Any]:
    """A BitstringStatusListEntry (BSL 1.0 §2.1) pointing at our ``purpose`` list."""
    url = STATUS_LISTS[purpose]
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def signed_status_list(purpose: str, *, issuer: str = KEY.did) -> dict[str, Any]:
    """Our BitstringStatusListCredential for ``purpose``, bit :data:`SET_INDEX` set, signed
    by microcred (eddsa-rdfc-2022) with :data:`KEY`."""
    bits = Bitstring()
    bits.set(SET_INDEX, True)
    credential = status_list_credential(
        list_id=STATUS_LISTS[purpose],
        issuer=issuer,
        purpose=purpose,
        bitstring=bits,
        valid_from="2025-01-01T00:00:00Z",
    )
    return add_proof(credential, signer=KEY.signer(), created=CREATED, loader=default_loader())


def verifier(
    *,
    documents: Mapping[str, Mapping[str, Any]] | None = None,
    lists: Mapping[str, Mapping[str, Any]] | None = None,
    at: datetime = CHECK_AT,
) -> Verifier:
    """microcred's verifier, offline: DID documents and status lists given here, fixed clock."""
    found = dict(lists or {})
    return Verifier(
        resolver=Resolver().with_documents(documents or {}),
        status_lists=found.get,
        clock=lambda: at,
    )


def one_char_changes(credential: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Copies of a signed credential, each with exactly one character changed (by place)."""

    def changed(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        copy: dict[str, Any] = json.loads(json.dumps(credential))
        edit(copy)
        return copy

    def achievement(doc: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = doc["credentialSubject"]["achievement"]
        return found

    def name(doc: dict[str, Any]) -> None:
        doc["name"] = _flip(doc["name"], -1)

    def accent(doc: dict[str, Any]) -> None:
        names = achievement(doc)["nameMap"]
        lang, text = next((k, v) for k, v in names.items() if not v.isascii())
        at = next(i for i, c in enumerate(text) if not c.isascii())
        base = unicodedata.normalize("NFD", text[at])[0]  # é -> e
        names[lang] = text[:at] + base + text[at + 1 :]

    def valid_from(doc: dict[str, Any]) -> None:
        doc["validFrom"] = doc["validFrom"].replace("T09:00", "T09:01")

    def learner(doc: dict[str, Any]) -> None:
        identity = doc["credentialSubject"]["identifier"][0]
        identity["identityHash"] = _flip(identity["identityHash"], 0)

    def outcome(doc: dict[str, Any]) -> None:
        texts = achievement(doc)["learningOutcome"][0]["nameMap"]
        lang, text = next(iter(texts.items()))
        texts[lang] = _flip(text, len(text) // 2)

    def issuer(doc: dict[str, Any]) -> None:
        doc["issuer"]["id"] = _flip(doc["issuer"]["id"], -1)

    def proof_value(doc: dict[str, Any]) -> None:
        proof = doc["proof"][0] if isinstance(doc["proof"], list) else doc["proof"]
        value = proof["proofValue"]
        proof["proofValue"] = value[:-2] + ("2" if value[-2] != "2" else "3") + value[-1]

    edits: dict[str, Callable[[dict[str, Any]], None]] = {
        "name": name,
        "accent": accent,
        "validFrom": valid_from,
        "learner": learner,
        "outcome": outcome,
        "issuer": issuer,
        "proofValue": proof_value,
    }
    return {place: changed(edit) for place, edit in edits.items()}


def _flip(text: str, at: int) -> str:
    """``text`` with the character at ``at`` replaced by another (ASCII) one."""
    index = at % len(text)
    new = "x" if text[index] != "x" else "y"
    return text[:index] + new + text[index + 1 :]
