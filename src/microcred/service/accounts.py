"""Accounts and sign-in (issue 4): learners and the staff of organisations sign in with a
password (argon2id) or a one-time e-mailed link, and get a session.

- Passwords: at least 10 characters and not the e-mail address; hashed with argon2id at
  argon2-cffi's defaults (RFC 9106); re-hashed on sign-in when the defaults change.
- Sessions: the browser keeps a 32-byte random token (URL-safe base64); the store keeps only
  its SHA-256. Idle expiry slides: 14 days for learners, 12 hours for staff; absolute maximum
  90 days for learners, 24 hours for staff.
- Sign-in links: one-time, valid 15 minutes; asking for one for an unknown e-mail sends
  nothing and says nothing (no account enumeration).
- Every failed sign-in raises :class:`Unauthenticated` with one generic message; more than
  ``MAX_FAILURES`` failures per account key within ``FAILURE_WINDOW`` refuse further attempts
  until the window passes (a correct password included).
- Staff accounts are the organisations' users (:mod:`microcred.service.users`); a removed user
  cannot sign in and loses their sessions.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Final, Literal, get_args
from urllib.parse import quote

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from microcred.core.i18n import supported
from microcred.errors import InvalidInputError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import NotFound, PermissionDenied, Unauthenticated
from microcred.service.ids import new_id
from microcred.service.learner_records import (
    AccountKind,
    LearnerRecord,
    SessionRecord,
    SignInLinkRecord,
)
from microcred.service.mail import MailRenderer, queue_mail
from microcred.service.ports import Clock, RandomBytes, UnitOfWork, UnitOfWorkFactory
from microcred.service.records import Principal, Role, UserRecord
from microcred.service.users import MAX_NAME_CHARS, normalise_email

MIN_PASSWORD_CHARS: Final = 10
MAX_PASSWORD_CHARS: Final = 1024
TOKEN_BYTES: Final = 32
IDLE_EXPIRY: Final[dict[AccountKind, timedelta]] = {
    "learner": timedelta(days=14),
    "staff": timedelta(hours=12),
}
MAX_EXPIRY: Final[dict[AccountKind, timedelta]] = {
    "learner": timedelta(days=90),
    "staff": timedelta(hours=24),
}
LINK_VALIDITY: Final = timedelta(minutes=15)
MAX_FAILURES: Final = 10
FAILURE_WINDOW: Final = timedelta(minutes=15)
SIGN_IN_FAILED: Final = "the e-mail address or the password is wrong, or the link has expired"

_hasher = PasswordHasher()
_DUMMY_HASH: Final = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Account:
    """Who is signed in: a learner, or a user (staff) of one organisation."""

    kind: Literal["learner", "staff"]
    id: str
    email: str
    name: str
    language: str | None
    organisation_id: str | None = None
    role: Role | None = None

    def principal(self) -> Principal:
        """The service Principal of a staff account (ValueError for a learner)."""
        if self.kind != "staff" or self.organisation_id is None or self.role is None:
            raise ValueError("a learner account acts for no organisation")
        return Principal(organisation_id=self.organisation_id, role=self.role, actor=actor(self))


def actor(account: Account) -> str:
    """How the audit log names the account."""
    return f"{'user' if account.kind == 'staff' else 'learner'}:{account.id}"


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a session, link or claim token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(rng: RandomBytes) -> tuple[str, str]:
    """A fresh secret token (URL-safe base64 of 32 random bytes) and its stored hash."""
    token = base64.urlsafe_b64encode(rng(TOKEN_BYTES)).rstrip(b"=").decode("ascii")
    return token, hash_token(token)


def _learner_account(learner: LearnerRecord) -> Account:
    return Account(
        kind="learner",
        id=learner.id,
        email=learner.email,
        name=learner.name,
        language=learner.language,
    )


def _staff_account(user: UserRecord, language: str | None = None) -> Account:
    return Account(
        kind="staff",
        id=user.id,
        email=user.email,
        name=user.name,
        language=language,
        organisation_id=user.organisation_id,
        role=user.role,
    )


def check_password(password: object, *, email: str) -> str:
    """``password`` when acceptable, else InvalidInputError naming the rule it breaks."""
    if not isinstance(password, str):
        raise InvalidInputError("password: a text is required")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInputError(f"password: at least {MIN_PASSWORD_CHARS} characters are required")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInputError(f"password: at most {MAX_PASSWORD_CHARS} characters")
    if password.strip().lower() == email.lower():
        raise InvalidInputError("password: must not be the e-mail address")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string) of an acceptable password."""
    return _hasher.hash(password)


def _password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _check_language(language: str | None) -> str | None:
    if language is None or language == "":
        return None
    checked = supported(language)
    if checked is None:
        raise InvalidInputError(f"language: {language!r} is not an interface language")
    return checked


def _check_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > MAX_NAME_CHARS:
        raise InvalidInputError(f"name: 1 to {MAX_NAME_CHARS} characters are required")
    return text


def _check_kind(kind: object) -> AccountKind:
    kinds: tuple[AccountKind, ...] = get_args(AccountKind)
    for known in kinds:
        if kind == known:
            return known
    raise InvalidInputError(f"kind: must be one of {', '.join(kinds)}, not {kind!r}")


def register_learner(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    email: str,
    name: str,
    password: str | None,
    language: str | None = None,
) -> Account:
    """A new learner account (``password`` None: passwordless, signs in by e-mailed links).
    An e-mail address already registered is InvalidInputError."""
    address = normalise_email(email)
    checked_name = _check_name(name)
    checked_language = _check_language(language)
    hashed = hash_password(check_password(password, email=address)) if password else None
    with uow() as tx:
        if tx.learners.by_email(address) is not None:
            raise InvalidInputError(f"email: {address!r} already has an account; sign in instead")
        learner = LearnerRecord(
            id=new_id(rng),
            email=address,
            name=checked_name,
            created_at=clock(),
            language=checked_language,
        )
        tx.learners.add(learner)
        if hashed:
            tx.learners.set_password_hash(learner.id, hashed)
        tx.commit()
    return _learner_account(learner)


def _find_staff(tx: UnitOfWork, email: str, organisation_slug: str | None) -> UserRecord | None:
    if organisation_slug:
        organisation = tx.organisations.by_slug(organisation_slug)
        user = tx.users.by_email(organisation.id, email) if organisation else None
    else:
        active = [u for u in tx.users.with_email(email) if u.removed_at is None]
        user = active[0] if len(active) == 1 else None
    return user if user is not None and user.removed_at is None else None


def _failure_key(kind: AccountKind, email: str, organisation_slug: str | None) -> str:
    return f"{kind}:{organisation_slug or ''}:{email}"


def _open_session(
    tx: UnitOfWork, *, kind: AccountKind, account_id: str, clock: Clock, rng: RandomBytes
) -> str:
    token, token_hash = new_token(rng)
    now = clock()
    tx.sessions.add(
        SessionRecord(
            token_hash=token_hash,
            kind=kind,
            account_id=account_id,
            created_at=now,
            expires_at=now + IDLE_EXPIRY[kind],
            max_expires_at=now + MAX_EXPIRY[kind],
        )
    )
    return token


def sign_in(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    kind: Literal["learner", "staff"],
    email: str,
    password: str,
    organisation_slug: str | None = None,
) -> tuple[str, Account]:
    """Check a password; a new session token and the account. Unauthenticated (one generic
    message) for an unknown e-mail, a wrong password, a removed user or too many failures."""
    checked_kind = _check_kind(kind)
    address = email.strip().lower() if isinstance(email, str) else ""
    key = _failure_key(checked_kind, address, organisation_slug)
    with uow() as tx:
        if tx.sign_in_failures.count_since(key, clock() - FAILURE_WINDOW) >= MAX_FAILURES:
            raise Unauthenticated(
                "too many failed sign-ins for this e-mail address; try again in 15 minutes"
            )
        account: Account | None = None
        stored: str | None = None
        if checked_kind == "learner":
            learner = tx.learners.by_email(address)
            if learner is not None:
                account, stored = _learner_account(learner), tx.learners.password_hash(learner.id)
        else:
            user = _find_staff(tx, address, organisation_slug)
            if user is not None:
                account, stored = _staff_account(user), tx.users.password_hash(user.id)
        if account is None or not _password_matches(stored, str(password)):
            tx.sign_in_failures.record(key, at=clock())
            tx.commit()
            raise Unauthenticated(SIGN_IN_FAILED)
        assert stored is not None
        if _hasher.check_needs_rehash(stored):
            _store_hash(tx, account, hash_password(str(password)))
        tx.sign_in_failures.clear(key)
        token = _open_session(tx, kind=checked_kind, account_id=account.id, clock=clock, rng=rng)
        tx.commit()
    return token, account


def _store_hash(tx: UnitOfWork, account: Account, hashed: str | None) -> None:
    if account.kind == "learner":
        tx.learners.set_password_hash(account.id, hashed)
    else:
        tx.users.set_password_hash(account.id, hashed)


def send_sign_in_link(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    renderer: MailRenderer,
    kind: Literal["learner", "staff"],
    email: str,
    base_url: str,
    organisation_slug: str | None = None,
    language: str | None = None,
    next_path: str | None = None,
) -> None:
    """E-mail a one-time sign-in link (valid 15 minutes) to a known account; silent when
    the e-mail is unknown. ``next_path`` (a path on this site) is where the link leads after
    signing in, e.g. back to a claim."""
    checked_kind = _check_kind(kind)
    address = email.strip().lower() if isinstance(email, str) else ""
    with uow() as tx:
        account: Account | None = None
        if checked_kind == "learner":
            learner = tx.learners.by_email(address)
            account = _learner_account(learner) if learner else None
        else:
            user = _find_staff(tx, address, organisation_slug)
            account = _staff_account(user) if user else None
        if account is None:
            return
        token, token_hash = new_token(rng)
        now = clock()
        tx.sign_in_links.add(
            SignInLinkRecord(
                token_hash=token_hash,
                kind=checked_kind,
                account_id=account.id,
                created_at=now,
                expires_at=now + LINK_VALIDITY,
            )
        )
        url = f"{base_url.rstrip('/')}/account/link/{token}"
        if next_path and next_path.startswith("/") and not next_path.startswith("//"):
            url += f"?next={quote(next_path, safe='/')}"
        mail_language = _check_language(language) or account.language or "en"
        mail = renderer.render(
            "sign_in_link",
            mail_language,
            {"name": account.name, "url": url, "minutes": int(LINK_VALIDITY.total_seconds() // 60)},
        )
        queue_mail(tx, to=account.email, mail=mail, clock=clock, rng=rng)
        tx.commit()


def _account_of(tx: UnitOfWork, kind: AccountKind, account_id: str) -> Account | None:
    if kind == "learner":
        learner = tx.learners.get(account_id)
        return _learner_account(learner) if learner else None
    user = tx.users.get(account_id)
    return _staff_account(user) if user is not None and user.removed_at is None else None


def sign_in_with_link(
    *, uow: UnitOfWorkFactory, clock: Clock, rng: RandomBytes, token: str
) -> tuple[str, Account]:
    """Use a sign-in link once: a new session token and the account; Unauthenticated for an
    unknown, used or expired link."""
    with uow() as tx:
        link = tx.sign_in_links.get(hash_token(str(token)))
        if link is None or link.used_at is not None or link.expires_at <= clock():
            raise Unauthenticated(SIGN_IN_FAILED)
        account = _account_of(tx, link.kind, link.account_id)
        if account is None or not tx.sign_in_links.mark_used(link.token_hash, at=clock()):
            raise Unauthenticated(SIGN_IN_FAILED)
        session = _open_session(tx, kind=link.kind, account_id=account.id, clock=clock, rng=rng)
        tx.commit()
    return session, account


def session_for(
    tx: UnitOfWork, *, clock: Clock, token: str | None
) -> tuple[SessionRecord, Account] | None:
    """The live session of ``token`` and its account, in an open unit of work (no changes)."""
    if not token:
        return None
    session = tx.sessions.get(hash_token(token))
    if session is None or min(session.expires_at, session.max_expires_at) <= clock():
        return None
    account = _account_of(tx, session.kind, session.account_id)
    return (session, account) if account is not None else None


def account_for_session(
    *, uow: UnitOfWorkFactory, clock: Clock, token: str | None
) -> Account | None:
    """The signed-in account of a session token, None when unknown or expired; slides the
    idle expiry forward (written at most once an hour)."""
    if not token:
        return None
    with uow() as tx:
        found = session_for(tx, clock=clock, token=token)
        if found is None:
            return None
        session, account = found
        renewed = min(clock() + IDLE_EXPIRY[session.kind], session.max_expires_at)
        if renewed - session.expires_at >= timedelta(hours=1):
            tx.sessions.extend(session.token_hash, expires_at=renewed)
            tx.commit()
    return account


def sign_out(*, uow: UnitOfWorkFactory, clock: Clock, token: str) -> None:
    """End the session of ``token`` (nothing happens for an unknown token)."""
    with uow() as tx:
        tx.sessions.delete(hash_token(str(token)))
        tx.commit()


def set_password(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    account: Account,
    current: str | None,
    new: str,
) -> None:
    """Change the account's own password. ``current`` must match the present one when there
    is one (PermissionDenied otherwise); a passwordless account sets its first one."""
    hashed = hash_password(check_password(new, email=account.email))
    with uow() as tx:
        stored = (
            tx.learners.password_hash(account.id)
            if account.kind == "learner"
            else tx.users.password_hash(account.id)
        )
        if stored is not None and not _password_matches(stored, str(current or "")):
            raise PermissionDenied("current password: it is not the account's password")
        if _account_of(tx, account.kind, account.id) is None:
            raise NotFound("this account no longer exists")
        _store_hash(tx, account, hashed)
        tx.commit()


def set_staff_password(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    principal: Principal,
    user_id: str,
    password: str,
) -> None:
    """Owner only: set the password of a person of the organisation (ends their sessions)."""
    require_role(principal, "owner")
    with uow() as tx:
        user = check_owned(principal, tx.users.get(user_id), "user", user_id)
        if user.removed_at is not None:
            raise NotFound(f"user {user_id!r} not found")
        tx.users.set_password_hash(
            user.id, hash_password(check_password(password, email=user.email))
        )
        tx.sessions.delete_for("staff", user.id)
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="user.password_set",
            subject=user.id,
            details={"email": user.email},
            clock=clock,
            rng=rng,
        )
        tx.commit()


def set_language(
    *, uow: UnitOfWorkFactory, clock: Clock, account: Account, language: str
) -> Account:
    """Store a learner's preferred interface language (en, fr, de); a staff account's
    language lives in its session cookie only, so it is returned changed but not stored."""
    checked = _check_language(language)
    if checked is None:
        raise InvalidInputError("language: one of en, fr, de is required")
    if account.kind == "learner":
        with uow() as tx:
            learner = tx.learners.get(account.id)
            if learner is None:
                raise NotFound("this account no longer exists")
            tx.learners.update(replace(learner, language=checked))
            tx.commit()
    return replace(account, language=checked)


def set_did(
    *, uow: UnitOfWorkFactory, clock: Clock, account: Account, did: str | None
) -> LearnerRecord:
    """Store (or clear, with None or "") the DID a learner says they control; a new DID is not
    proven until the learner answers a challenge (:mod:`microcred.service.did_auth`)."""
    if account.kind != "learner":
        raise PermissionDenied("only learners keep a DID")
    text = did.strip() if isinstance(did, str) else ""
    if text and (not text.startswith("did:") or len(text) > 2000 or text.count(":") < 2):
        raise InvalidInputError(f"did: {did!r} is not a DID (did:<method>:<id>)")
    with uow() as tx:
        learner = tx.learners.get(account.id)
        if learner is None:
            raise NotFound("this account no longer exists")
        did = text or None
        proven = learner.did_verified_at if did == learner.did else None
        changed = replace(learner, did=did, did_verified_at=proven)
        tx.learners.update(changed)
        tx.commit()
    return changed


def delete_learner_account(*, uow: UnitOfWorkFactory, account: Account, email: str) -> None:
    """Delete a learner's account for good (the learner's right to erasure, GDPR Art. 17):
    the learner, their holdings, share links, holder key and sign-in links, and every session.
    ``email`` must repeat the account's address (the confirmation); awards issued to them stay
    with their issuers, claims they used stay used."""
    if account.kind != "learner":
        raise PermissionDenied("only a learner account can be deleted here")
    if (email or "").strip().lower() != account.email:
        raise InvalidInputError("confirm: type your e-mail address to confirm the deletion")
    with uow() as tx:
        if tx.learners.get(account.id) is None:
            raise NotFound("this account no longer exists")
        tx.learners.delete(account.id)
        tx.sessions.delete_for("learner", account.id)
        tx.commit()


def learner_of(*, uow: UnitOfWorkFactory, account: Account) -> LearnerRecord:
    """The learner record of a learner account (NotFound when gone, PermissionDenied for
    staff)."""
    if account.kind != "learner":
        raise PermissionDenied("this needs a learner account")
    with uow() as tx:
        learner = tx.learners.get(account.id)
    if learner is None:
        raise NotFound("this account no longer exists")
    return learner
