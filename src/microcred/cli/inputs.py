"""Reading the CLI's inputs: files or standard input, JSON files, and ``URL=FILE`` pairs.

Every failure is an InvalidInputError whose message names the file and the problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from microcred.core.verify.parse import parse_json_document
from microcred.errors import DocumentParseError, InvalidInputError


def read_bytes(source: str) -> bytes:
    """The bytes of ``source``, a path, or ``-`` for standard input."""
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    if not path.is_file():
        raise InvalidInputError(f"{source}: no such file")
    return path.read_bytes()


def read_json(source: str, *, what: str) -> dict[str, Any]:
    """A JSON object from a file (or ``-``), with errors that name the file and what it is."""
    try:
        return parse_json_document(read_bytes(source))
    except DocumentParseError as exc:
        raise InvalidInputError(f"{what} {source}: {exc}") from None


def parse_documents(pairs: Iterable[str]) -> dict[str, Any]:
    """``URL=FILE`` pairs: local copies of contexts or status lists, keyed by URL."""
    documents: dict[str, Any] = {}
    for pair in pairs:
        url, sep, file = pair.partition("=")
        if not sep or not url or not file:
            raise InvalidInputError(f"--document {pair!r}: expected URL=FILE")
        documents[url] = read_json(file, what=f"document for {url}")
    return documents


def dump_json(value: Any, *, compact: bool = False) -> str:
    """JSON as microcred prints it: UTF-8 text, indented unless ``compact``."""
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False, indent=2)
