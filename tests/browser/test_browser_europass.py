"""Issue 5 in a real browser: an EC Europass sample uploaded on /verify shows the missing
quality-assurance element; an owner uploads a seal (a PKCS#12 made here with cryptography)
and downloads a sealed Europass export that verifies on /verify; the public trust registry
page. Every page passes axe-core; screenshots for docs/web-ui.md."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from browser_support import Live, check_accessibility, screenshot

sys.path.insert(0, str(Path(__file__).parents[1]))

from elm_support import SAMPLES, make_seal
from microcred.service import catalogue, issuing, registry
from microcred.service.accounts import set_staff_password
from microcred.service.organisations import create_organisation
from microcred.service.records import AwardRecord, Principal
from microcred.service.users import add_user

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
DESKTOP = {"width": 1280, "height": 900}
EMAIL = "seal-owner@europass.example"
PASSWORD = "correct horse battery"


def _organisation(live: Live) -> AwardRecord:
    """An organisation with an owner who signs in, one award, and its DID in the registry."""
    ports = live.container.ports
    writes = {"uow": ports["uow"], "clock": ports["clock"], "rng": ports["rng"]}
    organisation, _ = create_organisation(name="Europass Test College", country="IE", **ports)
    owner = Principal(organisation_id=organisation.id, role="owner", actor="browser-test")
    user = add_user(owner, email=EMAIL, name="Róisín Walsh", role="owner", **writes)
    set_staff_password(principal=owner, user_id=user.id, password=PASSWORD, **writes)
    _, version = catalogue.create_entry(
        owner, description=EXAMPLE.read_text(encoding="utf-8"), **writes
    )
    catalogue.publish_version(owner, version.id, **writes)
    award = issuing.issue_award(
        owner,
        version_id=version.id,
        learner={"name": "Aoife Murphy", "email": "aoife@example.ie"},
        **live.container.issuing,
    )
    registry.add_entry(
        None,
        {
            "did": json.loads(award.credential)["issuer"]["id"],
            "legal_name": "Europass Test College",
            "country": "IE",
            "qa_type": "institutional-qa",
            "accrediting_body": "Quality and Qualifications Ireland",
            "valid_from": "2020-01-01",
        },
        admins=(),
        **writes,  # type: ignore[arg-type]
    )
    return award


def _checked(page: Any, axe: str, name: str | None = None) -> None:
    assert check_accessibility(page, axe) == [], page.url
    if name:
        screenshot(page, name)


def _verify_file(page: Any, base: str, path: Path) -> None:
    page.goto(f"{base}/verify")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_selector("[data-verdict]")


def _sample_on_verify(page: Any, axe: str, base: str) -> None:
    _verify_file(page, base, SAMPLES / "Sample-MC-Annex1-signed.jsonld")
    missing = page.locator('[data-element="Type of quality assurance"]')
    assert "(mandatory, missing)" in missing.inner_text()
    assert "1 mandatory element is missing." in page.content()
    chain = page.locator('[data-check="certificate chain"]').inner_text()
    assert "not checked (no trust anchor configured)" in chain
    assert page.get_attribute("[data-verdict]", "data-verdict") == "verified"
    _checked(page, axe, "verify-europass")


def _upload_seal(page: Any, axe: str, base: str, tmp_path: Path) -> None:
    page.goto(f"{base}/dashboard")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/dashboard")
    page.goto(f"{base}/dashboard/seal")
    assert "No seal yet" in page.content()
    _checked(page, axe)
    now = datetime.now(UTC)
    material = make_seal(not_before=now - timedelta(days=1), not_after=now + timedelta(days=365))
    p12 = tmp_path / "seal.p12"
    p12.write_bytes(material.pkcs12(b"seal password"))
    page.set_input_files("#seal-file", str(p12))
    page.fill("#seal-password", "wrong password")
    page.get_by_role("button", name="Upload the seal").click()
    page.wait_for_selector("#seal-error")
    assert "password is wrong" in page.inner_text("#seal-error")
    _checked(page, axe)
    page.set_input_files("#seal-file", str(p12))
    page.fill("#seal-password", "seal password")
    page.get_by_role("button", name="Upload the seal").click()
    page.wait_for_selector("text=The seal was uploaded")
    assert "CN=Test University seal" in page.inner_text("#current-seal")
    _checked(page, axe, "dashboard-seal")


def _sealed_download_verifies(
    page: Any, axe: str, base: str, award: AwardRecord, tmp_path: Path
) -> None:
    page.goto(f"{base}/dashboard/awards/{award.id}")
    _checked(page, axe)
    with page.expect_download() as waiting:
        page.click("#europass-download")
    sealed = tmp_path / "europass.jades.json"
    waiting.value.save_as(str(sealed))
    _verify_file(page, base, sealed)
    assert page.get_attribute("[data-verdict]", "data-verdict") == "verified"
    assert "CN=Test University seal" in page.inner_text(".seal-subject")
    assert page.get_attribute(".trust-facts", "data-trust") == "trusted"
    _checked(page, axe)


def test_europass_on_verify_seal_upload_and_sealed_download(
    live: Live, browser: Any, axe: str, tmp_path: Path
) -> None:
    award = _organisation(live)
    base = live.base
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    _sample_on_verify(page, axe, base)
    _upload_seal(page, axe, base, tmp_path)
    _sealed_download_verifies(page, axe, base, award, tmp_path)

    public = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    public.goto(f"{base}/registry")
    assert "Europass Test College" in public.inner_text("#trusted-providers")
    public.fill("#registry-q", "Qualifications Ireland")
    public.get_by_role("button", name="Search").click()
    public.wait_for_selector("#trusted-providers")
    _checked(public, axe, "registry")
    context.close()
