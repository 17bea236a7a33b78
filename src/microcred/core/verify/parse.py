"""Reading what a verifier is given: a JSON credential, a compact JWS, or an enveloped credential.

VC-DM 2.0 §4.13 (securing mechanisms), VC-JOSE-COSE §3.1 (compact JWS), VC-DM 2.0 §4.13.1
(``EnvelopedVerifiableCredential``). Limits on size and depth keep hostile input cheap to refuse.
"""

from __future__ import annotations

import json
import re
from typing import Any

from microcred.errors import DocumentParseError

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def parse_json_document(text: str | bytes) -> dict[str, Any]:
    """Parse a JSON object; oversized, over-deep or non-object input is refused with a reason."""
    if len(text) > MAX_DOCUMENT_BYTES:
        size, limit = len(text), MAX_DOCUMENT_BYTES
        raise DocumentParseError(f"the document is {size:,} bytes; the limit is {limit:,} bytes")
    try:
        value = json.loads(text)
    except RecursionError:
        raise DocumentParseError(f"the JSON is nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DocumentParseError(f"not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise DocumentParseError(f"expected a JSON object, found a JSON {type(value).__name__}")
    if _depth(value) > MAX_DEPTH:
        raise DocumentParseError(f"the JSON is nested deeper than {MAX_DEPTH} levels")
    return value


def parse_credential_input(data: str | bytes) -> dict[str, Any] | str:
    """Return a credential as a JSON object, or a compact JWS string (VC-JWT).

    Raises DocumentParseError when the input is neither.
    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise DocumentParseError("the input is empty")
    if stripped.startswith("{"):
        return parse_json_document(stripped)
    if len(stripped) <= MAX_DOCUMENT_BYTES and _COMPACT_JWS.match(stripped):
        return stripped
    raise DocumentParseError("not a JSON credential and not a compact JWS (VC-JWT)")
