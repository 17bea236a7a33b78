"""The acceptance test of issue 4, in a real browser: an issuer signs in on the dashboard and
issues an award; the learner's claim e-mail arrives at the SMTP server on loopback; the learner
opens its link, registers, finds the credential valid in the wallet, downloads the baked PNG and
creates a share link; an employer (a fresh browser, nobody signed in) sees the shared page and
the uploaded PNG verified; the issuer revokes the award; the employer sees "revoked" on both,
and the learner's wallet says so.
The baked PNG and the PDF certificate's credential are verified by the JavaScript peer too.
Every page visited passes axe-core (no serious or critical violation); the learner's and the
employer's pages are saved as screenshots (desktop and phone) for docs/web-ui.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from browser_support import Live, check_accessibility, screenshot

from microcred.core.formats import baking
from microcred.core.formats.pdf_certificate import extract_credential
from microcred.service.accounts import set_staff_password
from microcred.service.catalogue import create_entry, publish_version
from microcred.service.organisations import create_organisation
from microcred.service.records import Principal
from microcred.service.users import add_user

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STAFF_EMAIL = "registrar@atlantic.example"
STAFF_PASSWORD = "a long staff passphrase"
LEARNER_NAME = "Aoife Ní Bhriain"
LEARNER_EMAIL = "aoife.nibhriain@learner.example"
LEARNER_PASSWORD = "my own wallet passphrase"


def _issuer(live: Live) -> str:
    """An organisation with a published micro-credential and a staff owner; its slug."""
    ports = live.container.ports
    organisation, _ = create_organisation(
        name="Atlantic Technological University", country="IE", **ports
    )
    owner = Principal(organisation_id=organisation.id, role="owner", actor="acceptance-test")
    writes = live.container.ports_writes
    user = add_user(owner, email=STAFF_EMAIL, name="Máire Walsh", role="owner", **writes)
    set_staff_password(principal=owner, user_id=user.id, password=STAFF_PASSWORD, **writes)
    _, version = create_entry(owner, description=EXAMPLE.read_text(encoding="utf-8"), **writes)
    publish_version(owner, version.id, **writes)
    return organisation.slug


def _checked(page: Any, axe: str, name: str | None = None) -> None:
    assert check_accessibility(page, axe) == [], page.url
    if name:
        screenshot(page, name)


def _verdict(page: Any) -> str:
    return str(page.get_attribute("[data-verdict]", "data-verdict"))


def _issue(page: Any, axe: str, base: str) -> str:
    """Sign in on the dashboard and issue an award to the learner; the award page's URL."""
    page.goto(f"{base}/dashboard")
    page.fill("#email", STAFF_EMAIL)
    page.fill("#password", STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/dashboard")
    page.goto(f"{base}/dashboard/issue")
    _checked(page, axe)
    page.fill("#name", LEARNER_NAME)
    page.fill("#email", LEARNER_EMAIL)
    page.get_by_role("button", name="Issue and sign").click()
    page.wait_for_selector("text=The credential was issued and signed.")
    assert page.inner_text("#award-state") == "active"
    _checked(page, axe)
    return str(page.url).split("?")[0]


def _claim_link(live: Live) -> str:
    """The claim link of the e-mail the mail runner sent to the learner over SMTP."""
    message = live.inbox.wait_for(LEARNER_EMAIL)
    assert "Data Protection by Design" in str(message["Subject"])
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(rf"{re.escape(live.base)}/claim/[A-Za-z0-9_-]+", text)
    assert found, text
    return found.group(0)


def _claim(page: Any, axe: str, link: str, base: str) -> str:
    """Open the claim link, register, add the credential; the holding page's URL."""
    page.goto(link)
    assert page.locator("h1").inner_text() == "Claim your credential"
    assert "Atlantic Technological University" in page.inner_text("main")
    assert LEARNER_EMAIL not in page.content()  # the claim page reveals nobody
    _checked(page, axe, "claim")
    page.get_by_role("link", name="Create an account").click()
    page.wait_for_selector("#password")
    _checked(page, axe)
    page.fill("#name", LEARNER_NAME)
    page.fill("#email", LEARNER_EMAIL)
    page.fill("#password", LEARNER_PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_url(link)
    page.get_by_role("button", name="Add it to my wallet").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/wallet/[^/]+$"))
    return str(page.url)


def _wallet(page: Any, axe: str, holding_url: str, base: str) -> None:
    """The credential is in the wallet, valid, with its EU elements."""
    page.goto(f"{base}/wallet")
    card = page.locator("ol.cards li.card")
    assert card.count() == 1
    assert "Data Protection by Design" in card.inner_text()
    assert card.locator(".badge").inner_text() == "Valid"
    _checked(page, axe, "wallet")
    page.goto(holding_url)
    assert page.locator("main .badge").first.inner_text() == "Valid"
    facts = page.inner_text("dl.facts")
    for element in ("Awarding body", "Notional workload", "EQF level", LEARNER_NAME):
        assert element in facts
    checks = page.locator("ul.checks li strong").all_inner_texts()
    assert {"proof", "revocation status"} <= set(checks)  # each check named
    _checked(page, axe, "wallet-detail")


def _download_badge(page: Any, holding_url: str) -> bytes:
    page.goto(holding_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Badge (PNG, credential inside)").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".png")
    return Path(path).read_bytes()


def _share(page: Any, axe: str, holding_url: str) -> str:
    """Create an unlisted share link; its URL."""
    page.goto(holding_url)
    page.get_by_role("link", name="Share it").click()
    page.wait_for_url(f"{holding_url}/share")
    _checked(page, axe)
    page.get_by_role("button", name="Create a share link").click()
    page.wait_for_selector("table tbody tr")
    _checked(page, axe, "share-manage")
    return str(page.inner_text("table tbody tr code")).strip()


def _verify_upload(page: Any, base: str, png: Path) -> None:
    page.goto(f"{base}/verify")
    page.set_input_files("#file", str(png))
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_selector("[data-verdict]")


def _js_peer_verdicts(live: Live, slug: str, award_id: str, png: bytes, js_peer: Any) -> None:
    """The JavaScript peer verifies the downloaded PNG's and the PDF's credential."""
    with httpx.Client(base_url=live.base) as http:  # what the peer needs, from the server
        did_document = http.get(f"/orgs/{slug}/did.json").json()
        bundle = http.get(f"/credentials/{award_id}/bundle.json").json()
        pdf = http.get(f"/credentials/{award_id}/certificate.pdf").content
    lists = {entry["url"]: entry["credential"] for entry in bundle["statusLists"]}
    baked = baking.unbake(png)
    assert baked.container == "PNG" and baked.convention == "OB 3.0"
    assert json.loads(extract_credential(pdf)) == json.loads(baked.text)
    for text in (baked.text, extract_credential(pdf)):
        verdict = js_peer.verify(json.loads(text), did_docs=[did_document], docs=lists)
        assert verdict["verified"] is True, verdict


def _revoke(page: Any, axe: str, award_url: str) -> None:
    page.goto(award_url)
    page.fill("#reason", "Issued by mistake")
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_selector("text=The credential was revoked.")
    assert page.inner_text("#award-state") == "revoked"
    _checked(page, axe)


def test_issue_claim_share_verify_revoke(
    live: Live, browser: Any, axe: str, js_peer: Any, tmp_path: Path
) -> None:
    base = live.base
    slug = _issuer(live)
    issuer = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    award_url = _issue(issuer.new_page(), axe, base)
    award_id = award_url.rsplit("/", 1)[1]

    learner = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = learner.new_page()
    holding_url = _claim(page, axe, _claim_link(live), base)
    _wallet(page, axe, holding_url, base)
    png = _download_badge(page, holding_url)
    badge = tmp_path / "badge.png"
    badge.write_bytes(png)
    share_url = _share(page, axe, holding_url)
    assert share_url.startswith(f"{base}/s/")
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, bypass_csp=True, storage_state=learner.storage_state()
    )
    small = phone.new_page()
    small.goto(f"{base}/wallet")
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _checked(small, axe, "wallet-phone")
    phone.close()

    employer = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    visitor = employer.new_page()
    visitor.goto(share_url)
    assert _verdict(visitor) == "verified"
    assert "Data Protection by Design" in visitor.locator("h1").inner_text()
    assert visitor.get_attribute('meta[property="og:title"]', "content")
    _checked(visitor, axe, "share")
    _verify_upload(visitor, base, badge)
    assert _verdict(visitor) == "verified"
    assert "baked PNG" in visitor.content()
    _checked(visitor, axe, "verify-badge-verified")
    employer_phone = browser.new_context(viewport=PHONE, is_mobile=True, bypass_csp=True)
    on_phone = employer_phone.new_page()
    on_phone.goto(share_url)
    assert on_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _checked(on_phone, axe, "share-phone")
    employer_phone.close()

    _js_peer_verdicts(live, slug, award_id, png, js_peer)

    _revoke(issuer.pages[0], axe, award_url)
    visitor.goto(share_url)  # the employer reloads the shared page
    assert _verdict(visitor) == "revoked"
    assert visitor.locator('[data-check="revocation status"]').get_attribute("class") == "failed"
    _checked(visitor, axe, "share-revoked")
    _verify_upload(visitor, base, badge)
    assert _verdict(visitor) == "revoked"
    _checked(visitor, axe)
    page.goto(f"{base}/wallet")  # the learner's wallet shows it at once too
    assert page.locator("ol.cards li.card .badge").inner_text() == "Revoked"
    _checked(page, axe)
    for context in (employer, learner, issuer):
        context.close()
