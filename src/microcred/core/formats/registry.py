"""Plug-in point for wire formats: one ``Format`` protocol, one explicit registry.

Open Badges 3.0 is built in (:mod:`microcred.core.formats.ob3`); another format registers the
same way (the Europass ELM export and the read-only Open Badges 2.0 reader are plain modules,
not registered). No global state: build a registry with :func:`default_registry` and pass it on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from microcred.core.formats.completeness import EuCompleteness
from microcred.core.model.award import Award
from microcred.core.model.issuer import IssuerProfile

__all__ = ["Format", "FormatRegistry", "default_registry"]


@runtime_checkable
class Format(Protocol):
    """A wire format for awarded micro-credentials."""

    name: str
    """Short registry key, e.g. ``"ob3"``, ``"elm"``."""
    media_type: str
    """Media type of an unsecured document, e.g. ``application/vc``."""

    def detect(self, document: Mapping[str, Any]) -> bool:
        """True if ``document`` looks like this format; never raises."""
        ...

    def build(
        self,
        award: Award,
        *,
        issuer: IssuerProfile,
        credential_id: str,
        salt: str | None = None,
        status: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The unsigned document for ``award``; raises ``SpecValidationError`` on bad input."""
        ...

    def eu_elements(self, document: Mapping[str, Any]) -> EuCompleteness:
        """The Annex I elements found in ``document``; never raises."""
        ...

    def read_award(self, document: Mapping[str, Any]) -> Award:
        """The award held by ``document``; raises ``DocumentParseError`` when impossible."""
        ...


class FormatRegistry:
    """Formats by name, in registration order."""

    def __init__(self, formats: tuple[Format, ...] = ()) -> None:
        self._formats: dict[str, Format] = {}
        for fmt in formats:
            self.register(fmt)

    def register(self, fmt: Format) -> None:
        """Add ``fmt``; a second format with the same name is a ``ValueError``."""
        if fmt.name in self._formats:
            raise ValueError(f"format {fmt.name!r} is already registered")
        self._formats[fmt.name] = fmt

    def get(self, name: str) -> Format:
        """The format called ``name``; ``KeyError`` names the registered ones."""
        try:
            return self._formats[name]
        except KeyError:
            raise KeyError(f"unknown format {name!r}; known: {', '.join(self._formats)}") from None

    def names(self) -> tuple[str, ...]:
        """Registered format names."""
        return tuple(self._formats)

    def detect(self, document: Mapping[str, Any]) -> Format | None:
        """The first registered format that recognises ``document``, or None."""
        for fmt in self._formats.values():
            if fmt.detect(document):
                return fmt
        return None


def default_registry() -> FormatRegistry:
    """A new registry holding the built-in formats (Open Badges 3.0)."""
    from microcred.core.formats.ob3 import OB3

    return FormatRegistry((OB3,))
