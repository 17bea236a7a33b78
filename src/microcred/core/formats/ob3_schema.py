"""Open Badges 3.0 AchievementCredential JSON Schema check (OB 3.0 §8 "Conformance"; VCCS 1.0).

The bundled schema is 1EdTech's ``ob_v3p0_achievementcredential_schema.json`` (JSON Schema
2019-09). ``date-time`` formats are asserted (RFC 3339 with a timezone, as OB ``DateTimeZ``).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker
from jsonschema.exceptions import ValidationError

__all__ = ["OB3_SCHEMA_ID", "ob3_schema", "validate_ob3_schema"]

OB3_SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
_MAX_PROBLEMS = 100
_DATE_TIME = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)


@cache
def ob3_schema() -> dict[str, Any]:
    """The bundled OB 3.0 AchievementCredential schema (parsed once)."""
    text = resources.files("microcred.core.formats").joinpath(
        "schemas/ob_v3p0_achievementcredential_schema.json"
    )
    schema: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> Draft201909Validator:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_date_time)
    return Draft201909Validator(ob3_schema(), format_checker=checker)


_FAST_AFTER = 16
"""Validations in a process before the compiled validator is built (it takes ~0.2 s)."""
_calls = itertools.count()


@cache
def _fast_validator() -> Callable[[dict[str, Any]], object] | None:
    """The schema compiled to Python by ``fastjsonschema`` (about 30x faster), or None.

    Used only to say "valid" quickly: it raises on any problem, and the caller then asks
    :func:`_validator` for the full, readable list. It is never more lenient than
    :func:`_validator`: the schema's keywords mean the same in draft-07 (no ``$ref`` has
    siblings but annotations; all references are local), ``date-time`` uses the same regular
    expression and ``date`` is not asserted, as above; ``fastjsonschema`` turns ``$`` in a
    ``pattern`` into ``\\Z`` (stricter), and its ``array`` / ``number`` types, which also
    accept tuples and Decimals, are narrowed to ``list`` / ``int, float`` as in ``jsonschema``.
    """
    try:
        import fastjsonschema
    except ImportError:  # optional: the jsonschema path alone gives the same answers
        return None
    schema = {**ob3_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    code = fastjsonschema.compile_to_code(
        schema, formats={"date-time": _DATE_TIME.pattern, "date": ""}, use_default=False
    )
    code = code.replace(", (list, tuple))", ", (list))").replace(
        ", (int, float, Decimal))", ", (int, float))"
    )
    main = re.search(r"^def (validate\w*)\(", code, re.MULTILINE)
    if main is None:  # pragma: no cover - fastjsonschema always writes one
        return None
    namespace: dict[str, Any] = {}
    exec(
        compile(code, "<ob3 schema>", "exec"), namespace
    )  # our own schema, compiled by fastjsonschema
    validate: Callable[[dict[str, Any]], object] = namespace[main.group(1)]
    return validate


def _quickly_valid(candidate: dict[str, Any]) -> bool:
    """True if the compiled validator accepts ``candidate`` (False: ask jsonschema)."""
    if next(_calls) < _FAST_AFTER:
        return False
    validate = _fast_validator()
    if validate is None:
        return False
    try:
        validate(candidate)
    except Exception:  # JsonSchemaValueException, or anything hostile input provokes
        return False
    return True


def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or _DATE_TIME.match(value) is not None


def _pointer(error: ValidationError) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path]
    pointer = "/" + "/".join(parts)
    return pointer if len(pointer) <= 200 else pointer[:197] + "..."


def _message(error: ValidationError) -> str:
    if error.validator in ("oneOf", "anyOf") and error.context:
        # the deepest branch error; among equals, not the (long) enum list
        best = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "enum"))
        if len(best.absolute_path) > len(error.absolute_path) or best.validator == "pattern":
            return _message(best)
    text = str(error.message)
    return text if len(text) <= 300 else text[:297] + "..."


def _compacted(error: ValidationError) -> bool:
    return bool(error.validator == "type" and error.validator_value == "array")


def _wrap_compacted_arrays(document: dict[str, Any], errors: list[ValidationError]) -> bool:
    """Wrap single values where the schema wants an array; True if anything changed.

    OB 3.0 §B.1 serialises arrays "array-compacted": one item may stand alone. The JSON Schema
    has no such leniency, so a received credential is normalised before it is judged.
    """
    changed = False
    for error in errors:
        if not _compacted(error):
            continue
        path = list(error.absolute_path)
        if not path:
            continue
        parent: Any = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, (dict, list)) and not isinstance(parent[path[-1]], list):
            parent[path[-1]] = [parent[path[-1]]]
            changed = True
    return changed


def validate_ob3_schema(
    document: Mapping[str, Any], *, allow_compacted_arrays: bool = False
) -> list[str]:
    """Problems of ``document`` against the OB 3.0 schema, as ``"<JSON pointer>: <message>"``.

    Empty when valid. Never raises: a document that cannot be checked yields one problem.
    ``allow_compacted_arrays`` accepts a single value where the schema wants an array (OB 3.0
    §B.1), for credentials received from others; microcred's own output is checked strictly.
    """
    if not isinstance(document, Mapping):
        return [f"/: a credential must be a JSON object, not {type(document).__name__}"]
    try:
        candidate: dict[str, Any] = dict(document)
        if _quickly_valid(candidate):
            return []
        errors = list(_validator().iter_errors(candidate))
        if allow_compacted_arrays and any(_compacted(e) for e in errors):
            candidate = copy.deepcopy(candidate)  # wrapping edits it; the caller's stays intact
        for _ in range(8):
            if not (allow_compacted_arrays and _wrap_compacted_arrays(candidate, errors)):
                break
            errors = list(_validator().iter_errors(candidate))
        errors.sort(key=lambda e: list(map(str, e.absolute_path)))
        problems = []
        for error in errors[:_MAX_PROBLEMS]:
            problem = f"{_pointer(error)}: {_message(error)}"
            if problem not in problems:
                problems.append(problem)
        return problems
    except RecursionError:
        return ["/: the credential is nested too deeply to be checked"]
    except Exception as exc:  # hostile input must never crash a verifier
        return [f"/: the credential could not be checked ({type(exc).__name__})"]
