"""Claims end to end on SQLite and PostgreSQL, through the real app and a real SMTP server
(aiosmtpd on 127.0.0.1, a free port): an award issued over the API queues a claim e-mail in the
credential's language (French here), the mail runner's batch delivers it over SMTP, and its link
opens the claim page; the learner registers, adds the credential to the wallet, sees it valid
with its EU elements, and the link cannot be used again. Imports are verified and marked."""

from __future__ import annotations

import base64
import email
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from pydantic import SecretStr

from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.service import organisations

EXAMPLES = Path(__file__).parents[2] / "examples"
FRENCH = (EXAMPLES / "fondamentaux-cybersecurite.yaml").read_text(encoding="utf-8")
MASTER_KEY = SecretStr(base64.b64encode(bytes(range(32))).decode())
BASE = "https://issuer.example"
BROWSER = {"Accept": "text/html"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps every message received."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@dataclass
class Server:
    container: Container
    client: TestClient
    auth: dict[str, str]


@pytest.fixture(scope="module")
def server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, inbox: tuple[Inbox, int]
) -> Iterator[Server]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        base_url=BASE,
        master_key=MASTER_KEY,
        seed_demo=False,
        smtp_host="127.0.0.1",
        smtp_port=inbox[1],
        smtp_security="none",
        smtp_from="Université Lyon <no-reply@issuer.example>",
        smtp_timeout_s=5.0,
    )
    container = build(settings)
    _, key = organisations.create_organisation(
        name="Université Claude Bernard Lyon 1", country="FR", **container.ports
    )
    app = build_app(container, deliver_webhooks=False)
    with TestClient(app, base_url="https://testserver") as client:
        yield Server(container, client, {"Authorization": f"Bearer {key}"})
    container.engine.dispose()


@pytest.fixture(scope="module")
def version(server: Server) -> str:
    created = server.client.post(
        "/api/v1/catalogue/entries", json={"description": FRENCH}, headers=server.auth
    )
    assert created.status_code == 201, created.text
    version_id = str(created.json()["version"]["id"])
    published = server.client.post(
        f"/api/v1/catalogue/versions/{version_id}/publish", headers=server.auth
    )
    assert published.status_code == 200, published.text
    return version_id


def _issue(server: Server, version: str, learner_email: str) -> dict[str, Any]:
    issued = server.client.post(
        "/api/v1/awards",
        json={"version_id": version, "learner": {"name": "Léa Martin", "email": learner_email}},
        headers=server.auth,
    )
    assert issued.status_code == 201, issued.text
    return dict(issued.json())


def _csrf(page: Any) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def _register(client: TestClient, email_address: str, next_path: str) -> None:
    form = client.get(f"/register?next={next_path}", headers=BROWSER)
    done = client.post(
        "/register",
        data={
            "csrf_token": _csrf(form),
            "next": next_path,
            "name": "Léa Martin",
            "email": email_address,
            "password": "un mot de passe solide",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == next_path
    cookie = done.headers["set-cookie"]
    assert "microcred_session=" in cookie and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower()


def test_an_issued_award_mails_a_working_claim_link_in_the_learners_language(
    server: Server, version: str, inbox: tuple[Inbox, int]
) -> None:
    handler, _ = inbox
    award = _issue(server, version, "lea.martin@example.fr")
    before = len(handler.messages)
    sent = server.container.send_mail()
    assert [m.status for m in sent] == ["sent"]
    assert server.container.send_mail() == []
    [message] = handler.messages[before:]
    assert handler.envelopes[-1] == ("no-reply@issuer.example", ["lea.martin@example.fr"])
    assert message["To"] == "lea.martin@example.fr"
    assert "Fondamentaux de la cybersécurité" in message["Subject"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert 'lang="fr"' in html
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    assert any(f" {month} " in text for month in months.split())  # a French date
    found = re.search(rf"{re.escape(BASE)}(/claim/[A-Za-z0-9_-]+)", text)
    assert found and found.group(0) in html
    claim_path = found.group(1)

    client = server.client
    client.cookies.clear()
    page = client.get(claim_path, headers=BROWSER)
    assert page.status_code == 200
    assert "Cybersecurity fundamentals" in page.text  # the title in the reader's language
    french = client.get(claim_path, headers={**BROWSER, "Accept-Language": "fr"})
    assert "Fondamentaux de la cybersécurité" in french.text
    assert "lea.martin@example.fr" not in page.text  # the claim page reveals nobody
    _register(client, "Lea.Martin@example.fr", claim_path)
    page = client.get(claim_path, headers=BROWSER)
    added = client.post(claim_path, data={"csrf_token": _csrf(page)}, follow_redirects=False)
    assert added.status_code == 303
    holding_path = added.headers["location"]
    assert holding_path.startswith("/wallet/")

    listing = client.get("/wallet", headers=BROWSER)
    assert listing.status_code == 200
    assert "Cybersecurity fundamentals" in listing.text and "badge ok" in listing.text
    detail = client.get(holding_path, headers=BROWSER)
    assert detail.status_code == 200
    assert "Université Claude Bernard Lyon 1" in detail.text
    assert f"/credentials/{award['id']}/certificate.pdf" in detail.text
    assert "Léa Martin" in detail.text
    download = client.get(f"{holding_path}/credential.json")
    assert download.status_code == 200
    assert json.loads(download.content)["credentialSubject"]["achievement"]["inLanguage"] == "fr"

    again = client.post(claim_path, data={"csrf_token": _csrf(page)}, follow_redirects=False)
    assert again.status_code == 303  # the same learner: back to their holding
    client.cookies.clear()
    used = client.get(claim_path, headers=BROWSER)
    assert used.status_code == 410 and "already been claimed" in used.text
    unknown = client.get("/claim/not-a-real-token", headers=BROWSER)
    assert unknown.status_code == 404 and "not valid" in unknown.text


def test_a_post_without_the_csrf_token_is_refused(server: Server) -> None:
    server.client.cookies.clear()
    refused = server.client.post(
        "/sign-in", data={"email": "x@example.fr", "password": "whatever12345"}
    )
    assert refused.status_code == 403


def test_imports_are_verified_and_marked(server: Server, version: str) -> None:
    award = _issue(server, version, "someone.else@example.fr")
    client = server.client
    client.cookies.clear()
    _register(client, "importer@example.fr", "/wallet")
    form = client.get("/wallet/import", headers=BROWSER)
    token = _csrf(form)
    credential = server.client.get(
        f"/credentials/{award['id']}", headers={"Accept": "application/json"}
    )
    assert credential.status_code == 200, credential.text
    good = client.post(
        "/wallet/import",
        data={"csrf_token": token},
        files={"file": ("badge.json", credential.content, "application/json")},
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    page = client.get(good.headers["location"], headers=BROWSER)
    assert "badge ok" in page.text and "Imported (badge.json)" in page.text

    tampered = json.loads(credential.content)
    tampered["validFrom"] = "2020-01-01T00:00:00Z"
    bad = client.post(
        "/wallet/import",
        data={"csrf_token": token, "text": json.dumps(tampered)},
        follow_redirects=False,
    )
    assert bad.status_code == 303
    page = client.get(bad.headers["location"], headers=BROWSER)
    assert "badge bad" in page.text and "failed verification" in page.text

    garbage = client.post("/wallet/import", data={"csrf_token": token, "text": "not a credential"})
    assert garbage.status_code == 422 and "notice problem" in garbage.text
