"""Pages read in French or German show no English interface text (issue 4, "English, French
and German from day one"): EU vocabulary labels, durations, states and error sentences chosen at
run time are translated, on the wallet, share, dashboard and catalogue pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from api_support import DESCRIPTION
from learner_site import BROWSER, Site, csrf, registered_learner, site_on
from web_support import WebEnv, add_staff, csrf_of, sign_in_staff

from microcred.core.i18n import translator
from microcred.core.model.vocabularies import ASSESSMENT_TYPES, PARTICIPATION_FORMS, label_of

# Labels of the example micro-credential's elements, in the English the pages must not show.
ENGLISH = ("Form of participation", "Learning outcomes", "Type of assessment", "Keywords")


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from site_on(database_url, tmp_path_factory.mktemp("data"))


def _text(html: str) -> str:
    """The words of a page (tags removed), for looking for English words."""
    return re.sub(r"<[^>]+>", " ", html)


def _assert_eu_elements_in(language: str, html: str) -> None:
    t = translator(language)
    for english in ENGLISH:
        assert t.gettext(english) in html, english
        assert english not in _text(html), english
    online = label_of(PARTICIPATION_FORMS.resolve("online"))
    exam = label_of(ASSESSMENT_TYPES.resolve("exam"))
    assert t.gettext(exam) in html  # (the English may occur in the description text)
    assert t.gettext(online) in html
    five_years = {"fr": "5 ans", "de": "5 Jahre"}[language]
    assert five_years in html and "5 years" not in html
    assert t.gettext("status") in html  # the kind of grade (OB 3.0 ResultType Status)


@pytest.mark.parametrize("language", ["fr", "de"])
def test_wallet_and_share_pages_show_the_credential_in_the_chosen_language(
    site: Site, language: str
) -> None:
    learner = registered_learner(site, f"lea-{language}@learner.example")
    form = learner.get("/wallet/import", headers=BROWSER)
    imported = learner.post(
        "/wallet/import",
        data={"csrf_token": csrf(form)},
        files={"file": ("credential.json", site.credential.encode(), "application/json")},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text
    holding = imported.headers["location"].rsplit("/", 1)[1]
    learner.cookies.set("microcred_lang", language)  # the switcher's choice wins
    detail = learner.get(f"/wallet/{holding}", headers=BROWSER)
    assert detail.status_code == 200 and detail.headers["content-language"] == language
    _assert_eu_elements_in(language, detail.text)

    manage = learner.get(f"/wallet/{holding}/share", headers=BROWSER)
    bad_date = learner.post(
        f"/wallet/{holding}/share",
        data={"csrf_token": csrf(manage), "visibility": "public", "expires": "soon"},
    )
    t = translator(language)
    assert bad_date.status_code == 422
    assert t.gettext("What you entered could not be accepted.") in bad_date.text
    created = learner.post(
        f"/wallet/{holding}/share",
        data={"csrf_token": csrf(manage), "visibility": "public"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    listed = learner.get(f"/wallet/{holding}/share", headers=BROWSER)
    token = re.findall(r"/s/([A-Za-z0-9_-]+)</code>", listed.text)[0]

    visitor = site.client()
    headers = {**BROWSER, "Accept-Language": f"{language}, en;q=0.5"}
    shared = visitor.get(f"/s/{token}", headers=headers)
    assert shared.status_code == 200 and shared.headers["content-language"] == language
    _assert_eu_elements_in(language, shared.text)
    unknown = visitor.get("/s/no-such-token", headers=headers)
    assert unknown.status_code == 404
    assert t.gettext("No credential is shared at this address.") in unknown.text
    assert "No credential is shared" not in unknown.text


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_failed_sign_in_is_explained_in_the_visitor_language(site: Site, language: str) -> None:
    browser = site.client()
    headers = {**BROWSER, "Accept-Language": language}
    form = browser.get("/sign-in", headers=headers)
    failed = browser.post(
        "/sign-in",
        data={"csrf_token": csrf(form), "email": "nobody@example.org", "password": "wrong one"},
        headers=headers,
    )
    assert failed.status_code == 401
    sentence = translator(language).gettext(
        "Sign-in failed: the e-mail address or the password is wrong, or the link has expired."
    )
    assert sentence in failed.text
    assert "the e-mail address or the password is wrong" not in failed.text


def test_the_dashboard_award_page_names_its_state_in_french(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    add_staff(web, "issuer", "sile@example.ie")
    assert sign_in_staff(web, "sile@example.ie").status_code == 303
    client = web.api.client
    token = csrf_of(web.page("/dashboard/issue"))
    issued = client.post(
        "/dashboard/issue",
        data={"version_id": version_id, "name": "Aoife Murphy", "email": "aoife@example.ie",
              "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    award_url = issued.headers["location"].split("?")[0]
    client.post(
        f"{award_url}/status",
        data={"action": "revoke", "confirm": "yes", "reason": "error", "csrf_token": token},
    )
    for language, state in (("fr", "révoquée"), ("de", "widerrufen")):
        page = web.page(award_url, **{"Accept-Language": language})
        assert f'id="award-state">{state}<' in page.text
        assert ">revoked<" not in page.text
        overview = web.page("/dashboard", **{"Accept-Language": language})
        assert f">{state}<" in overview.text and ">revoked<" not in overview.text


def test_catalogue_search_errors_are_in_the_visitor_language(web: WebEnv) -> None:
    page = web.page("/catalogue?eqf_level=9&ects_min=5000&page=0", **{"Accept-Language": "fr"})
    assert page.status_code == 422
    assert "Choisissez un niveau du CEC entre 1 et 8." in page.text
    assert "Saisissez un nombre de crédits entre 0 et 1000." in page.text
    assert "Choose an EQF level" not in page.text
    form = web.page("/catalogue", **{"Accept-Language": "de"})
    assert "Online" in form.text and "Präsenz" in form.text  # the participation options
    assert ">Presential<" not in form.text
