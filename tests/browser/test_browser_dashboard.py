"""The issuer dashboard in a real browser: sign in as staff, add a micro-credential to the
catalogue (a refused description first, every problem shown), publish it, issue one award, and
upload a small CSV whose job page shows its progress and per-row report. Every page is checked
with axe-core; the main ones are saved as screenshots, on a desktop and on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_support import Live, check_accessibility, screenshot

from microcred.service.accounts import set_staff_password
from microcred.service.organisations import create_organisation
from microcred.service.records import Principal
from microcred.service.users import add_user

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
EMAIL = "sile@galway.example"
PASSWORD = "correct horse battery"
CSV = (
    "row_id,name,email,grade\n"
    "c1,Aoife Murphy,aoife@example.ie,A\n"
    "c2,Seán Ó Briain,not-an-email,B\n"
    "c3,Niamh Kelly,niamh@example.ie,\n"
)


def _staff_member(live: Live) -> None:
    ports = live.container.ports
    organisation, _ = create_organisation(name="University of Galway", country="IE", **ports)
    owner = Principal(organisation_id=organisation.id, role="owner", actor="browser-test")
    writes = {"uow": ports["uow"], "clock": ports["clock"], "rng": ports["rng"]}
    user = add_user(owner, email=EMAIL, name="Síle Byrne", role="owner", **writes)
    set_staff_password(principal=owner, user_id=user.id, password=PASSWORD, **writes)


def _checked(page: Any, axe: str, name: str | None = None) -> None:
    assert check_accessibility(page, axe) == [], page.url
    if name:
        screenshot(page, name)


def _sign_in(page: Any, axe: str, base: str) -> None:
    page.goto(f"{base}/dashboard")
    assert page.url.endswith("/dashboard/sign-in")
    _checked(page, axe, "dashboard-sign-in")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/dashboard")
    _checked(page, axe)


def _add_and_publish(page: Any, axe: str, base: str) -> None:
    page.goto(f"{base}/dashboard/catalogue/new")
    _checked(page, axe)
    page.fill("#description", "id: broken\ntitle: {en: Broken}\nworkload: {ects: -1}\n")
    page.get_by_role("button", name="Check and add").click()
    page.wait_for_selector("#description-error")
    problems = page.locator("#description-error li").all_inner_texts()
    assert "workload: ECTS credits must be positive" in problems and len(problems) >= 6
    _checked(page, axe, "dashboard-catalogue-errors")
    page.fill("#description", "")
    page.set_input_files("#file", str(EXAMPLE))
    page.get_by_role("button", name="Check and add").click()
    page.wait_for_selector("text=The micro-credential was added as version 1.")
    page.get_by_role("button", name="Publish version 1").click()
    page.wait_for_selector("text=Version 1 is published")
    _checked(page, axe, "dashboard-catalogue-entry")
    page.goto(f"{base}/dashboard/catalogue")
    assert page.locator("tbody tr").count() == 1
    _checked(page, axe, "dashboard-catalogue")


def _issue_one(page: Any, axe: str, base: str) -> None:
    page.goto(f"{base}/dashboard/issue")
    _checked(page, axe, "dashboard-issue")
    page.fill("#name", "Aoife Murphy")
    page.fill("#email", "aoife@example.ie")
    page.get_by_role("button", name="Issue and sign").click()
    page.wait_for_selector("text=The credential was issued and signed.")
    _checked(page, axe, "dashboard-award")


def _bulk_upload(browser: Any, state: Any, base: str, cohort: Path) -> str:
    """Upload ``cohort`` and wait for its report; the job page's address."""
    # The job page under the real Content Security Policy: the progress script must run.
    strict = browser.new_context(viewport=DESKTOP, storage_state=state)
    blocked: list[str] = []
    strict_page = strict.new_page()
    strict_page.on("console", lambda message: blocked.append(message.text))
    strict_page.goto(f"{base}/dashboard/bulk")
    strict_page.set_input_files("#file", str(cohort))
    strict_page.get_by_role("button", name="Check and issue").click()
    strict_page.wait_for_selector('[data-job-state="finished"]', timeout=30_000)
    assert not [m for m in blocked if "Content Security Policy" in m], blocked
    job_url = strict_page.url
    rows = strict_page.locator("table.report tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("3") and "email" in rows[0]
    assert strict_page.inner_text('[data-count="issued"]') == "2"
    strict.close()
    return str(job_url)


def test_dashboard_catalogue_issue_and_bulk_upload(
    live: Live, browser: Any, axe: str, tmp_path: Path
) -> None:
    _staff_member(live)
    base = live.base
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    _sign_in(page, axe, base)
    _add_and_publish(page, axe, base)
    _issue_one(page, axe, base)
    page.goto(f"{base}/dashboard/bulk")
    _checked(page, axe)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(CSV, encoding="utf-8")
    state = context.storage_state()
    job_url = _bulk_upload(browser, state, base, cohort)
    page.goto(job_url)
    _checked(page, axe, "dashboard-bulk-report")
    context.close()

    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, bypass_csp=True, storage_state=state
    )
    small = phone.new_page()
    for url, name in (
        (job_url, "dashboard-bulk-report-phone"),
        (f"{base}/dashboard/catalogue", "dashboard-catalogue-phone"),
        (f"{base}/dashboard/issue", "dashboard-issue-phone"),
    ):
        small.goto(url)
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        _checked(small, axe, name)
    phone.close()
