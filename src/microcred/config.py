"""Settings: read once from the environment (``MICROCRED_*``) or the command line.

With no settings at all, microcred runs on its embedded default: an SQLite file under ``var/``,
a master key generated into ``var/master.key`` (mode 0600) on first use, a demo issuer and the
example catalogue. Production sets ``MICROCRED_DATABASE_URL`` (PostgreSQL),
``MICROCRED_MASTER_KEY`` (32 random bytes, base64) and ``MICROCRED_BASE_URL`` (public https URL,
which makes every organisation a ``did:web`` issuer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of a microcred installation."""

    model_config = SettingsConfigDict(env_prefix="MICROCRED_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    base_url: str | None = None
    master_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    seed_demo: bool = True
    bulk_chunk_size: int = 500
    fetch_allow_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    fetch_timeout_s: float = 5.0
    fetch_max_bytes: int = 2 * 1024 * 1024
    # outgoing e-mail (claim links, sign-in links): no host = mails wait in the outbox
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "ssl"] = "starttls"
    smtp_from: str = "microcred <no-reply@localhost>"
    smtp_timeout_s: float = 20.0
    # the mail outbox forgets mails (sent, dead, or never sent) this many days after queueing
    mail_keep_days: int = Field(default=30, ge=1)
    # platform administrators (trust registry): organisation ids or slugs, commas or spaces
    admin_orgs: Annotated[tuple[str, ...], NoDecode] = ()
    # PEM file of the operator's trust anchors for JAdES seal certificate chains (Europass)
    seal_trust_anchors: Path | None = None
    # wallets: holdings are verified again in the background once their last check is older
    wallet_refresh_hours: float = Field(default=24.0, gt=0)
    wallet_refresh_batch: int = Field(default=50, ge=1, le=1000)

    @field_validator("fetch_allow_hosts", "admin_orgs", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        """``MICROCRED_FETCH_ALLOW_HOSTS=a.example,b.example`` (commas or spaces); the same for
        ``MICROCRED_ADMIN_ORGS``."""
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split() if part)
        return value

    def service_base_url(self) -> str:
        """The URL credentials, status lists and DID documents are published under.

        ``base_url`` when set (an https URL with a domain name makes organisations ``did:web``
        issuers); otherwise this server's own address, so status lists are found where the
        server actually listens. Set ``MICROCRED_BASE_URL`` for any real deployment.
        """
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``sqlite:///<data_dir>/microcred.db``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'microcred.db').as_posix()}"
