"""A text diff between two versions of a document, as rows of (operation, text) parts."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

#: Sentences end at these marks; Chinese bodies often are one long line, so lines alone are
#: too coarse a unit to show what changed.
_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")


@dataclass(frozen=True)
class DiffRow:
    """One unit of the diff: unchanged, inserted, deleted, or changed with inline parts."""

    kind: str  # "equal" | "insert" | "delete" | "replace"
    parts: tuple[tuple[str, str], ...]  # (op, text) with op in equal/insert/delete


def split_units(text: str) -> list[str]:
    """Split text into sentence-sized units (keeping their end marks) for diffing."""
    return [unit for unit in _SENTENCE_END.split(text.replace("\r\n", "\n")) if unit.strip()]


def diff_texts(old: str, new: str, *, context: int = 2) -> list[DiffRow]:
    """Diff ``old`` against ``new`` by sentence, with a character diff inside changed sentences.

    Args:
        old: the earlier text.
        new: the later text.
        context: unchanged units kept around each change; longer unchanged runs are elided.

    Returns:
        Rows to render in order; an elided run is an "equal" row whose text is "…".
    """
    a, b = split_units(old), split_units(new)
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(DiffRow("equal", (("equal", "…"),)))
        for tag, i1, i2, j1, j2 in group:
            rows.extend(_rows(tag, a[i1:i2], b[j1:j2]))
    return rows


def _rows(tag: str, old: list[str], new: list[str]) -> list[DiffRow]:
    if tag == "equal":
        return [DiffRow("equal", (("equal", unit),)) for unit in old]
    if tag == "delete":
        return [DiffRow("delete", (("delete", unit),)) for unit in old]
    if tag == "insert":
        return [DiffRow("insert", (("insert", unit),)) for unit in new]
    return [DiffRow("replace", inline_diff("".join(old), "".join(new)))]


def inline_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Character-level parts turning ``old`` into ``new``."""
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("equal", old[i1:i2]))
            continue
        if i2 > i1:
            parts.append(("delete", old[i1:i2]))
        if j2 > j1:
            parts.append(("insert", new[j1:j2]))
    return tuple(parts)
