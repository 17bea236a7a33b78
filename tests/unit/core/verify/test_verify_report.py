"""The verdict rule of a verification report."""

from __future__ import annotations

from microcred.core.verify.report import CheckResult, Outcome, VerificationReport


def _check(name: str, outcome: Outcome, *, required: bool = True) -> CheckResult:
    return CheckResult(
        name,
        outcome,
        f"{name} {outcome}",
        "urn:x" if outcome == "failed" else None,
        required=required,
    )


def test_verified_when_required_checks_pass_or_skip() -> None:
    report = VerificationReport(
        (_check("proof", Outcome.PASSED), _check("status", Outcome.SKIPPED))
    )
    assert report.verified
    assert report.failures == ()


def test_one_required_failure_decides() -> None:
    report = VerificationReport(
        (_check("proof", Outcome.PASSED), _check("validity period", Outcome.FAILED))
    )
    assert not report.verified
    assert [c.name for c in report.failures] == ["validity period"]
    assert report.problem_details() == [
        {"type": "urn:x", "title": "validity period", "detail": "validity period failed"}
    ]


def test_informative_failure_does_not_decide() -> None:
    report = VerificationReport(
        (_check("proof", Outcome.PASSED), _check("EU", Outcome.FAILED, required=False))
    )
    assert report.verified
    assert report.to_dict()["checks"][1] == {
        "check": "EU",
        "outcome": "failed",
        "reason": "EU failed",
        "required": False,
        "problemType": "urn:x",
    }


def test_nothing_passed_is_not_verified() -> None:
    assert not VerificationReport((_check("proof", Outcome.SKIPPED),)).verified
    assert not VerificationReport(()).verified
