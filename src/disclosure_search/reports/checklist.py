"""Parse a publication-check checklist CSV into rows, refusing bad input with row and column."""

from __future__ import annotations

import _csv
import csv
import io
from dataclasses import dataclass
from datetime import date

from disclosure_search.errors import ChecklistError
from disclosure_search.vocabulary.dates import TYPED_DATE_FORM, TypedDateError, parse_typed_date

COLUMNS: tuple[str, ...] = ("title", "doc_number", "category", "due_date", "source")
MAX_ROWS = 100_000
#: Also refuse absurd uploads before decoding them (a row is rarely over 1 KB).
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ChecklistRow:
    """One item staff expect to be online; ``line`` is its line in the file (header is 1)."""

    line: int
    title: str
    doc_number: str = ""
    category: str = ""
    due_date: date | None = None
    source: str = ""


def parse_checklist(data: bytes | str) -> list[ChecklistRow]:
    """Parse a checklist: UTF-8 (BOM allowed), a header row, then one item per row.

    Columns: ``title`` (required), ``doc_number``, ``category``, ``due_date`` (YYYY-MM-DD),
    ``source``, in any order; header names are matched case-insensitively. Blank lines are
    skipped. Either every row is returned or nothing is: the first problem raises.

    Args:
        data: the file's bytes (or already-decoded text, e.g. pasted into a form).

    Returns:
        The rows, in file order.

    Raises:
        ChecklistError: empty file, not UTF-8, wrong header, a bad date, a row without a
            title, too many fields or more than 100,000 rows; the message names the row
            (file line) and column.
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise ChecklistError("the checklist is empty: expected a header row "
                                 f"({','.join(COLUMNS)}) and at least one item")
        names = _check_header(header)
        rows = _read_rows(reader, names)
    except csv.Error as exc:
        raise ChecklistError(f"row {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise ChecklistError("the checklist has a header but no items")
    return rows


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if len(data) > MAX_BYTES:
        raise ChecklistError(f"the checklist is {len(data):,} bytes; the limit is "
                             f"{MAX_BYTES:,} bytes ({MAX_ROWS:,} rows)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ChecklistError(
            f"row {line}: the checklist is not UTF-8 text (byte {exc.start}); "
            "save it as 'CSV UTF-8' and upload it again") from None


def _check_header(header: list[str]) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    for column, name in enumerate(names, 1):
        if name not in COLUMNS:
            raise ChecklistError(
                f"row 1, column {column}: unknown column {header[column - 1].strip()!r}; "
                f"the header must use only {', '.join(COLUMNS)}")
        if name in names[: column - 1]:
            raise ChecklistError(f"row 1, column {column}: column {name!r} appears twice")
    if "title" not in names:
        raise ChecklistError(f"row 1: the header has no 'title' column (got {', '.join(names)})")
    return names


def _read_rows(reader: _csv.Reader, names: list[str]) -> list[ChecklistRow]:
    rows: list[ChecklistRow] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ChecklistError(f"row {line}: the checklist has more than {MAX_ROWS:,} items; "
                                 "split it into smaller files")
        if len(cells) > len(names):
            raise ChecklistError(f"row {line}, column {len(names) + 1}: {len(cells)} fields but "
                                 f"the header has {len(names)} (a comma inside a title needs "
                                 "quotes)")
        rows.append(_row(line, dict(zip(names, (c.strip() for c in cells), strict=False))))
    return rows


def _row(line: int, values: dict[str, str]) -> ChecklistRow:
    title = values.get("title", "")
    if not title:
        raise ChecklistError(f"row {line}, column title: the title is empty")
    raw_due = values.get("due_date", "")
    try:
        due = parse_typed_date(raw_due)
    except TypedDateError:
        raise ChecklistError(f"row {line}, column due_date: {raw_due!r} is not a date "
                             f"in the form {TYPED_DATE_FORM} (e.g. 2024-03-31)") from None
    return ChecklistRow(line=line, title=title, doc_number=values.get("doc_number", ""),
                        category=values.get("category", ""), due_date=due,
                        source=values.get("source", ""))
