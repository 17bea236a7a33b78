"""Open Badges 3.0 AchievementCredential JSON Schema check (OB 3.0 §8 "Conformance"; VCCS 1.0).

The bundled schema is 1EdTech's ``ob_v3p0_achievementcredential_schema.json`` (JSON Schema
2019-09). ``date-time`` formats are asserted (RFC 3339 with a timezone, as OB ``DateTimeZ``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
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

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or _DATE_TIME.match(value) is not None

    return Draft201909Validator(ob3_schema(), format_checker=checker)


def _pointer(error: ValidationError) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path]
    return "/" + "/".join(parts)


def _message(error: ValidationError) -> str:
    if error.validator in ("oneOf", "anyOf") and error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            return _message(deepest)
    text = error.message
    return text if len(text) <= 300 else text[:297] + "..."


def validate_ob3_schema(document: Mapping[str, Any]) -> list[str]:
    """Problems of ``document`` against the OB 3.0 schema, as ``"<JSON pointer>: <message>"``.

    Empty when valid. Never raises: a document that cannot be checked yields one problem.
    """
    if not isinstance(document, Mapping):
        return [f"/: a credential must be a JSON object, not {type(document).__name__}"]
    try:
        errors = sorted(
            _validator().iter_errors(dict(document)), key=lambda e: list(map(str, e.absolute_path))
        )
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
