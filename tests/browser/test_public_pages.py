"""The public pages in a real browser: the catalogue and the verification page, in English and
French, on a desktop and a phone, with no serious accessibility violation (axe-core)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_support import check_accessibility, screenshot

VECTORS = Path(__file__).parents[1] / "vectors"
PHONE = {"width": 390, "height": 844}


def test_verify_page_upload_and_language(live_server: str, browser: Any, axe: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/verify")
    assert check_accessibility(page, axe) == []
    screenshot(page, "verify-form")
    page.set_input_files("#file", str(VECTORS / "js-peer-issued" / "ob3-tampered.json"))
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_selector("[data-verdict]")
    assert page.get_attribute("[data-verdict]", "data-verdict") == "not-verified"
    assert page.locator('[data-check="proof"]').get_attribute("class") == "failed"
    assert check_accessibility(page, axe) == []
    screenshot(page, "verify-result")
    page.goto(f"{live_server}/verify")
    page.get_by_role("button", name="Français").click()
    page.wait_for_selector("html[lang=fr]")
    assert page.locator("h1").inner_text() == "Vérifier un justificatif"
    page.goto(f"{live_server}/catalogue")
    assert page.get_attribute("html", "lang") == "fr"  # the choice is remembered
    context.close()
    phone = browser.new_context(viewport=PHONE, is_mobile=True, bypass_csp=True)
    small = phone.new_page()
    small.goto(f"{live_server}/verify")
    assert check_accessibility(small, axe) == []
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(small, "verify-form-phone")
    small.goto(f"{live_server}/catalogue")
    assert check_accessibility(small, axe) == []
    screenshot(small, "catalogue-phone")
    phone.close()
