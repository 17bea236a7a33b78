"""Learners, sessions, sign-in links and failures, claims, the mail outbox and holdings <->
their tables (:mod:`microcred.store.tables_learners`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from microcred.service.learner_records import (
    ClaimRecord,
    HoldingRecord,
    LearnerRecord,
    MailRecord,
    SessionRecord,
    SignInLinkRecord,
)
from microcred.store.engine import lock_for_write
from microcred.store.repositories.common import batches, bulk_insert
from microcred.store.tables_learners import (
    claims,
    holdings,
    learners,
    mail_outbox,
    sessions,
    sign_in_failures,
    sign_in_links,
)
from microcred.store.tables_sharing import holder_keys, share_links


def _learner(m: RowMapping) -> LearnerRecord:
    return LearnerRecord(
        id=m["id"],
        email=m["email"],
        name=m["name"],
        created_at=m["created_at"],
        language=m["language"],
        did=m["did"],
        did_verified_at=m["did_verified_at"],
    )


class SqlLearnerRepository:
    """:class:`microcred.service.learner_ports.LearnerRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, learner: LearnerRecord) -> None:
        self._c.execute(
            insert(learners).values(
                id=learner.id,
                email=learner.email,
                name=learner.name,
                created_at=learner.created_at,
                language=learner.language,
                did=learner.did,
                did_verified_at=learner.did_verified_at,
            )
        )

    def get(self, learner_id: str) -> LearnerRecord | None:
        row = self._c.execute(select(learners).where(learners.c.id == learner_id)).first()
        return _learner(row._mapping) if row else None

    def by_email(self, email: str) -> LearnerRecord | None:
        row = self._c.execute(select(learners).where(learners.c.email == email)).first()
        return _learner(row._mapping) if row else None

    def update(self, learner: LearnerRecord) -> None:
        self._c.execute(
            update(learners)
            .where(learners.c.id == learner.id)
            .values(
                name=learner.name,
                language=learner.language,
                did=learner.did,
                did_verified_at=learner.did_verified_at,
            )
        )

    def set_did_challenge(
        self, learner_id: str, challenge: str | None, expires_at: datetime | None
    ) -> None:
        self._c.execute(
            update(learners)
            .where(learners.c.id == learner_id)
            .values(did_challenge=challenge, did_challenge_expires_at=expires_at)
        )

    def did_challenge(self, learner_id: str) -> tuple[str, datetime] | None:
        t = learners.c
        row = self._c.execute(
            select(t.did_challenge, t.did_challenge_expires_at).where(t.id == learner_id)
        ).first()
        if row is None or row[0] is None or row[1] is None:
            return None
        return str(row[0]), row[1]

    def delete(self, learner_id: str) -> None:
        self._c.execute(delete(share_links).where(share_links.c.learner_id == learner_id))
        self._c.execute(delete(holder_keys).where(holder_keys.c.learner_id == learner_id))
        self._c.execute(delete(holdings).where(holdings.c.learner_id == learner_id))
        self._c.execute(
            delete(sign_in_links).where(
                sign_in_links.c.kind == "learner", sign_in_links.c.account_id == learner_id
            )
        )
        self._c.execute(
            update(claims).where(claims.c.learner_id == learner_id).values(learner_id=None)
        )
        self._c.execute(delete(learners).where(learners.c.id == learner_id))

    def password_hash(self, learner_id: str) -> str | None:
        value = self._c.execute(
            select(learners.c.password_hash).where(learners.c.id == learner_id)
        ).scalar()
        return str(value) if value else None

    def set_password_hash(self, learner_id: str, password_hash: str | None) -> None:
        self._c.execute(
            update(learners).where(learners.c.id == learner_id).values(password_hash=password_hash)
        )


def _session(m: RowMapping) -> SessionRecord:
    return SessionRecord(
        token_hash=m["token_hash"],
        kind=m["kind"],
        account_id=m["account_id"],
        created_at=m["created_at"],
        expires_at=m["expires_at"],
        max_expires_at=m["max_expires_at"],
    )


class SqlSessionRepository:
    """:class:`microcred.service.learner_ports.SessionRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, session: SessionRecord) -> None:
        self._c.execute(
            insert(sessions).values(
                token_hash=session.token_hash,
                kind=session.kind,
                account_id=session.account_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
                max_expires_at=session.max_expires_at,
            )
        )

    def get(self, token_hash: str) -> SessionRecord | None:
        row = self._c.execute(select(sessions).where(sessions.c.token_hash == token_hash)).first()
        return _session(row._mapping) if row else None

    def extend(self, token_hash: str, *, expires_at: datetime) -> None:
        self._c.execute(
            update(sessions)
            .where(sessions.c.token_hash == token_hash)
            .values(expires_at=expires_at)
        )

    def delete(self, token_hash: str) -> None:
        self._c.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def delete_for(self, kind: str, account_id: str) -> int:
        result = self._c.execute(
            delete(sessions).where(sessions.c.kind == kind, sessions.c.account_id == account_id)
        )
        return result.rowcount


def _link(m: RowMapping) -> SignInLinkRecord:
    return SignInLinkRecord(
        token_hash=m["token_hash"],
        kind=m["kind"],
        account_id=m["account_id"],
        created_at=m["created_at"],
        expires_at=m["expires_at"],
        used_at=m["used_at"],
    )


class SqlSignInLinkRepository:
    """:class:`microcred.service.learner_ports.SignInLinkRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, link: SignInLinkRecord) -> None:
        self._c.execute(
            insert(sign_in_links).values(
                token_hash=link.token_hash,
                kind=link.kind,
                account_id=link.account_id,
                created_at=link.created_at,
                expires_at=link.expires_at,
                used_at=link.used_at,
            )
        )

    def get(self, token_hash: str) -> SignInLinkRecord | None:
        t = sign_in_links.c
        row = self._c.execute(select(sign_in_links).where(t.token_hash == token_hash)).first()
        return _link(row._mapping) if row else None

    def mark_used(self, token_hash: str, *, at: datetime) -> bool:
        t = sign_in_links.c
        result = self._c.execute(
            update(sign_in_links)
            .where(t.token_hash == token_hash, t.used_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1


class SqlSignInFailureRepository:
    """:class:`microcred.service.learner_ports.SignInFailureRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def record(self, key: str, *, at: datetime) -> None:
        self._c.execute(insert(sign_in_failures).values(account_key=key, at=at))

    def count_since(self, key: str, since: datetime) -> int:
        t = sign_in_failures.c
        value = self._c.execute(
            select(func.count()).where(t.account_key == key, t.at >= since)
        ).scalar()
        return int(value or 0)

    def clear(self, key: str) -> None:
        self._c.execute(delete(sign_in_failures).where(sign_in_failures.c.account_key == key))


_CLAIM_FIELDS = (
    "id",
    "token_hash",
    "award_id",
    "organisation_id",
    "email",
    "language",
    "created_at",
    "expires_at",
    "used_at",
    "learner_id",
)


def _claim(m: RowMapping) -> ClaimRecord:
    return ClaimRecord(**{name: m[name] for name in _CLAIM_FIELDS})


class SqlClaimRepository:
    """:class:`microcred.service.learner_ports.ClaimRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_many(self, records: Sequence[ClaimRecord]) -> None:
        rows = [{name: getattr(r, name) for name in _CLAIM_FIELDS} for r in records]
        bulk_insert(self._c, claims, rows)

    def by_token_hash(self, token_hash: str) -> ClaimRecord | None:
        row = self._c.execute(select(claims).where(claims.c.token_hash == token_hash)).first()
        return _claim(row._mapping) if row else None

    def for_award(self, award_id: str) -> ClaimRecord | None:
        row = self._c.execute(select(claims).where(claims.c.award_id == award_id)).first()
        return _claim(row._mapping) if row else None

    def awards_with_claims(self, award_ids: Sequence[str]) -> set[str]:
        claimed: set[str] = set()
        for batch in batches(award_ids):
            query = select(claims.c.award_id).where(claims.c.award_id.in_(batch))
            claimed.update(self._c.execute(query).scalars())
        return claimed

    def mark_used(self, claim_id: str, *, learner_id: str, at: datetime) -> bool:
        t = claims.c
        result = self._c.execute(
            update(claims)
            .where(t.id == claim_id, t.used_at.is_(None))
            .values(used_at=at, learner_id=learner_id)
        )
        return result.rowcount == 1


def _mail(m: RowMapping) -> MailRecord:
    return MailRecord(
        id=m["id"],
        to=m["recipient"],
        subject=m["subject"],
        text=m["body_text"],
        html=m["body_html"],
        created_at=m["created_at"],
        status=m["status"],
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        last_attempt_at=m["last_attempt_at"],
        last_error=m["last_error"],
        sent_at=m["sent_at"],
    )


class SqlMailOutbox:
    """:class:`microcred.service.learner_ports.MailOutbox` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_many(self, mails: Sequence[MailRecord]) -> None:
        rows = [
            {
                "id": m.id,
                "recipient": m.to,
                "subject": m.subject,
                "body_text": m.text,
                "body_html": m.html,
                "created_at": m.created_at,
                "status": m.status,
                "attempts": m.attempts,
                "next_attempt_at": m.next_attempt_at,
                "last_attempt_at": m.last_attempt_at,
                "last_error": m.last_error,
                "sent_at": m.sent_at,
            }
            for m in mails
        ]
        bulk_insert(self._c, mail_outbox, rows)

    def get(self, mail_id: str) -> MailRecord | None:
        row = self._c.execute(select(mail_outbox).where(mail_outbox.c.id == mail_id)).first()
        return _mail(row._mapping) if row else None

    def claim_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[MailRecord]:
        t = mail_outbox.c
        due = select(mail_outbox).where(t.status == "pending", t.next_attempt_at <= now)
        if self._c.execute(due.with_only_columns(t.id).limit(1)).first() is None:
            return []
        lock_for_write(self._c)
        rows = self._c.execute(
            due.order_by(t.next_attempt_at, t.id).limit(limit).with_for_update(skip_locked=True)
        ).all()
        claimed = [_mail(row._mapping) for row in rows]
        if claimed:
            self._c.execute(
                update(mail_outbox)
                .where(t.id.in_([m.id for m in claimed]))
                .values(next_attempt_at=lease_until)
            )
        return [replace(m, next_attempt_at=lease_until) for m in claimed]

    def update(self, mail: MailRecord) -> None:
        self._c.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id == mail.id)
            .values(
                body_text=mail.text,
                body_html=mail.html,
                status=mail.status,
                attempts=mail.attempts,
                next_attempt_at=mail.next_attempt_at,
                last_attempt_at=mail.last_attempt_at,
                last_error=mail.last_error,
                sent_at=mail.sent_at,
            )
        )

    def delete_older_than(self, cutoff: datetime) -> int:
        result = self._c.execute(delete(mail_outbox).where(mail_outbox.c.created_at < cutoff))
        return result.rowcount


_HOLDING_FIELDS = (
    "id",
    "learner_id",
    "credential",
    "kind",
    "source",
    "added_at",
    "title",
    "issuer_name",
    "issued_on",
    "award_id",
    "holder_did",
    "verified",
    "status",
    "checked_at",
)


def _holding(m: RowMapping) -> HoldingRecord:
    return HoldingRecord(
        **{name: m[name] for name in _HOLDING_FIELDS},
        titles=dict(m["titles"] or {}),
        report=dict(m["report"] or {}),
    )


class SqlHoldingRepository:
    """:class:`microcred.service.learner_ports.HoldingRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, holding: HoldingRecord) -> None:
        values = {name: getattr(holding, name) for name in _HOLDING_FIELDS}
        self._c.execute(
            insert(holdings).values(
                **values, titles=dict(holding.titles), report=dict(holding.report)
            )
        )

    def get(self, holding_id: str) -> HoldingRecord | None:
        row = self._c.execute(select(holdings).where(holdings.c.id == holding_id)).first()
        return _holding(row._mapping) if row else None

    def list_for(self, learner_id: str) -> list[HoldingRecord]:
        t = holdings.c
        rows = self._c.execute(
            select(holdings)
            .where(t.learner_id == learner_id)
            .order_by(t.added_at.desc(), t.id.desc())
        )
        return [_holding(row._mapping) for row in rows]

    def for_award(self, learner_id: str, award_id: str) -> HoldingRecord | None:
        t = holdings.c
        row = self._c.execute(
            select(holdings).where(t.learner_id == learner_id, t.award_id == award_id)
        ).first()
        return _holding(row._mapping) if row else None

    def stale(self, *, checked_before: datetime, limit: int) -> list[HoldingRecord]:
        t = holdings.c
        never = t.checked_at.is_(None)
        rows = self._c.execute(
            select(holdings)
            .where(never | (t.checked_at < checked_before))
            .order_by(never.desc(), t.checked_at.asc(), t.id.asc())
            .limit(limit)
        )
        return [_holding(row._mapping) for row in rows]

    def update_check(self, holding: HoldingRecord) -> None:
        self._c.execute(
            update(holdings)
            .where(holdings.c.id == holding.id)
            .values(
                verified=holding.verified,
                status=holding.status,
                checked_at=holding.checked_at,
                report=dict(holding.report),
            )
        )

    def delete(self, holding_id: str) -> None:
        self._c.execute(delete(holdings).where(holdings.c.id == holding_id))
