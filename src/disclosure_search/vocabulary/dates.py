"""Dates: found in the many ways Chinese government pages write them, and as people type them.

Pages are read leniently (:func:`parse_date`, :func:`iter_dates`). A date a person types (a
command-line flag, a search parameter, a checklist's due_date, a staff form) has one form
everywhere, ``YYYY-MM-DD`` (:func:`parse_typed_date`), so the CLI, the web API, the staff
pages and the publication check accept and refuse exactly the same input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

_CN_DIGITS = {
    "〇": "0", "○": "0", "零": "0", "Ｏ": "0", "O": "0",
    "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
    "六": "6", "七": "7", "八": "8", "九": "9",
}  # fmt: skip
_CN_NUMBER = "〇○零Ｏ一二三四五六七八九十"
_CN_DATE = re.compile(
    rf"([{_CN_NUMBER}O]{{4}})\s*年\s*([{_CN_NUMBER}]{{1,3}})\s*月\s*([{_CN_NUMBER}]{{1,3}})\s*[日号]"
)
_YMD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)"
)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
MIN_YEAR = 1949
MAX_YEAR = 2100
#: The one form of a date typed by a person.
TYPED_DATE_FORM = "YYYY-MM-DD"
_TYPED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TypedDateError(ValueError):
    """A typed date that is not ``YYYY-MM-DD`` (``reason == "form"``) or not on the calendar
    (``reason == "calendar"``, 2024-02-30)."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"{value!r} is not a date in the form {TYPED_DATE_FORM}")
        self.value = value
        self.reason = reason


def _cn_small_number(text: str) -> int | None:
    """Read 一..三十一 (month/day numbers), with or without 十."""
    if "十" not in text:
        digits = "".join(_CN_DIGITS.get(ch, "") for ch in text)
        return int(digits) if digits and len(digits) == len(text) else None
    tens, _, units = text.partition("十")
    if (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
        return None
    tens_value = int(_CN_DIGITS[tens]) if tens else 1
    units_value = int(_CN_DIGITS[units]) if units else 0
    return tens_value * 10 + units_value


def _make(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _cn_dates(text: str) -> Iterator[tuple[int, date | None]]:
    for match in _CN_DATE.finditer(text):
        year_digits = "".join(_CN_DIGITS.get(ch, "") for ch in match.group(1))
        month = _cn_small_number(match.group(2))
        day = _cn_small_number(match.group(3))
        if len(year_digits) != 4 or month is None or day is None:
            continue
        yield match.start(), _make(int(year_digits), month, day)


def iter_dates(text: str) -> Iterator[date]:
    """Yield every valid date in ``text``, in the order they appear.

    Args:
        text: any text; full-width digits and separators are accepted.

    Yields:
        Dates that exist on the calendar (2018-02-30 is skipped).
    """
    norm = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, date | None]] = []
    for match in _YMD.finditer(norm):
        found.append((match.start(), _make(*(int(g) for g in match.groups()))))
    taken = [(m.start(), m.end()) for m in _YMD.finditer(norm)]
    for match in _COMPACT.finditer(norm):
        if not any(start <= match.start() < end for start, end in taken):
            found.append((match.start(), _make(*(int(g) for g in match.groups()))))
    found.extend(_cn_dates(norm))
    for _, value in sorted(found, key=lambda item: item[0]):
        if value is not None:
            yield value


def parse_date(text: str | None) -> date | None:
    """Return the first real date written in ``text``, or None.

    Accepts 2018-03-05, 2018-3-5, 2018年3月5日, 2018/3/5, 2018.03.05, 20180305, any of
    them followed by a time, with full-width digits, and 二〇一八年三月五日.

    Args:
        text: a label value such as "2018-03-05 09:30:00" or "发布日期：2018年3月5日".

    Returns:
        The date, or None when there is none or it cannot exist (2018-02-30).
    """
    if not text:
        return None
    return next(iter_dates(text), None)


def parse_typed_date(text: str | None) -> date | None:
    """Return the date a person typed, ``YYYY-MM-DD`` exactly (surrounding spaces ignored).

    ``20240131`` and ``2024/01/31`` are refused everywhere alike (Python's own
    ``date.fromisoformat`` accepts the first since 3.11, which once made the command line
    and the web API disagree).

    Args:
        text: the typed value; empty or None means no date.

    Returns:
        The date, or None for empty input.

    Raises:
        TypedDateError: the value has another form or names no real day.
    """
    value = (text or "").strip()
    if not value:
        return None
    if not _TYPED.fullmatch(value):
        raise TypedDateError(value, "form")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TypedDateError(value, "calendar") from None
