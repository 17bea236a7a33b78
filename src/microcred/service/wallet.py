"""The learner's wallet (issue 4): every credential the learner holds -- claimed awards and
imports from elsewhere -- each with what it shows (title, issuer, date) and the result of its
last verification, kept current.

- Import: the bytes are read and verified by
  :func:`microcred.service.presented.verify_presented` (JSON credential, VC-JWT, baked PNG/SVG,
  Open Badges 2.0, bundle, PDF certificate); garbage is refused with the reader's error; a
  credential that fails verification is stored all the same, marked as failed.
- Status: ``valid``, ``expired``, ``suspended``, ``revoked``, ``invalid`` (another check
  failed) or ``unknown`` (not checked yet). :func:`refresh_status` re-verifies a learner's
  holdings whose last check is older than ``max_age`` (the wallet page calls it);
  :func:`refresh_due` does the same for every learner in batches (the background runner).
- Export: :func:`export_wallet` packs every credential's exact text into one ZIP.
- Another learner's holding is NotFound.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Final

from microcred.core.did.fetch import Fetcher
from microcred.core.formats.elm_reader import read_elm, unwrap_elm
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
    if problems & {_MICROCRED + "REVOCATION", _MICROCRED + "OB2_REVOKED"}:
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
    elm = presented.extra.get("elm")
    document = (unwrap_elm(elm) or {}) if isinstance(elm, Mapping) else presented.document or {}
    if (
        presented.kind == "credential"
        and document
        and not ("@context" in document and "type" in document)
    ):
        raise InvalidInputError("credential: this JSON has no @context and type: not a credential")
    summary = report.summary if isinstance(report, VerificationReport) else None
    titles = (read_elm(document).title or {}) if isinstance(elm, Mapping) else titles_of(document)
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
            kind="elm" if isinstance(elm, Mapping) else _kind(presented.kind, document),
            source=f"import:{(filename or presented.source)[:200]}",
            added_at=clock(),
            title=title_in(titles, language, fallback) or (filename or ""),
            issuer_name=(summary.issuer_name if summary and isinstance(elm, Mapping) else None)
            or issuer_name(document)
            or ((summary.issuer_name or "") if summary else ""),
            issued_on=_when(
                document.get("validFrom") or document.get("issuanceDate") or document.get("issued")
            )
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


def _slug(title: str) -> str:
    """A file-name-safe short form of ``title``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "credential"


def export_wallet(*, uow: UnitOfWorkFactory, account: Account, now: datetime) -> bytes:
    """The whole wallet as one ZIP, for moving it elsewhere (Council Recommendation
    2022/C 243/02, point 9: learners own their credentials and can move them): every
    credential's exact text as received (``NN-title.json`` or ``.jwt``: a signed credential
    stays verifiable only byte for byte), and ``wallet.json`` listing each file with its title,
    issuer, source, last status and check time."""
    holdings = list_holdings(uow=uow, account=account)
    buffer = io.BytesIO()
    entries: list[dict[str, Any]] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, holding in enumerate(reversed(holdings), 1):
            suffix = "jwt" if holding.kind == "jwt" else "json"
            name = f"credentials/{number:03d}-{_slug(holding.title)}.{suffix}"
            archive.writestr(name, holding.credential.encode("utf-8"))
            entries.append(
                {
                    "file": name,
                    "title": holding.title,
                    "issuer": holding.issuer_name,
                    "kind": holding.kind,
                    "source": holding.source,
                    "addedAt": holding.added_at.isoformat(),
                    "status": holding.status,
                    "checkedAt": holding.checked_at.isoformat() if holding.checked_at else None,
                }
            )
        listing = {"exportedAt": now.isoformat(), "learner": account.email, "credentials": entries}
        archive.writestr("wallet.json", json.dumps(listing, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _award_state_changed(uow: UnitOfWorkFactory, holdings: list[HoldingRecord]) -> set[str]:
    """The holdings claimed from this server whose shown status disagrees with their award's
    state (revoked or suspended on one side only)."""
    claimed = [h for h in holdings if h.award_id is not None]
    if not claimed:
        return set()
    marked = {"revoked", "suspended"}
    with uow() as tx:
        awards = {a.id: a for a in tx.awards.get_many([h.award_id or "" for h in claimed])}
    return {
        holding.id
        for holding in claimed
        if (award := awards.get(holding.award_id or "")) is not None
        and (award.state if award.state in marked else None)
        != (holding.status if holding.status in marked else None)
    }


def _reverified(
    holding: HoldingRecord,
    *,
    verifier: Verifier,
    fetcher: Fetcher | None,
    recipient: str | None,
    now: datetime,
) -> HoldingRecord | None:
    """``holding`` verified again at ``now``; None when the verification raised."""
    try:
        _, report = verify_presented(
            holding.credential.encode("utf-8"),
            verifier=verifier,
            fetcher=fetcher,
            recipient=recipient,
        )
    except Exception:  # keep the last known status
        return None
    return _checked(holding, report, now)


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
        checked = _reverified(
            holding, verifier=verifier, fetcher=fetcher, recipient=account.email, now=now
        )
        if checked is not None:
            changed[holding.id] = checked
    if changed:
        with uow() as tx:
            for holding in changed.values():
                tx.holdings.update_check(holding)
            tx.commit()
    return [changed.get(h.id, h) for h in holdings]


def refresh_due(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    verifier: Verifier,
    fetcher: Fetcher | None,
    max_age: timedelta,
    batch: int = 50,
) -> list[HoldingRecord]:
    """One batch of the periodic refresh that keeps every wallet's status current without a
    page view (issue 4, "status kept current"): up to ``batch`` holdings of any learner last
    checked more than ``max_age`` ago (never-checked and oldest first) are verified again and
    stored. A verification that raises keeps the last status but moves ``checked_at`` on, so
    one broken credential cannot hold up the others (it is tried again after ``max_age``).
    Returns the holdings attempted (the runner calls again at once while a batch is full)."""
    now = clock()
    with uow() as tx:
        due = tx.holdings.stale(checked_before=now - max_age, limit=batch)
        emails = {
            learner_id: (learner.email if learner else None)
            for learner_id in {h.learner_id for h in due}
            for learner in [tx.learners.get(learner_id)]
        }
    updated = [
        _reverified(
            holding,
            verifier=verifier,
            fetcher=fetcher,
            recipient=emails.get(holding.learner_id),
            now=now,
        )
        or replace(holding, checked_at=now)
        for holding in due
    ]
    if updated:
        with uow() as tx:
            for holding in updated:
                tx.holdings.update_check(holding)
            tx.commit()
    return updated
