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
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from microcred.core.jsonld.expansion import MAX_DEPTH, MAX_VALUES, to_quads
from microcred.core.jsonld.loader import DocumentLoader
from microcred.core.jsonld.nquads import NEEDS_ESCAPE, Quad, escape_literal
from microcred.core.jsonld.rdfc import canonicalize_quads
from microcred.errors import CanonicalizationLimitError, MicrocredError

CACHE_SIZE: Final = 256
"""Most shapes remembered per loader (least recently used are forgotten)."""

_SENTINEL_PREFIX: Final = "urn:x-microcred-slot:"
# A plain term (no ':', '/', '#', space): an IRI slot holding one gets a specialised template.
_TERM_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]{0,63}")
_SENTINEL = re.compile(r"urn:x-microcred-slot:(\d+)z")
# An absolute IRI (as JSON-LD processors test it) that N-Quads can carry unchanged.
_SAFE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+\-.]*:[^\s<>"{}|^`\\\x00-\x20\ud800-\udfff]*')
_XSD_DOUBLE: Final = "^^<http://www.w3.org/2001/XMLSchema#double>"
# Keys whose string values shape the expansion and so are part of the shape, never slots.
_STRUCTURAL_KEYS: Final = frozenset({"type", "@type"})

# Key flags: how the string values under each key are treated.
_SLOT_KEY, _STRUCTURAL_KEY, _CONTEXT_KEY = range(3)
_SCALAR: Final = 0  # first item of a scalar token; key tokens hold only str


def _sentinel(index: int) -> str:
    return f"{_SENTINEL_PREFIX}{index}z"


@dataclass(frozen=True, slots=True)
class Shape:
    """A document's shape key and its slot strings, in traversal order."""

    key: tuple[Any, ...]
    strings: list[str]
    contexts: tuple[Any, ...]


def shape_of(document: Mapping[str, Any]) -> Shape:
    """Compute the shape of ``document``; refuse deep or huge input like the generic path.

    Tokens (prefix-decodable, so no closing tokens are needed): an object is the tuple of its
    keys followed by its values; an array is its length (int) followed by its items; a slot
    string is None; a structural string is itself; a context is its frozen value; any other
    scalar is ``(0, type name, repr)``.
    """
    walker = _ShapeWalker()
    walker.walk(document, 1, False)
    return Shape(tuple(walker.tokens), walker.strings, tuple(walker.contexts))


class _ShapeWalker:
    __slots__ = ("budget", "contexts", "strings", "tokens")

    def __init__(self) -> None:
        self.tokens: list[Any] = []
        self.strings: list[str] = []
        self.contexts: list[Any] = []
        self.budget = MAX_VALUES - 1  # the root; each container pays for its children

    def walk(self, value: Any, depth: int, structural: bool) -> None:
        add = self.tokens.append
        keep = self.strings.append
        kind = type(value)
        if kind is str:
            if structural:
                add(value)
            else:
                add(None)
                keep(value)
            return
        if kind is not dict and kind is not list:
            if isinstance(value, Mapping):
                value, kind = dict(value), dict
            elif kind is tuple:
                value, kind = list(value), list
            else:
                add((_SCALAR, kind.__name__, repr(value)))
                return
        self.budget -= len(value)
        if self.budget < 0:
            raise CanonicalizationLimitError(f"document has more than {MAX_VALUES} JSON values")
        if depth > MAX_DEPTH:
            raise CanonicalizationLimitError(f"document is nested deeper than {MAX_DEPTH} levels")
        if kind is list:
            add(len(value))
            for item in value:
                if type(item) is str:
                    if structural:
                        add(item)
                    else:
                        add(None)
                        keep(item)
                else:
                    self.walk(item, depth + 1, structural)
            return
        keys = tuple(value)
        add(keys)
        for item, flag in zip(value.values(), _key_flags(keys), strict=True):
            if flag == _CONTEXT_KEY:
                add(_freeze(item))
                self.contexts.append(item)
            elif type(item) is str:
                if structural or flag:
                    add(item)
                else:
                    add(None)
                    keep(item)
            else:
                self.walk(item, depth + 1, structural or flag == _STRUCTURAL_KEY)


@lru_cache(maxsize=1024)
def _key_flags(keys: tuple[str, ...]) -> tuple[int, ...]:
    """Per key: context, structural (type values and keywords but @id/@value) or slot."""
    return tuple(
        _CONTEXT_KEY
        if key == "@context"
        else _STRUCTURAL_KEY
        if key in _STRUCTURAL_KEYS or (key[:1] == "@" and key not in ("@id", "@value"))
        else _SLOT_KEY
        for key in keys
    )


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
        keys = tuple(value)
        return {
            key: item
            if flag == _CONTEXT_KEY
            else _fill(item, strings, structural or flag != _SLOT_KEY)
            for (key, item), flag in zip(value.items(), _key_flags(keys), strict=True)
        }
    if isinstance(value, list | tuple):
        return [_fill(item, strings, structural) for item in value]
    return value


def _context_terms(contexts: tuple[Any, ...], loader: DocumentLoader) -> frozenset[str] | None:
    """Every term defined by the contexts the shape uses, scoped contexts included.

    None if a context mentions the sentinel prefix (it could be mistaken for a slot).
    """
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
                if _SENTINEL_PREFIX in json.dumps(document):
                    return None
                if isinstance(document, Mapping):
                    stack.append(document.get("@context"))
        elif isinstance(context, Mapping):
            for term, definition in context.items():
                terms.add(term)
                if isinstance(definition, Mapping) and "@context" in definition:
                    stack.append(definition["@context"])
    return frozenset(terms)


Row = tuple[int, int, int, int]


def _plain_iri(value: str, terms: frozenset[str]) -> bool:
    """An absolute IRI that IRI expansion returns unchanged and N-Quads can carry."""
    if _SAFE_IRI.fullmatch(value) is None or value in terms:
        return False
    colon = value.index(":")
    return value[:colon] not in terms or value[colon + 1 : colon + 3] == "//"


@dataclass(frozen=True, slots=True)
class Template:
    """Where each slot string lands in the quads of one shape.

    ``fixed`` + the rendered IRI slots + the rendered literal slots form a table; ``rows`` index
    into it (the same slot may be rendered more than once, e.g. with two datatypes).
    ``blank_nodes`` are the table indexes of blank nodes; ``blank_rows[i]`` are the rows that
    mention ``blank_nodes[i]``, with that node replaced by ``_:a`` and every other blank node by
    ``_:z`` (table indexes ``size`` and ``size + 1``), ready for Hash First Degree Quads.
    """

    fixed: tuple[str, ...]
    iri_slots: tuple[int, ...]  # rendered as <value>, in table order after ``fixed``
    literal_slots: tuple[int, ...]  # rendered as "value" + suffix, after the IRIs
    suffixes: tuple[str, ...]
    rows: tuple[Row, ...]
    terms: frozenset[str]
    blank_nodes: tuple[int, ...]
    blank_rows: tuple[tuple[Row, ...], ...]
    named_graphs: bool

    def table(self, strings: list[str]) -> list[str] | None:
        """Terms for a document of this shape, or None when a guard sends it elsewhere."""
        iris = [strings[slot] for slot in self.iri_slots]
        terms = self.terms
        for value in iris:
            if not _plain_iri(value, terms):
                return None
        literals = [strings[slot] for slot in self.literal_slots]
        if NEEDS_ESCAPE.search("".join(literals)) is not None:
            literals = [escape_literal(value) for value in literals]
        return [
            *self.fixed,
            *[f"<{value}>" for value in iris],
            *[f'"{value}"{suffix}' for value, suffix in zip(literals, self.suffixes, strict=True)],
        ]

    def unplain_slots(self, strings: list[str]) -> list[int]:
        """IRI slots whose value JSON-LD might rewrite (term, compact or relative IRI)."""
        return [slot for slot in self.iri_slots if not _plain_iri(strings[slot], self.terms)]

    def canonical(self, strings: list[str]) -> str | None:
        """Canonical N-Quads for a document of this shape, or None: use the generic path."""
        table = self.table(strings)
        if table is None:
            return None
        if self.named_graphs:
            return canonicalize_quads(self._quads(table))
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
                return canonicalize_quads(self._quads(table))  # needs the n-degree step
            for rank, index in enumerate(sorted(range(len(nodes)), key=hashes.__getitem__)):
                table[nodes[index]] = f"_:c14n{rank}"
        lines = [f"{table[s]} {table[p]} {table[o]} .\n" for s, p, o, _ in self.rows]
        if len(set(lines)) != len(lines):  # duplicate quads: hashes above counted them twice
            return canonicalize_quads(self._quads(self.table(strings) or []))
        lines.sort()
        return "".join(lines)

    def _quads(self, table: list[str]) -> list[Quad]:
        return [(table[s], table[p], table[o], table[g]) for s, p, o, g in self.rows]


def build_template(
    shape: Shape,
    document: Mapping[str, Any],
    loader: DocumentLoader,
    keep: frozenset[int] = frozenset(),
) -> Template | None:
    """Expand a sentinel copy of ``document``; None if the shape cannot be templated.

    Slots in ``keep`` keep their value (the template is then valid only for those values).
    """
    if _SENTINEL_PREFIX in json.dumps(document, default=str):
        return None  # a sentinel look-alike outside the slots would be mistaken for a slot
    sentinels = [shape.strings[i] if i in keep else _sentinel(i) for i in range(len(shape.strings))]
    probe = _fill(document, iter(sentinels), False)
    try:
        quads = to_quads(probe, loader=loader)
        terms = _context_terms(shape.contexts, loader)
    except MicrocredError:
        return None
    if terms is None:
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
    if {slot for slot, _, _ in renders} != set(range(len(sentinels))) - keep:
        return None  # a string went missing: its value might matter in ways not seen here
    offset = len(fixed)
    ordered = sorted(renders, key=lambda render: not render[2])  # IRIs first, stable
    position = {render: offset + rank for rank, render in enumerate(ordered)}
    by_index = {index: position[render] for render, index in renders.items()}
    table_rows = tuple(
        tuple(by_index[index] if rendered else index for rendered, index in row) for row in rows
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
        iri_slots=tuple(slot for slot, _, is_iri in ordered if is_iri),
        literal_slots=tuple(slot for slot, _, is_iri in ordered if not is_iri),
        suffixes=tuple(suffix for _, suffix, is_iri in ordered if not is_iri),
        rows=table_rows,  # type: ignore[arg-type]
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
    """Bounded, thread-safe LRU of templates (None = shape known not to be templatable)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Any, ...], Template | None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def canonical(self, document: Mapping[str, Any], loader: DocumentLoader) -> str | None:
        """Canonical N-Quads of ``document`` by substitution, or None: use the generic path.

        When IRI slots hold plain terms (e.g. ``"proofPurpose": "assertionMethod"``, which the
        context expands), a template specialised to those values is used.
        """
        shape = shape_of(document)
        template = self._template(shape.key, shape, document, loader, frozenset())
        if template is None:
            return None
        canonical = template.canonical(shape.strings)
        if canonical is not None:
            return canonical
        slots = template.unplain_slots(shape.strings)
        values = tuple(shape.strings[slot] for slot in slots)
        if not slots or not all(_TERM_LIKE.fullmatch(value) for value in values):
            return None
        key = (shape.key, tuple(slots), values)
        special = self._template(key, shape, document, loader, frozenset(slots))
        return None if special is None else special.canonical(shape.strings)

    def _template(
        self,
        key: tuple[Any, ...],
        shape: Shape,
        document: Mapping[str, Any],
        loader: DocumentLoader,
        keep: frozenset[int],
    ) -> Template | None:
        with self._lock:
            found = key in self._entries
            if found:
                self._entries.move_to_end(key)
                return self._entries[key]
        template = build_template(shape, document, loader, keep)
        with self._lock:
            self._entries[key] = template
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return template
