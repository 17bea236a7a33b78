"""Bulk issuance input: a CSV file (or any table of strings) -> validated rows and a per-row report.

Pure: works on the bytes it is given. Columns are documented in ``docs/bulk-issuance.md``. Every
row is checked before anything is issued (learner identification per Annex I element 1 by the
rules of ``core.model.load_learner``, dates, language tags, duplicate ``row_id``); a problem is
reported as ``{row, column, reason}`` with ``row`` the 1-based line of the file (the header is line
1). Problems with the file as a whole (encoding, missing columns, size) raise
:class:`~microcred.errors.InvalidInputError` with a message that says how to fix the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from microcred.core.model import Learner, validate_learner
from microcred.core.model.language import is_language_tag
from microcred.core.model.validation import is_http_url
from microcred.errors import InvalidInputError

__all__ = [
    "COLUMNS",
    "LEARNER_COLUMNS",
    "REQUIRED_COLUMNS",
    "BulkLimits",
    "BulkRow",
    "ParsedBatch",
    "RowProblem",
    "Table",
    "decode_text",
    "parse_bulk_csv",
    "read_csv_table",
    "validate_table",
]

LEARNER_COLUMNS = ("name", "given_name", "family_name", "email", "did", "url", "institutional_id")
COLUMNS = (
    "row_id",
    *LEARNER_COLUMNS,
    "grade",
    "valid_until",
    "evidence_url",
    "evidence_narrative",
    "language",
)
REQUIRED_COLUMNS = ("row_id",)
_IDENTIFYING = "email, did, url, institutional_id"
_MAX_CELL = 10_000
_MAX_ROW_ID = 200
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SAVE_AS = "save it as 'CSV UTF-8' (or UTF-16 with a byte-order mark) and upload it again"


@dataclass(frozen=True)
class BulkLimits:
    """How much one bulk file may hold."""

    max_rows: int = 200_000
    max_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    """A table of strings: its header and its data rows, each with its 1-based line number."""

    header: Sequence[str]
    rows: Iterable[tuple[int, Sequence[str]]]
    header_line: int = 1


@dataclass(frozen=True)
class BulkRow:
    """One valid row: an award to issue."""

    line: int
    row_id: str
    learner: Learner
    grade: str | None = None
    valid_until: datetime | None = None
    evidence_url: str | None = None
    evidence_narrative: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be issued; ``column`` is None when the row as a whole is wrong."""

    row: int
    column: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class ParsedBatch:
    """The outcome of reading a bulk file: valid rows (file order), problems, warnings."""

    rows: tuple[BulkRow, ...]
    problems: tuple[RowProblem, ...]
    warnings: tuple[str, ...] = ()
    total: int = 0
    invalid_rows: int = field(default=0)


# ---- bytes -> text -> table ----------------------------------------------------------------


def _line_of(data: bytes, offset: int, encoding: str) -> int:
    return data[:offset].decode(encoding, errors="ignore").count("\n") + 1


def decode_text(data: bytes) -> str:
    """The text of a UTF-8 (BOM optional) or UTF-16 (BOM required) file; else a clear error."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InvalidInputError(f"the file is UTF-32 encoded, which is not supported; {_SAVE_AS}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, start = "utf-16", 0
    elif data.startswith(codecs.BOM_UTF8):
        encoding, start = "utf-8", len(codecs.BOM_UTF8)
    else:
        encoding, start = "utf-8", 0
        if b"\x00" in data[:4096]:
            raise InvalidInputError(
                "the file contains NUL bytes: it looks like UTF-16 without a byte-order mark "
                f"or a binary file; {_SAVE_AS}"
            )
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line = _line_of(data, offset, encoding)
        what = "UTF-16" if encoding == "utf-16" else "UTF-8"
        bad = data[offset : offset + min(4, exc.end - exc.start)].hex(" ")
        hint = " (it looks like Latin-1 / Windows-1252)" if what == "UTF-8" else ""
        raise InvalidInputError(
            f"the file is not valid {what}{hint}: byte(s) {bad} at byte offset {offset}, "
            f"line {line}; {_SAVE_AS}"
        ) from None


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever occurs most in the header line (comma on a tie)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_rows(
    reader: Iterator[list[str]], line_num: Callable[[], int]
) -> Iterator[tuple[int, list[str]]]:
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInputError(
                f"line {line_num()}: the file is not valid CSV: {exc}"
            ) from None
        yield previous + 1, cells
        previous = line_num()


def read_csv_table(data: bytes) -> Table:
    """A :class:`Table` of a CSV file (delimiter sniffed from the header line)."""
    text = decode_text(data)
    if not text.strip():
        raise InvalidInputError("the file is empty: expected a header line with at least row_id")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows = _csv_rows(reader, lambda: reader.line_num)
    for line, header in rows:
        if any(cell.strip() for cell in header):
            return Table(header=header, rows=rows, header_line=line)
    raise InvalidInputError("the file is empty: expected a header line with at least row_id")


# ---- table -> validated rows ---------------------------------------------------------------


_ALIASES = {"e_mail": "email", "mail": "email"}


def _normal(name: str) -> str:
    key = re.sub(r"[\s-]+", "_", name.strip().lstrip("\ufeff").strip().lower())
    return _ALIASES.get(key, key)


def _columns(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    index: dict[str, int] = {}
    warnings: list[str] = []
    for position, raw in enumerate(header):
        name = _normal(raw)
        if not name:
            continue
        if name in index:
            raise InvalidInputError(f"the header names the column {name!r} twice")
        if name in COLUMNS:
            index[name] = position
        else:
            warnings.append(f"unknown column {raw.strip()!r} ignored (known: {', '.join(COLUMNS)})")
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        raise InvalidInputError(
            f"missing required column(s): {', '.join(missing)}; the header line has "
            f"{', '.join(repr(h.strip()) for h in header) or 'no columns'}"
        )
    return index, warnings


def _valid_until(text: str, now: datetime) -> tuple[datetime | None, str | None]:
    try:
        if _DATE.match(text):
            day = datetime.fromisoformat(text)
            value = day.replace(hour=23, minute=59, second=59, tzinfo=UTC)
        else:
            value = datetime.fromisoformat(text)
    except ValueError:
        return None, f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time"
    if value.tzinfo is None or value.utcoffset() is None:
        return None, f"{text!r} has no timezone; add one (e.g. Z or +01:00) or give a date only"
    if value <= now:
        return None, f"{text!r} is not in the future"
    return value, None


def _learner_column(problem: str, values: Mapping[str, str]) -> str:
    for column in ("email", "did", "url", "institutional_id", "name", "given_name", "family_name"):
        value = values.get(column)
        if value is not None and repr(value) in problem:
            return column
    return _IDENTIFYING


class _Checker:
    """Validates rows one at a time, remembering row ids to find duplicates."""

    def __init__(self, index: Mapping[str, int], *, width: int, now: datetime) -> None:
        self.items = tuple(index.items())
        self.width = width
        self.now = now
        self.learner_columns = tuple(c for c in LEARNER_COLUMNS if c in index)
        self.seen: dict[str, list[int]] = {}
        self.problems: list[RowProblem] = []
        self.dates: dict[str, tuple[datetime | None, str | None]] = {}

    def check(self, line: int, cells: Sequence[str]) -> BulkRow | None:
        problems = self.problems
        before = len(problems)
        count = len(cells)
        values = {c: v for c, p in self.items if p < count and (v := cells[p].strip())}
        if count > self.width and any(cell.strip() for cell in cells[self.width :]):
            problems.append(
                RowProblem(line, None, f"{count} cells but the header has {self.width}")
            )
        for column, value in values.items():
            if len(value) > _MAX_CELL:
                problems.append(RowProblem(line, column, f"longer than {_MAX_CELL} characters"))
        row_id = values.get("row_id")
        if row_id is None:
            problems.append(RowProblem(line, "row_id", "is required (the row's idempotency key)"))
        elif len(row_id) > _MAX_ROW_ID or _CONTROL.search(row_id):
            problems.append(
                RowProblem(line, "row_id", f"must be 1-{_MAX_ROW_ID} printable characters")
            )
        else:
            self.seen.setdefault(row_id, []).append(line)
        learner = self._learner(line, values)
        valid_until = None
        if (text := values.get("valid_until")) is not None:
            if (parsed := self.dates.get(text)) is None:
                parsed = self.dates[text] = _valid_until(text, self.now)
            valid_until, reason = parsed
            if reason:
                problems.append(RowProblem(line, "valid_until", reason))
        evidence_url = values.get("evidence_url")
        if evidence_url is not None and not is_http_url(evidence_url):
            problems.append(RowProblem(line, "evidence_url", f"{evidence_url!r} is not a URL"))
        language = values.get("language")
        if language is not None and not is_language_tag(language):
            problems.append(RowProblem(line, "language", f"{language!r} is not a BCP 47 tag"))
        if len(problems) > before or learner is None or row_id is None:
            return None
        return BulkRow(
            line,
            row_id,
            learner,
            values.get("grade"),
            valid_until,
            evidence_url,
            values.get("evidence_narrative"),
            language,
        )

    def _learner(self, line: int, values: Mapping[str, str]) -> Learner | None:
        """The learner of the row, checked by the rules of ``load_learner`` (Annex I element 1)."""
        given = {c: values[c] for c in self.learner_columns if c in values}
        learner = Learner(**given)
        problems = validate_learner(learner)
        if not problems:
            return learner
        for problem in problems:
            reason = problem.removeprefix("learner: ")
            self.problems.append(RowProblem(line, _learner_column(problem, given), reason))
        return None


def validate_table(table: Table, *, now: datetime, limits: BulkLimits | None = None) -> ParsedBatch:
    """Every row of ``table`` checked: the valid rows and a problem per bad cell or row."""
    limits = limits or BulkLimits()
    index, warnings = _columns(table.header)
    checker = _Checker(index, width=len(table.header), now=now)
    candidates: list[BulkRow] = []
    total = 0
    for line, cells in table.rows:
        if not "".join(cells).strip():
            continue
        total += 1
        if total > limits.max_rows:
            raise InvalidInputError(
                f"the file has more than {limits.max_rows:,} rows (line {line}); split it into "
                "several files"
            )
        row = checker.check(line, cells)
        if row is not None:
            candidates.append(row)
    if total == 0:
        raise InvalidInputError("the file has a header line but no data rows")
    problems = checker.problems
    duplicates = {rid: lines for rid, lines in checker.seen.items() if len(lines) > 1}
    for rid, lines in duplicates.items():
        where = ", ".join(str(n) for n in lines)
        for n in lines:
            problems.append(RowProblem(n, "row_id", f"{rid!r} appears on several lines: {where}"))
    valid = tuple(r for r in candidates if r.row_id not in duplicates)
    problems.sort(key=lambda p: p.row)
    return ParsedBatch(
        rows=valid,
        problems=tuple(problems),
        warnings=tuple(warnings),
        total=total,
        invalid_rows=total - len(valid),
    )


def parse_bulk_csv(data: bytes, *, now: datetime, limits: BulkLimits | None = None) -> ParsedBatch:
    """Read and validate a bulk issuance CSV file (see the module docstring)."""
    limits = limits or BulkLimits()
    if len(data) > limits.max_bytes:
        raise InvalidInputError(
            f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes"
        )
    return validate_table(read_csv_table(data), now=now, limits=limits)
