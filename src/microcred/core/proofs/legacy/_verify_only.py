"""What every legacy suite shares: it refuses to create proofs (house rule: legacy formats are
read and verified, never issued)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.errors import ProofError

if TYPE_CHECKING:
    from microcred.core.keys.signer import Signer


class VerifyOnly:
    """Mixin placed before an EdDSA suite: proof creation and signing raise :class:`ProofError`."""

    name: str = ""

    def _refuse(self) -> ProofError:
        return ProofError(
            f"{self.name!r} is a legacy proof format: microcred verifies it but never issues it"
        )

    def create_proof_options(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Refused: legacy proofs are never created."""
        raise self._refuse()

    def sign(self, signer: Signer, hash_data: bytes) -> bytes:
        """Refused: legacy proofs are never signed."""
        raise self._refuse()
