"""Reading the CLI's inputs: files or standard input, JSON files, ``URL=FILE`` pairs and
DID/controller documents.

Every failure is an InvalidInputError whose message names the file and the problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from microcred.core.verify.parse import parse_json_document
from microcred.errors import InvalidInputError, MicrocredError


def read_bytes(source: str, *, what: str = "") -> bytes:
    """The bytes of ``source``, a path, or ``-`` for standard input; ``what`` names it."""
    if source == "-":
        return sys.stdin.buffer.read()
    label, path = f"{what} {source}".lstrip(), Path(source)
    if not path.exists():
        raise InvalidInputError(f"{label}: no such file")
    if path.is_dir():
        raise InvalidInputError(f"{label}: is a folder, not a file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{label}: cannot read it ({exc.strerror or exc})") from None


def read_json(source: str, *, what: str) -> dict[str, Any]:
    """A JSON object from a file (or ``-``), with errors that name the file and what it is."""
    data = read_bytes(source, what=what)
    with naming(f"{what} {source}"):
        return parse_json_document(data)


@contextmanager
def naming(subject: str) -> Iterator[None]:
    """Say which input a microcred error is about: ``subject: message`` (one line, exit 2)."""
    try:
        yield
    except MicrocredError as exc:
        raise InvalidInputError(f"{subject}: {exc}") from None


def parse_documents(pairs: Iterable[str]) -> dict[str, Any]:
    """``URL=FILE`` pairs: local copies of contexts or status lists, keyed by URL."""
    documents: dict[str, Any] = {}
    for pair in pairs:
        url, sep, file = pair.partition("=")
        if not sep or not url or not file:
            raise InvalidInputError(f"--document {pair!r}: expected URL=FILE")
        documents[url] = read_json(file, what=f"document for {url}")
    return documents


def read_controller_documents(files: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``--did-doc FILE`` options: DID/controller documents (W3C CID 1.0 §3.3), keyed by id."""
    controllers: dict[str, dict[str, Any]] = {}
    for file in files:
        doc = read_json(file, what="DID/controller document")
        if not isinstance(doc.get("id"), str):
            raise InvalidInputError(f"DID/controller document {file}: it has no id")
        controllers[doc["id"]] = doc
    return controllers


def dump_json(value: Any, *, compact: bool = False) -> str:
    """JSON as microcred prints it: UTF-8 text, indented unless ``compact``."""
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False, indent=2)
