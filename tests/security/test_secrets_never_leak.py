"""Secrets never leak (brief: "Private keys never leave the server, never appear in logs or API
output, and are encrypted at rest"): a full flow through the real app on SQLite (bootstrap
container, AES-GCM cipher, store) - an organisation issues, a learner registers, signs in with a
password and with an e-mailed link, claims and imports the credential, shares it; staff sign in
on the dashboard. Afterwards no signing seed, holder seed, password, session token, API key or
master key appears in the raw database file, the log records, any page or API body, or a
record's ``repr``; tokens are stored only as SHA-256 hashes."""

from __future__ import annotations

import base64
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from security_support import CSRF

from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.core.keys.multikey import encode_secret_key
from microcred.service import organisations
from microcred.service.accounts import hash_token, set_staff_password
from microcred.service.records import Principal
from microcred.service.users import add_user

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
MASTER = bytes(range(32))
MASTER_KEY = SecretStr(base64.b64encode(MASTER).decode())
BASE = "https://issuer.example"
BROWSER = {"Accept": "text/html"}
LEARNER_PASSWORD = "learner secret passphrase"
STAFF_PASSWORD = "staff secret passphrase"


@dataclass
class Flow:
    container: Container
    database: Path
    api_key: str
    bodies: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)
    logs: str = ""


def _csrf(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def _run_flow(client: TestClient, flow: Flow) -> None:
    auth = {"Authorization": f"Bearer {flow.api_key}"}

    def keep(answer: httpx.Response) -> httpx.Response:
        flow.bodies.append(answer.text)
        flow.bodies.append(str(answer.headers.get("location", "")))
        return answer

    created = keep(
        client.post(
            "/api/v1/catalogue/entries",
            json={"description": EXAMPLE.read_text(encoding="utf-8")},
            headers=auth,
        )
    )
    version = created.json()["version"]["id"]
    keep(client.post(f"/api/v1/catalogue/versions/{version}/publish", headers=auth))
    award = keep(
        client.post(
            "/api/v1/awards",
            json={"version_id": version, "learner": {"name": "Aoife", "email": "a@learner.ie"}},
            headers=auth,
        )
    ).json()
    keep(client.get(f"/api/v1/awards/{award['id']}", headers=auth))
    keep(client.get("/api/v1/keys", headers=auth))
    keep(client.get("/.well-known/did.json"))
    # The learner registers (password), signs out, signs in with an e-mailed link.
    form = keep(client.get("/register", headers=BROWSER))
    registered = client.post(
        "/register",
        data={"csrf_token": _csrf(form), "email": "a@learner.ie", "name": "Aoife",
              "password": LEARNER_PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    flow.tokens["first session"] = registered.cookies["microcred_session"]
    keep(client.post("/sign-out", data={"csrf_token": _csrf(form)}, follow_redirects=False))
    keep(client.post("/sign-in/link", data={"csrf_token": _csrf(form), "email": "a@learner.ie"}))
    with sqlite3.connect(flow.database) as db:
        texts = [row[0] for row in db.execute("SELECT body_text FROM mail_outbox")]
    claim = re.search(r"/claim/([A-Za-z0-9_-]+)", "\n".join(texts))
    link = re.search(r"/account/link/([A-Za-z0-9_-]+)", "\n".join(texts))
    assert claim and link
    flow.tokens["claim"], flow.tokens["sign-in link"] = claim.group(1), link.group(1)
    used = keep(client.get(f"/account/link/{link.group(1)}", follow_redirects=False))
    flow.tokens["link session"] = used.cookies["microcred_session"]
    page = keep(client.get(f"/claim/{claim.group(1)}", headers=BROWSER))
    added = keep(
        client.post(
            f"/claim/{claim.group(1)}", data={"csrf_token": _csrf(page)}, follow_redirects=False
        )
    )
    holding = added.headers["location"]
    keep(client.get(holding, headers=BROWSER))
    keep(client.get(f"{holding}/credential.json"))
    share = keep(client.get(f"{holding}/share", headers=BROWSER))
    keep(client.post(f"{holding}/share", data={"csrf_token": _csrf(share)}, headers=BROWSER))
    keep(client.get("/wallet", headers=BROWSER))
    keep(client.get("/account", headers=BROWSER))
    # Staff sign in on the dashboard and look at the award.
    client.cookies.clear()
    form = keep(client.get("/dashboard/sign-in", headers=BROWSER))
    staff = client.post(
        "/dashboard/sign-in",
        data={"csrf_token": _csrf(form), "email": "staff@uni.ie", "password": STAFF_PASSWORD},
        follow_redirects=False,
    )
    flow.tokens["staff session"] = staff.cookies["microcred_session"]
    keep(client.get(f"/dashboard/awards/{award['id']}", headers=BROWSER))
    keep(client.get("/dashboard", headers=BROWSER))


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    folder = tmp_path_factory.mktemp("secrets")
    database = folder / "microcred.db"
    settings = Settings(
        database_url=f"sqlite:///{database}",
        data_dir=folder / "data",
        base_url=BASE,
        master_key=MASTER_KEY,
        seed_demo=False,
    )
    container = build(settings)
    organisation, key = organisations.create_organisation(
        name="University of Galway", country="IE", **container.ports
    )
    owner = Principal(organisation_id=organisation.id, role="owner", actor="test")
    ports = {k: v for k, v in container.ports.items() if k != "cipher"}
    user = add_user(owner, email="staff@uni.ie", name="Síle", role="issuer", **ports)
    set_staff_password(principal=owner, user_id=user.id, password=STAFF_PASSWORD, **ports)
    found = Flow(container, database, key)
    handler = _Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        app = build_app(container, deliver_webhooks=False)
        with TestClient(app, base_url="https://testserver") as client:
            _run_flow(client, found)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    found.logs = "\n".join(handler.lines)
    yield found
    container.engine.dispose()


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("httpx", "httpcore")):
            return  # the test client's own log of the URLs it requests
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))


def _forms(secret: bytes) -> list[str]:
    """The ways a secret byte string could be written down."""
    return [
        secret.hex(),
        base64.b64encode(secret).decode().rstrip("="),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
    ]


def _seeds(flow: Flow) -> dict[str, bytes]:
    """Every encrypted private key of the database, decrypted (what must never leak)."""
    cipher = flow.container.cipher
    seeds: dict[str, bytes] = {}
    with sqlite3.connect(flow.database) as db:
        for org, key_id, blob in db.execute(
            "SELECT organisation_id, id, encrypted_secret FROM signing_keys"
        ):
            seeds[f"signing key {key_id}"] = cipher.decrypt(blob, aad=f"{org}/{key_id}".encode())
        for learner, key_id, blob in db.execute(
            "SELECT learner_id, id, encrypted_secret FROM holder_keys"
        ):
            seeds[f"holder key {key_id}"] = cipher.decrypt(blob, aad=f"{learner}/{key_id}".encode())
    assert any(name.startswith("signing key") for name in seeds)
    return seeds


def _secrets(flow: Flow) -> dict[str, str]:
    found = {
        "learner password": LEARNER_PASSWORD,
        "staff password": STAFF_PASSWORD,
        "API key": flow.api_key,
        **flow.tokens,
    }
    for label, seed in _seeds(flow).items():
        for number, form in enumerate(_forms(seed)):
            found[f"{label} ({number})"] = form
        found[f"{label} (multikey)"] = encode_secret_key(seed)
    for number, form in enumerate(_forms(MASTER)):
        found[f"master key ({number})"] = form
    return found


def test_the_flow_ran_and_produced_secrets(flow: Flow) -> None:
    assert len(flow.bodies) > 20 and flow.logs
    assert {"claim", "sign-in link", "first session", "staff session"} <= set(flow.tokens)


def _raw(flow: Flow) -> bytes:
    """Every byte SQLite wrote: the database file and its write-ahead log."""
    files = sorted(flow.database.parent.glob(flow.database.name + "*"))
    return b"".join(f.read_bytes() for f in files)


def _tables_except_outbox(flow: Flow) -> str:
    """Every row of every table but the mail outbox, as text."""
    with sqlite3.connect(flow.database) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row)
            for name in names
            if name != "mail_outbox"
            for row in db.execute(f'SELECT * FROM "{name}"')
        )


def test_the_raw_database_holds_no_secret_in_clear(flow: Flow) -> None:
    raw = _raw(flow)
    rows = _tables_except_outbox(flow)
    for label, secret in _secrets(flow).items():
        if label in ("claim", "sign-in link"):
            # Mailed tokens are in the outbox text until sent (docs/security.md); nowhere else.
            assert secret not in rows, f"{label} is stored in clear outside the outbox"
            continue
        assert secret.encode() not in raw, f"{label} is stored in clear"
    for seed_label, seed in _seeds(flow).items():
        assert seed not in raw, f"{seed_label}: the raw seed bytes are stored in clear"


def test_tokens_are_stored_as_their_sha256_only(flow: Flow) -> None:
    with sqlite3.connect(flow.database) as db:
        sessions = {row[0] for row in db.execute("SELECT token_hash FROM sessions")}
        links = {row[0] for row in db.execute("SELECT token_hash FROM sign_in_links")}
        claims = {row[0] for row in db.execute("SELECT token_hash FROM claims")}
    assert hash_token(flow.tokens["link session"]) in sessions
    assert hash_token(flow.tokens["staff session"]) in sessions
    assert hash_token(flow.tokens["sign-in link"]) in links
    assert hash_token(flow.tokens["claim"]) in claims
    # Signing out deleted the first session on the server.
    assert hash_token(flow.tokens["first session"]) not in sessions


def test_no_secret_in_any_page_or_api_body(flow: Flow) -> None:
    bodies = "\n".join(flow.bodies)
    for label, secret in _secrets(flow).items():
        if label in ("claim",):
            continue  # the claim page's own address holds its token, by design
        assert secret not in bodies, f"{label} appears in a page or API answer"
    assert "$argon2" not in bodies, "a password hash appears in a page or API answer"


def test_no_secret_in_the_logs(flow: Flow) -> None:
    for label, secret in _secrets(flow).items():
        assert secret not in flow.logs, f"{label} appears in the logs"
    assert "$argon2" not in flow.logs


def test_records_and_the_cipher_hide_their_secrets_in_repr(flow: Flow) -> None:
    assert "hidden" in repr(flow.container.cipher)
    texts = [repr(flow.container.cipher), repr(flow.container.settings)]
    with flow.container.uow() as tx:
        organisation = organisations.list_organisations(uow=flow.container.uow)[0]
        texts.extend(repr(k) for k in tx.signing_keys.all_for(organisation.id))
    joined = "\n".join(texts)
    for label, secret in _secrets(flow).items():
        assert secret not in joined, f"{label} appears in a repr"
