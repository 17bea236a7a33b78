"""Secrets at rest: AES-256-GCM blobs ("v1" + nonce + ciphertext), and the master key."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from microcred.config import Settings
from microcred.errors import InvalidInputError, MicrocredError
from microcred.store.cipher import AesGcmCipher, load_or_create_master_key

KEY = bytes(range(32))
AAD = b"org-1|key-1"


def test_round_trip_and_blob_format() -> None:
    cipher = AesGcmCipher(KEY)
    seed = os.urandom(32)
    blob = cipher.encrypt(seed, aad=AAD)
    assert blob.startswith(b"v1")
    assert len(blob) == 2 + 12 + 32 + 16
    assert seed not in blob
    assert cipher.decrypt(blob, aad=AAD) == seed
    assert cipher.encrypt(seed, aad=AAD) != blob  # fresh nonce every time
    assert AesGcmCipher(KEY).decrypt(blob, aad=AAD) == seed


def test_known_answer_with_a_fixed_nonce() -> None:
    # AES-256-GCM, key 00..1f, nonce 00*12, empty plaintext and AAD: the tag alone.
    cipher = AesGcmCipher(KEY, random_bytes=bytes)
    blob = cipher.encrypt(b"", aad=b"")
    assert blob[:14] == b"v1" + bytes(12)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    assert blob[14:] == AESGCM(KEY).encrypt(bytes(12), b"", b"")


@pytest.mark.parametrize("position", [0, 1, 2, 13, 14, -1])
def test_tampering_is_detected(position: int) -> None:
    cipher = AesGcmCipher(KEY)
    blob = bytearray(cipher.encrypt(b"secret seed", aad=AAD))
    blob[position] ^= 0x01
    with pytest.raises(MicrocredError):
        cipher.decrypt(bytes(blob), aad=AAD)


def test_wrong_aad_wrong_key_and_short_blob_are_refused() -> None:
    blob = AesGcmCipher(KEY).encrypt(b"secret seed", aad=AAD)
    with pytest.raises(MicrocredError, match="does not decrypt"):
        AesGcmCipher(KEY).decrypt(blob, aad=b"org-2|key-1")
    with pytest.raises(MicrocredError, match="does not decrypt"):
        AesGcmCipher(bytes(32)).decrypt(blob, aad=AAD)
    with pytest.raises(MicrocredError, match="unknown format"):
        AesGcmCipher(KEY).decrypt(blob[:20], aad=AAD)
    with pytest.raises(InvalidInputError):
        AesGcmCipher(KEY[:16])


def test_key_never_shown() -> None:
    cipher = AesGcmCipher(KEY)
    assert KEY.hex() not in repr(cipher)
    assert "hidden" in repr(cipher)


def test_master_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", master_key=None)
    key = load_or_create_master_key(settings)
    path = tmp_path / "var" / "master.key"
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert base64.b64decode(path.read_text()) == key
    assert load_or_create_master_key(settings) == key
    assert [p.name for p in path.parent.iterdir()] == ["master.key"]  # no temporary left


def test_master_key_from_the_environment(tmp_path: Path) -> None:
    key = os.urandom(32)
    for encoded in (base64.b64encode(key), base64.urlsafe_b64encode(key)):
        settings = Settings(data_dir=tmp_path, master_key=SecretStr(encoded.decode()))
        assert load_or_create_master_key(settings) == key
    assert not (tmp_path / "master.key").exists()
    for bad in ("", "not base64!", base64.b64encode(os.urandom(16)).decode()):
        with pytest.raises(InvalidInputError, match="MICROCRED_MASTER_KEY must be the base64"):
            load_or_create_master_key(Settings(data_dir=tmp_path, master_key=SecretStr(bad)))
