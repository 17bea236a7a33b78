"""Accounts and sign-in: learners register with or without a password, learners and staff sign
in with a password or a one-time e-mailed link, sessions expire (idle and absolute), failures
say nothing about which part was wrong and are rate-limited, and passwords are argon2id."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from service_support import Env

from fakes import PlainRenderer
from microcred.errors import InvalidInputError
from microcred.service import accounts, users
from microcred.service.errors import PermissionDenied, Unauthenticated

PASSWORD = "correct horse battery"
BASE = "https://issuer.example"


def learner(env: Env, email: str = "Aoife.Murphy@Example.IE", **kw: Any) -> accounts.Account:
    kw.setdefault("password", PASSWORD)
    return accounts.register_learner(email=email, name=" Aoife Murphy ", **kw, **env.writes)


def sign_in(env: Env, **kw: Any) -> tuple[str, accounts.Account]:
    kw.setdefault("kind", "learner")
    kw.setdefault("email", "aoife.murphy@example.ie")
    kw.setdefault("password", PASSWORD)
    return accounts.sign_in(**kw, **env.writes)


def session(env: Env, token: str | None) -> accounts.Account | None:
    return accounts.account_for_session(uow=env.uow, clock=env.clock, token=token)


def link_token(env: Env) -> str:
    mails = sorted(env.store.tables.mails.values(), key=lambda m: m.created_at)
    found = re.search(r"/account/link/([A-Za-z0-9_-]+)", mails[-1].text)
    assert found
    return found.group(1)


def test_register_stores_an_argon2id_hash_and_signs_in() -> None:
    env = Env()
    account = learner(env, language="fr-BE")
    assert (account.kind, account.email, account.name, account.language) == (
        "learner",
        "aoife.murphy@example.ie",
        "Aoife Murphy",
        "fr",
    )
    stored = env.store.tables.learner_passwords[account.id]
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    token, signed_in = sign_in(env, email=" AOIFE.murphy@example.ie")
    assert signed_in == account
    assert len(token) >= 43
    assert token not in env.store.tables.sessions  # only the hash is kept
    assert accounts.hash_token(token) in env.store.tables.sessions
    assert session(env, token) == account


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 10"), ("aoife.murphy@example.ie", "not be the e-mail"), (42, "a text")],
)
def test_a_weak_password_is_refused_naming_the_rule(password: Any, message: str) -> None:
    env = Env()
    with pytest.raises(InvalidInputError, match=f"^password: .*{message}"):
        learner(env, password=password)
    assert env.store.tables.learners == {}


def test_an_email_registered_twice_is_refused() -> None:
    env = Env()
    learner(env)
    with pytest.raises(InvalidInputError, match="already has an account"):
        learner(env, email="aoife.murphy@EXAMPLE.ie")


def test_failures_say_nothing_about_what_was_wrong() -> None:
    env = Env()
    learner(env)
    with pytest.raises(Unauthenticated) as wrong_password:
        sign_in(env, password="not the password")
    with pytest.raises(Unauthenticated) as unknown_email:
        sign_in(env, email="nobody@example.ie")
    assert str(wrong_password.value) == str(unknown_email.value) == accounts.SIGN_IN_FAILED


def test_failed_sign_ins_are_limited_per_email_for_15_minutes() -> None:
    env = Env()
    learner(env)
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(Unauthenticated):
            sign_in(env, password="guess guess guess")
    with pytest.raises(Unauthenticated, match="too many"):
        sign_in(env)  # even the right password
    env.clock.advance(minutes=16)
    token, _ = sign_in(env)
    assert session(env, token) is not None
    assert env.store.tables.sign_in_failures == []  # a success clears the count


def test_learner_sessions_slide_for_14_days_and_end_after_90() -> None:
    env = Env()
    learner(env)
    token, _ = sign_in(env)
    env.clock.advance(days=13)
    assert session(env, token) is not None  # slides the idle expiry
    env.clock.advance(days=13)
    assert session(env, token) is not None
    env.clock.advance(days=15)
    assert session(env, token) is None  # idle for 15 days
    token, _ = sign_in(env)
    for _ in range(6):
        env.clock.advance(days=13)
        assert session(env, token) is not None
    env.clock.advance(days=13)
    assert session(env, token) is None  # 91 days: past the absolute maximum


def test_sign_out_ends_the_session_and_unknown_tokens_are_none() -> None:
    env = Env()
    learner(env)
    token, _ = sign_in(env)
    accounts.sign_out(uow=env.uow, clock=env.clock, token=token)
    assert session(env, token) is None
    assert session(env, None) is None
    assert session(env, "made-up") is None


def test_a_sign_in_link_works_once_within_15_minutes() -> None:
    env = Env()
    account = learner(env, password=None, language="de")
    assert env.store.tables.learner_passwords == {}
    with pytest.raises(Unauthenticated):
        sign_in(env)  # passwordless: no password works
    send = dict(
        renderer=PlainRenderer(), kind="learner", email="aoife.murphy@example.ie", base_url=BASE
    )
    accounts.send_sign_in_link(**send, next_path="/claim/abc", **env.writes)  # type: ignore[arg-type]
    (mail,) = env.store.tables.mails.values()
    assert mail.to == "aoife.murphy@example.ie"
    assert mail.subject == "sign_in_link [de]"  # the learner's language
    assert f"url={BASE}/account/link/" in mail.text and "?next=/claim/abc" in mail.text
    token = link_token(env)
    session_token, signed_in = accounts.sign_in_with_link(token=token, **env.writes)
    assert signed_in == account and session(env, session_token) == account
    with pytest.raises(Unauthenticated):
        accounts.sign_in_with_link(token=token, **env.writes)
    accounts.send_sign_in_link(**send, **env.writes)  # type: ignore[arg-type]
    env.clock.advance(minutes=16)
    with pytest.raises(Unauthenticated):
        accounts.sign_in_with_link(token=link_token(env), **env.writes)


def test_a_sign_in_link_for_an_unknown_email_sends_nothing() -> None:
    env = Env()
    accounts.send_sign_in_link(
        renderer=PlainRenderer(),
        kind="learner",
        email="nobody@example.ie",
        base_url=BASE,
        **env.writes,
    )
    assert env.store.tables.mails == {}


def test_staff_sign_in_with_the_password_their_owner_set() -> None:
    env = Env()
    org, owner = env.organisation()
    user = users.add_user(
        owner, email="ciara@example.ie", name="Ciara", role="issuer", **env.writes
    )
    with pytest.raises(Unauthenticated):  # no password yet
        sign_in(env, kind="staff", email="ciara@example.ie", organisation_slug=org.slug)
    accounts.set_staff_password(principal=owner, user_id=user.id, password=PASSWORD, **env.writes)
    token, account = sign_in(env, kind="staff", email="ciara@example.ie")
    assert (account.kind, account.organisation_id, account.role) == ("staff", org.id, "issuer")
    assert account.principal().organisation_id == org.id
    assert account.principal().actor == f"user:{user.id}"
    token2, _ = sign_in(env, kind="staff", email="ciara@example.ie", organisation_slug=org.slug)
    env.clock.advance(hours=11)
    assert session(env, token) is not None
    env.clock.advance(hours=11)
    assert session(env, token) is not None
    env.clock.advance(hours=3)
    assert session(env, token) is None  # staff sessions last 24 hours at most
    assert [e.action for e in env.store.tables.audit][-1] == "user.password_set"
    with pytest.raises(Unauthenticated):  # other organisation's slug
        other, _ = env.organisation("Other University")
        sign_in(env, kind="staff", email="ciara@example.ie", organisation_slug=other.slug)
    assert token2


def test_a_removed_user_cannot_sign_in_and_loses_sessions() -> None:
    env = Env()
    _, owner = env.organisation()
    user = users.add_user(
        owner, email="ciara@example.ie", name="Ciara", role="issuer", **env.writes
    )
    accounts.set_staff_password(principal=owner, user_id=user.id, password=PASSWORD, **env.writes)
    token, _ = sign_in(env, kind="staff", email="ciara@example.ie")
    users.remove_user(owner, user.id, **env.writes)
    assert session(env, token) is None
    with pytest.raises(Unauthenticated):
        sign_in(env, kind="staff", email="ciara@example.ie")


def test_only_owners_set_staff_passwords_and_learners_have_no_principal() -> None:
    env = Env()
    _, owner = env.organisation()
    _, issuer = env.organisation("Other", role="issuer")
    with pytest.raises(PermissionDenied):
        accounts.set_staff_password(principal=issuer, user_id="x", password=PASSWORD, **env.writes)
    with pytest.raises(ValueError, match="no organisation"):
        learner(env).principal()
    assert owner.role == "owner"


def test_set_password_needs_the_current_one_and_set_language_is_kept() -> None:
    env = Env()
    account = learner(env)
    with pytest.raises(PermissionDenied, match="current password"):
        accounts.set_password(
            uow=env.uow,
            clock=env.clock,
            account=account,
            current="wrong one!!",
            new="new password 1",
        )
    accounts.set_password(
        uow=env.uow, clock=env.clock, account=account, current=PASSWORD, new="new password 1"
    )
    sign_in(env, password="new password 1")
    changed = accounts.set_language(uow=env.uow, clock=env.clock, account=account, language="de")
    assert changed.language == "de"
    assert env.store.tables.learners[account.id].language == "de"
    with pytest.raises(InvalidInputError, match="language"):
        accounts.set_language(uow=env.uow, clock=env.clock, account=account, language="xx")


def test_a_learner_keeps_a_did() -> None:
    env = Env()
    account = learner(env)
    stored = accounts.set_did(uow=env.uow, clock=env.clock, account=account, did=" did:key:z6Mk1 ")
    assert stored.did == "did:key:z6Mk1"
    with pytest.raises(InvalidInputError, match=r"^did: "):
        accounts.set_did(uow=env.uow, clock=env.clock, account=account, did="https://x")
    assert accounts.set_did(uow=env.uow, clock=env.clock, account=account, did="").did is None


def test_the_next_path_of_a_sign_in_link_is_url_encoded() -> None:
    env = Env()
    learner(env, password=None)
    accounts.send_sign_in_link(  # type: ignore[arg-type]
        renderer=PlainRenderer(),
        kind="learner",
        email="aoife.murphy@example.ie",
        base_url=BASE,
        next_path="/wallet?tab=a&b=c #x",
        **env.writes,
    )
    (mail,) = env.store.tables.mails.values()
    [url] = [line[len("url=") :] for line in mail.text.splitlines() if line.startswith("url=")]
    query = urlsplit(url).query
    assert query == "next=/wallet%3Ftab%3Da%26b%3Dc%20%23x"
    assert parse_qs(query) == {"next": ["/wallet?tab=a&b=c #x"]}
