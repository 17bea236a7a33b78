"""RDF Dataset Canonicalization RDFC-1.0 (W3C REC 2024) with SHA-256, and a hard work cap.

Input quads are canonical N-Quads terms (:mod:`.nquads`); output is the canonical N-Quads
document (sorted lines, each ending in ``\\n``).

Fast path (§4.4 step 5): when every blank node's first-degree hash is unique, the canonical
labels follow hash order and the n-degree step never runs. Otherwise the full algorithm runs
(§4.8 Hash N-Degree Quads) under the same budget as the reference JavaScript implementation
(``rdf-canonize``, ``maxWorkFactor`` 1): at most as many Hash N-Degree Quads calls as there are
blank nodes with a shared first-degree hash. A poison dataset is refused with
:class:`~microcred.errors.CanonicalizationLimitError` after that many calls, or after
:data:`MAX_PERMUTATION_STEPS` related nodes visited in permutations (a cap of our own).

Where §4.8 leaves room, the reference implementations (``rdf-canonize``, PyLD) are followed, as
signatures made by them must verify: a related blank node is listed once per quad that relates
it (§4.8.3 step 3.1.2; a node in a named graph relates its graph name once per quad), the list's
permutations (step 5.4) are those of their Steinhaus-Johnson-Trotter permuter, in its order, and
a permutation is abandoned as soon as its path sorts after the chosen path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence

from microcred.core.jsonld.nquads import Quad, quad_line
from microcred.errors import CanonicalizationLimitError

MAX_WORK_FACTOR = 1
"""Deep-iteration budget = (number of non-unique blank nodes) ** MAX_WORK_FACTOR."""
MAX_PERMUTATION_STEPS = 1_000_000
"""Most related blank nodes visited over all permutations (§4.8 step 5.4) of one dataset.

Not in the reference implementation, which needs tens of seconds on small datasets that reach
it (repeated related nodes in alike named graphs, permuted without deep iterations).
"""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_blank(term: str) -> bool:
    return term[:2] == "_:"


def permutations(items: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """The permutations §4.8 step 5.4 visits, as the reference implementations visit them.

    Steinhaus-Johnson-Trotter over the sorted list, one direction per distinct value, an element
    mobile only when greater than the one it faces. Distinct items give all ``n!`` orders; with
    repeats (a node related by several quads) only some orders come, e.g. one for ``[x, x]``.
    """
    current = sorted(items)
    if len(current) < 2:
        yield tuple(current)
        return
    leftward = dict.fromkeys(current, True)
    last = len(current) - 1
    while True:
        yield tuple(current)
        mobile: str | None = None
        position = 0
        for index, item in enumerate(current):
            if (mobile is None or item > mobile) and (
                (item > current[index - 1] if index > 0 else False)
                if leftward[item]
                else (item > current[index + 1] if index < last else False)
            ):
                mobile, position = item, index
        if mobile is None:
            return
        other = position - 1 if leftward[mobile] else position + 1
        current[position], current[other] = current[other], mobile
        for item in current:  # per occurrence, as the reference does: a repeat flips twice
            if item > mobile:
                leftward[item] = not leftward[item]


class _Issuer:
    """Identifier Issuer (RDFC-1.0 §4.5): prefix + counter, remembers issue order."""

    __slots__ = ("issued", "prefix")

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = {} if issued is None else issued

    def issue(self, existing: str) -> str:
        label = self.issued.get(existing)
        if label is None:
            label = f"_:{self.prefix}{len(self.issued)}"
            self.issued[existing] = label
        return label

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, dict(self.issued))


class _State:
    """Canonicalization state (§4.3) for one dataset."""

    def __init__(self, quads: Sequence[Quad]) -> None:
        self.by_node: dict[str, list[Quad]] = {}
        by_node = self.by_node
        for quad in quads:
            s, _, o, g = quad
            if s[:2] == "_:":
                by_node.setdefault(s, []).append(quad)
            if o[:2] == "_:" and o != s:
                by_node.setdefault(o, []).append(quad)
            if g[:2] == "_:" and g not in (s, o):
                by_node.setdefault(g, []).append(quad)
        self.first_degree: dict[str, str] = {}
        self.canonical = _Issuer("c14n")
        self.remaining = 0
        self.budget = 0
        self.steps = MAX_PERMUTATION_STEPS

    def hash_first_degree(self, node: str) -> str:
        """Hash First Degree Quads (§4.6)."""
        known = self.first_degree.get(node)
        if known is not None:
            return known
        lines = []
        for s, p, o, g in self.by_node[node]:
            lines.append(
                quad_line(
                    (
                        ("_:a" if s == node else "_:z") if _is_blank(s) else s,
                        p,
                        ("_:a" if o == node else "_:z") if _is_blank(o) else o,
                        ("_:a" if g == node else "_:z") if g and _is_blank(g) else g,
                    )
                )
            )
        lines.sort()
        digest = _sha256("".join(lines))
        self.first_degree[node] = digest
        return digest

    def hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """Hash Related Blank Node (§4.7)."""
        label = self.canonical.issued.get(related) or issuer.issued.get(related)
        identifier = label if label is not None else self.hash_first_degree(related)
        text = position if position == "g" else f"{position}{quad[1]}"
        return _sha256(text + identifier)

    def hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """Hash N-Degree Quads (§4.8), counting against the deep-iteration budget."""
        if self.remaining <= 0:
            raise CanonicalizationLimitError(
                f"RDFC-1.0 work limit reached ({self.budget} deep iterations): the dataset's"
                " blank nodes are too alike (poison dataset refused)"
            )
        self.remaining -= 1
        groups: dict[str, list[str]] = {}
        for quad in self.by_node[node]:
            s, _, o, g = quad
            for term, position in ((s, "s"), (o, "o"), (g, "g")):
                if term and term != node and _is_blank(term):
                    related_hash = self.hash_related(term, quad, issuer, position)
                    groups.setdefault(related_hash, []).append(term)  # repeats kept
        data = []
        for related_hash in sorted(groups):
            data.append(related_hash)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in permutations(groups[related_hash]):
                self.steps -= len(permutation)
                if self.steps < 0:
                    raise CanonicalizationLimitError(
                        f"RDFC-1.0 work limit reached ({MAX_PERMUTATION_STEPS} permutation steps):"
                        " the dataset's blank nodes are too alike (poison dataset refused)"
                    )
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                for related in permutation:
                    label = self.canonical.issued.get(related)
                    if label is not None:
                        path += label
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += issuer_copy.issue(related)
                    if chosen_path and path > chosen_path:
                        break
                else:
                    for related in recursion:
                        result_hash, issuer_copy = self.hash_n_degree(related, issuer_copy)
                        path += issuer_copy.issue(related) + f"<{result_hash}>"
                        if chosen_path and path > chosen_path:
                            break
                    else:
                        if not chosen_path or path < chosen_path:
                            chosen_path = path
                            chosen_issuer = issuer_copy
            data.append(chosen_path)
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return _sha256("".join(data)), issuer


def canonical_labels(
    quads: Sequence[Quad], *, first_degree: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return the canonical label (``_:c14nN``) of every blank node in ``quads`` (§4.4).

    ``first_degree`` may give Hash First Degree Quads (§4.6) of blank nodes already computed
    by the caller on exactly these quads; the others are computed here.
    """
    state = _State(quads)
    if first_degree:
        state.first_degree.update(first_degree)
    by_hash: dict[str, list[str]] = {}
    for node in state.by_node:
        by_hash.setdefault(state.hash_first_degree(node), []).append(node)
    non_unique: list[list[str]] = []
    for digest in sorted(by_hash):
        nodes = by_hash[digest]
        if len(nodes) == 1:
            state.canonical.issue(nodes[0])
        else:
            non_unique.append(nodes)
    if non_unique:
        state.budget = state.remaining = sum(map(len, non_unique)) ** MAX_WORK_FACTOR
        for nodes in non_unique:
            paths: list[tuple[str, _Issuer]] = []
            for node in nodes:
                if node in state.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(node)
                paths.append(state.hash_n_degree(node, temporary))
            paths.sort(key=lambda item: item[0])
            for _, issuer in paths:
                for existing in issuer.issued:
                    state.canonical.issue(existing)
    return state.canonical.issued


def canonicalize_quads(quads: Iterable[Quad]) -> str:
    """Canonical N-Quads of a dataset (duplicates removed; each line ends with ``\\n``)."""
    unique = list(dict.fromkeys(quads))
    if any(s[:2] == "_:" or o[:2] == "_:" or g[:2] == "_:" for s, _, o, g in unique):
        labels = canonical_labels(unique)
        get = labels.get
        unique = [(get(s, s), p, get(o, o), get(g, g)) for s, p, o, g in unique]
    lines = [quad_line(q) for q in unique]
    lines.sort()
    return "".join(lines)
