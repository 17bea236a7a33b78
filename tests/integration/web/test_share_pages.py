"""The public share page and the presentation verifier page, through the installed web app."""

from __future__ import annotations

import json
import re
from pathlib import Path

from web_support import WebEnv

from fakes import FakeCipher
from microcred.service.accounts import Account
from microcred.service.learner_records import HoldingRecord
from microcred.service.presentations import present
from microcred.service.sharing import create_share_link, revoke_share_link
from microcred.service.sharing_records import ShareLinkRecord

PEER = Path(__file__).parents[2] / "vectors" / "js-peer-issued"
ANNA = Account(kind="learner", id="learner-anna", email="a@example.org", name="Anna", language=None)


def shared(web: WebEnv, **options: object) -> ShareLinkRecord:
    services = web.api.services
    with services.uow() as tx:
        if tx.holdings.get("h1") is None:
            tx.holdings.add(
                HoldingRecord(
                    id="h1",
                    learner_id=ANNA.id,
                    credential=(PEER / "ob3-signed.json").read_text(encoding="utf-8"),
                    kind="ob3",
                    source="import:ob3-signed.json",
                    added_at=services.clock(),
                    title="Data Literacy",
                    issuer_name="Example University",
                )
            )
            tx.commit()
    return create_share_link(
        ANNA,
        "h1",
        uow=services.uow,
        clock=services.clock,
        rng=services.rng,
        **options,  # type: ignore[arg-type]
    )


def meta(html: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return found.group(1) if found else None


def test_an_unlisted_share_page_shows_the_credential_its_check_and_previews(web: WebEnv) -> None:
    link = shared(web)
    page = web.page(f"/s/{link.token}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Data Literacy" in html and "Example University" in html
    assert meta(html, "og:title") == "Data Literacy"
    assert meta(html, "og:type") == "website"
    assert (meta(html, "og:url") or "").endswith(f"/s/{link.token}")
    assert meta(html, "og:description") and meta(html, "twitter:card")
    assert meta(html, "robots") == "noindex" and page.headers["x-robots-tag"] == "noindex"
    assert 'rel="canonical" href="' in html
    assert 'data-verdict="' in html  # the live verification report
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html


def test_a_public_share_page_is_indexable_and_json_is_offered(web: WebEnv) -> None:
    link = shared(web, visibility="public")
    page = web.page(f"/s/{link.token}")
    assert page.status_code == 200 and meta(page.text, "robots") is None
    answer = web.api.client.get(f"/s/{link.token}", headers={"Accept": "application/json"})
    body = answer.json()
    assert (
        body["credential"]["id"]
        == json.loads((PEER / "ob3-signed.json").read_text(encoding="utf-8"))["id"]
    )
    assert "verified" in body["verification"] and "checks" in body["verification"]


def test_revoked_and_unknown_links(web: WebEnv) -> None:
    services = web.api.services
    link = shared(web)
    revoke_share_link(ANNA, link.id, uow=services.uow, clock=services.clock)
    gone = web.page(f"/s/{link.token}")
    assert gone.status_code == 410 and "no longer shared" in gone.text
    assert meta(gone.text, "robots") == "noindex"
    assert web.page("/s/AAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    json_gone = web.api.client.get(f"/s/{link.token}", headers={"Accept": "application/json"})
    assert json_gone.status_code == 410


def test_learner_pages_need_a_signed_in_learner(web: WebEnv) -> None:
    for path in ("/wallet/h1/share", "/present"):
        answer = web.api.client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")


def test_the_verifier_page_gives_a_challenge_and_checks_a_presentation(web: WebEnv) -> None:
    form = web.page("/verify/presentation")
    assert form.status_code == 200
    challenge = re.search(
        r'id="challenge" name="challenge" maxlength="512" value="([^"]+)"', form.text
    )
    assert challenge is not None
    services = web.api.services
    shared(web)
    vp = present(
        ANNA,
        ["h1"],
        challenge=challenge.group(1),
        domain="jobs.example",
        uow=services.uow,
        cipher=FakeCipher(),
        clock=services.clock,
        rng=services.rng,
    )
    data = {"challenge": challenge.group(1), "domain": "jobs.example"}
    ok = web.api.client.post(
        "/verify/presentation",
        data={**data, "presentation": json.dumps(vp)},
        headers={"Accept": "text/html"},
    )
    assert ok.status_code == 200 and "The presentation is verified." in ok.text
    assert vp["holder"] in ok.text
    wrong = web.api.client.post(
        "/verify/presentation",
        data={**data, "challenge": "other", "presentation": json.dumps(vp)},
        headers={"Accept": "text/html"},
    )
    assert "The presentation is NOT verified." in wrong.text
    empty = web.api.client.post("/verify/presentation", data=data, headers={"Accept": "text/html"})
    assert empty.status_code == 422
