"""Counts for the annual disclosure report (年度报告): per year, category, source and month."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any, Protocol

from disclosure_search.models import CATEGORIES, Document


class DocumentSource(Protocol):
    """What the counts need from the archive (``archive.catalog.Catalog`` provides it)."""

    def iter_documents(self, source: str | None = None,
                       include_removed: bool = True) -> Iterable[Document]: ...


@dataclass(frozen=True)
class YearCounts:
    """Items made public in one year (or all years), as the annual report's table.

    ``by_category`` lists every category of :data:`models.CATEGORIES` in the report's
    order, zeros included; ``by_source`` maps source -> category -> count; ``by_month`` is
    keyed ``YYYY-MM`` (the year's twelve months when a year is given, else every month seen).
    """

    year: int | None
    source: str | None
    total: int
    by_category: dict[str, int]
    by_source: dict[str, dict[str, int]]
    by_month: dict[str, int]
    removed: int = 0
    undated: int = 0
    years: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON of ``stats --json`` and ``/api/stats`` (a superset of the contract)."""
        return {"year": self.year, "source": self.source, "total": self.total,
                "by_category": self.by_category, "by_source": self.by_source,
                "by_month": self.by_month, "removed": self.removed, "undated": self.undated,
                "years": list(self.years)}


def item_date(doc: Document, tz: tzinfo | None = None) -> date | None:
    """The date an item counts under: its declared 发布日期, else the day it was first seen."""
    if doc.published_date is not None:
        return doc.published_date
    if doc.first_seen is not None:
        seen = doc.first_seen.astimezone(tz) if tz and doc.first_seen.tzinfo else doc.first_seen
        return seen.date()
    return None


def year_counts(catalog: DocumentSource, year: int | None = None, source: str | None = None,
                tz: tzinfo | None = None) -> YearCounts:
    """Count the archive's documents for ``year`` (all years when None), optionally one source.

    Removed items are counted (they were public during the year; the report's 主动公开 counts
    what was published) and also reported separately in ``removed``.

    Args:
        catalog: anything with ``iter_documents`` (the archive catalog).
        year: the report's year, e.g. 2018.
        source: a source id, or None for every source.
        tz: the configured time zone, for items dated by first_seen.
    """
    return count_documents(catalog.iter_documents(source=source, include_removed=True),
                           year, source, tz)


def count_documents(documents: Iterable[Document], year: int | None = None,
                    source: str | None = None, tz: tzinfo | None = None) -> YearCounts:
    """Same as :func:`year_counts` on a plain iterable of documents."""
    by_category: Counter[str] = Counter()
    by_source: dict[str, Counter[str]] = {}
    by_month: Counter[str] = Counter()
    years: set[int] = set()
    removed = undated = 0
    for doc in documents:
        if source is not None and doc.source != source:
            continue
        when = item_date(doc, tz)
        if when is None:
            undated += 1
            continue
        years.add(when.year)
        if year is not None and when.year != year:
            continue
        category = doc.category if doc.category in CATEGORIES else "其他"
        by_category[category] += 1
        by_source.setdefault(doc.source, Counter())[category] += 1
        by_month[f"{when.year:04d}-{when.month:02d}"] += 1
        removed += doc.removed_at is not None
    months = ([f"{year:04d}-{m:02d}" for m in range(1, 13)] if year is not None
              else sorted(by_month))
    return YearCounts(
        year=year, source=source, total=sum(by_category.values()),
        by_category={c: by_category.get(c, 0) for c in CATEGORIES},
        by_source={s: {**{c: n.get(c, 0) for c in CATEGORIES}, "total": sum(n.values())}
                   for s, n in sorted(by_source.items())},
        by_month={m: by_month.get(m, 0) for m in months},
        removed=removed, undated=undated, years=tuple(sorted(years)))


def counts_csv(counts: YearCounts) -> str:
    """Return the report table as CSV (with a BOM): one row per category, a column per source."""
    sources = list(counts.by_source)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["category", *sources, "total"])
    for category in CATEGORIES:
        writer.writerow([category, *(counts.by_source[s][category] for s in sources),
                         counts.by_category[category]])
    writer.writerow(["合计", *(counts.by_source[s]["total"] for s in sources), counts.total])
    return "\ufeff" + out.getvalue()
