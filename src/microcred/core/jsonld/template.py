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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from microcred.core.jsonld.expansion import MAX_DEPTH, MAX_VALUES, to_quads
from microcred.core.jsonld.loader import DocumentLoader
from microcred.core.jsonld.nquads import Quad, escape_literal
from microcred.core.jsonld.rdfc import canonical_labels, canonicalize_quads
from microcred.errors import CanonicalizationLimitError, MicrocredError

CACHE_SIZE: Final = 256
"""Most shapes remembered per loader (least recently used are forgotten)."""
RECENT_SHAPES: Final = 8
"""Shapes recognised by their compiled matchers before a document's shape is computed."""
FIRST_DEGREE_MEMO: Final = 4096
"""First-degree hashes remembered per template (forgotten all at once when full)."""
STRING_MEMO: Final = 16384
"""Checked IRIs and escaped literals remembered per template (forgotten all at once)."""

_SENTINEL_PREFIX: Final = "urn:x-microcred-slot:"
# A plain term (no ':', '/', '#', space): an IRI slot holding one gets a specialised template.
_TERM_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]{0,63}")
_SENTINEL = re.compile(r"urn:x-microcred-slot:(\d+)z")
# An absolute IRI (as JSON-LD processors test it) that N-Quads can carry unchanged.
_SAFE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+\-.]*:[^\s<>"{}|^`\\\x00-\x20\ud800-\udfff]*')
# Many IRIs, one per line, each a _SAFE_IRI (which excludes line breaks), and the scheme of each
# line that is not followed by "//" (a term used as a prefix would make it a compact IRI).
_SAFE_IRI_LINES = re.compile(rf"(?:{_SAFE_IRI.pattern})(?:\n(?:{_SAFE_IRI.pattern}))*")
_PREFIX_LINES = re.compile(r"^([^:\n]*):(?!//)", re.MULTILINE)
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


Matcher = Callable[[Any], "list[str] | None"]
"""Slot strings of a document of one known shape, in :func:`shape_of` order; None otherwise."""

MATCHER_LIMIT: Final = 4096
"""Largest shape (JSON values) given a compiled matcher; larger ones use :func:`shape_of`."""


def compile_matcher(document: Mapping[str, Any]) -> Matcher | None:
    """Compile a function that recognises documents of ``document``'s shape (a fast path).

    The generated code walks a document along the expected structure only: it checks each
    object's key tuple, each array's length, each structural string, context and scalar
    exactly as :func:`shape_of` tokens them, and collects the slot strings in the same order.
    It returns None at the first difference (or for anything but plain ``dict``/``list``/
    JSON scalars), so a document it accepts has exactly ``document``'s shape key. None is
    returned when the shape is too large or holds other types.
    """
    writer = _MatcherWriter()
    try:
        writer.value("v0", document, structural=False)
    except _UnsupportedError:
        return None
    if writer.values > MATCHER_LIMIT:
        return None
    source = "\n    ".join(["def match(v0):", "out = []", "add = out.append", *writer.lines])
    namespace: dict[str, Any] = {"_freeze": _freeze, **writer.constants}
    exec(compile(source + "\n    return out\n", "<shape matcher>", "exec"), namespace)
    function: Matcher = namespace["match"]
    return function


class _UnsupportedError(Exception):
    pass


class _MatcherWriter:
    """Writes the body of a shape matcher; constants are passed by name, never as source."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.names = 0
        self.values = 0

    def const(self, value: Any) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def var(self) -> str:
        self.names += 1
        return f"v{self.names}"

    def string(self, var: str, value: str, structural: bool) -> None:
        if structural:
            self.lines.append(f"if type({var}) is not str or {var} != {self.const(value)}: return")
        else:
            self.lines.append(f"if type({var}) is not str: return")
            self.lines.append(f"add({var})")

    def value(self, var: str, value: Any, *, structural: bool) -> None:
        self.values += 1
        if self.values > MATCHER_LIMIT:
            raise _UnsupportedError
        kind = type(value)
        if kind is str:
            self.string(var, value, structural)
        elif value is None or kind is bool:
            self.lines.append(f"if {var} is not {value!r}: return")
        elif kind is int:
            self.lines.append(f"if type({var}) is not int or {var} != {self.const(value)}: return")
        elif kind is float:
            self.lines.append(
                f"if type({var}) is not float or repr({var}) != {self.const(repr(value))}: return"
            )
        elif kind is list:
            self.lines.append(f"if type({var}) is not list or len({var}) != {len(value)}: return")
            items = [self.var() for _ in value]
            if items:
                self.lines.append(f"{', '.join(items)}, = {var}")
            for item_var, item in zip(items, value, strict=True):
                self.value(item_var, item, structural=structural)
        elif kind is dict:
            keys = tuple(value)
            self.lines.append(
                f"if type({var}) is not dict or tuple({var}) != {self.const(keys)}: return"
            )
            items = [self.var() for _ in keys]
            if items:
                self.lines.append(f"{', '.join(items)}, = {var}.values()")
            for item_var, item, flag in zip(items, value.values(), _key_flags(keys), strict=True):
                if flag == _CONTEXT_KEY:
                    self.context(item_var, item)
                elif type(item) is str:
                    self.string(item_var, item, structural or bool(flag))
                else:
                    self.value(item_var, item, structural=structural or flag == _STRUCTURAL_KEY)
        else:
            raise _UnsupportedError

    def context(self, var: str, value: Any) -> None:
        if type(value) is str or (type(value) is list and all(type(v) is str for v in value)):
            kind = type(value).__name__  # == on strings is what _freeze compares
            self.lines.append(
                f"if type({var}) is not {kind} or {var} != {self.const(value)}: return"
            )
        else:
            self.lines.append(f"if _freeze({var}) != {self.const(_freeze(value))}: return")


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
    node_rows: tuple[tuple[int, ...], ...]  # index in ``rows`` of each of ``blank_rows[i]``
    ground_rows: tuple[Row, ...]  # the rows without a blank node
    linked_rows: tuple[Row, ...]  # the rows with one, at ``linked_index`` in ``rows``
    linked_index: tuple[int, ...]
    leaves: tuple[bool, ...]  # per blank node: no other blank node shares a row with it
    named_graphs: bool
    node_inputs: tuple[tuple[int, ...], ...]  # per blank node: the slot renders its rows use
    # (blank node, its inputs' values) -> Hash First Degree Quads; a pure function of the key
    first_degree: dict[tuple[Any, ...], str] = field(default_factory=dict, compare=False)
    plain_iris: set[str] = field(default_factory=set, compare=False)  # IRI slot values seen ok
    escaped: dict[str, str] = field(default_factory=dict, compare=False)  # literal -> escaped

    def table(self, strings: list[str]) -> list[str] | None:
        """Terms for a document of this shape, or None when a guard sends it elsewhere.

        Both guards and escapes are properties of each string alone, so the strings of a batch
        that repeat from document to document (the shared achievement) are checked once: the
        IRIs found plain and the escaped form of each literal are remembered.
        """
        iris = [strings[slot] for slot in self.iri_slots]
        plain = self.plain_iris
        fresh = [value for value in iris if value not in plain]
        if fresh:
            terms = self.terms
            lines = "\n".join(fresh)  # the checks of _plain_iri, on every new IRI at once
            if (
                _SAFE_IRI_LINES.fullmatch(lines) is None
                or not terms.isdisjoint(fresh)
                or not terms.isdisjoint(_PREFIX_LINES.findall(lines))
            ) and not all(_plain_iri(value, terms) for value in fresh):
                return None
            if len(plain) > STRING_MEMO:
                plain.clear()
            plain.update(fresh)
        escaped = self.escaped
        if len(escaped) > STRING_MEMO:
            escaped.clear()
        literals = [strings[slot] for slot in self.literal_slots]
        literals = [escaped.get(value) or _escaped(value, escaped) for value in literals]
        return [
            *self.fixed,
            *(("<" + ">\n<".join(iris) + ">").split("\n") if iris else ()),
            *[f'"{value}"{suffix}' for value, suffix in zip(literals, self.suffixes, strict=True)],
        ]

    def unplain_slots(self, strings: list[str]) -> list[int]:
        """IRI slots whose value JSON-LD might rewrite (term, compact or relative IRI)."""
        return [slot for slot in self.iri_slots if not _plain_iri(strings[slot], self.terms)]

    def canonical(self, strings: list[str]) -> str | None:
        """Canonical N-Quads for a document of this shape, or None: use the generic path.

        Duplicate quads (two nodes given the same ``id`` and the same values) are dropped before
        the first-degree hashes, as RDFC-1.0 sees a dataset; equal first-degree hashes go on to
        the n-degree step of :func:`~.rdfc.canonical_labels`, seeded with the hashes found here.
        """
        table = self.table(strings)
        if table is None:
            return None
        if self.named_graphs:
            return canonicalize_quads(self._quads(table))
        ground = [f"{table[s]} {table[p]} {table[o]} .\n" for s, p, o, _ in self.ground_rows]
        nodes = self.blank_nodes
        if not nodes:
            if len(set(ground)) != len(ground):
                ground = list(dict.fromkeys(ground))
            ground.sort()
            return "".join(ground)
        rows = self.rows
        linked = [f"{table[s]} {table[p]} {table[o]} .\n" for s, p, o, _ in self.linked_rows]
        kept: list[int] | None = None
        if len(set(linked)) != len(linked) or len(set(ground)) != len(ground):
            ground = list(dict.fromkeys(ground))
            first: dict[str, int] = {}
            for index, line in zip(self.linked_index, linked, strict=True):
                first.setdefault(line, index)
            kept = sorted(first.values())
        table.append("_:a")
        table.append("_:z")
        dropped = None if kept is None else set(self.linked_index).difference(kept)
        if dropped:  # the same rows, duplicates left out
            hashes = [
                _hash_rows(
                    table,
                    tuple(r for i, r in zip(mentions, rows, strict=True) if i not in dropped),
                )
                for mentions, rows in zip(self.node_rows, self.blank_rows, strict=True)
            ]
        else:
            hashes = self._first_degree(table)
        linked_rows = self.linked_rows if kept is None else tuple(rows[i] for i in kept)
        seen: set[str] = set()
        shared: set[str] = set()
        for digest in hashes:
            (shared if digest in seen else seen).add(digest)
        if not shared or all(
            leaf for h, leaf in zip(hashes, self.leaves, strict=True) if h in shared
        ):
            # Nodes that share a first-degree hash and have no blank neighbour are swapped by an
            # automorphism of the dataset and their n-degree hashes (§4.8) are all equal: the
            # canonical form is the same whatever order they are labelled in, after every node
            # with a unique hash, group by group in hash order (§4.4 steps 5-6).
            order = sorted(range(len(nodes)), key=lambda i: (hashes[i] in shared, hashes[i]))
            for rank, index in enumerate(order):
                table[nodes[index]] = f"_:c14n{rank}"
        else:  # the n-degree step
            labels = canonical_labels(
                [(table[s], table[p], table[o], "") for s, p, o, _ in linked_rows],
                first_degree={table[n]: h for n, h in zip(nodes, hashes, strict=True)},
            )
            for node in nodes:
                table[node] = labels[table[node]]
        ground += [f"{table[s]} {table[p]} {table[o]} .\n" for s, p, o, _ in linked_rows]
        ground.sort()
        return "".join(ground)

    def _first_degree(self, table: list[str]) -> list[str]:
        """Hash First Degree Quads (RDFC-1.0 §4.6) of every blank node; a node whose rows hold
        the same values as in a document seen before (the shared achievement of a batch) gets
        the hash computed then."""
        memo = self.first_degree
        if len(memo) > FIRST_DEGREE_MEMO:
            memo.clear()
        hashes = []
        for number, (inputs, node_rows) in enumerate(
            zip(self.node_inputs, self.blank_rows, strict=True)
        ):
            key = (number, *[table[index] for index in inputs])
            digest = memo.get(key)
            if digest is None:
                digest = memo[key] = _hash_rows(table, node_rows)
            hashes.append(digest)
        return hashes

    def _quads(self, table: list[str]) -> list[Quad]:
        return [(table[s], table[p], table[o], table[g]) for s, p, o, g in self.rows]


def _escaped(value: str, memo: dict[str, str]) -> str:
    """``value`` escaped for N-Quads (remembered in ``memo``)."""
    result = memo[value] = escape_literal(value)
    return result


def _hash_rows(table: list[str], rows: tuple[Row, ...]) -> str:
    """SHA-256 (hex) of the sorted N-Quads lines of ``rows``, whose terms are in ``table``."""
    lines = [f"{table[s]} {table[p]} {table[o]} .\n" for s, p, o, _ in rows]
    lines.sort()
    return hashlib.sha256("".join(lines).encode()).hexdigest()


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
    mentions = tuple(
        tuple(number for number, row in enumerate(table_rows) if node in row)
        for node in blank_nodes
    )
    blank_rows = tuple(
        tuple(
            tuple(
                (size if index == node else size + 1) if index in blank else index
                for index in table_rows[number]
            )
            for number in numbers
        )
        for node, numbers in zip(blank_nodes, mentions, strict=True)
    )
    linked_index = tuple(
        number for number, row in enumerate(table_rows) if any(i in blank for i in row)
    )
    linked = set(linked_index)
    return Template(
        fixed=fixed_terms,
        iri_slots=tuple(slot for slot, _, is_iri in ordered if is_iri),
        literal_slots=tuple(slot for slot, _, is_iri in ordered if not is_iri),
        suffixes=tuple(suffix for _, suffix, is_iri in ordered if not is_iri),
        rows=table_rows,  # type: ignore[arg-type]
        terms=terms,
        blank_nodes=blank_nodes,
        blank_rows=blank_rows,  # type: ignore[arg-type]
        node_rows=mentions,
        ground_rows=tuple(row for n, row in enumerate(table_rows) if n not in linked),  # type: ignore[misc]
        linked_rows=tuple(table_rows[n] for n in linked_index),  # type: ignore[misc]
        linked_index=linked_index,
        leaves=tuple(all(size + 1 not in row for row in rows) for rows in blank_rows),
        named_graphs=any(quad[3] for quad in quads),
        node_inputs=tuple(
            tuple(sorted({index for row in rows for index in row[:3] if offset <= index < size}))
            for rows in blank_rows
        ),
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
        self._entries: OrderedDict[tuple[Any, ...], tuple[Template | None, Matcher | None]] = (
            OrderedDict()
        )
        # the shapes seen last, tried in order by their matchers (replaced whole: thread-safe)
        self._recent: tuple[tuple[Matcher, Template], ...] = ()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def canonical(self, document: Mapping[str, Any], loader: DocumentLoader) -> str | None:
        """Canonical N-Quads of ``document`` by substitution, or None: use the generic path.

        When IRI slots hold plain terms (e.g. ``"proofPurpose": "assertionMethod"``, which the
        context expands), a template specialised to those values is used.
        """
        for matcher, known in self._recent:
            strings = matcher(document)
            if strings is not None:
                canonical = known.canonical(strings)
                if canonical is not None:
                    return canonical
                break  # a guard failed: the slow path below may find a specialised template
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
                template, matcher = self._entries[key]
                if (
                    template is not None
                    and matcher is not None
                    and (not self._recent or self._recent[0][0] is not matcher)
                ):
                    self._remember(matcher, template)
                return template
        template = build_template(shape, document, loader, keep)
        matcher = None if template is None or keep else compile_matcher(document)
        with self._lock:
            self._entries[key] = (template, matcher)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
            if matcher is not None and template is not None:
                self._remember(matcher, template)
        return template

    def _remember(self, matcher: Matcher, template: Template) -> None:
        """Put a shape first among those tried before :func:`shape_of` (lock held)."""
        kept = [entry for entry in self._recent if entry[0] is not matcher]
        self._recent = ((matcher, template), *kept[: RECENT_SHAPES - 1])
