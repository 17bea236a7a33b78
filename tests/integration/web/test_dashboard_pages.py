"""The issuer dashboard: staff sign-in, issue one award, search the awards, revoke with
confirmation; CSRF on every POST; a viewer reads but cannot issue."""

from __future__ import annotations

from api_support import DESCRIPTION
from web_support import WebEnv
from web_support import add_staff as _staff
from web_support import csrf_of as _csrf
from web_support import sign_in_staff as _sign_in


def test_sign_in_issue_search_and_revoke(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    _staff(web, "issuer", "sile@example.ie")
    client = web.api.client
    assert web.page("/dashboard").url.path == "/dashboard/sign-in"  # signed out: sent to sign in
    wrong = client.post(
        "/dashboard/sign-in",
        data={"email": "sile@example.ie", "password": "nope nope nope", "csrf_token": "x"},
    )
    assert wrong.status_code == 403  # no CSRF cookie yet
    signed = _sign_in(web, "sile@example.ie")
    assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
    overview = web.page("/dashboard")
    assert overview.status_code == 200 and "Síle Byrne" in overview.text
    assert "No awards yet." in overview.text and 'href="/dashboard/issue"' in overview.text
    form = web.page("/dashboard/issue")
    assert f'<option value="{version_id}"' in form.text
    token = _csrf(form)
    bad = client.post(
        "/dashboard/issue",
        data={
            "version_id": version_id,
            "name": "Aoife Murphy",
            "email": "no-at-sign",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 422 and "The credential was not issued" in bad.text
    issued = client.post(
        "/dashboard/issue",
        data={
            "version_id": version_id,
            "name": "Aoife Murphy",
            "email": "aoife@example.ie",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert issued.status_code == 303, issued.text[:2000]
    award_url = issued.headers["location"].split("?")[0]
    page = web.page(issued.headers["location"])
    assert "The credential was issued and signed." in page.text
    assert 'id="award-state">active<' in page.text
    found = web.page("/dashboard?q=aoife")
    assert award_url in found.text and "Aoife Murphy" in found.text
    assert "No award matches" in web.page("/dashboard?q=zzzz").text
    unconfirmed = client.post(f"{award_url}/status", data={"action": "revoke", "csrf_token": token})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm." in unconfirmed.text
    forged = client.post(f"{award_url}/status", data={"action": "revoke", "confirm": "yes"})
    assert forged.status_code == 403
    revoked = client.post(
        f"{award_url}/status",
        data={"action": "revoke", "confirm": "yes", "reason": "error", "csrf_token": token},
    )
    assert revoked.status_code == 200 and "The credential was revoked." in revoked.text
    assert 'id="award-state">revoked<' in revoked.text


def test_a_viewer_reads_but_cannot_issue(web: WebEnv) -> None:
    web.publish(DESCRIPTION)
    _staff(web, "viewer", "viewer@example.ie")
    assert _sign_in(web, "viewer@example.ie").status_code == 303
    overview = web.page("/dashboard")
    assert overview.status_code == 200 and 'href="/dashboard/issue"' not in overview.text
    form = web.page("/dashboard/issue")
    assert form.status_code == 403 and "not issue them" in form.text
    refused = web.api.client.post(
        "/dashboard/issue",
        data={"version_id": "x", "name": "A", "csrf_token": _csrf(overview)},
    )
    assert refused.status_code == 403


def test_the_issue_form_sets_the_language_of_the_claim_mail(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    _staff(web, "issuer", "sile@example.ie")
    _sign_in(web, "sile@example.ie")
    form = web.page("/dashboard/issue")
    assert '<option value="fr" lang="fr"' in form.text
    fields = {"version_id": version_id, "name": "Zoé Martin", "email": "zoe@example.fr"}
    token = _csrf(form)
    bad = web.api.client.post(
        "/dashboard/issue", data={**fields, "language": "fr fr", "csrf_token": token}
    )
    assert bad.status_code == 422 and "is not a BCP 47 language tag" in bad.text
    issued = web.api.client.post(
        "/dashboard/issue",
        data={**fields, "language": "fr", "csrf_token": token},
        follow_redirects=False,
    )
    assert issued.status_code == 303
    award_id = issued.headers["location"].split("?")[0].rsplit("/", 1)[-1]
    with web.api.services.uow() as tx:
        award = tx.awards.get(award_id)
    assert award is not None and award.learner["language"] == "fr"


def test_signed_out_form_posts_are_sent_to_sign_in(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    posted = web.api.client.post(
        "/dashboard/issue",
        data={"version_id": version_id, "name": "Aoife Murphy", "email": "aoife@example.ie"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"].startswith("/dashboard/sign-in")
