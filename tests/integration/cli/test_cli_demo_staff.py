"""The demo seed gives the demo issuer's owner a staff sign-in: e-mail and a random password
in ``<data_dir>/demo-staff-login.txt`` (mode 0600) that sign in as the organisation's owner."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

from pydantic import SecretStr

from microcred.bootstrap import build
from microcred.cli.server import DEMO_STAFF_FILE, seed_demo
from microcred.config import Settings
from microcred.service import accounts


def test_the_demo_owner_signs_in_with_the_written_password(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        master_key=SecretStr(base64.b64encode(bytes(range(32))).decode()),
    )
    container = build(settings)
    try:
        assert seed_demo(container) is not None
        path = tmp_path / DEMO_STAFF_FILE
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        email, password = path.read_text(encoding="utf-8").strip().split(" / ")
        _, account = accounts.sign_in(
            kind="staff", email=email, password=password, **container.ports_writes
        )
        assert (account.kind, account.role) == ("staff", "owner")
        assert account.principal().organisation_id == account.organisation_id
    finally:
        container.engine.dispose()
