"""Bulk jobs through the API: multipart upload, per-row report, idempotent re-send."""

from __future__ import annotations

from typing import Any

from api_support import ApiEnv

from microcred.service.bulk import BULK_TASK, run_bulk_job

CSV = b"row_id,name,email\nr1,Aoife Murphy,aoife@example.ie\nr2,,\nr3,Cian Byrne,cian@example.ie\n"


def _upload(env: ApiEnv, owner: dict[str, str], version_id: str, data: bytes) -> Any:
    return env.client.post(
        "/api/v1/bulk-jobs",
        files={"file": ("learners.csv", data, "text/csv")},
        data={"version_id": version_id},
        headers=owner,
    )


def test_upload_report_run_and_resend(
    env: ApiEnv, owner: dict[str, str], published: dict[str, Any]
) -> None:
    answer = _upload(env, owner, published["id"], CSV)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert answer.headers["location"] == f"/api/v1/bulk-jobs/{job['id']}"
    assert job["state"] == "queued" and job["total"] == 3
    assert env.queue.jobs[-1][1] == BULK_TASK
    problems = job["report"]["problems"]
    assert problems and problems[0]["row"] == 3
    run_bulk_job(job["id"], ctx=env.services.bulk)
    done = env.client.get(f"/api/v1/bulk-jobs/{job['id']}", headers=owner).json()
    assert (done["state"], done["issued"], done["failed"]) == ("finished", 2, 1)
    again = _upload(env, owner, published["id"], CSV)
    assert again.json()["id"] == job["id"]
    listed = env.client.get("/api/v1/bulk-jobs", headers=owner).json()
    assert [j["id"] for j in listed["items"]] == [job["id"]]


def test_missing_form_fields_are_named(env: ApiEnv, owner: dict[str, str]) -> None:
    answer = env.client.post("/api/v1/bulk-jobs", data={}, headers=owner)
    assert answer.status_code == 422
    assert {e["pointer"] for e in answer.json()["errors"]} == {"/file", "/version_id"}
