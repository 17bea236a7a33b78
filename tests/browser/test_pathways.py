"""Stacking in a real browser (issue 5): a learner holding two of the three parts of a pathway
sees its progress in the wallet, imports the third, sees the pathway met and claims the stacked
credential, which arrives in the wallet; the issuer's pathway page evaluates that learner.
Every page passes axe-core; screenshots for docs/web-ui.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from browser_support import Live, check_accessibility, screenshot

from microcred.service import catalogue, issuing, stacking
from microcred.service.accounts import set_staff_password
from microcred.service.organisations import create_organisation
from microcred.service.records import Principal
from microcred.service.users import add_user

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
DESKTOP = {"width": 1280, "height": 900}
STAFF = "pathways-owner@stacking.example"
LEARNER = "orla@stacking.example"
PASSWORD = "correct horse battery"
PARTS = {"privacy-basics": "Privacy basics", "privacy-law": "Privacy law",
         "privacy-engineering": "Privacy engineering"}  # fmt: skip
RULES = {
    "name": "Privacy engineering pathway",
    "rules": {"all_of": [*({"achievement": slug} for slug in PARTS), {"min_ects": 5}]},
}


def _provider(live: Live, folder: Path) -> list[Path]:
    """An organisation with an owner, three parts and the stacked credential, an auto-issue
    pathway; the learner's three credentials saved as files."""
    ports = live.container.ports
    writes = {"uow": ports["uow"], "clock": ports["clock"], "rng": ports["rng"]}
    organisation, _ = create_organisation(name="Stacking Test Institute", country="IE", **ports)
    owner = Principal(organisation_id=organisation.id, role="owner", actor="browser-test")
    user = add_user(owner, email=STAFF, name="Saoirse Byrne", role="owner", **writes)
    set_staff_password(principal=owner, user_id=user.id, password=PASSWORD, **writes)
    versions = {}
    for slug, title in [*PARTS.items(), ("privacy-stack", "Privacy engineering (stacked)")]:
        data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["id"], data["title"] = slug, {"en": title}
        data["workload"] = {"ects": 6 if slug == "privacy-stack" else 2}
        _, version = catalogue.create_entry(
            owner, description=json.dumps(data), slug=slug, **writes
        )
        catalogue.publish_version(owner, version.id, **writes)
        versions[slug] = version.id
    stacking.create_pathway(
        owner, slug="privacy", entry="privacy-stack", rules=RULES, auto_issue=True, **writes
    )
    files = []
    for slug in PARTS:
        award = issuing.issue_award(
            owner,
            version_id=versions[slug],
            learner={"name": "Orla Kelly", "email": LEARNER},
            **live.container.issuing,
        )
        files.append(folder / f"{slug}.json")
        files[-1].write_text(award.credential, encoding="utf-8")
    return files


def _checked(page: Any, axe: str, name: str | None = None) -> None:
    assert check_accessibility(page, axe) == [], page.url
    if name:
        screenshot(page, name)


def _import(page: Any, base: str, path: Path) -> None:
    page.goto(f"{base}/wallet/import")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(lambda url: "/wallet/" in url and not url.endswith("/import"))


def test_a_learner_completes_a_pathway_and_receives_the_stacked_credential(
    live: Live, browser: Any, axe: str, tmp_path: Path
) -> None:
    files = _provider(live, tmp_path)
    base = live.base
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/register")
    page.fill("#name", "Orla Kelly")
    page.fill("#email", LEARNER)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_load_state()
    for path in files[:2]:
        _import(page, base, path)

    page.goto(f"{base}/wallet")
    card = page.locator("li.pathway")
    assert card.count() == 1
    assert "Privacy engineering (stacked)" in card.inner_text()
    assert "70% done" in card.inner_text()
    assert "a credential of privacy-engineering" in card.inner_text()
    assert page.get_attribute("li.pathway progress", "value") == "70"
    assert card.get_by_role("button").count() == 0
    _checked(page, axe)

    _import(page, base, files[2])
    page.goto(f"{base}/wallet")
    card = page.locator("li.pathway")
    assert card.locator(".badge.ok").first.inner_text() == "met"
    assert "still missing" not in card.inner_text()
    _checked(page, axe, "wallet-pathways")
    card.get_by_role("button", name="Claim the stacked credential").click()
    page.wait_for_selector("text=The stacked credential was issued and is now in your wallet.")
    assert page.locator("ol.cards li.card").count() == 4
    assert "Privacy engineering (stacked)" in page.inner_text("ol.cards")
    _checked(page, axe)

    staff = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff.goto(f"{base}/dashboard")
    staff.fill("#email", STAFF)
    staff.fill("#password", PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url(f"{base}/dashboard")
    staff.goto(f"{base}/dashboard/pathways")
    _checked(staff, axe)
    staff.get_by_role("link", name="privacy").click()
    staff.fill("#email", LEARNER)
    staff.get_by_role("button", name="Evaluate").click()
    staff.wait_for_selector("#evaluation")
    assert staff.inner_text("#evaluation-verdict") == "The rules are met."
    assert "met by Privacy law" in staff.inner_text("#evaluation")
    _checked(staff, axe, "dashboard-pathway")
