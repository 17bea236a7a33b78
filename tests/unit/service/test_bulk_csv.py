"""Bulk issuance CSV: encodings, delimiters, columns, per-row reports, limits, 100k rows."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from microcred.errors import InvalidInputError
from microcred.service.bulk_csv import BulkLimits, ParsedBatch, RowProblem, parse_bulk_csv

VECTORS = Path(__file__).parents[2] / "vectors" / "bulk"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DATE_FORMS = "date (YYYY-MM-DD) or an ISO 8601 date-time"
IDENTIFYING = "email, did, url, institutional_id"


def _parse(name: str, **kwargs: object) -> ParsedBatch:
    return parse_bulk_csv((VECTORS / name).read_bytes(), now=NOW, **kwargs)  # type: ignore[arg-type]


def _error(name: str) -> str:
    with pytest.raises(InvalidInputError) as info:
        _parse(name)
    return str(info.value)


def test_a_good_file_gives_every_row_with_typed_values() -> None:
    batch = _parse("good.csv")
    assert batch.problems == () and batch.warnings == ()
    assert batch.total == 3 and [r.row_id for r in batch.rows] == ["s-001", "s-002", "s-003"]
    ada, jean, zoe = batch.rows
    assert (ada.line, ada.learner.name, ada.learner.email) == (2, "Ada Lovelace", "ada@example.org")
    assert ada.grade == "A" and ada.language == "en"
    assert ada.valid_until == datetime(2031, 6, 30, 23, 59, 59, tzinfo=UTC)  # a date: end of day
    assert ada.evidence_url == "https://evidence.example.org/ada"
    assert jean.learner.did is not None and jean.learner.email is None
    assert jean.evidence_narrative == "Built a bridge, then crossed it"  # quoted comma
    assert zoe.learner.name == "Zoë Ærøskøbing" and zoe.learner.institutional_id == "ST-3"
    assert zoe.valid_until == datetime(2031, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("name", ["good_bom.csv", "good_utf16.csv"])
def test_utf8_with_bom_and_utf16_with_bom_read_like_plain_utf8(name: str) -> None:
    assert _parse(name) == _parse("good.csv")


def test_semicolon_csv_with_case_insensitive_headers_and_decimal_commas() -> None:
    batch = _parse("good_semicolon.csv")
    assert batch.problems == ()
    assert [
        (r.row_id, r.learner.given_name, r.learner.family_name, r.grade) for r in batch.rows
    ] == [
        ("a1", "Ada", "Lovelace", "1,7"),
        ("a2", "Alan", "Turing", "2,0"),
    ]
    assert batch.rows[0].learner.email == "ada@example.org"  # "E-mail" header


def test_tab_separated() -> None:
    (row,) = _parse("good_tab.tsv").rows
    assert row.learner.url == "https://ada.example.org/"


def test_latin1_bytes_are_refused_with_offset_line_and_advice() -> None:
    message = _error("latin1.csv")
    data = (VECTORS / "latin1.csv").read_bytes()
    offset = data.index(b"\xe9")
    assert "not valid UTF-8" in message
    assert f"byte offset {offset}" in message and "line 3" in message
    assert "e9" in message and "save it as 'CSV UTF-8'" in message


def test_utf16_without_bom_is_refused() -> None:
    assert "UTF-16 without a byte-order mark" in _error("utf16_no_bom.csv")


def test_utf32_is_refused() -> None:
    data = "row_id\nx\n".encode("utf-32")
    with pytest.raises(InvalidInputError, match="UTF-32"):
        parse_bulk_csv(data, now=NOW)


def test_missing_required_column_is_a_file_error_naming_it() -> None:
    message = _error("missing_columns.csv")
    assert "missing required column(s): row_id" in message and "'id'" in message


def test_unknown_columns_are_warnings_and_ignored() -> None:
    batch = _parse("unknown_columns.csv")
    assert len(batch.rows) == 1
    assert batch.warnings == (
        "unknown column 'shoe_size' ignored (known: row_id, name, given_name, family_name, email, "
        "did, url, institutional_id, grade, valid_until, evidence_url, evidence_narrative, "
        "language)",
    )


def test_bad_rows_in_the_middle_are_reported_by_line_and_column_and_the_rest_goes_on() -> None:
    batch = _parse("bad_row_middle.csv")
    assert [r.row_id for r in batch.rows] == ["m1", "m2", "m4", "m7"]
    assert batch.total == 7 and batch.invalid_rows == 3
    assert batch.problems == (
        RowProblem(4, "email", "e-mail 'grace(at)example.org' is not a valid address"),
        RowProblem(6, "valid_until", f"'31/12/2031' is not a {DATE_FORMS}"),
        RowProblem(7, IDENTIFYING, "an e-mail, a DID, a URL or an institutional id is required"),
    )
    assert batch.problems[0].to_dict() == {
        "row": 4,
        "column": "email",
        "reason": "e-mail 'grace(at)example.org' is not a valid address",
    }


def test_duplicate_row_ids_reject_every_occurrence() -> None:
    batch = _parse("duplicate_row_id.csv")
    assert [r.row_id for r in batch.rows] == ["d2"]
    reason = "'d1' appears on several lines: 2, 4"
    assert batch.problems == (RowProblem(2, "row_id", reason), RowProblem(4, "row_id", reason))


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        (",ada@example.org,", "row_id", "is required (the row's idempotency key)"),
        ("x,ada@example.org,2020-01-01", "valid_until", "'2020-01-01' is not in the future"),
        ("x,ada@example.org,2031-01-01T10:00", "valid_until", "'2031-01-01T10:00' has no timezone"),
        ("x,did:nope,", "email", "e-mail 'did:nope' is not a valid address"),
        ("x,ada@example.org,,extra", None, "4 cells but the header has 3"),
    ],
)
def test_row_problems(line: str, column: str | None, reason: str) -> None:
    batch = parse_bulk_csv(f"row_id,email,valid_until\n{line}\n".encode(), now=NOW)
    (problem,) = batch.problems
    assert (problem.row, problem.column) == (2, column)
    assert problem.reason.startswith(reason)
    assert batch.rows == ()


def test_line_numbers_count_blank_lines_and_multiline_cells() -> None:
    data = b'row_id,name,email\n\nq1,"Ada\nLovelace",ada@example.org\nq2,Alan,nope\n'
    batch = parse_bulk_csv(data, now=NOW)
    assert batch.rows[0].line == 3 and batch.rows[0].learner.name == "Ada\nLovelace"
    assert batch.problems[0].row == 5


@pytest.mark.parametrize(
    ("name", "message"),
    [("empty.csv", "the file is empty"), ("header_only.csv", "a header line but no data rows")],
)
def test_empty_file_and_header_only_are_file_errors(name: str, message: str) -> None:
    assert message in _error(name)


def test_limits_on_rows_and_bytes() -> None:
    data = b"row_id,email\n" + b"".join(b"r%d,a%d@example.org\n" % (i, i) for i in range(11))
    with pytest.raises(InvalidInputError, match=r"more than 10 rows \(line 12\)"):
        parse_bulk_csv(data, now=NOW, limits=BulkLimits(max_rows=10))
    with pytest.raises(InvalidInputError, match="the limit is 100 bytes"):
        parse_bulk_csv(data, now=NOW, limits=BulkLimits(max_bytes=100))


def test_malformed_csv_quote_is_a_file_error_with_its_line() -> None:
    with pytest.raises(InvalidInputError, match="line 3: the file is not valid CSV"):
        parse_bulk_csv(b'row_id,email\nr1,a@example.org\nr2,"a"b@example.org\n', now=NOW)


def test_100k_rows_parse_quickly_with_a_correct_count_and_three_precise_problems() -> None:
    lines = ["row_id,name,email,grade,valid_until"]
    lines += [f"r{i},Learner {i},l{i}@example.org,A,2031-01-01" for i in range(100_000)]
    lines[20_001] = "r20000,Bad Mail,not-an-email,A,2031-01-01"  # file line 20,002
    lines[50_001] = "r50000,Bad Date,x@example.org,A,2031-02-30"  # file line 50,002
    lines[99_999] = "r99998,,,,"  # file line 100,000: no identifier
    data = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    batch = parse_bulk_csv(data, now=NOW)
    elapsed = time.perf_counter() - start
    assert batch.total == 100_000 and len(batch.rows) == 99_997
    assert [(p.row, p.column) for p in batch.problems] == [
        (20_002, "email"),
        (50_002, "valid_until"),
        (100_000, "email, did, url, institutional_id"),
    ]
    assert elapsed < 15, f"100k rows took {elapsed:.1f}s"  # ~2 s on an idle 2-core machine
