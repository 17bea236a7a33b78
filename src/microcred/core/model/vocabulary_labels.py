"""The English labels of the EU vocabulary concepts as translatable messages (issue 4).

The labels of :mod:`microcred.core.model.vocabularies` are data, not ``_("...")`` literals, yet
the interface translates them (``t.gettext(label_of(iri))``). :func:`extract` is a Babel
extraction method (wired in ``babel.cfg``, see docs/i18n.md) that yields every concept label, so
the message catalogues always hold exactly the labels the code knows, with no second list to
keep in step.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from microcred.core.model.vocabularies import LABELLED_VOCABULARIES

TRANSLATED_VOCABULARIES = LABELLED_VOCABULARIES
"""The controlled lists whose labels people read (``label_of`` looks in the same lists)."""


def labels() -> list[str]:
    """Every concept label, once each, in vocabulary order."""
    seen: dict[str, None] = {}
    for vocabulary in TRANSLATED_VOCABULARIES:
        for concept in vocabulary.concepts:
            seen.setdefault(concept.label, None)
    return list(seen)


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extraction method: ``(line, function, message, comments)`` for each label.

    The labels come from the imported vocabularies, not from parsing ``fileobj`` (the file named
    in ``babel.cfg`` only anchors the entries); line numbers are those of each label's text.
    """
    source = fileobj.read().decode("utf-8").splitlines()
    for label in labels():
        quoted = f'"{label}"'
        line = next((n for n, text in enumerate(source, 1) if quoted in text), 0)
        yield line, None, label, [f"EU vocabulary concept label ({_scheme_of(label)})"]


def _scheme_of(label: str) -> str:
    for vocabulary in TRANSLATED_VOCABULARIES:
        if any(concept.label == label for concept in vocabulary.concepts):
            return vocabulary.element
    return ""
