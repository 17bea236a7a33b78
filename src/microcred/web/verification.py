"""A verification report in plain words (issue 4, "Public verification": each check in plain
words and the overall verdict), for the verification page, shared pages and the wallet.

Turns a :class:`~microcred.core.verify.report.VerificationReport` (VC-DM 2.0 §7.1) into small
frozen view values: the verdict (verified, revoked, suspended, expired, not verified), one
sentence per check named by :mod:`microcred.core.verify.checks`, who issued what to whom, and
which Annex I elements of Council Recommendation 2022/C 243/02 are present or missing. The
sentences are English message ids the templates translate with ``_()``; the checks' own reasons
stay as the core wrote them (technical English) under the sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from microcred.core.formats.completeness import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL
from microcred.core.formats.elm_reader import read_elm
from microcred.core.formats.ob2 import OB2_REVOKED
from microcred.core.verify.report import CheckResult, Outcome, VerificationReport
from microcred.errors import MICROCRED
from microcred.web.labels import N_

Verdict = Literal["verified", "revoked", "suspended", "expired", "not-verified"]

VERDICTS: dict[Verdict, tuple[str, str, str]] = {
    "verified": (
        N_("Verified"),
        N_("The credential is genuine, unchanged and currently valid."),
        "ok",
    ),
    "revoked": (
        N_("Revoked"),
        N_("The issuer has revoked this credential. It is no longer valid."),
        "bad",
    ),
    "suspended": (
        N_("Suspended"),
        N_("The issuer has suspended this credential for now. It is not valid while suspended."),
        "warn",
    ),
    "expired": (
        N_("Expired"),
        N_("The credential was genuine but its validity period has ended."),
        "warn",
    ),
    "not-verified": (
        N_("Not verified"),
        N_("At least one check failed: do not rely on this credential."),
        "bad",
    ),
}

SENTENCES: dict[str, dict[Outcome, str]] = {
    "format": {
        Outcome.PASSED: N_("The document could be read"),
        Outcome.FAILED: N_("The document could not be read as a credential"),
    },
    "structure": {
        Outcome.PASSED: N_("It is a well-formed credential"),
        Outcome.FAILED: N_("It is not a well-formed credential"),
    },
    "contexts": {
        Outcome.PASSED: N_("It uses only known vocabularies"),
        Outcome.FAILED: N_("It uses vocabularies that cannot be checked"),
    },
    "proof": {
        Outcome.PASSED: N_("The signature is intact"),
        Outcome.FAILED: N_("The signature is not intact: the credential was altered or forged"),
        Outcome.SKIPPED: N_("The signature was not checked"),
    },
    "issuer key": {
        Outcome.PASSED: N_("The issuer is who it says"),
        Outcome.FAILED: N_("The issuer is not who it says: the key does not belong to it"),
        Outcome.SKIPPED: N_("The issuer's identity could not be confirmed"),
    },
    "validity period": {
        Outcome.PASSED: N_("It is within its validity period"),
        Outcome.FAILED: N_("It is outside its validity period"),
    },
    "revocation status": {
        Outcome.PASSED: N_("Not revoked"),
        Outcome.FAILED: N_("Revoked, or its revocation status could not be checked"),
    },
    "suspension status": {
        Outcome.PASSED: N_("Not suspended"),
        Outcome.FAILED: N_("Suspended, or its suspension status could not be checked"),
    },
    "status": {
        Outcome.SKIPPED: N_("It carries no revocation status"),
        Outcome.FAILED: N_("Its status could not be checked"),
        Outcome.PASSED: N_("Its status is good"),
    },
    "EU micro-credential elements": {
        Outcome.PASSED: N_("Every element of an EU micro-credential is present"),
        Outcome.FAILED: N_("Some elements of an EU micro-credential are missing"),
    },
    "trusted provider": {
        Outcome.PASSED: N_("The provider is in the trust registry"),
        Outcome.FAILED: N_("The provider is not in the trust registry"),
        Outcome.SKIPPED: N_("No trust registry was consulted"),
    },
    # Europass (ELM) seals, core/verify/elm.py
    "seal signature": {
        Outcome.PASSED: N_("The seal's signature is intact"),
        Outcome.FAILED: N_(
            "The seal is missing or broken: the origin of the document is not proven"
        ),
    },
    "certificate validity at signing time": {
        Outcome.PASSED: N_("The seal certificate was valid when the document was sealed"),
        Outcome.FAILED: N_("The seal certificate was not valid when the document was sealed"),
        Outcome.SKIPPED: N_("The seal certificate's validity at the signing time was not checked"),
    },
    "certificate chain": {
        Outcome.PASSED: N_("The seal certificate comes from a trusted authority"),
        Outcome.FAILED: N_("The seal certificate's chain is not valid"),
        Outcome.SKIPPED: N_("The certificate chain was not checked (no trust anchor configured)"),
    },
    "ELM structure": {
        Outcome.PASSED: N_("It is a complete European Digital Credential"),
        Outcome.FAILED: N_("It is not a complete European Digital Credential"),
    },
}

ELEMENT_LABELS: dict[str, str] = {
    "identification of the learner": N_("Identification of the learner"),
    "title of the micro-credential": N_("Title of the micro-credential"),
    "country(ies)/region(s) of the issuer": N_("Country or region of the issuer"),
    "awarding body(ies)": N_("Awarding body"),
    "date of issuing": N_("Date of issuing"),
    "learning outcomes": N_("Learning outcomes"),
    "notional workload": N_("Notional workload"),
    "level": N_("Level"),
    "type of assessment": N_("Type of assessment"),
    "form of participation": N_("Form of participation"),
    "type of quality assurance": N_("Type of quality assurance"),
    "prerequisites": N_("Prerequisites"),
    "supervision and identity verification": N_("Supervision and identity verification"),
    "grade achieved": N_("Grade achieved"),
    "integration/stackability options": N_("Integration and stackability options"),
    "further information": N_("Further information"),
}
"""Annex I element names (:mod:`microcred.core.formats.completeness`) as page labels."""

MARKS = {Outcome.PASSED: "✓", Outcome.FAILED: "✗", Outcome.SKIPPED: "–"}


@dataclass(frozen=True)
class CheckLine:
    """One check: a sentence to translate, its outcome, the core's technical reason."""

    name: str
    sentence: str
    outcome: str
    mark: str
    reason: str
    required: bool


@dataclass(frozen=True)
class Element:
    label: str
    present: bool
    mandatory: bool
    values: tuple[str, ...] = ()
    """What the credential says, one line per value (Europass reports carry the values)."""


@dataclass(frozen=True)
class Accreditation:
    """One accreditation of the issuer in the trust registry."""

    quality_assurance: str
    accrediting_body: str


@dataclass(frozen=True)
class TrustView:
    """The three facts of the ``trusted provider`` check (issue 5): is the issuer listed, for
    which quality assurance, and was that accreditation valid on the issuing date."""

    consulted: bool
    listed: bool
    valid: bool | None
    issued: datetime | None
    accreditations: tuple[Accreditation, ...]


@dataclass(frozen=True)
class ReportView:
    """Everything the report partial prints."""

    verdict: Verdict
    title: str
    explanation: str
    tone: str
    checks: tuple[CheckLine, ...]
    issuer_name: str | None
    issuer_id: str | None
    achievement: str | None
    subject: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    credential_id: str | None
    securing: str | None
    elements: tuple[Element, ...]
    eu_checked: bool
    technical: str
    subject_name: str | None = None
    """The learner's name, when the page knows it from the credential (the share page)."""
    trust: TrustView | None = None

    @property
    def verified(self) -> bool:
        return self.verdict == "verified"

    @property
    def missing(self) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.mandatory and not e.present)


def _sentence(check: CheckResult) -> str:
    found = SENTENCES.get(check.name, {}).get(check.outcome)
    if found:
        return found
    return check.name[:1].upper() + check.name[1:]


def verdict_of(report: VerificationReport) -> Verdict:
    """The one word for ``report``: revoked and suspended first, then expired, then the
    report's own verdict."""
    failed = [c for c in report.checks if c.required and c.outcome is Outcome.FAILED]
    problems = {c.problem_type for c in failed}
    if problems & {MICROCRED + "REVOCATION", OB2_REVOKED}:
        return "revoked"
    if MICROCRED + "SUSPENSION" in problems:
        return "suspended"
    if report.verified:
        return "verified"
    expired = any(c.name == "validity period" and c.reason.startswith("expired") for c in failed)
    if expired and all(c.name == "validity period" for c in failed):
        return "expired"
    return "not-verified"


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


_ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
_EQF = "http://data.europa.eu/snb/eqf/"
_MAX_LINES = 12


_LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_UNLABELLED = {"text", "name", "url", "fullName"}
_NAME_PARTS = {"givenName", "familyName", "id"}


def _is_language_map(value: Mapping[Any, Any]) -> bool:
    return bool(value) and all(
        isinstance(k, str) and _LANGUAGE_KEY.match(k) and isinstance(v, str) and "://" not in v
        for k, v in value.items()
    )


def _text(value: Any) -> str:
    """One value of an element as a short line: a language map's English (or first) text,
    an EQF level, ECTS credits, else the value itself."""
    if isinstance(value, Mapping):
        if _is_language_map(value):
            return str(value.get("en") or next(iter(value.values())))
        if "points" in value:
            unit = "ECTS" if value.get("framework") == _ECTS else "credits"
            return f"{value['points']} {unit}"
        hidden = _NAME_PARTS if "fullName" in value else set()
        return "; ".join(
            _text(item) if key in _UNLABELLED else f"{key}: {_text(item)}"
            for key, item in value.items()
            if item not in (None, "", [], {}) and key not in hidden
        )
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    text = str(value)
    if text.startswith(_EQF):
        return "EQF " + text[len(_EQF) :]
    return text


def _lines(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(line for line in (_text(v) for v in items[:_MAX_LINES]) if line)


def element_views(present: Collection[str], values: Any) -> tuple[Element, ...]:
    """Every Annex I element (mandatory first): present or not, with its values as lines."""
    return tuple(
        Element(
            ELEMENT_LABELS.get(name, name),
            name in present,
            name in ANNEX_I_MANDATORY,
            _lines(values[name]) if isinstance(values, Mapping) and name in values else (),
        )
        for name in (*ANNEX_I_MANDATORY, *ANNEX_I_OPTIONAL)
    )


def elm_elements(credential: str) -> tuple[Element, ...]:
    """The Annex I elements of a Europass (ELM) credential's text (bare, sealed or wrapped)."""
    try:
        document = json.loads(credential)
    except ValueError:
        return ()
    completeness = read_elm(document).completeness
    return element_views(set(completeness.present), completeness.values)


def _elements(report: VerificationReport) -> tuple[tuple[Element, ...], bool]:
    check = report.check("EU micro-credential elements")
    if check is None or "present" not in check.details:
        return (), False
    present = set(check.details.get("present", ()))
    return element_views(present, check.details.get("values") or {}), True


def _trust(report: VerificationReport) -> TrustView | None:
    check = report.check("trusted provider")
    if check is None:
        return None
    details = check.details
    if check.outcome is Outcome.SKIPPED or "listed" not in details:
        return TrustView(False, False, None, None, ())
    valid = details.get("validOnIssuingDate")
    return TrustView(
        consulted=True,
        listed=bool(details.get("listed")),
        valid=valid if isinstance(valid, bool) else None,
        issued=_when(details.get("at")),
        accreditations=tuple(
            Accreditation(
                str(a.get("qa_label") or a.get("qa_type") or ""),
                str(a.get("accrediting_body") or ""),
            )
            for a in details.get("accreditations") or ()
            if isinstance(a, Mapping)
        ),
    )


def report_view(report: VerificationReport) -> ReportView:
    """``report`` ready to print."""
    verdict = verdict_of(report)
    title, explanation, tone = VERDICTS[verdict]
    summary = report.summary
    elements, eu_checked = _elements(report)
    return ReportView(
        verdict=verdict,
        title=title,
        explanation=explanation,
        tone=tone,
        checks=tuple(
            CheckLine(
                name=c.name,
                sentence=_sentence(c),
                outcome=c.outcome.value,
                mark=MARKS[c.outcome],
                reason=c.reason,
                required=c.required,
            )
            for c in report.checks
        ),
        issuer_name=summary.issuer_name,
        issuer_id=summary.issuer_id,
        achievement=summary.achievement_name,
        subject=summary.subject,
        valid_from=_when(summary.valid_from),
        valid_until=_when(summary.valid_until),
        credential_id=summary.id,
        securing=summary.securing,
        elements=elements,
        eu_checked=eu_checked,
        technical=json.dumps(report.to_dict(), indent=2, ensure_ascii=False),
        trust=_trust(report),
    )
