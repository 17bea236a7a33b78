"""How complete a credential is against Annex I of Council Recommendation 2022/C 243/02.

Element names are the Annex I names in plain English; every format reports with these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ANNEX_I_MANDATORY", "ANNEX_I_OPTIONAL", "EuCompleteness"]

ANNEX_I_MANDATORY: tuple[str, ...] = (
    "identification of the learner",
    "title of the micro-credential",
    "country(ies)/region(s) of the issuer",
    "awarding body(ies)",
    "date of issuing",
    "learning outcomes",
    "notional workload",
    "level",
    "type of assessment",
    "form of participation",
    "type of quality assurance",
)

ANNEX_I_OPTIONAL: tuple[str, ...] = (
    "prerequisites",
    "supervision and identity verification",
    "grade achieved",
    "integration/stackability options",
    "further information",
)


@dataclass(frozen=True)
class EuCompleteness:
    """Annex I elements found in a credential.

    ``present`` lists every element found (mandatory first, in Annex order, then optional);
    ``missing`` lists only the MANDATORY elements not found; ``values`` maps each present
    element to a JSON-compatible value (IRIs, language maps, numbers as strings).
    """

    present: tuple[str, ...]
    missing: tuple[str, ...]
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when all 11 mandatory elements are present."""
        return not self.missing
