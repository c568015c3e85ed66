"""Parse a publication-check checklist CSV into rows, refusing bad input with row and column."""

from __future__ import annotations

import _csv
import csv
import io
from dataclasses import dataclass
from datetime import date

from disclosure_search.errors import ChecklistError, ChecklistTooLong
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


def parse_checklist(data: bytes | str, max_rows: int = MAX_ROWS) -> list[ChecklistRow]:
    """Parse a checklist: UTF-8 (BOM allowed), a header row, then one item per row.

    Columns: ``title`` (required), ``doc_number``, ``category``, ``due_date`` (YYYY-MM-DD),
    ``source``, in any order; header names are matched case-insensitively. Blank lines are
    skipped. Either every row is returned or nothing is: the first problem raises.

    Args:
        data: the file's bytes (or already-decoded text, e.g. pasted into a form).
        max_rows: more rows than this are refused as soon as the next one is read.

    Returns:
        The rows, in file order.

    Raises:
        ChecklistError: empty file, not UTF-8, wrong header, a bad date, a row without a
            title or too many fields; the message names the row (file line) and column.
        ChecklistTooLong: more than ``max_rows`` rows (at most 100,000).
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise ChecklistError("清单是空的：第一行应为表头"
                                 f"（{','.join(COLUMNS)}），其后至少一项")
        names = _check_header(header)
        rows = _read_rows(reader, names, min(max_rows, MAX_ROWS))
    except csv.Error as exc:
        raise ChecklistError(f"第 {reader.line_num} 行：不是有效的 CSV（{exc}）") from None
    if not rows:
        raise ChecklistError("清单只有表头，没有任何事项")
    return rows


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if len(data) > MAX_BYTES:
        raise ChecklistError(f"清单有 {len(data):,} 字节，超过上限 {MAX_BYTES:,} 字节"
                             f"（{MAX_ROWS:,} 行），请拆成较小的文件")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ChecklistError(
            f"第 {line} 行：清单不是 UTF-8 编码（第 {exc.start} 字节）；"
            "请在表格软件中另存为“CSV UTF-8”后重新上传") from None


def _check_header(header: list[str]) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    for column, name in enumerate(names, 1):
        if name not in COLUMNS:
            raise ChecklistError(
                f"第 1 行第 {column} 列：未知的列名 {header[column - 1].strip()!r}；"
                f"表头只能使用 {', '.join(COLUMNS)}")
        if name in names[: column - 1]:
            raise ChecklistError(f"第 1 行第 {column} 列：列名 {name!r} 重复")
    if "title" not in names:
        raise ChecklistError(f"第 1 行：表头缺少必填的 title（标题）列（现有：{', '.join(names)}）")
    return names


def _read_rows(reader: _csv.Reader, names: list[str], max_rows: int) -> list[ChecklistRow]:
    rows: list[ChecklistRow] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise ChecklistTooLong(f"第 {line} 行：清单超过 {max_rows:,} 项，请拆成较小的文件")
        if len(cells) > len(names):
            raise ChecklistError(f"第 {line} 行第 {len(names) + 1} 列：有 {len(cells)} 个字段，"
                                 f"表头只有 {len(names)} 列（标题中含逗号时须加英文双引号）")
        rows.append(_row(line, dict(zip(names, (c.strip() for c in cells), strict=False))))
    return rows


def _row(line: int, values: dict[str, str]) -> ChecklistRow:
    title = values.get("title", "")
    if not title:
        raise ChecklistError(f"第 {line} 行 title（标题）列：标题为空")
    raw_due = values.get("due_date", "")
    try:
        due = parse_typed_date(raw_due)
    except TypedDateError:
        raise ChecklistError(f"第 {line} 行 due_date（应公开日期）列：{raw_due!r} 不是"
                             f"{TYPED_DATE_FORM} 格式的日期（例如 2024-03-31）") from None
    return ChecklistRow(line=line, title=title, doc_number=values.get("doc_number", ""),
                        category=values.get("category", ""), due_date=due,
                        source=values.get("source", ""))
