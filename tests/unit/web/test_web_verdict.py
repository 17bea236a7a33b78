"""The verification page's one word (``web/verification.verdict_of``): an Open Badges 2.0
assertion that its issuer revoked reads "revoked", as a revoked Open Badge 3.0 does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from microcred.core.formats.ob2 import documents_fetcher, verify_ob2
from microcred.core.verify.report import CheckResult, Outcome, VerificationReport
from microcred.errors import MICROCRED
from microcred.web.verification import verdict_of

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "ob2"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
ASSERTION_URL = "https://issuer.example/assertions/1"
ISSUER_URL = "https://issuer.example/issuer"


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    return document


def ob2_report(**change: Any) -> VerificationReport:
    assertion = {**load("assertion"), **change}
    badge = load("badgeclass")
    documents = {ASSERTION_URL: assertion, badge["id"]: badge, ISSUER_URL: load("issuer")}
    return verify_ob2(assertion, fetcher=documents_fetcher(documents), now=NOW)


def test_a_genuine_ob2_assertion_is_verified() -> None:
    assert verdict_of(ob2_report()) == "verified"


def test_a_revoked_ob2_assertion_is_revoked_not_merely_not_verified() -> None:
    report = ob2_report(revoked=True, revocationReason="cheating")
    assert not report.verified
    assert verdict_of(report) == "revoked"


def test_other_ob2_failures_stay_not_verified() -> None:
    assert verdict_of(ob2_report(type="BadgeClass")) == "not-verified"


def test_ob3_revocation_and_suspension_keep_their_words() -> None:
    def failed(problem: str) -> VerificationReport:
        return VerificationReport(
            (CheckResult("status", Outcome.FAILED, "x", MICROCRED + problem),)
        )

    assert verdict_of(failed("REVOCATION")) == "revoked"
    assert verdict_of(failed("SUSPENSION")) == "suspended"
