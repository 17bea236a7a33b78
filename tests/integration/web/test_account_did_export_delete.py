"""The learner's account page, on SQLite and PostgreSQL, through the real app: proving a DID
with a signed presentation (and refusing a replay), adopting the wallet's own did:key, exporting
the wallet as a ZIP and deleting the account (with its holdings, share links and sessions)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from learner_site import BROWSER, PASSWORD, Site, csrf, registered_learner, site_on
from sqlalchemy import create_engine, text

from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.verify.presentation import create_presentation
from microcred.service.signing_keys import local_signer

SEED = bytes(range(7, 39))


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from site_on(database_url, tmp_path_factory.mktemp("data"))


def _post(client: TestClient, path: str, **data: str) -> httpx.Response:
    page = client.get("/account", headers=BROWSER)
    return client.post(path, data={"csrf_token": csrf(page), **data}, follow_redirects=False)


def _did_key() -> tuple[str, str]:
    multibase = Ed25519KeyPair.generate(SEED).public_key_multibase
    return f"did:key:{multibase}", f"did:key:{multibase}#{multibase}"


def _presentation(challenge: str, domain: str) -> str:
    did, method = _did_key()
    return json.dumps(
        create_presentation(
            [],
            signer=local_signer(SEED, method),
            holder=did,
            challenge=challenge,
            domain=domain,
            loader=default_loader(),
            created=None,
        )
    )


def test_a_learner_proves_their_did_with_a_signed_presentation(site: Site) -> None:
    client = registered_learner(site, "did.owner@learner.example")
    did, _ = _did_key()
    assert _post(client, "/account/did", did=did).status_code == 303
    page = client.get("/account", headers=BROWSER)
    assert 'data-did-status="unproven"' in page.text
    shown = _post(client, "/account/did/challenge")
    assert shown.status_code == 200
    challenge = re.search(r"<code data-did-challenge>([^<]+)</code>", shown.text)
    domain = re.search(r"<code data-did-domain>([^<]+)</code>", shown.text)
    assert challenge and domain and domain.group(1) == "issuer.example"
    # a presentation for another site is refused, and uses the challenge up
    wrong = _post(
        client,
        "/account/did/prove",
        presentation=_presentation(challenge.group(1), "elsewhere.example"),
    )
    assert wrong.status_code == 422 and "proof" in wrong.text
    assert "data-did-challenge" not in client.get("/account", headers=BROWSER).text
    shown = _post(client, "/account/did/challenge")
    fresh = re.search(r"<code data-did-challenge>([^<]+)</code>", shown.text)
    assert fresh and fresh.group(1) != challenge.group(1)
    signed = _presentation(fresh.group(1), "issuer.example")
    proven = _post(client, "/account/did/prove", presentation=signed)
    assert proven.status_code == 303, proven.text
    assert 'data-did-status="verified"' in client.get("/account", headers=BROWSER).text
    replay = _post(client, "/account/did/prove", presentation=signed)
    assert replay.status_code == 422


def test_the_wallets_own_did_is_adopted_in_one_click(site: Site) -> None:
    client = registered_learner(site, "adopter@learner.example")
    assert _post(client, "/account/did/adopt").status_code == 303
    page = client.get("/account", headers=BROWSER).text
    assert 'data-did-status="verified"' in page
    adopted = re.search(r'name="did" value="(did:key:z6Mk[^"]+)"', page)
    assert adopted


def test_the_wallet_exports_and_the_account_is_deleted_with_all_it_holds(site: Site) -> None:
    client = registered_learner(site, "leaver@learner.example")
    form = client.get("/wallet/import", headers=BROWSER)
    imported = client.post(
        "/wallet/import",
        data={"csrf_token": csrf(form)},
        files={"file": ("credential.json", site.credential.encode(), "application/json")},
        follow_redirects=False,
    )
    holding_id = imported.headers["location"].rsplit("/", 1)[1]
    manage = client.get(f"/wallet/{holding_id}/share", headers=BROWSER)
    client.post(
        f"/wallet/{holding_id}/share",
        data={"csrf_token": csrf(manage), "visibility": "public"},
        follow_redirects=False,
    )
    [token] = re.findall(
        r"<code>https://issuer\.example/s/([A-Za-z0-9_-]+)</code>",
        client.get(f"/wallet/{holding_id}/share", headers=BROWSER).text,
    )
    _post(client, "/account/did/adopt")  # a holder key too

    exported = client.get("/wallet/export.zip")
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        listing = json.loads(archive.read("wallet.json"))
        [entry] = listing["credentials"]
        assert archive.read(entry["file"]).decode() == site.credential

    refused = _post(client, "/account/delete", confirm="someone@else.example")
    assert refused.status_code == 422 and "confirm" in refused.text
    other_browser = site.client()
    other_browser.post(
        "/sign-in",
        data={"csrf_token": csrf(other_browser.get("/sign-in", headers=BROWSER)),
              "email": "leaver@learner.example", "password": PASSWORD, "next": "/wallet"},
        follow_redirects=False,
    )  # fmt: skip
    assert other_browser.get("/wallet", headers=BROWSER, follow_redirects=False).status_code == 200
    deleted = _post(client, "/account/delete", confirm="Leaver@learner.example")
    assert deleted.status_code == 200 and "Your account was deleted" in deleted.text
    for browser in (client, other_browser):  # every session ended
        again = browser.get("/wallet", headers=BROWSER, follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"].startswith("/sign-in")
    assert site.client().get(f"/s/{token}", headers=BROWSER).status_code == 404
    engine = create_engine(site.database_url)
    try:
        with engine.connect() as connection:
            query = "SELECT count(*) FROM {} WHERE {} IN (SELECT id FROM holdings WHERE id = :h)"
            gone = connection.execute(
                text("SELECT count(*) FROM learners WHERE email = :e"),
                {"e": "leaver@learner.example"},
            ).scalar()
            holdings = connection.execute(
                text("SELECT count(*) FROM holdings WHERE id = :h"), {"h": holding_id}
            ).scalar()
            links = connection.execute(
                text(query.format("share_links", "holding_id")), {"h": holding_id}
            ).scalar()
        assert (gone, holdings, links) == (0, 0, 0)
    finally:
        engine.dispose()
