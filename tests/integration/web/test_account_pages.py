"""The learner account pages: a wrong password and an unknown e-mail get the same 401 page; an
e-mailed sign-in link signs in once and leads back to ``next``; signing out ends the session;
the settings store the language and the DID; forms without the CSRF token are refused; pages
that need a learner send others to the sign-in page."""

from __future__ import annotations

import re

import httpx
from web_support import BROWSER, WebEnv

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:300]
    return found.group(1)


def browser(web: WebEnv) -> httpx.Client:
    client = web.api.client
    client.base_url = httpx.URL("https://testserver")  # the cookies are Secure
    client.headers["Accept"] = BROWSER
    return client


def register(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/register")
    return client.post(
        "/register",
        data={"csrf_token": csrf(form), "email": email, "name": "Aoife", "password": password},
        follow_redirects=False,
    )


def test_failures_look_the_same_and_success_signs_in(web: WebEnv) -> None:
    client = browser(web)
    assert register(client, "aoife@example.ie").status_code == 303
    client.post("/sign-out", data={"csrf_token": csrf(client.get("/account"))})
    assert client.get("/wallet", follow_redirects=False).headers["location"] == (
        "/sign-in?next=/wallet"
    )
    form = client.get("/sign-in?next=/account")
    token = csrf(form)
    wrong = client.post(
        "/sign-in", data={"csrf_token": token, "email": "aoife@example.ie", "password": "nope"}
    )
    unknown = client.post(
        "/sign-in", data={"csrf_token": token, "email": "who@example.ie", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    message = "the e-mail address or the password is wrong"
    assert message in wrong.text and message in unknown.text
    right = client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": "aoife@example.ie",
            "password": PASSWORD,
            "next": "/account",
        },
        follow_redirects=False,
    )
    assert (right.status_code, right.headers["location"]) == (303, "/account")
    assert "aoife@example.ie" in client.get("/account").text


def test_an_emailed_link_signs_in_once(web: WebEnv) -> None:
    client = browser(web)
    register(client, "link@example.ie", password="")  # passwordless: a link is mailed
    [first] = web.api.store.tables.mails.values()
    assert first.to == "link@example.ie"
    client.cookies.clear()
    form = client.get("/sign-in")
    sent = client.post(
        "/sign-in/link",
        data={"csrf_token": csrf(form), "email": "link@example.ie", "next": "/wallet"},
    )
    assert sent.status_code == 200 and "link@example.ie" in sent.text
    mails = sorted(web.api.store.tables.mails.values(), key=lambda m: m.id)
    [latest] = [m for m in mails if m.id != first.id]
    found = re.search(r"https://issuer\.example(/account/link/[^\s]+)", latest.text)
    assert found
    used = client.get(found.group(1), follow_redirects=False)
    assert (used.status_code, used.headers["location"]) == (303, "/wallet")
    assert "microcred_session=" in used.headers["set-cookie"]
    client.cookies.clear()
    again = client.get(found.group(1), follow_redirects=False)
    assert again.status_code == 401


def test_settings_store_language_and_did_and_need_csrf(web: WebEnv) -> None:
    client = browser(web)
    register(client, "settings@example.ie")
    page = client.get("/account")
    token = csrf(page)
    assert client.post("/account/language", data={"language": "de"}).status_code == 403
    done = client.post(
        "/account/language", data={"csrf_token": token, "language": "de"}, follow_redirects=False
    )
    assert done.status_code == 303
    client.post("/account/did", data={"csrf_token": token, "did": "did:key:z6MkTest"})
    [learner] = [
        x for x in web.api.store.tables.learners.values() if x.email == "settings@example.ie"
    ]
    assert (learner.language, learner.did) == ("de", "did:key:z6MkTest")
    bad = client.post("/account/did", data={"csrf_token": token, "did": "not a did"})
    assert bad.status_code == 422 and "did:" in bad.text
