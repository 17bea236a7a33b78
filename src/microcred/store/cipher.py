"""Secrets at rest: AES-256-GCM under the operator's master key (NIST SP 800-38D).

A blob is ``b"v1"`` + a 12-byte random nonce + ciphertext and 16-byte tag. The associated data
(AAD) binds a blob to its owner (e.g. organisation id + key id), so a blob copied to another row
does not decrypt. The master key comes from ``MICROCRED_MASTER_KEY`` (base64 of 32 bytes) or, on
the embedded default only, from ``<data_dir>/master.key``, created with mode 0600 on first use.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from microcred.config import Settings
from microcred.errors import InvalidInputError, MicrocredError

__all__ = ["MASTER_KEY_FILE", "AesGcmCipher", "load_or_create_master_key"]

MASTER_KEY_FILE = "master.key"
_VERSION = b"v1"
_NONCE = 12
_TAG = 16
_KEY_BYTES = 32


class AesGcmCipher:
    """:class:`microcred.service.ports.KeyCipher` with AES-256-GCM; never shows its key."""

    __slots__ = ("_aead", "_random")

    def __init__(
        self, master_key: bytes, *, random_bytes: Callable[[int], bytes] = os.urandom
    ) -> None:
        if len(master_key) != _KEY_BYTES:
            raise InvalidInputError(f"the master key must be {_KEY_BYTES} bytes")
        self._aead = AESGCM(master_key)
        self._random = random_bytes

    def __repr__(self) -> str:
        return "AesGcmCipher(master_key=<hidden>)"

    def encrypt(self, plaintext: bytes, *, aad: bytes) -> bytes:
        nonce = self._random(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, blob: bytes, *, aad: bytes) -> bytes:
        """The plaintext; :class:`MicrocredError` when the blob was altered, belongs to other
        associated data or was encrypted under another master key."""
        if not blob.startswith(_VERSION) or len(blob) < len(_VERSION) + _NONCE + _TAG:
            raise MicrocredError("encrypted secret: unknown format (expected a v1 blob)")
        nonce = blob[len(_VERSION) : len(_VERSION) + _NONCE]
        try:
            return self._aead.decrypt(nonce, blob[len(_VERSION) + _NONCE :], aad)
        except InvalidTag:
            raise MicrocredError(
                "encrypted secret does not decrypt: wrong master key, wrong owner, or altered"
            ) from None


def _decode(text: str, source: str) -> bytes:
    try:
        standard = text.strip().replace("-", "+").replace("_", "/")  # URL-safe alphabet too
        key = base64.b64decode(standard, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != _KEY_BYTES:
        raise InvalidInputError(
            f"{source} must be the base64 encoding of exactly {_KEY_BYTES} random bytes "
            '(e.g. python -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())")'
        )
    return key


def load_or_create_master_key(settings: Settings) -> bytes:
    """The master key: ``MICROCRED_MASTER_KEY`` when set, else ``<data_dir>/master.key``, which is
    created (mode 0600, 32 random bytes, base64) on first use.

    The key file is for the zero-set-up default only: it sits next to the database, so anyone
    who copies the data folder gets both. Production must set ``MICROCRED_MASTER_KEY`` from a
    secret store instead.
    """
    if settings.master_key is not None:
        return _decode(settings.master_key.get_secret_value(), "MICROCRED_MASTER_KEY")
    path = settings.data_dir / MASTER_KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return _decode(path.read_text(encoding="ascii"), str(path))


def _create_key_file(path: Path) -> None:
    """Write a new key atomically: a 0600 temporary file linked into place, so two processes
    starting at once agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".master.key.")
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(base64.b64encode(os.urandom(_KEY_BYTES)) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


if TYPE_CHECKING:
    from microcred.service.ports import KeyCipher

    def _implements_the_port(master_key: bytes) -> KeyCipher:
        return AesGcmCipher(master_key)
