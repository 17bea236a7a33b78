"""What both EdDSA cryptosuites share (VC-DI-EdDSA 1.0 §3.2 and §3.3).

Proof configuration checks, ``hashData = SHA-256(canonical proof config) || SHA-256(canonical
document)``, Ed25519 signing and verification (Multikey header 0xed01 required), and a bounded
LRU cache of proof-configuration hashes: a batch signed with the same options (issuer key,
``created``, contexts) canonicalises them once (PERFORMANCE.md technique 2).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.keys.ed25519 import SIGNATURE_LENGTH, verify_ed25519
from microcred.core.keys.multikey import decode_public_key
from microcred.core.proofs._datetime import is_datetime
from microcred.errors import KeyFormatError, ProofError

if TYPE_CHECKING:
    from microcred.core.jsonld.loader import DocumentLoader
    from microcred.core.keys.signer import Signer

PROOF_TYPE = "DataIntegrityProof"
_CACHE_SIZE = 256


class EddsaSuite:
    """Base of the EdDSA suites; subclasses set ``name`` and the two canonicalisations."""

    name: str = ""

    def __init__(self, *, cache_size: int = _CACHE_SIZE) -> None:
        self._cache: OrderedDict[tuple[str, int], tuple[object, bytes]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    # -- to be provided by each suite -------------------------------------------------------
    def _proof_config(
        self, document: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> dict[str, Any]:
        raise NotImplementedError

    def _canonical_config(self, config: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        raise NotImplementedError

    def _canonical_document(self, document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        raise NotImplementedError

    # -- the Cryptosuite protocol ------------------------------------------------------------
    def create_proof_options(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Options as they appear in the proof (the rdfc suite adds nothing)."""
        return dict(options)

    def verification_document(
        self, unsecured: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The document to hash when verifying (unchanged for rdfc)."""
        return unsecured

    def hash_data(
        self,
        document: Mapping[str, Any],
        proof_options: Mapping[str, Any],
        *,
        loader: DocumentLoader,
    ) -> bytes:
        """``SHA-256(canonical proof configuration) || SHA-256(canonical document)``."""
        self._check_options(proof_options)
        config = self._proof_config(document, proof_options)
        config_hash = self._config_hash(config, loader)
        document_hash = hashlib.sha256(self._canonical_document(document, loader)).digest()
        return config_hash + document_hash

    def sign(self, signer: Signer, hash_data: bytes) -> bytes:
        """Ed25519 signature over ``hash_data`` (the signer must be EdDSA)."""
        if signer.algorithm not in {"EdDSA", "Ed25519"}:
            raise ProofError(f"{self.name} needs an Ed25519 signer, got {signer.algorithm!r}")
        return signer.sign(hash_data)

    def verify_signature(
        self, *, public_key_multibase: str, hash_data: bytes, signature: bytes
    ) -> bool:
        """Ed25519 verification; the key must carry the 0xed01 Multikey header."""
        if len(signature) != SIGNATURE_LENGTH:
            raise ProofError(
                f"proofValue decodes to {len(signature)} bytes, an Ed25519 signature has 64"
            )
        try:
            public = decode_public_key(public_key_multibase)
        except KeyFormatError:
            return False
        return verify_ed25519(public, hash_data, signature)

    def cache_info(self) -> tuple[int, int]:
        """``(hits, misses)`` of the proof-configuration hash cache."""
        return self._hits, self._misses

    # -- helpers -----------------------------------------------------------------------------
    def _check_options(self, options: Mapping[str, Any]) -> None:
        if options.get("type") != PROOF_TYPE:
            raise ProofError(f"proof type must be {PROOF_TYPE!r}, got {options.get('type')!r}")
        if options.get("cryptosuite") != self.name:
            raise ProofError(
                f"proof cryptosuite must be {self.name!r}, got {options.get('cryptosuite')!r}"
            )
        if "proofValue" in options:
            raise ProofError("proof options must not contain proofValue")
        created = options.get("created")
        if created is not None and not is_datetime(created):
            raise ProofError(f"proof created {created!r} is not a valid XML Schema dateTime")

    def _config_hash(self, config: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        try:
            text = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):
            return hashlib.sha256(self._canonical_config(config, loader)).digest()
        key = (text, id(loader))
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] is loader:
                self._cache.move_to_end(key)
                self._hits += 1
                return hit[1]
            self._misses += 1
        digest = hashlib.sha256(self._canonical_config(config, loader)).digest()
        with self._lock:
            self._cache[key] = (loader, digest)
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return digest
