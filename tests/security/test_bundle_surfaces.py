"""Offline verification bundles from a hostile maker (core/verify/bundle.py): everything in a
bundle - the credential, its status lists, its contexts - is chosen by whoever made it, and
the maker can sign with a key of their own. A substituted pinned context, a status list that
is a gzip bomb or merely huge, and contexts that import each other in a loop each end in a
failed report naming the problem, quickly and in bounded memory, through the one entry point
the verify page, the wallet import and the API share (:func:`verify_presented`)."""

from __future__ import annotations

import base64
import copy
import gzip
import json
import os
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.proofs.data_integrity import add_proof
from microcred.core.verify.bundle import MAX_BUNDLE_BYTES, StatusSnapshot, make_bundle
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import VerificationReport
from microcred.service.presented import verify_presented

PEER = Path(__file__).parents[1] / "vectors" / "js-peer-issued"
LIST_URL = "https://status.example/lists/1"
MADE = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
NOW = datetime(2027, 1, 1, tzinfo=UTC)
KEY = Ed25519KeyPair.generate(bytes(range(32)))
CREATED = "2026-11-22T14:43:05Z"


def peer(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((PEER / name).read_text(encoding="utf-8"))
    document.pop("proof", None)
    return document


def signed(document: dict[str, Any]) -> dict[str, Any]:
    return add_proof(document, signer=KEY.signer(), created=CREATED, loader=default_loader())


def encoded(raw_or_packed: bytes, *, packed: bool = False) -> str:
    data = raw_or_packed if packed else gzip.compress(raw_or_packed, mtime=0)
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def bundle_with_list(encoded_list: str) -> bytes:
    """The maker's credential (index 7) and the maker's own signed status list."""
    credential = peer("ob3-signed-status7.json")
    credential["issuer"] = {**credential["issuer"], "id": KEY.did}
    status_list = peer("statuslist-1.json")
    status_list["issuer"] = KEY.did
    status_list["credentialSubject"]["encodedList"] = encoded_list
    snapshot = StatusSnapshot(LIST_URL, signed(status_list), MADE)
    bundle = make_bundle(
        json.dumps(signed(credential)), resolver=Resolver(), status_lists=[snapshot], created=MADE
    )
    return json.dumps(bundle).encode()


def verified(data: bytes) -> tuple[VerificationReport, float, int]:
    """The report on ``data``, the seconds it took (untraced) and its peak memory (traced)."""
    verifier = Verifier(clock=lambda: NOW)
    started = time.perf_counter()
    _, report = verify_presented(data, verifier=verifier, fetcher=None)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        verify_presented(data, verifier=verifier, fetcher=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(report, VerificationReport)
    return report, elapsed, peak


def test_the_makers_own_bundle_verifies() -> None:
    """The control: a maker's key, credential and list are accepted when they are sound."""
    report, _, _ = verified(bundle_with_list(encoded(bytes(16 * 1024))))
    assert report.verified, report.to_dict()


def test_a_gzip_bomb_status_list_fails_closed_quickly() -> None:
    bomb = gzip.compress(bytes(1024 * 1024 * 1024), compresslevel=9, mtime=0)  # 1 GiB in ~1 MB
    data = bundle_with_list(encoded(bomb, packed=True))
    assert len(data) < MAX_BUNDLE_BYTES
    report, elapsed, peak = verified(data)
    assert not report.verified
    status = report.check("revocation status")
    assert status is not None and not status.passed
    assert "inflates to more than" in status.reason
    assert elapsed < 5.0, f"{elapsed:.1f} s"
    assert peak < 96 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_a_huge_incompressible_status_list_is_read_in_bounded_time() -> None:
    """4 MB of random bits (32 million entries, 5.5 MB of base64) inside the 8 MB bundle cap."""
    data = bundle_with_list(encoded(os.urandom(4 * 1024 * 1024)))
    assert len(data) < MAX_BUNDLE_BYTES
    report, elapsed, peak = verified(data)
    assert report.check("revocation status") is not None
    assert elapsed < 10.0, f"{elapsed:.1f} s"
    assert peak < 160 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_a_substituted_pinned_context_is_refused_through_the_verify_entry_point() -> None:
    bundle = json.loads(bundle_with_list(encoded(bytes(16 * 1024))))
    evil = copy.deepcopy(bundle)
    entry = next(c for c in evil["contexts"] if "purl.imsglobal.org" in c["url"])
    entry["document"]["@context"]["name"] = "https://evil.example/name"
    report, _, _ = verified(json.dumps(evil).encode())
    assert not report.verified
    (failure,) = report.failures
    assert str(failure.problem_type).endswith("CONTEXT_SUBSTITUTION")


@pytest.mark.parametrize(
    "contexts",
    [
        {"https://a.example/ctx": {"@context": ["https://b.example/ctx"]},
         "https://b.example/ctx": {"@context": ["https://a.example/ctx"]}},
        {"https://a.example/ctx": {"@context": {"@import": "https://a.example/ctx"}}},
        {"https://a.example/ctx": {"@context": {"@version": 1.1, "x": {"@id": "https://x/",
         "@context": "https://a.example/ctx"}}}},
    ],
    ids=["two contexts in a loop", "a context importing itself", "a scoped context loop"],
)  # fmt: skip
def test_contexts_that_loop_end_in_a_failed_report(contexts: dict[str, Any]) -> None:
    bundle = json.loads(bundle_with_list(encoded(bytes(16 * 1024))))
    credential = json.loads(bundle["credential"])
    credential.pop("proof")
    credential["@context"].append("https://a.example/ctx")
    credential["credentialSubject"]["x"] = {"y": 1}
    bundle["credential"] = json.dumps(signed_with(credential, contexts))
    bundle["contexts"] += [{"url": url, "document": doc} for url, doc in contexts.items()]
    report, elapsed, _ = verified(json.dumps(bundle).encode())
    assert not report.verified
    assert report.failures and all(c.reason for c in report.failures)
    assert elapsed < 5.0


def signed_with(credential: dict[str, Any], contexts: dict[str, Any]) -> dict[str, Any]:
    """Signed when the maker's own loader can (a looping context cannot be signed: then the
    credential goes unsigned, which the verifier must still refuse cleanly)."""
    try:
        return add_proof(
            credential,
            signer=KEY.signer(),
            created=CREATED,
            loader=default_loader().with_documents(contexts),
        )
    except Exception:
        return credential
