"""Per-shape templates: canonical quads of a document built by substitution (fast path).

JSON-LD expansion depends on a document's *shape* (contexts, keys, ``type`` values, array
lengths, non-string values), not on the other strings it holds. A shape is expanded once with
every other string replaced by a unique sentinel IRI; where each sentinel lands in the quads is
recorded. The quads of the next document of that shape are then built by substitution.

Guards keep the result identical to the generic path (:mod:`.expansion`); when one fails, the
caller uses the generic path:

* a sentinel that lands anywhere but as a whole IRI or a whole literal (a language tag, a JSON
  literal, a vocabulary-relative IRI, an ``xsd:double`` literal PyLD would rewrite) or that
  disappears makes the whole shape generic-only;
* a string in an IRI slot must be an absolute IRI that JSON-LD leaves alone: not a blank node
  identifier, no characters N-Quads cannot carry, not a term and not a ``prefix:suffix`` whose
  prefix is a term of any context the shape uses.

Duplicate quads (e.g. two nodes given the same ``id``, which JSON-LD merges) are removed before
RDFC-1.0 by :func:`~.rdfc.canonicalize_quads`, as the generic path's node map does.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from microcred.core.jsonld.expansion import MAX_DEPTH, MAX_VALUES, to_quads
from microcred.core.jsonld.loader import DocumentLoader
from microcred.core.jsonld.nquads import escape_literal, iri_ok
from microcred.core.jsonld.rdfc import canonicalize_quads
from microcred.errors import CanonicalizationLimitError, MicrocredError

CACHE_SIZE: Final = 256
"""Most shapes remembered per loader (least recently used are forgotten)."""

_SENTINEL_PREFIX: Final = "urn:x-microcred-slot:"
_SENTINEL = re.compile(r"urn:x-microcred-slot:(\d+)z")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$")
_XSD_DOUBLE: Final = "^^<http://www.w3.org/2001/XMLSchema#double>"
# Keys whose string values shape the expansion and so are part of the shape, never slots.
_STRUCTURAL_KEYS: Final = frozenset({"type", "@type"})

# Shape tokens (ints never collide with keys, which are str, or scalars, which are tuples).
_OPEN_OBJECT, _CLOSE_OBJECT, _OPEN_ARRAY, _CLOSE_ARRAY, _SLOT = range(5)


def _sentinel(index: int) -> str:
    return f"{_SENTINEL_PREFIX}{index}z"


@dataclass(frozen=True, slots=True)
class Shape:
    """A document's shape key and its slot strings, in traversal order."""

    key: tuple[Any, ...]
    strings: list[str]
    contexts: tuple[Any, ...]


def shape_of(document: Mapping[str, Any]) -> Shape:
    """Compute the shape of ``document``; refuse deep or huge input like the generic path."""
    tokens: list[Any] = []
    strings: list[str] = []
    contexts: list[Any] = []
    add = tokens.append
    keep = strings.append
    budget = [MAX_VALUES]

    def walk(value: Any, depth: int, structural: bool) -> None:
        kind = type(value)
        if kind is str:
            if structural:
                add(("s", value))
            else:
                add(_SLOT)
                keep(value)
            return
        budget[0] -= len(value) if kind is dict or kind is list else 1
        if budget[0] < 0:
            raise CanonicalizationLimitError(f"document has more than {MAX_VALUES} JSON values")
        if kind is dict or (kind is not list and isinstance(value, Mapping)):
            if depth > MAX_DEPTH:
                raise CanonicalizationLimitError(
                    f"document is nested deeper than {MAX_DEPTH} levels"
                )
            add(_OPEN_OBJECT)
            for key, item in value.items():
                add(key)
                if key == "@context":
                    add(("c", _freeze(item)))
                    contexts.append(item)
                else:
                    walk(item, depth + 1, structural or _structural(key))
            add(_CLOSE_OBJECT)
        elif kind is list or kind is tuple:
            if depth > MAX_DEPTH:
                raise CanonicalizationLimitError(
                    f"document is nested deeper than {MAX_DEPTH} levels"
                )
            add(_OPEN_ARRAY)
            for item in value:
                walk(item, depth + 1, structural)
            add(_CLOSE_ARRAY)
        else:
            add((kind.__name__, repr(value)))

    walk(document, 1, False)
    return Shape(tuple(tokens), strings, tuple(contexts))


def _structural(key: str) -> bool:
    """Keys whose string values shape expansion: type values and keywords but @id/@value."""
    return key in _STRUCTURAL_KEYS or (key[:1] == "@" and key not in ("@id", "@value"))


def _freeze(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ("{", tuple((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("[", tuple(_freeze(v) for v in value))
    return (type(value).__name__, repr(value))


def _fill(value: Any, strings: Iterator[str], structural: bool) -> Any:
    """Copy of ``value`` with its slot strings replaced, in the order :func:`shape_of` found."""
    if isinstance(value, str):
        return value if structural else next(strings)
    if isinstance(value, Mapping):
        return {
            key: item if key == "@context" else _fill(item, strings, structural or _structural(key))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_fill(item, strings, structural) for item in value]
    return value


def _context_terms(contexts: tuple[Any, ...], loader: DocumentLoader) -> frozenset[str]:
    """Every term defined by the contexts the shape uses, scoped contexts included."""
    terms: set[str] = set()
    seen: set[str] = set()
    stack: list[Any] = list(contexts)
    while stack:
        context = stack.pop()
        if isinstance(context, list):
            stack.extend(context)
        elif isinstance(context, str):
            if context not in seen:
                seen.add(context)
                document = loader(context)["document"]
                if isinstance(document, Mapping):
                    stack.append(document.get("@context"))
        elif isinstance(context, Mapping):
            for term, definition in context.items():
                terms.add(term)
                if isinstance(definition, Mapping) and "@context" in definition:
                    stack.append(definition["@context"])
    return frozenset(terms)


Row = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Template:
    """Where each slot string lands in the quads of one shape.

    ``fixed`` + one rendered term per ``renders`` entry form a table; ``rows`` index into it.
    ``blank_nodes`` are the table indexes of blank nodes; ``blank_rows[i]`` are the rows that
    mention ``blank_nodes[i]``, with that node replaced by ``_:a`` and every other blank node by
    ``_:z`` (table indexes ``size`` and ``size + 1``), ready for Hash First Degree Quads.
    """

    fixed: tuple[str, ...]
    renders: tuple[tuple[int, str, bool], ...]  # (slot, literal suffix, is IRI)
    rows: tuple[Row, ...]
    iri_slots: frozenset[int]
    terms: frozenset[str]
    blank_nodes: tuple[int, ...]
    blank_rows: tuple[tuple[Row, ...], ...]
    named_graphs: bool

    def table(self, strings: list[str]) -> list[str] | None:
        """Terms for a document of this shape, or None when a guard sends it elsewhere."""
        terms = self.terms
        for slot in self.iri_slots:
            value = strings[slot]
            prefix, _, suffix = value.partition(":")
            if (
                _ABSOLUTE.match(value) is None
                or not iri_ok(value)
                or value in terms
                or (prefix in terms and suffix[:2] != "//")
            ):
                return None
        table = list(self.fixed)
        for slot, suffix, is_iri in self.renders:
            value = strings[slot]
            table.append(f"<{value}>" if is_iri else f'"{escape_literal(value)}"{suffix}')
        return table

    def canonical(self, strings: list[str]) -> str | None:
        """Canonical N-Quads for a document of this shape, or None: use the generic path."""
        table = self.table(strings)
        if table is None:
            return None
        quads = [(table[s], table[p], table[o], table[g]) for s, p, o, g in self.rows]
        if self.named_graphs or len(set(quads)) != len(quads):
            return canonicalize_quads(quads)
        nodes = self.blank_nodes
        if nodes:
            table.append("_:a")
            table.append("_:z")
            hashes = []
            for rows in self.blank_rows:
                lines = [f"{table[s]} {table[p]} {table[o]} .\n" for s, p, o, _ in rows]
                lines.sort()
                hashes.append(hashlib.sha256("".join(lines).encode()).hexdigest())
            if len(set(hashes)) != len(hashes):
                return canonicalize_quads(quads)  # needs the n-degree step
            for rank, index in enumerate(sorted(range(len(nodes)), key=hashes.__getitem__)):
                table[nodes[index]] = f"_:c14n{rank}"
        lines = [f"{table[s]} {table[p]} {table[o]} .\n" for s, p, o, _ in self.rows]
        lines.sort()
        return "".join(lines)


def build_template(
    shape: Shape, document: Mapping[str, Any], loader: DocumentLoader
) -> Template | None:
    """Expand a sentinel copy of ``document``; None if the shape cannot be templated."""
    sentinels = [_sentinel(i) for i in range(len(shape.strings))]
    probe = _fill(document, iter(sentinels), False)
    try:
        quads = to_quads(probe, loader=loader)
        terms = _context_terms(shape.contexts, loader)
    except MicrocredError:
        return None
    fixed: dict[str, int] = {}
    renders: dict[tuple[int, str, bool], int] = {}
    rows: list[tuple[tuple[bool, int], ...]] = []
    for quad in quads:
        row: list[tuple[bool, int]] = []
        for term in quad:
            if _SENTINEL_PREFIX not in term:
                row.append((False, fixed.setdefault(term, len(fixed))))
                continue
            render = _slot_of(term)
            if render is None:
                return None
            row.append((True, renders.setdefault(render, len(renders))))
        rows.append(tuple(row))
    if {slot for slot, _, _ in renders} != set(range(len(sentinels))):
        return None  # a string went missing: its value might matter in ways not seen here
    offset = len(fixed)
    table_rows = tuple(
        tuple(index + offset if rendered else index for rendered, index in row) for row in rows
    )
    fixed_terms = tuple(fixed)
    blank = {index for index, term in enumerate(fixed_terms) if term[:2] == "_:"}
    size = offset + len(renders)
    blank_nodes = tuple(sorted(blank))
    blank_rows = tuple(
        tuple(
            tuple(
                (size if index == node else size + 1) if index in blank else index for index in row
            )
            for row in table_rows
            if node in row
        )
        for node in blank_nodes
    )
    return Template(
        fixed=fixed_terms,
        renders=tuple(renders),
        rows=table_rows,  # type: ignore[arg-type]
        iri_slots=frozenset(slot for slot, _, is_iri in renders if is_iri),
        terms=terms,
        blank_nodes=blank_nodes,
        blank_rows=blank_rows,  # type: ignore[arg-type]
        named_graphs=any(quad[3] for quad in quads),
    )


def _slot_of(term: str) -> tuple[int, str, bool] | None:
    """(slot, literal suffix, is IRI) if ``term`` is exactly one sentinel; else None."""
    if term[:1] == "<":
        match = _SENTINEL.fullmatch(term[1:-1])
        return None if match is None else (int(match.group(1)), "", True)
    if term[:1] == '"':
        lexical, _, suffix = term[1:].partition('"')
        match = _SENTINEL.fullmatch(lexical)
        if match is None or _SENTINEL_PREFIX in suffix or suffix == _XSD_DOUBLE:
            return None
        return (int(match.group(1)), suffix, False)
    return None


class TemplateCache:
    """Bounded LRU of templates (None = shape known not to be templatable)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Any, ...], Template | None] = OrderedDict()

    def canonical(self, document: Mapping[str, Any], loader: DocumentLoader) -> str | None:
        """Canonical N-Quads of ``document`` by substitution, or None: use the generic path."""
        shape = shape_of(document)
        entries = self._entries
        if shape.key in entries:
            entries.move_to_end(shape.key)
            template = entries[shape.key]
        else:
            template = build_template(shape, document, loader)
            entries[shape.key] = template
            if len(entries) > self._size:
                entries.popitem(last=False)
        if template is None:
            return None
        return template.canonical(shape.strings)
