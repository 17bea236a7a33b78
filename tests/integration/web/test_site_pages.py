"""The frame of every page: interface language (switcher cookie > account > Accept-Language >
English), the switcher's safe redirect, the static assets and the security headers."""

from __future__ import annotations

from web_support import WebEnv

from microcred.web import STYLESHEET_PATH
from microcred.web.language import LANGUAGE_COOKIE, local_path

FRENCH_FOOTER = "Vérifier un justificatif"


def test_the_language_follows_accept_language_then_english(web: WebEnv) -> None:
    english = web.page("/catalogue")
    assert '<html lang="en">' in english.text and english.headers["content-language"] == "en"
    assert "Verify a credential" in english.text
    french = web.page("/catalogue", **{"Accept-Language": "it, fr-BE;q=0.8, en;q=0.5"})
    assert '<html lang="fr">' in french.text and FRENCH_FOOTER in french.text
    assert french.headers["content-language"] == "fr"
    assert '<html lang="de">' in web.page("/catalogue", **{"Accept-Language": "de-AT"}).text
    assert '<html lang="en">' in web.page("/catalogue", **{"Accept-Language": "it"}).text


def test_the_switcher_remembers_the_choice_and_goes_back(web: WebEnv) -> None:
    client = web.api.client
    page = web.page("/catalogue")
    for code in ("en", "fr", "de"):
        assert f'name="lang" value="{code}"' in page.text
    assert 'name="next" value="/catalogue"' in page.text
    answer = client.post(
        "/language", data={"lang": "fr", "next": "/catalogue?q=data"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/catalogue?q=data"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{LANGUAGE_COOKIE}=fr;") and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower() and "Secure" in cookie  # the server is https
    # the choice wins over Accept-Language (the test client speaks http: set the cookie by hand)
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    chosen = web.page("/catalogue", **{"Accept-Language": "de"})
    assert '<html lang="fr">' in chosen.text and FRENCH_FOOTER in chosen.text
    assert 'aria-pressed="true">Français' in chosen.text
    unknown = client.post("/language", data={"lang": "xx", "next": "/"}, follow_redirects=False)
    assert unknown.status_code == 303 and "set-cookie" not in unknown.headers


def test_the_switcher_never_redirects_off_the_site(web: WebEnv) -> None:
    for target in (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "",
        "x",
        "/a\nb",
    ):
        answer = web.api.client.post(
            "/language", data={"lang": "de", "next": target}, follow_redirects=False
        )
        assert answer.headers["location"] == "/", target
    assert local_path("/verify?credential=https%3A%2F%2Fx") == "/verify?credential=https%3A%2F%2Fx"


def test_assets_and_headers(web: WebEnv) -> None:
    css = web.page(STYLESHEET_PATH)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["x-content-type-options"] == "nosniff"
    assert web.page("/assets/../rendering.py").status_code == 404
    assert web.page("/assets/nothing.css").status_code == 404
    policy = web.page("/catalogue").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_the_front_door_sends_browsers_to_the_catalogue(web: WebEnv) -> None:
    home = web.api.client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/catalogue"
    assert web.page("/").url.path == "/catalogue"
