"""Sessions and forms of the web pages (issue 4; OWASP ASVS V3 session management, V4.2 CSRF,
V5.1.5 redirects): every state-changing POST needs the CSRF token of its page, signing in gives
a new server-made token, signing out ends the session on the server, ``next`` and the language
switcher only lead to paths of this site, cookies are HttpOnly/SameSite/Secure, failed sign-ins
look the same for known and unknown e-mails and are rate-limited."""

from __future__ import annotations

import re

import httpx
import pytest
from api_support import DESCRIPTION, build_env
from fastapi import FastAPI
from security_support import PASSWORD, browser, csrf, register, web_routes
from web_support import WebEnv, add_staff, web_services

from microcred.web import install_web
from microcred.web.language import local_path
from microcred.web.session import CSRF_COOKIE, SESSION_COOKIE

NOT_STATE_CHANGING = {
    "/verify": "verifies what is posted, stores nothing",
    "/verify/presentation": "verifies what is posted, stores nothing",
    "/language": "only sets the interface-language preference cookie",
}


def post_routes(web: WebEnv) -> list[str]:
    app = web.api.client.app
    assert isinstance(app, FastAPI)
    return sorted({path for method, path in web_routes(app) if method == "POST"})


def concrete(path: str, known: dict[str, str]) -> str:
    """``path`` with its parameters replaced by ids that exist (``known``) or a made-up one."""
    return re.sub(r"\{([^}]+)\}", lambda m: known.get(m.group(1), "abcdefghijklmnop"), path)


def test_the_route_list_covers_the_known_forms(web: WebEnv) -> None:
    paths = post_routes(web)
    for known in ("/sign-in", "/register", "/wallet/import", "/dashboard/issue", "/claim/{token}"):
        assert known in paths


@pytest.mark.parametrize("token", [None, "", "x" * 43], ids=["missing", "empty", "wrong"])
def test_every_state_changing_post_refuses_a_bad_csrf_token(web: WebEnv, token: str | None) -> None:
    client = browser(web)
    assert register(client, "csrf@example.ie").status_code == 303
    learner_cookie = client.cookies.get(SESSION_COOKIE)
    add_staff(web, "owner", "owner@example.ie")
    form = client.get("/dashboard/sign-in")
    client.post(
        "/dashboard/sign-in",
        data={"email": "owner@example.ie", "password": PASSWORD, "csrf_token": csrf(form)},
    )
    staff_cookie = client.cookies.get(SESSION_COOKIE)
    assert learner_cookie and staff_cookie and learner_cookie != staff_cookie
    _, owner = web.provider("University of Galway")
    created = web.api.client.post(
        "/api/v1/catalogue/entries", json={"description": DESCRIPTION}, headers=owner
    ).json()
    known = {"entry_id": created["entry"]["id"], "version_id": created["version"]["id"]}
    assert client.cookies.get(CSRF_COOKIE)
    checked = 0
    for path in post_routes(web):
        if path in NOT_STATE_CHANGING:
            continue
        session = staff_cookie if path.startswith("/dashboard") else learner_cookie
        client.cookies.set(SESSION_COOKIE, session)
        data = {} if token is None else {"csrf_token": token}
        answer = client.post(concrete(path, known), data=data, follow_redirects=False)
        unknown_ids = [p for p in re.findall(r"\{([^}]+)\}", path) if p not in known]
        # A made-up id may be looked up (404, nothing changed) before the token is checked;
        # every route whose ids this test can fill must answer 403.
        allowed = (403, 404) if unknown_ids else (403,)
        assert answer.status_code in allowed, (path, answer.status_code, answer.text[:300])
        checked += answer.status_code == 403
    assert checked >= 15


def test_sign_in_issues_a_new_token_and_never_adopts_a_planted_one(web: WebEnv) -> None:
    client = browser(web)
    register(client, "attacker@example.ie")
    attacker_token = client.cookies.get(SESSION_COOKIE)
    assert attacker_token
    client.cookies.clear()
    register(client, "victim@example.ie")
    client.post("/sign-out", data={"csrf_token": csrf(client.get("/account"))})
    # The attacker plants their own session cookie in the victim's browser (fixation).
    client.cookies.set(SESSION_COOKIE, attacker_token)
    form = client.get("/sign-in")
    answer = client.post(
        "/sign-in",
        data={"csrf_token": csrf(form), "email": "victim@example.ie", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    victim_token = answer.cookies.get(SESSION_COOKIE)
    assert victim_token and victim_token != attacker_token
    # The planted token still belongs to the attacker: it never became the victim's session.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, attacker_token)
    page = client.get("/account")
    assert "attacker@example.ie" in page.text and "victim@example.ie" not in page.text


def test_an_unknown_or_forged_session_token_signs_nobody_in(web: WebEnv) -> None:
    client = browser(web)
    for forged in ("x", "A" * 43, "' OR 1=1 --"):
        client.cookies.set(SESSION_COOKIE, forged)
        answer = client.get("/account", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")


@pytest.mark.parametrize(
    ("sign_out", "protected"),
    [("/sign-out", "/account"), ("/dashboard/sign-out", "/dashboard")],
)
def test_signing_out_ends_the_session_on_the_server(
    web: WebEnv, sign_out: str, protected: str
) -> None:
    client = browser(web)
    if sign_out == "/sign-out":
        register(client, "leaver@example.ie")
    else:
        add_staff(web, "viewer", "leaver@example.ie")
        form = client.get("/dashboard/sign-in")
        client.post(
            "/dashboard/sign-in",
            data={"email": "leaver@example.ie", "password": PASSWORD, "csrf_token": csrf(form)},
        )
    token = client.cookies.get(SESSION_COOKIE)
    assert token
    assert client.get(protected, follow_redirects=False).status_code == 200
    out = client.post(
        sign_out, data={"csrf_token": csrf(client.get(protected))}, follow_redirects=False
    )
    assert out.status_code == 303
    # A copy of the cookie kept by an attacker (or a shared computer) is worth nothing now.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    again = client.get(protected, follow_redirects=False)
    assert again.status_code == 303 and "sign-in" in again.headers["location"]


HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\r\nSet-Cookie: x=1",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    " //evil.example",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_local_path_keeps_every_redirect_on_the_site(target: str) -> None:
    assert local_path(target) == "/"


@pytest.mark.parametrize("target", ["/wallet", "/claim/abc?x=1", "/catalogue/v1#top"])
def test_local_path_keeps_paths_of_the_site(target: str) -> None:
    assert local_path(target) == target


@pytest.mark.parametrize("target", HOSTILE_NEXT[:9])
def test_sign_in_and_language_switch_never_redirect_off_site(web: WebEnv, target: str) -> None:
    client = browser(web)
    register(client, "next@example.ie")
    client.post("/sign-out", data={"csrf_token": csrf(client.get("/account"))})
    form = client.get("/sign-in")
    signed = client.post(
        "/sign-in",
        data={
            "csrf_token": csrf(form),
            "email": "next@example.ie",
            "password": PASSWORD,
            "next": target,
        },
        follow_redirects=False,
    )
    switched = client.post("/language", data={"lang": "fr", "next": target}, follow_redirects=False)
    for answer in (signed, switched):
        assert answer.status_code == 303
        assert answer.headers["location"] == "/", (target, answer.headers["location"])


def test_a_sign_in_link_with_a_foreign_next_stays_on_the_site(web: WebEnv) -> None:
    client = browser(web)
    register(client, "linked@example.ie", password="")
    [mail] = web.api.store.tables.mails.values()
    link = re.search(r"https://issuer\.example(/account/link/[^\s?\"<]+)", mail.text)
    assert link
    used = client.get(f"{link.group(1)}?next=//evil.example/", follow_redirects=False)
    assert (used.status_code, used.headers["location"]) == (303, "/")


def _cookie_headers(answer: httpx.Response) -> dict[str, str]:
    return {
        header.split("=", 1)[0]: header.lower() for header in answer.headers.get_list("set-cookie")
    }


def test_cookies_are_httponly_samesite_and_secure_on_https(web: WebEnv) -> None:
    client = browser(web)
    answer = register(client, "cookies@example.ie")
    cookies = _cookie_headers(answer)
    session = cookies[SESSION_COOKIE]
    assert "httponly" in session and "samesite=lax" in session and "secure" in session
    form_cookies = _cookie_headers(client.get("/sign-in", headers={"Cookie": ""}))
    assert "httponly" in form_cookies[CSRF_COOKIE] and "secure" in form_cookies[CSRF_COOKIE]
    language = _cookie_headers(
        client.post("/language", data={"lang": "de"}, follow_redirects=False)
    )
    assert "secure" in language["microcred_lang"]


def test_cookies_are_not_secure_on_a_plain_http_site() -> None:
    env = build_env(base_url="http://localhost:8000")
    app = env.client.app
    assert isinstance(app, FastAPI)
    install_web(app, web_services(env))
    with env.client as client:
        client.headers["Accept"] = "text/html"
        cookies = _cookie_headers(client.get("/sign-in"))
        assert "httponly" in cookies[CSRF_COOKIE] and "secure" not in cookies[CSRF_COOKIE]


def test_failed_sign_ins_look_the_same_and_are_rate_limited(web: WebEnv) -> None:
    client = browser(web)
    register(client, "known@example.ie")
    client.post("/sign-out", data={"csrf_token": csrf(client.get("/account"))})
    token = csrf(client.get("/sign-in"))

    def attempt(email: str, password: str = "wrong password!") -> httpx.Response:
        return client.post(
            "/sign-in", data={"csrf_token": token, "email": email, "password": password}
        )

    known, unknown = attempt("known@example.ie"), attempt("nobody@example.ie")
    assert known.status_code == unknown.status_code == 401
    strip = re.compile(r"(known|nobody)@example\.ie|csrf_token\" value=\"[^\"]+")
    assert strip.sub("", known.text) == strip.sub("", unknown.text)
    answers = [attempt("known@example.ie") for _ in range(12)]
    assert answers[-1].status_code == 401 and "too many" in answers[-1].text
    # Even the right password is refused while the limit holds (no guessing through it).
    right = attempt("known@example.ie", PASSWORD)
    assert right.status_code == 401 and SESSION_COOKIE not in right.headers.get("set-cookie", "")
    # Unknown addresses are limited the same way: the limit reveals nothing either.
    for _ in range(12):
        last = attempt("nobody@example.ie")
    assert "too many" in last.text


def test_a_link_request_says_the_same_for_known_and_unknown_addresses(web: WebEnv) -> None:
    client = browser(web)
    register(client, "someone@example.ie")
    token = csrf(client.get("/sign-in"))
    sent = [
        client.post("/sign-in/link", data={"csrf_token": token, "email": email})
        for email in ("someone@example.ie", "nobody@example.ie")
    ]
    assert sent[0].status_code == sent[1].status_code == 200
    assert sent[0].text.replace("someone@", "X@") == sent[1].text.replace("nobody@", "X@")
