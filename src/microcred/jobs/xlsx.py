"""XLSX bulk files (Office Open XML, ISO/IEC 29500) -> a table of strings, via openpyxl.

The first worksheet is read in read-only mode (streaming, formulas as their cached values); the
first non-empty row is the header. Row numbers are the sheet's own, so a report's ``row`` is the
row the user sees in the spreadsheet. Values become text: dates as ``YYYY-MM-DD`` (or ISO 8601
date-times), whole numbers without ``.0``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import Any

from microcred.errors import InvalidInputError
from microcred.service.bulk_csv import Table

__all__ = ["read_xlsx"]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(workbook: Any, sheet: Any) -> Iterator[tuple[int, Sequence[str]]]:
    try:
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            yield number, [_text(v) for v in values]
    finally:
        workbook.close()


def read_xlsx(data: bytes) -> Table:
    """The first worksheet of an XLSX workbook as a :class:`Table`."""
    from openpyxl import load_workbook  # deferred: only XLSX uploads pay for the import

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInputError(f"not a readable XLSX workbook: {exc}") from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise InvalidInputError("the workbook has no worksheet")
    rows = _rows(workbook, sheet)
    for number, header in rows:
        if any(cell.strip() for cell in header):
            return Table(header=header, rows=rows, header_line=number)
    raise InvalidInputError("the file is empty: expected a header line with at least row_id")
