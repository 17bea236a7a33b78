"""XLSX bulk files through the openpyxl adapter: the CSV checks, with sheet row numbers."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook

from microcred.errors import InvalidInputError
from microcred.jobs.xlsx import read_xlsx
from microcred.service.bulk import read_table
from microcred.service.bulk_csv import RowProblem, validate_table

NOW = datetime(2026, 1, 15, tzinfo=UTC)


def _workbook(*rows: tuple[object, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_sheet_is_read_with_typed_cells_and_sheet_row_numbers() -> None:
    data = _workbook(
        (),  # an empty first row: the header is on row 2
        ("Row ID", "Name", "Email", "Grade", "Valid until"),
        (1001, "Ada Lovelace", "ada@example.org", 1.0, date(2031, 6, 30)),
        ("1002", "Alan Turing", "alan(at)example.org", 2.5, None),
        ("1003", "Grace Hopper", "grace@example.org", None, datetime(2031, 1, 1, 12, 0)),
    )
    table = read_table(data, "cohort.XLSX", {"xlsx": read_xlsx})
    batch = validate_table(table, now=NOW)
    assert [(r.line, r.row_id, r.grade) for r in batch.rows] == [(3, "1001", "1")]
    assert batch.rows[0].valid_until == datetime(2031, 6, 30, 23, 59, 59, tzinfo=UTC)
    assert batch.problems == (
        RowProblem(4, "email", "e-mail 'alan(at)example.org' is not a valid address"),
        RowProblem(5, "valid_until", "'2031-01-01T12:00:00' has no timezone; add one (e.g. Z or "
                   "+01:00) or give a date only"),
    )  # fmt: skip


def test_not_a_workbook_and_an_empty_sheet_are_file_errors() -> None:
    with pytest.raises(InvalidInputError, match="not a readable XLSX workbook"):
        read_xlsx(b"row_id\n1\n")
    with pytest.raises(InvalidInputError, match="the file is empty"):
        read_xlsx(_workbook())
