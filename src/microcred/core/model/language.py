"""Multilingual text: a read-only mapping of BCP 47 language tag -> text.

Annex I elements such as the title and the learning outcomes are written in one or more
languages (Council Recommendation 2022/C 243/02, Annex I; ELM v3 language maps).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

__all__ = ["LanguageMap", "is_language_tag", "normalize_language_tag"]

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def is_language_tag(tag: object) -> bool:
    """True if ``tag`` is a well-formed (simplified) BCP 47 tag such as ``en`` or ``fr-BE``."""
    return isinstance(tag, str) and len(tag) <= 35 and _TAG.match(tag) is not None


def normalize_language_tag(tag: str) -> str:
    """Canonical case of a BCP 47 tag (RFC 5646 §2.1.1): ``EN-gb`` -> ``en-GB``."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


class LanguageMap(Mapping[str, str]):
    """Immutable mapping of BCP 47 tags to text; keeps insertion order (first = primary).

    Tags are normalised (``EN`` -> ``en``). Invalid tags or empty texts are not checked here:
    :func:`microcred.core.model.validation.validate_micro_credential` reports them.
    """

    __slots__ = ("_items",)
    _items: tuple[tuple[str, str], ...]

    def __init__(self, entries: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = entries.items() if isinstance(entries, Mapping) else entries
        seen: dict[str, str] = {}
        for tag, text in pairs:
            seen[normalize_language_tag(tag) if is_language_tag(tag) else tag] = text
        object.__setattr__(self, "_items", tuple(seen.items()))

    @classmethod
    def of(cls, text: str, language: str = "en") -> LanguageMap:
        """A map with one entry."""
        return cls({language: text})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("LanguageMap is immutable")

    def __getitem__(self, tag: str) -> str:
        for key, text in self._items:
            if key == tag:
                return text
        raise KeyError(tag)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items))

    def __repr__(self) -> str:
        return f"LanguageMap({dict(self._items)!r})"

    @property
    def primary_language(self) -> str | None:
        """The first language given, or None when empty."""
        return self._items[0][0] if self._items else None

    def best(self, lang: str | None = None) -> str:
        """The text for ``lang``: exact tag, then same primary subtag, then English, then first.

        Without ``lang`` the primary (first) text. Returns ``""`` when the map is empty.
        """
        if not self._items:
            return ""
        if not lang:
            return self._items[0][1]
        wanted = normalize_language_tag(lang) if is_language_tag(lang) else lang
        for key, text in self._items:
            if key == wanted:
                return text
        for primary in (wanted.split("-")[0], "en"):
            for key, text in self._items:
                if key.split("-")[0] == primary:
                    return text
        return self._items[0][1]

    def to_dict(self) -> dict[str, str]:
        """A plain ``dict`` copy (JSON-LD language map form)."""
        return dict(self._items)
