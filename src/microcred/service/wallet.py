"""The learner's wallet (issue 4): every credential the learner holds -- claimed awards and
imports from elsewhere -- each with what it shows (title, issuer, date) and the result of its
last verification, kept current.

- Import: the bytes are read and verified by
  :func:`microcred.service.presented.verify_presented` (JSON credential, VC-JWT, baked PNG/SVG,
  Open Badges 2.0, bundle, PDF certificate); garbage is refused with the reader's error; a
  credential that fails verification is stored all the same, marked as failed.
- Status: ``valid``, ``expired``, ``suspended``, ``revoked``, ``invalid`` (another check
  failed) or ``unknown`` (not checked yet). :func:`refresh_status` re-verifies holdings whose
  last check is older than ``max_age`` (the wallet page calls it).
- Another learner's holding is NotFound.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Final

from microcred.core.did.fetch import Fetcher
from microcred.core.i18n import supported
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import VerificationReport
from microcred.errors import InvalidInputError
from microcred.service.accounts import Account
from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.ids import new_id
from microcred.service.learner_records import (
    HoldingKind,
    HoldingRecord,
    HoldingStatus,
    LearnerRecord,
)
from microcred.service.ports import Clock, RandomBytes, UnitOfWorkFactory
from microcred.service.presented import Report, verify_presented
from microcred.service.records import AwardRecord

MAX_IMPORT_BYTES: Final = 5 * 1024 * 1024
REFRESH_AFTER: Final = timedelta(minutes=10)
_MICROCRED: Final = "https://w3id.org/microcred/problems#"


# ---- what a credential shows ---------------------------------------------------------------


def credential_document(text: str) -> Mapping[str, Any]:
    """The credential's JSON object, or {} (a VC-JWT, an unreadable text)."""
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def achievement_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The OB 3.0 achievement of the (first) credential subject, or {}."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    found = subject.get("achievement") if isinstance(subject, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def titles_of(document: Mapping[str, Any]) -> dict[str, str]:
    """The achievement's name per language (``nameMap``, plus ``name`` in ``inLanguage``)."""
    achievement = achievement_of(document)
    titles: dict[str, str] = {}
    names = achievement.get("nameMap")
    if isinstance(names, Mapping):
        titles.update({str(k): v for k, v in names.items() if isinstance(v, str)})
    name, lang = achievement.get("name"), achievement.get("inLanguage")
    if isinstance(name, str):
        titles.setdefault(str(lang) if isinstance(lang, str) else "und", name)
    return titles


def title_in(titles: Mapping[str, str], language: str, fallback: str = "") -> str:
    """The title in ``language`` when there is one, else ``fallback``, else any."""
    for tag, text in titles.items():
        if supported(tag) == language:
            return text
    return fallback or next(iter(titles.values()), "")


def issuer_name(document: Mapping[str, Any]) -> str:
    """The issuer's name as the credential states it (its id when it has no name)."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        name = issuer.get("name")
        return name if isinstance(name, str) else str(issuer.get("id") or "")
    return issuer if isinstance(issuer, str) else ""


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


# ---- verification results ------------------------------------------------------------------


def status_of(report: Report) -> HoldingStatus:
    """The wallet status a verification report means."""
    if report.verified:
        return "valid"
    reports = report.credentials if hasattr(report, "credentials") else (report,)
    problems = {
        str(c.problem_type or "")
        for r in reports
        if isinstance(r, VerificationReport)
        for c in r.failures
    }
    if _MICROCRED + "REVOCATION" in problems:
        return "revoked"
    if _MICROCRED + "SUSPENSION" in problems:
        return "suspended"
    for r in reports:
        check = r.check("validity period") if isinstance(r, VerificationReport) else None
        if check is not None and not check.passed and "expired" in check.reason:
            return "expired"
    return "invalid"


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON for storage: verdict and each check's outcome and reason."""
    if isinstance(report, VerificationReport):
        return report.to_dict()
    return {
        "verified": report.verified,
        "checks": [c.to_dict() for c in report.checks],
        "credentials": [c.to_dict() for c in report.credentials],
    }


def _checked(holding: HoldingRecord, report: Report, now: datetime) -> HoldingRecord:
    return replace(
        holding,
        verified=report.verified,
        status=status_of(report),
        checked_at=now,
        report=report_dict(report),
    )


def _kind(presented_kind: str, document: Mapping[str, Any] | None) -> HoldingKind:
    if presented_kind == "jwt":
        return "jwt"
    if presented_kind == "ob2":
        return "ob2"
    types = document.get("type") if document else None
    if isinstance(types, list) and "EuropeanDigitalCredential" in types:
        return "elm"
    return "ob3"


# ---- use cases -----------------------------------------------------------------------------


def _learner_only(account: Account) -> None:
    if account.kind != "learner":
        raise PermissionDenied("the wallet belongs to learner accounts")


def holding_from_award(
    award: AwardRecord, *, learner: LearnerRecord, clock: Clock, rng: RandomBytes
) -> HoldingRecord:
    """A new holding of one of this server's awards (claimed), status from the award's state
    until the first verification."""
    document = credential_document(award.credential)
    titles = titles_of(document)
    state_status: dict[str, HoldingStatus] = {
        "active": "valid",
        "revoked": "revoked",
        "suspended": "suspended",
    }
    expired = award.valid_until is not None and award.valid_until <= clock()
    return HoldingRecord(
        id=new_id(rng),
        learner_id=learner.id,
        credential=award.credential,
        kind="jwt" if not document else "ob3",
        source=f"award:{award.id}",
        added_at=clock(),
        title=title_in(titles, learner.language or "en"),
        issuer_name=issuer_name(document),
        issued_on=award.issued_at,
        titles=titles,
        award_id=award.id,
        holder_did=learner.did,
        verified=award.state == "active" and not expired,
        status="expired" if expired else state_status[award.state],
        checked_at=None,
    )


def list_holdings(*, uow: UnitOfWorkFactory, account: Account) -> list[HoldingRecord]:
    """The learner's holdings, newest first."""
    _learner_only(account)
    with uow() as tx:
        return tx.holdings.list_for(account.id)


def get_holding(*, uow: UnitOfWorkFactory, account: Account, holding_id: str) -> HoldingRecord:
    """One of the learner's holdings; another learner's is NotFound."""
    _learner_only(account)
    with uow() as tx:
        holding = tx.holdings.get(holding_id)
    if holding is None or holding.learner_id != account.id:
        raise NotFound(f"holding {holding_id!r} not found")
    return holding


def import_credential(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    verifier: Verifier,
    fetcher: Fetcher | None,
    account: Account,
    data: bytes,
    filename: str | None = None,
) -> HoldingRecord:
    """Read, verify and keep a credential from elsewhere. InvalidInputError when ``data`` is
    empty, too large, a presentation (import its credentials one by one) or not a readable
    credential; a credential that fails verification is kept, marked as failed."""
    _learner_only(account)
    if not data or not data.strip():
        raise InvalidInputError("credential: the file or text is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInputError(f"credential: larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB")
    presented, report = verify_presented(
        data, verifier=verifier, fetcher=fetcher, filename=filename, recipient=account.email
    )
    if presented.kind == "presentation":
        raise InvalidInputError(
            "credential: this is a presentation; import the credentials it holds one by one"
        )
    document = presented.document or {}
    if (
        presented.kind == "credential"
        and document
        and not ("@context" in document and "type" in document)
    ):
        raise InvalidInputError("credential: this JSON has no @context and type: not a credential")
    summary = report.summary if isinstance(report, VerificationReport) else None
    titles = titles_of(document)
    language = account.language or "en"
    fallback = (summary.achievement_name if summary else None) or ""
    with uow() as tx:
        learner = tx.learners.get(account.id)
        if learner is None:
            raise NotFound("this account no longer exists")
        holding = HoldingRecord(
            id=new_id(rng),
            learner_id=account.id,
            credential=presented.text,
            kind=_kind(presented.kind, presented.document),
            source=f"import:{(filename or presented.source)[:200]}",
            added_at=clock(),
            title=title_in(titles, language, fallback) or (filename or ""),
            issuer_name=issuer_name(document) or ((summary.issuer_name or "") if summary else ""),
            issued_on=_when(document.get("validFrom") or document.get("issuanceDate"))
            or _when(summary.valid_from if summary else None),
            titles=titles,
            holder_did=learner.did,
        )
        holding = _checked(holding, report, clock())
        tx.holdings.add(holding)
        tx.commit()
    return holding


def remove_holding(*, uow: UnitOfWorkFactory, account: Account, holding_id: str) -> None:
    """Take a credential out of the wallet (another learner's is NotFound)."""
    get_holding(uow=uow, account=account, holding_id=holding_id)
    with uow() as tx:
        tx.holdings.delete(holding_id)
        tx.commit()


def _award_state_changed(uow: UnitOfWorkFactory, holdings: list[HoldingRecord]) -> set[str]:
    """The holdings claimed from this server whose shown status disagrees with their award's
    state (revoked or suspended on one side only)."""
    claimed = [h for h in holdings if h.award_id is not None]
    if not claimed:
        return set()
    marked = {"revoked", "suspended"}
    with uow() as tx:
        states = {h.id: tx.awards.get(h.award_id or "") for h in claimed}
    return {
        holding.id
        for holding in claimed
        if (award := states[holding.id]) is not None
        and (award.state if award.state in marked else None)
        != (holding.status if holding.status in marked else None)
    }


def refresh_status(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    verifier: Verifier,
    fetcher: Fetcher | None,
    account: Account,
    max_age: timedelta = REFRESH_AFTER,
) -> list[HoldingRecord]:
    """Re-verify the learner's holdings last checked more than ``max_age`` ago (or never), and
    at once those claimed from this server whose award was revoked, suspended or unsuspended
    since; every holding, updated. A verification that raises leaves the holding as it was."""
    holdings = list_holdings(uow=uow, account=account)
    stale = _award_state_changed(uow, holdings)
    now = clock()
    changed: dict[str, HoldingRecord] = {}
    for holding in holdings:
        recent = holding.checked_at is not None and now - holding.checked_at < max_age
        if recent and holding.id not in stale:
            continue
        try:
            _, report = verify_presented(
                holding.credential.encode("utf-8"),
                verifier=verifier,
                fetcher=fetcher,
                recipient=account.email,
            )
        except Exception:  # keep the last known status
            continue
        changed[holding.id] = _checked(holding, report, now)
    if changed:
        with uow() as tx:
            for holding in changed.values():
                tx.holdings.update_check(holding)
            tx.commit()
    return [changed.get(h.id, h) for h in holdings]
