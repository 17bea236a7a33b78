"""The dashboard's bulk upload: a CSV checked row by row, the job page with progress (JSON for
the script, a refresh without it) and the per-row report; viewers only read; CSRF; upload limits
(the HTML pages answer 413 themselves, the bulk page takes files over the API's 4 MB)."""

from __future__ import annotations

import re

import httpx
from api_support import DESCRIPTION
from web_support import WebEnv, add_staff, csrf_of, sign_in_staff

from microcred.service.bulk import run_bulk_job

BULK = "/dashboard/bulk"
CSV = (
    "row_id,name,email,grade,valid_until\n"
    "r1,Aoife Murphy,aoife@example.ie,A,\n"
    "r2,Seán Ó Briain,not-an-email,,\n"
    "r3,Liam Walsh,liam@example.ie,,2020-01-01\n"
    "r4,Niamh Kelly,niamh@example.ie,B,\n"
).encode()


def _upload(
    web: WebEnv, token: str, version_id: str, data: bytes, name: str = "cohort.csv"
) -> httpx.Response:
    return web.api.client.post(
        BULK,
        data={"csrf_token": token, "version_id": version_id},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def test_upload_report_and_progress(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    add_staff(web, "issuer", "sile@example.ie")
    assert sign_in_staff(web, "sile@example.ie").status_code == 303
    form = web.page(BULK)
    assert form.status_code == 200 and f'<option value="{version_id}"' in form.text
    assert "No bulk uploads yet." in form.text
    token = csrf_of(form)
    assert web.api.client.post(BULK, data={"version_id": version_id}).status_code == 403

    started = _upload(web, token, version_id, CSV)
    assert started.status_code == 303, started.text[:2000]
    job_url = started.headers["location"]
    job_id = job_url.rsplit("/", 1)[-1]
    queued = web.page(job_url)
    assert queued.status_code == 200
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in queued.text
    assert '<script src="/assets/bulk-progress.js" defer></script>' in queued.text
    assert f'href="{job_url}"' in queued.text  # the refresh link
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td>(.*?)</td><td lang="en">(.*?)</td>', queued.text
    )
    assert [(r, "email" in c, "valid_until" in c) for r, c, _ in rows] == [
        ("3", True, False),
        ("4", False, True),
    ]
    progress = web.api.client.get(f"{job_url}/progress")
    assert progress.status_code == 200 and progress.headers["cache-control"] == "no-store"
    assert progress.json() == {
        "id": job_id,
        "state": "queued",
        "total": 4,
        "issued": 0,
        "skipped": 0,
        "failed": 2,
        "processed": 2,
        "finished": False,
    }

    run_bulk_job(job_id, ctx=web.api.services.bulk)
    assert web.api.client.get(f"{job_url}/progress").json()["finished"] is True
    done = web.page(job_url)
    assert "http-equiv" not in done.text and "bulk-progress.js" not in done.text
    assert 'data-count="issued">2<' in done.text and 'data-count="failed">2<' in done.text
    assert "2 problems were found" in done.text
    again = _upload(web, token, version_id, CSV)  # the same file: the same job
    assert again.headers["location"] == job_url
    listing = web.page(BULK)
    assert f'href="{job_url}">cohort.csv</a>' in listing.text

    not_csv = _upload(web, token, version_id, b"", name="empty.csv")
    assert not_csv.status_code == 422 and "nothing was issued" in not_csv.text
    assert "the file is empty" in not_csv.text
    missing = web.api.client.post(BULK, data={"csrf_token": token, "version_id": version_id})
    assert missing.status_code == 422 and "Choose a CSV or XLSX file" in missing.text
    assert web.page(f"{BULK}/nope").status_code == 404
    assert web.api.client.get(f"{BULK}/nope/progress").status_code == 404


def test_bulk_files_over_the_api_limit_are_taken(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    add_staff(web, "issuer", "sile@example.ie")
    assert sign_in_staff(web, "sile@example.ie").status_code == 303
    token = csrf_of(web.page(BULK))
    narrative = "x" * 9_000
    lines = [f"r{n},Learner {n},l{n}@example.ie,{narrative}" for n in range(600)]
    big = ("row_id,name,email,evidence_narrative\n" + "\n".join(lines) + "\n").encode()
    assert len(big) > 5 * 1024 * 1024  # over the API's 4 MB
    started = _upload(web, token, version_id, big)
    assert started.status_code == 303, started.text[:1000]
    progress = web.api.client.get(f"{started.headers['location']}/progress").json()
    assert progress["total"] == 600 and progress["failed"] == 0


def test_a_viewer_sees_jobs_but_cannot_upload(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    add_staff(web, "viewer", "viewer@example.ie")
    assert sign_in_staff(web, "viewer@example.ie").status_code == 303
    page = web.page(BULK)
    assert page.status_code == 200 and "not start them" in page.text
    assert 'type="file"' not in page.text
    refused = _upload(web, csrf_of(page), version_id, CSV)
    assert refused.status_code == 403


def test_signed_out_progress_is_refused(web: WebEnv) -> None:
    assert web.api.client.get(f"{BULK}/x/progress").status_code == 401
    assert web.page(BULK).url.path == "/dashboard/sign-in"


def test_pages_refuse_large_bodies_with_a_page(web: WebEnv) -> None:
    add_staff(web, "issuer", "sile@example.ie")
    assert sign_in_staff(web, "sile@example.ie").status_code == 303
    token = csrf_of(web.page("/dashboard/catalogue/new"))
    huge = b"a" * (1024 * 1024 + 100_000)
    refused = web.api.client.post(
        "/dashboard/catalogue/new",
        data={"csrf_token": token},
        files={"file": ("d.yaml", huge, "text/yaml")},
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "at most 1 MB" in refused.text and 'href="/dashboard/catalogue/new"' in refused.text
    api = web.api.client.post(
        "/api/v1/catalogue/entries", content=huge * 4, headers={"Content-Type": "application/json"}
    )
    assert api.status_code == 413 and api.headers["content-type"] == "application/problem+json"
