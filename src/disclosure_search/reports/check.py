"""The publication check: for each checklist row, is it online, since when, and was it on time."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

from disclosure_search.models import Document
from disclosure_search.reports.checklist import ChecklistRow
from disclosure_search.reports.matching import DocumentMatcher

Status = Literal["published", "late", "missing", "ambiguous"]
STATUSES: tuple[Status, ...] = ("published", "late", "missing", "ambiguous")
STATUS_LABELS: dict[str, str] = {
    "published": "已按时公开", "late": "逾期公开", "missing": "未找到", "ambiguous": "无法确定"}

CSV_COLUMNS: tuple[str, ...] = (
    "line", "title", "doc_number", "category", "due_date", "source", "status", "reason",
    "document_id", "document_url", "document_title", "published_date", "first_seen",
    "days_late", "observed_days_late", "removed_at", "candidates",
)


class DocumentSource(Protocol):
    """What the check needs from the archive (``archive.catalog.Catalog`` provides it)."""

    def iter_documents(self, source: str | None = None,
                       include_removed: bool = True) -> Iterable[Document]: ...


@dataclass(frozen=True)
class CheckResult:
    """The answer for one checklist row.

    ``days_late`` compares the declared 发布日期 with ``due_date`` (the observed first_seen
    when the page declares no date); ``observed_days_late`` always uses first_seen, which
    shows items dated on time but put online later.
    """

    row: ChecklistRow
    status: Status
    reason: str
    document_id: str = ""
    document_url: str = ""
    document_title: str = ""
    published_date: date | None = None
    first_seen: datetime | None = None
    days_late: int | None = None
    observed_days_late: int | None = None
    removed_at: datetime | None = None
    candidates: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready fields, dates as ISO strings."""
        out: dict[str, Any] = {"line": self.row.line, "title": self.row.title,
                               "doc_number": self.row.doc_number,
                               "category": self.row.category,
                               "due_date": _iso(self.row.due_date), "source": self.row.source}
        for key, value in asdict(self).items():
            if key != "row":
                out[key] = _iso(value) if isinstance(value, (date, datetime)) else value
        out["candidates"] = list(self.candidates)
        return out


@dataclass(frozen=True)
class CheckReport:
    """Every row's result plus counts per status, in checklist order."""

    results: tuple[CheckResult, ...]
    today: date
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as the JSON of ``POST /api/check`` and ``check --json``."""
        return {"ok": True, "checked_on": self.today.isoformat(), "total": len(self.results),
                "counts": self.counts, "rows": [r.as_dict() for r in self.results]}


def run_check(catalog: DocumentSource, rows: Sequence[ChecklistRow], today: date) -> CheckReport:
    """Check every row against the archive's documents (removed ones included).

    Rules: a row whose match is found and online is ``published``, or ``late`` when its
    effective date (declared 发布日期, else first seen) is after ``due_date``; no match, or a
    match that has been removed from the site, is ``missing`` (the reason says which);
    several equally good matches are ``ambiguous`` with their ids listed.

    Args:
        catalog: anything with ``iter_documents`` (the archive catalog).
        rows: parsed checklist rows (:func:`reports.checklist.parse_checklist`).
        today: the date the report is made (recorded in it).
    """
    return check_documents(catalog.iter_documents(include_removed=True), rows, today)


def check_documents(documents: Iterable[Document], rows: Sequence[ChecklistRow],
                    today: date) -> CheckReport:
    """Same as :func:`run_check` on a plain list of documents."""
    matcher = DocumentMatcher(documents)
    results = tuple(_result(row, matcher) for row in rows)
    counts = Counter(r.status for r in results)
    return CheckReport(results, today, {s: counts.get(s, 0) for s in STATUSES})


def _result(row: ChecklistRow, matcher: DocumentMatcher) -> CheckResult:
    match = matcher.match(row)
    if match.outcome == "none":
        return CheckResult(row, "missing", match.reason)
    if match.outcome == "ambiguous":
        return CheckResult(row, "ambiguous", match.reason,
                           candidates=tuple(d.id for d in match.documents))
    doc = match.documents[0]
    first_seen_day = doc.first_seen.date() if doc.first_seen else None
    effective = doc.published_date or first_seen_day
    days_late = _lateness(effective, row.due_date)
    status: Status = "late" if days_late and days_late > 0 else "published"
    reason = match.reason
    if doc.removed_at is not None:
        status = "missing"
        reason = f"{reason}；已于 {doc.removed_at.date().isoformat()} 从网站撤下"
    return CheckResult(
        row, status, reason, document_id=doc.id, document_url=doc.url,
        document_title=doc.title, published_date=doc.published_date,
        first_seen=doc.first_seen, days_late=days_late,
        observed_days_late=_lateness(first_seen_day, row.due_date),
        removed_at=doc.removed_at)


def _lateness(when: date | None, due: date | None) -> int | None:
    if when is None or due is None:
        return None
    return max(0, (when - due).days)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def report_json(report: CheckReport) -> str:
    """Return the report as UTF-8 JSON text (Chinese kept readable)."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def report_csv(report: CheckReport) -> str:
    """Return the report as CSV text with a BOM, so spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for result in report.results:
        data = result.as_dict()
        data["candidates"] = " ".join(result.candidates)
        writer.writerow(["" if data[c] is None else _safe_cell(data[c]) for c in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()


def _safe_cell(value: object) -> object:
    """Defuse spreadsheet formulas: a cell starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value
