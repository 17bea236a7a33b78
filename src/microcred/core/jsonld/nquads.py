"""RDF terms as canonical N-Quads text (RDFC-1.0 §4 serialisation; RDF 1.2 N-Quads canonical form).

A term is held as the exact string it has in a canonical N-Quads line: ``<iri>``, ``_:label``,
``"lexical"`` (xsd:string), ``"lexical"@lang`` or ``"lexical"^^<datatype>``. Literal escaping:
``\\b \\t \\n \\f \\r \\" \\\\`` for those characters, ``\\u00XX`` (upper-case hex) for every other
control character (U+0000-U+001F, U+007F); everything else is written as is (UTF-8).
"""

from __future__ import annotations

import re
from typing import Final

from microcred.errors import JsonLdError

XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Quad = tuple[str, str, str, str]
"""Subject, predicate, object, graph as canonical N-Quads terms; graph ``""`` = default graph."""

_SHORT = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
_ESCAPE_TABLE: Final[dict[str, str]] = {
    **{chr(c): f"\\u{c:04X}" for c in (*range(0x20), 0x7F)},
    **{chr(c): text for c, text in _SHORT.items()},
    '"': '\\"',
    "\\": "\\\\",
}
NEEDS_ESCAPE: Final = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff]')
_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters that cannot appear in an N-Quads IRIREF (and so cannot be signed faithfully).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\ud800-\udfff]')
_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")


def escape_literal(value: str) -> str:
    """Escape a literal's lexical form for canonical N-Quads."""
    if NEEDS_ESCAPE.search(value) is None:
        return value
    if _SURROGATE.search(value) is not None:
        raise JsonLdError("a string contains a lone UTF-16 surrogate; it cannot be encoded")
    return NEEDS_ESCAPE.sub(_escape_one, value)  # str.translate is several times slower


def _escape_one(match: re.Match[str]) -> str:
    return _ESCAPE_TABLE[match.group()]


def iri_ok(iri: str) -> bool:
    """True if ``iri`` can be written inside ``<...>`` unchanged."""
    return _BAD_IRI.search(iri) is None


def iri_term(iri: str) -> str:
    """``<iri>``; refuse characters N-Quads cannot carry in an IRI."""
    if _BAD_IRI.search(iri) is not None:
        raise JsonLdError(f"IRI {iri!r} contains characters not allowed in an IRI")
    return f"<{iri}>"


def literal_term(value: str, datatype: str | None, language: str | None) -> str:
    """A literal term: plain for xsd:string, ``@lang`` for language-tagged, else ``^^<dt>``."""
    lexical = escape_literal(value)
    if language is not None:
        if _LANGUAGE.match(language) is None:
            raise JsonLdError(f"invalid language tag {language!r}")
        return f'"{lexical}"@{language}'
    if datatype is None or datatype == XSD_STRING:
        return f'"{lexical}"'
    return f'"{lexical}"^^{iri_term(datatype)}'


def quad_line(quad: Quad) -> str:
    """One canonical N-Quads line, ending with ``\\n``."""
    s, p, o, g = quad
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"
