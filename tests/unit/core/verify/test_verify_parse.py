"""Input limits of the verifier: hostile input is refused quickly with a plain reason."""

from __future__ import annotations

import pytest

from microcred.core.verify.parse import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    parse_credential_input,
    parse_json_document,
)
from microcred.errors import DocumentParseError


def test_json_object_and_jwt_are_recognised() -> None:
    assert parse_credential_input(b'  {"a": 1}\n') == {"a": 1}
    assert parse_credential_input("eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln\n") == (
        "eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln"
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b'{"truncated": ', "not valid JSON"),
        (b"[1, 2]", "not a JSON credential"),
        (b"hello world", "not a JSON credential and not a compact JWS"),
        (b"{" + b'"a":' * 10 + b"1}", "not valid JSON"),
    ],
)
def test_unusable_input_is_named(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentParseError, match=reason):
        parse_credential_input(data)


def test_deep_nesting_is_refused() -> None:
    deep = '{"a":' * (MAX_DEPTH + 5) + "1" + "}" * (MAX_DEPTH + 5)
    with pytest.raises(DocumentParseError, match="nested deeper"):
        parse_json_document(deep)


def test_very_deep_nesting_does_not_blow_the_stack() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(DocumentParseError):
        parse_credential_input("{" + '"a":' + deep + "}")


def test_oversized_document_is_refused() -> None:
    huge = '{"a": "' + "x" * MAX_DOCUMENT_BYTES + '"}'
    with pytest.raises(DocumentParseError, match="the limit is"):
        parse_json_document(huge)


def test_a_json_array_is_not_a_credential() -> None:
    with pytest.raises(DocumentParseError, match="expected a JSON object"):
        parse_json_document("[]")
