"""The public verification page: paste, upload, open a URL; each check in plain words; the
verdict (verified, revoked, not verified); clear errors for what cannot be verified."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import DESCRIPTION
from web_support import BROWSER, WebEnv, web_services

from microcred.web.verify_routes import MAX_UPLOAD_BYTES, PresentedError, verify_bytes

VECTORS = Path(__file__).parents[2] / "vectors"
LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}


def _issue(web: WebEnv) -> tuple[dict[str, Any], dict[str, str]]:
    """A fresh award of this server (its API JSON) and its owner's headers."""
    version_id = web.publish(DESCRIPTION)
    _, owner = web.provider("University of Galway")
    answer = web.api.client.post(
        "/api/v1/awards", json={"version_id": version_id, "learner": LEARNER}, headers=owner
    )
    assert answer.status_code == 201, answer.text
    award: dict[str, Any] = answer.json()
    return award, owner


def _post(web: WebEnv, **form: Any) -> httpx.Response:
    files = form.pop("files", None)
    return web.api.client.post("/verify", data=form, files=files, headers={"Accept": BROWSER})


def _verdict(page: httpx.Response) -> str:
    found = re.search(r'data-verdict="([a-z-]+)"', page.text)
    assert found, page.text[:2000]
    return found.group(1)


def _checks(page: httpx.Response) -> dict[str, str]:
    """check name -> outcome, as the page lists them."""
    return dict(
        (name, outcome)
        for outcome, name in re.findall(r'<li class="(\w+)" data-check="([^"]+)">', page.text)
    )


def test_the_form_has_labelled_fields_for_every_way_in(web: WebEnv) -> None:
    page = web.page("/verify")
    assert page.status_code == 200 and page.text.count("<h1>") == 1
    for field in ("file", "text", "credential"):
        assert f'<label for="{field}">' in page.text and f'id="{field}"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    french = web.page("/verify", **{"Accept-Language": "fr"})
    assert '<html lang="fr">' in french.text and "<h1>Vérifier un justificatif</h1>" in french.text


def test_a_pasted_credential_then_its_url_after_revocation(web: WebEnv) -> None:
    award, owner = _issue(web)
    credential = award["credential"]
    page = _post(web, text=json.dumps(credential))
    assert page.status_code == 200 and _verdict(page) == "verified"
    assert "The signature is intact" in page.text and "The issuer is who it says" in page.text
    assert "Not revoked" in page.text
    checks = _checks(page)
    assert checks["proof"] == "passed" and checks["revocation status"] == "passed"
    assert "Every element of an EU micro-credential is present" in page.text
    assert "University of Galway" in page.text and "<details>" in page.text
    revoked = web.api.client.post(
        f"/api/v1/awards/{award['id']}/revoke", json={"reason": "error"}, headers=owner
    )
    assert revoked.status_code == 200
    # the credential's own URL is read from the store, not fetched (the fetcher refuses all)
    assert credential["id"].startswith("https://issuer.example/credentials/")
    by_url = web.page(f"/verify?credential={credential['id']}")
    assert by_url.status_code == 200 and _verdict(by_url) == "revoked"
    assert _checks(by_url)["revocation status"] == "failed"
    assert ">Revoked<" in by_url.text
    french = web.page(f"/verify?credential={credential['id']}", **{"Accept-Language": "fr"})
    assert _verdict(french) == "revoked" and '<html lang="fr">' in french.text


def test_uploads_of_other_issuers_credentials(web: WebEnv) -> None:
    tampered = (VECTORS / "js-peer-issued" / "ob3-tampered.json").read_bytes()
    page = _post(web, files={"file": ("tampered.json", tampered, "application/json")})
    assert page.status_code == 200 and _verdict(page) == "not-verified"
    assert _checks(page)["proof"] == "failed"
    assert "The signature is not intact" in page.text
    baked = (VECTORS / "ob3-fixtures" / "simple-json.png").read_bytes()
    image = _post(web, files={"file": ("badge.png", baked, "image/png")})
    assert image.status_code == 200, image.text[:3000]
    assert "PNG" in image.text and _checks(image).get("proof") in {"passed", "failed"}


def test_what_cannot_be_verified_gets_a_clear_error(web: WebEnv) -> None:
    for form, message in (
        ({"text": "   "}, "Paste a credential or choose a file to verify."),
        ({"text": "hello"}, "This is not a credential microcred can read."),
        ({"text": "[1, 2]"}, "This is not a credential microcred can read."),
    ):
        page = _post(web, **form)
        assert page.status_code == 422 and message in page.text, form
        assert 'role="alert"' in page.text
    kept = _post(web, text='{"not": "a credential"')
    assert "{&#34;not&#34;: &#34;a credential&#34;" in kept.text  # the pasted text is kept
    for url, message in (
        ("ftp://x.example/c", "starting with https://"),
        ("https://elsewhere.example/c/1", "could not be fetched"),
        ("https://issuer.example/credentials/unknown", "There is no credential at this address"),
    ):
        page = web.page(f"/verify?credential={url}")
        assert page.status_code == 422 and message in page.text, url
        assert f'value="{url}"' in page.text
    big = b"{" + b" " * MAX_UPLOAD_BYTES + b"}"  # the file is over the limit, the body barely
    over = _post(web, files={"file": ("big.json", big, "application/json")})
    assert over.status_code == 422 and "the limit is 5 MB" in over.text
    huge = big + b" " * 100_000  # the body is over the limit: refused before it is read
    too_big = _post(web, files={"file": ("big.json", huge, "application/json")})
    assert too_big.status_code == 413 and too_big.headers["content-type"].startswith("text/html")
    assert "The file is too large" in too_big.text and "at most 5 MB" in too_big.text
    with pytest.raises(PresentedError, match="the limit is 5 MB"):
        verify_bytes(web_services(web.api), big, filename="big.json")
