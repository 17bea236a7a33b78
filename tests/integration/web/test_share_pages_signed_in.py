"""The learner's share pages with a signed-in learner, on SQLite and PostgreSQL, through the real
app (bootstrap container, pages and store): a learner imports a credential this server issued,
creates a share link that a visitor opens, stops sharing it (410 afterwards); another learner can
neither see, add to nor revoke that learner's links (404)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from learner_site import BROWSER, Site, csrf, registered_learner, site_on


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from site_on(database_url, tmp_path_factory.mktemp("data"))


def _csrf(page: httpx.Response) -> str:
    return csrf(page)


def _learner_with_credential(site: Site, email: str) -> tuple[TestClient, str]:
    """A registered, signed-in learner's browser and the id of the credential they imported."""
    client = registered_learner(site, email)
    form = client.get("/wallet/import", headers=BROWSER)
    imported = client.post(
        "/wallet/import",
        data={"csrf_token": _csrf(form)},
        files={"file": ("credential.json", site.credential.encode(), "application/json")},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text
    return client, imported.headers["location"].rsplit("/", 1)[1]


def _links(page: httpx.Response) -> list[tuple[str, str]]:
    """(share token, link id) of each live link listed on the learner's share page."""
    tokens = re.findall(r"<code>https://issuer\.example/s/([A-Za-z0-9_-]+)</code>", page.text)
    ids = re.findall(r'action="/wallet/shares/([^/"]+)/revoke"', page.text)
    return list(zip(tokens, ids, strict=False))


def test_a_learner_shares_a_credential_and_stops_sharing_it(site: Site) -> None:
    anna, holding_id = _learner_with_credential(site, "anna@learner.example")
    manage = anna.get(f"/wallet/{holding_id}/share", headers=BROWSER)
    assert manage.status_code == 200 and "You have not shared this credential yet." in manage.text
    created = anna.post(
        f"/wallet/{holding_id}/share",
        data={"csrf_token": _csrf(manage), "visibility": "public", "label": "For my CV"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert created.headers["location"] == f"/wallet/{holding_id}/share"
    manage = anna.get(f"/wallet/{holding_id}/share", headers=BROWSER)
    [(token, link_id)] = _links(manage)
    assert "For my CV" in manage.text and "Stop sharing" in manage.text

    visitor = site.client()
    shown = visitor.get(f"/s/{token}", headers=BROWSER)
    assert shown.status_code == 200
    assert "Data Protection by Design" in shown.text and 'data-verdict="verified"' in shown.text
    assert "noindex" not in shown.text and "X-Robots-Tag" not in shown.headers  # public

    no_token = anna.post(f"/wallet/shares/{link_id}/revoke", data={}, follow_redirects=False)
    assert no_token.status_code == 403  # the CSRF check
    revoked = anna.post(
        f"/wallet/shares/{link_id}/revoke",
        data={"csrf_token": _csrf(manage)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert revoked.headers["location"] == f"/wallet/{holding_id}/share"
    manage = anna.get(f"/wallet/{holding_id}/share", headers=BROWSER)
    assert _links(manage) == [] and "Revoked" in manage.text
    gone = visitor.get(f"/s/{token}", headers=BROWSER)
    assert gone.status_code == 410 and "no longer shared" in gone.text
    assert gone.headers["X-Robots-Tag"] == "noindex"
    assert visitor.get(f"/s/{token}", headers={"Accept": "application/json"}).status_code == 410


def test_another_learner_cannot_see_add_to_or_revoke_the_links(site: Site) -> None:
    anna, holding_id = _learner_with_credential(site, "anna.two@learner.example")
    manage = anna.get(f"/wallet/{holding_id}/share", headers=BROWSER)
    anna.post(
        f"/wallet/{holding_id}/share",
        data={"csrf_token": _csrf(manage), "expires": "2099-12-31"},
        follow_redirects=False,
    )
    [(token, link_id)] = _links(anna.get(f"/wallet/{holding_id}/share", headers=BROWSER))

    ben, _ = _learner_with_credential(site, "ben@learner.example")
    own_page = ben.get("/wallet", headers=BROWSER)
    token_of_ben = _csrf(own_page)
    assert ben.get(f"/wallet/{holding_id}/share", headers=BROWSER).status_code == 404
    added = ben.post(
        f"/wallet/{holding_id}/share", data={"csrf_token": token_of_ben}, follow_redirects=False
    )
    assert added.status_code == 404
    refused = ben.post(
        f"/wallet/shares/{link_id}/revoke",
        data={"csrf_token": token_of_ben},
        follow_redirects=False,
    )
    assert refused.status_code == 404 and "No such share link." in refused.text
    assert ben.post("/wallet/shares/no-such-link/revoke", data={"csrf_token": token_of_ben},
                    follow_redirects=False).status_code == 404  # fmt: skip

    still = site.client().get(f"/s/{token}", headers=BROWSER)
    assert still.status_code == 200  # Ben's attempt changed nothing
    assert len(_links(anna.get(f"/wallet/{holding_id}/share", headers=BROWSER))) == 1
    signed_out = site.client().post(
        f"/wallet/shares/{link_id}/revoke", data={}, follow_redirects=False
    )
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/sign-in")


def test_the_share_page_and_the_wallet_show_every_eu_element_the_name_and_a_local_badge(
    site: Site,
) -> None:
    anna, holding_id = _learner_with_credential(site, "anna.three@learner.example")
    manage = anna.get(f"/wallet/{holding_id}/share", headers=BROWSER)
    anna.post(
        f"/wallet/{holding_id}/share",
        data={"csrf_token": _csrf(manage), "visibility": "public"},
        follow_redirects=False,
    )
    [(token, _)] = _links(anna.get(f"/wallet/{holding_id}/share", headers=BROWSER))
    visitor = site.client()
    shared = visitor.get(f"/s/{token}", headers=BROWSER).text
    detail = anna.get(f"/wallet/{holding_id}", headers=BROWSER).text
    for page in (shared, detail):
        for element in (
            "Aoife Murphy",  # identityType name
            "Supervision and identity check",
            "Integration and stackability",
            "Postgraduate Certificate in Data Protection",
            "Prerequisites",
            "A bachelor&#39;s degree",
            "QF-EHEA",
            "Further information",
            "https://www.universityofgalway.ie/microcredentials",
            "valid for 5 years",
            "Quality and Qualifications Ireland",
            "Pass / Fail",
            "GDPR, privacy",
        ):
            assert element in page, element
        assert '<span lang="en">Explain the principles of GDPR Article 5' in page
    awarded_to = re.search(r"<dt>Awarded to</dt><dd>([^<]*)", shared)
    assert awarded_to and awarded_to.group(1) == "Aoife Murphy"
    assert "universityofgalway.ie/microcredentials/badges" not in shared  # no remote image
    image = re.search(r'<img class="badge" src="([^"]+)"', shared)
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', shared)
    assert image and og_image
    assert og_image.group(1) == "https://issuer.example" + image.group(1)
    badge = visitor.get(image.group(1))
    assert badge.status_code == 200 and badge.headers["content-type"] == "image/png"
    assert badge.content.startswith(b"\x89PNG") and b"openbadgecredential" in badge.content
    assert visitor.get("/s/no-such-token/badge.png").status_code == 404
