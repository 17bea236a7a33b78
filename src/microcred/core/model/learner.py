"""The learner: Annex I element 1, "identification of the learner"."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Learner"]


@dataclass(frozen=True)
class Learner:
    """Who earned the micro-credential; at least one of email, did, url, institutional_id."""

    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    did: str | None = None
    url: str | None = None
    institutional_id: str | None = None

    @property
    def display_name(self) -> str | None:
        """The full name, else given + family name, else None."""
        if self.name:
            return self.name
        parts = [p for p in (self.given_name, self.family_name) if p]
        return " ".join(parts) or None
