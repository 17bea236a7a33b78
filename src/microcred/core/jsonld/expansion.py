"""JSON-LD expansion and toRDF in safe mode (VC-DI 1.0 §2.4 "securing data losslessly").

PyLD 3.3.0 drops undefined terms and relative IRIs silently; the reference JavaScript stack
refuses them (``safe: true``). :func:`to_quads` refuses them too, with
:class:`~microcred.errors.DataLossError` naming the term or value:

* a key that does not expand to an absolute IRI or a keyword (undefined term, ``@``-form key);
* a node ``@id``, a ``@type`` value or a graph name that is not an absolute IRI or blank node
  identifier (e.g. ``"1EdTechJsonSchemaValidator2019"`` without the OB extensions context);
* a top-level object that expansion drops; ``@direction`` (no ``rdfDirection`` is used);
* a blank node used as a predicate.

Expansion always runs with ``base=None`` (a relative IRI never becomes absolute). Input size and
nesting depth are capped before PyLD sees the document, so no input reaches a RecursionError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pyld import jsonld

from microcred.core.jsonld.loader import DocumentLoader
from microcred.core.jsonld.nquads import Quad, iri_term, literal_term
from microcred.errors import CanonicalizationLimitError, DataLossError, JsonLdError, MicrocredError

MAX_DEPTH: Final = 64
"""Deepest nesting of JSON objects/arrays accepted."""
MAX_VALUES: Final = 50_000
"""Most JSON values (objects, arrays, scalars, keys excluded) accepted in one document."""
MAX_QUADS: Final = 100_000
"""Most quads a document may produce."""

_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")


def check_limits(document: Any) -> None:
    """Refuse documents nested deeper than MAX_DEPTH or larger than MAX_VALUES (no recursion)."""
    count = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise CanonicalizationLimitError(f"document has more than {MAX_VALUES} JSON values")
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise CanonicalizationLimitError(f"document is nested deeper than {MAX_DEPTH} levels")
        stack.extend((child, depth + 1) for child in children)


class _SafeProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """PyLD's processor that raises DataLossError, naming the key, when a key is dropped."""

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self._objects: list[tuple[Any, Mapping[str, Any]]] = []

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Mapping[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        self._objects.append((active_ctx, element))
        try:
            return super()._expand_object(
                active_ctx, active_property, expanded_active_property, element, *args, **kwargs
            )
        finally:
            self._objects.pop()

    def _dropped(self, expanded_property: str | None) -> None:
        key = expanded_property
        if self._objects:
            active_ctx, element = self._objects[-1]
            for candidate in sorted(element):
                if candidate != "@context" and (
                    self._expand_iri(active_ctx, candidate, vocab=True) == expanded_property
                ):
                    key = candidate
                    break
        raise DataLossError(
            f"term {key!r} is not defined by any context (it would be dropped by expansion)"
        )


def _unwrap(error: BaseException) -> MicrocredError | None:
    """The microcred error (e.g. UnknownContextError) PyLD wrapped, if any."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, MicrocredError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _pyld_error(error: Exception) -> MicrocredError:
    inner = _unwrap(error)
    if inner is not None:
        return inner
    detail = getattr(error, "details", None) or ""
    cause = error.__cause__
    message = str(getattr(cause, "message", "") or getattr(error, "message", "") or error)
    return JsonLdError(f"JSON-LD processing failed: {message} {detail}".strip())


def expand(document: Mapping[str, Any], *, loader: DocumentLoader) -> list[Any]:
    """Expand ``document`` (base=None) and refuse anything expansion would drop."""
    check_limits(document)
    processor = _SafeProcessor()
    options = {"base": None, "documentLoader": loader, "processingMode": "json-ld-1.1"}
    try:
        expanded: list[Any] = processor.expand(dict(document), options)
    except MicrocredError:
        raise
    except RecursionError as error:  # pragma: no cover - depth is capped above
        raise CanonicalizationLimitError("document too deeply nested") from error
    except Exception as error:
        raise _pyld_error(error) from error
    if not expanded and any(key != "@context" for key in document):
        raise DataLossError("the whole document would be dropped by expansion (no node found)")
    _check_expanded(expanded)
    return expanded


def _check_reference(value: Any, what: str) -> None:
    if not isinstance(value, str) or _ABSOLUTE.match(value) is None:
        raise DataLossError(f"{what} {value!r} is not an absolute IRI and would be dropped")


def _check_expanded(expanded: list[Any]) -> None:
    """Walk expanded JSON-LD; refuse relative references that toRDF would drop."""
    stack: list[Any] = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            if "@direction" in item:
                raise DataLossError("@direction would be dropped (no rdfDirection mode is used)")
            continue
        for key, value in item.items():
            if key == "@id":
                _check_reference(value, "@id")
            elif key == "@type":
                for type_ in value if isinstance(value, list) else [value]:
                    _check_reference(type_, "type")
            elif key in ("@list", "@set", "@graph", "@included"):
                stack.append(value)
            elif key == "@reverse":
                stack.append([{k: v} for k, v in value.items()])
            elif key[:1] == "@":
                continue
            elif key.startswith("_:"):
                raise DataLossError(f"property {key!r} is a blank node and would be dropped")
            else:
                stack.append(value)


def _term(node: Mapping[str, Any]) -> str:
    kind = node["type"]
    if kind == "blank node":
        return str(node["value"])
    if kind == "IRI":
        return iri_term(node["value"])
    return literal_term(node["value"], node.get("datatype"), node.get("language"))


def expanded_to_quads(expanded: list[Any]) -> list[Quad]:
    """toRDF (JSON-LD 1.1 API §8.1) of checked, expanded JSON-LD as canonical N-Quads terms."""
    processor = jsonld.JsonLdProcessor()
    issuer = jsonld.IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    options: dict[str, Any] = {
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
        "processingMode": "json-ld-1.1",
    }
    try:
        processor._create_node_map(expanded, node_map, "@default", issuer)
        quads: list[Quad] = []
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default":
                graph_term = ""
            else:
                _check_reference(graph_name, "graph name")
                graph_term = graph_name if graph_name.startswith("_:") else iri_term(graph_name)
            for triple in processor._graph_to_rdf(graph, issuer, options):
                quads.append(
                    (
                        _term(triple["subject"]),
                        _term(triple["predicate"]),
                        _term(triple["object"]),
                        graph_term,
                    )
                )
                if len(quads) > MAX_QUADS:
                    raise CanonicalizationLimitError(f"document yields over {MAX_QUADS} quads")
    except MicrocredError:
        raise
    except Exception as error:
        raise _pyld_error(error) from error
    return quads


def to_quads(document: Mapping[str, Any], *, loader: DocumentLoader) -> list[Quad]:
    """JSON-LD document -> RDF quads in safe mode (base=None)."""
    return expanded_to_quads(expand(document, loader=loader))
