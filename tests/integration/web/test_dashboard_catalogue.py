"""The dashboard's catalogue: list, add by upload or paste with every validation problem shown
next to the description, publish, add a version, read a version; viewers only read; CSRF."""

from __future__ import annotations

import re

import yaml
from api_support import DESCRIPTION
from web_support import EXAMPLES, WebEnv, add_staff, csrf_of, sign_in_staff

NEW = "/dashboard/catalogue/new"


def _problems(page_text: str) -> list[str]:
    """The problems listed next to the description field."""
    block = re.search(r'id="description-error">(.*?)</div>', page_text, flags=re.S)
    assert block, page_text[:3000]
    return re.findall(r'<li lang="en">([^<]*)</li>', block.group(1))


BROKEN = "id: x\ntitle: {en: Hi}\nworkload: {ects: -1}\n"


def test_every_problem_is_shown_next_to_the_description(web: WebEnv) -> None:
    add_staff(web, "issuer", "sile@example.ie")
    assert sign_in_staff(web, "sile@example.ie").status_code == 303
    client = web.api.client
    token = csrf_of(web.page(NEW))
    nothing = client.post(NEW, data={"csrf_token": token}, files={"file": ("", b"")})
    assert nothing.status_code == 422 and "Choose a file or paste a description." in nothing.text

    invalid = client.post(NEW, data={"csrf_token": token, "description": BROKEN})
    assert invalid.status_code == 422 and "The micro-credential was not added" in invalid.text
    problems = _problems(invalid.text)
    assert "workload: ECTS credits must be positive" in problems
    assert "learning outcomes: at least one is required" in problems
    assert len(problems) >= 6  # every problem, not only the first
    assert 'aria-invalid="true"' in invalid.text
    assert "workload: {ects: -1}" in invalid.text  # the text is kept, to be corrected in place

    unreadable = client.post(
        NEW, data={"csrf_token": token}, files={"file": ("d.yaml", b"id: [x\n", "text/yaml")}
    )
    assert unreadable.status_code == 422 and "invalid YAML at line 2" in unreadable.text
    assert "id: [x" in unreadable.text  # the uploaded text is shown for correcting
    latin1 = client.post(
        NEW, data={"csrf_token": token}, files={"file": ("d.yaml", b"id: caf\xe9\n", "text/yaml")}
    )
    assert latin1.status_code == 422 and "not UTF-8 text" in latin1.text

    forged = client.post(NEW, data={"description": DESCRIPTION})
    assert forged.status_code == 403


def test_add_publish_and_version_an_entry(web: WebEnv) -> None:
    add_staff(web, "issuer", "sile@example.ie")
    assert sign_in_staff(web, "sile@example.ie").status_code == 303
    client = web.api.client
    empty = web.page("/dashboard/catalogue")
    assert empty.status_code == 200 and "The catalogue is empty." in empty.text
    form = web.page(NEW)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    token = csrf_of(form)

    example = (EXAMPLES / "data-protection-by-design.yaml").read_bytes()
    created = client.post(
        NEW,
        data={"csrf_token": token},
        files={"file": ("data-protection-by-design.yaml", example, "application/yaml")},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text[:3000]
    entry_url = created.headers["location"].split("?")[0]
    entry = web.page(created.headers["location"])
    assert "The micro-credential was added as version 1." in entry.text
    assert "<h1>Data Protection by Design</h1>" in entry.text
    assert "Draft" in entry.text and "Learning outcomes" in entry.text
    taken = client.post(
        NEW, data={"csrf_token": token, "description": example.decode()}, follow_redirects=False
    )
    assert taken.status_code == 422 and 'id="slug-error"' in taken.text

    version_id = re.search(r'action="/dashboard/catalogue/versions/([^/]+)/publish"', entry.text)
    assert version_id
    publish_url = f"/dashboard/catalogue/versions/{version_id.group(1)}/publish"
    assert client.post(publish_url, data={}).status_code == 403  # no CSRF token
    published = client.post(publish_url, data={"csrf_token": token})
    assert published.status_code == 200 and "Version 1 is published" in published.text
    assert f'href="/catalogue/{version_id.group(1)}"' in published.text
    assert web.page(f"/catalogue/{version_id.group(1)}").status_code == 200  # public now

    edited = yaml.safe_load(example)
    edited["title"]["en"] = "Data Protection by Design (2026)"
    added = client.post(
        f"{entry_url}/versions",
        data={"csrf_token": token, "description": yaml.safe_dump(edited, allow_unicode=True)},
    )
    assert added.status_code == 200 and "Version 2 was added." in added.text
    assert "<h1>Data Protection by Design (2026)</h1>" in added.text
    bad_version = client.post(
        f"{entry_url}/versions", data={"csrf_token": token, "description": BROKEN}
    )
    assert bad_version.status_code == 422 and "The new version was not added" in bad_version.text
    assert "<details open>" in bad_version.text and _problems(bad_version.text)

    listing = web.page("/dashboard/catalogue")
    assert "Data Protection by Design (2026)" in listing.text
    assert "Version 1" in listing.text and "a newer version is not published" in listing.text
    first = web.page(f"{entry_url}?version=1")
    assert "<h1>Data Protection by Design</h1>" in first.text
    assert web.page("/dashboard/catalogue/nope").status_code == 404


def test_a_viewer_reads_the_catalogue_but_cannot_change_it(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION)
    add_staff(web, "viewer", "viewer@example.ie")
    assert sign_in_staff(web, "viewer@example.ie").status_code == 303
    listing = web.page("/dashboard/catalogue")
    assert listing.status_code == 200 and 'href="/dashboard/catalogue/new"' not in listing.text
    entry_url = re.search(r'href="(/dashboard/catalogue/[^"/]+)"', listing.text)
    assert entry_url and entry_url.group(1) != "/dashboard/catalogue/new"
    entry = web.page(entry_url.group(1))
    assert entry.status_code == 200 and "/publish" not in entry.text
    assert "Add a new version" not in entry.text
    form = web.page(NEW)
    assert form.status_code == 403 and "not change it" in form.text
    token = csrf_of(listing)
    created = web.api.client.post(NEW, data={"csrf_token": token, "description": DESCRIPTION})
    assert created.status_code == 403
    publish = web.api.client.post(
        f"/dashboard/catalogue/versions/{version_id}/publish", data={"csrf_token": token}
    )
    assert publish.status_code == 403 and "Nothing was changed" in publish.text


def test_another_organisations_entry_is_not_found(web: WebEnv) -> None:
    version_id = web.publish(DESCRIPTION, by="Hochschule Beispiel")
    add_staff(web, "owner", "owner@example.ie")
    assert sign_in_staff(web, "owner@example.ie").status_code == 303
    token = csrf_of(web.page("/dashboard/catalogue"))
    publish = web.api.client.post(
        f"/dashboard/catalogue/versions/{version_id}/publish", data={"csrf_token": token}
    )
    assert publish.status_code == 404
    assert "The catalogue is empty." in web.page("/dashboard/catalogue").text
