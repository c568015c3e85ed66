"""Crawl health: every run's duration and counts per source, and warnings staff should act on."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from disclosure_search.models import CrawlRun, Document
from disclosure_search.reports.reasons import reason_text

#: The counters shown first, in this order; any others the crawler reports follow.
COUNTER_ORDER: tuple[str, ...] = (
    "fetched", "unchanged", "new", "changed", "removed", "failed", "skipped_robots", "bytes")
QUIET_DAYS = 14
#: A source is "normally active" when its declared dates over the last year predict at least
#: this many items in a quiet window of QUIET_DAYS.
EXPECTED_MIN = 2.0
FAILURE_FLOOR = 5
FAILURE_FACTOR = 3.0
MISSING_SHARE = 0.5
MISSING_MIN_ITEMS = 5


class HealthSource(Protocol):
    """What crawl health needs from the archive (``archive.catalog.Catalog``)."""

    def runs(self, limit: int = 50) -> list[CrawlRun]: ...

    def iter_documents(self, source: str | None = None,
                       include_removed: bool = True) -> Iterable[Document]: ...


@dataclass(frozen=True)
class RunHealth:
    """One run as the health page shows it."""

    run: CrawlRun
    duration_s: float | None
    per_source: dict[str, dict[str, int]]
    totals: dict[str, int]
    failure_reasons: dict[str, int]


@dataclass(frozen=True)
class HealthWarning:
    """Something that needs a person: ``kind`` is quiet / failures / extraction; ``message``
    says what about ``source`` (the page puts the source's name before it)."""

    kind: str
    source: str
    message: str


@dataclass(frozen=True)
class HealthReport:
    """Recent runs, newest first, and the warnings drawn from them and the documents."""

    runs: tuple[RunHealth, ...]
    warnings: tuple[HealthWarning, ...]


def crawl_health(catalog: HealthSource, now: datetime, *, limit: int = 30,
                 quiet_days: int = QUIET_DAYS) -> HealthReport:
    """Summarise the last ``limit`` runs and warn about quiet sources, failures, extraction.

    Args:
        catalog: the archive catalog.
        now: the current time (aware; naive is read as UTC).
        limit: how many recent runs to show.
        quiet_days: N in "a normally active source has had nothing new for N days".
    """
    runs = sorted(catalog.runs(limit), key=lambda r: _utc(r.started_at), reverse=True)
    documents = list(catalog.iter_documents(include_removed=True))
    return assess(runs, documents, now, quiet_days=quiet_days)


def assess(runs: Sequence[CrawlRun], documents: Sequence[Document], now: datetime, *,
           quiet_days: int = QUIET_DAYS) -> HealthReport:
    """Same as :func:`crawl_health` on runs (newest first) and documents already loaded."""
    warnings = [*_quiet_sources(documents, _utc(now), quiet_days), *_failure_jumps(runs)]
    if runs:
        warnings.extend(_extraction_gaps(documents, _utc(runs[0].started_at)))
    return HealthReport(tuple(run_health(r) for r in runs), tuple(warnings))


def run_health(run: CrawlRun) -> RunHealth:
    """Return one run's duration, ordered counters per source, totals and failure reasons."""
    totals: Counter[str] = Counter()
    per_source: dict[str, dict[str, int]] = {}
    for source, counters in sorted(run.counts.items()):
        per_source[source] = _ordered(counters)
        totals.update(counters)
    reasons = Counter(_reason_kind(reason) for _, reason in run.failures)
    return RunHealth(run, run.duration_s, per_source, _ordered(dict(totals)),
                     dict(reasons.most_common()))


def _ordered(counters: dict[str, int]) -> dict[str, int]:
    known = {k: counters.get(k, 0) for k in COUNTER_ORDER}
    return {**known, **{k: v for k, v in sorted(counters.items()) if k not in known}}


def _reason_kind(reason: str) -> str:
    """Group failures by the start of the reason, in Chinese ("HTTP 404（页面不存在）", ...)."""
    return re.split(r"：|: ", reason_text(reason), maxsplit=1)[0].strip()[:60] or "原因不明"


def _quiet_sources(documents: Sequence[Document], now: datetime,
                   quiet_days: int) -> list[HealthWarning]:
    last_seen: dict[str, datetime] = {}
    declared_last_year: Counter[str] = Counter()
    year_ago = (now - timedelta(days=365)).date()
    for doc in documents:
        if doc.first_seen:
            seen = _utc(doc.first_seen)
            last_seen[doc.source] = max(seen, last_seen.get(doc.source, seen))
        if doc.published_date and year_ago <= doc.published_date <= now.date():
            declared_last_year[doc.source] += 1
    out: list[HealthWarning] = []
    for source, latest in sorted(last_seen.items()):
        idle = (now - latest).days
        expected = declared_last_year[source] / 365 * quiet_days
        if idle >= quiet_days and expected >= EXPECTED_MIN:
            out.append(HealthWarning("quiet", source, (
                f"已 {idle} 天没有新文件，按过去一年的发布量每 {quiet_days} 天"
                f"约有 {expected:.0f} 份：请检查网站栏目是否改版或抓取是否受阻")))
    return out


def _failures(run: CrawlRun) -> dict[str, int]:
    return {s: int(c.get("failed", 0)) for s, c in run.counts.items()}


def _failure_jumps(runs: Sequence[CrawlRun]) -> list[HealthWarning]:
    if len(runs) < 2:
        return []
    latest, previous = _failures(runs[0]), [_failures(r) for r in runs[1:6]]
    out: list[HealthWarning] = []
    for source, failed in sorted(latest.items()):
        usual = statistics.median(p.get(source, 0) for p in previous)
        if failed >= max(FAILURE_FLOOR, FAILURE_FACTOR * usual):
            out.append(HealthWarning("failures", source, (
                f"最近一次抓取失败 {failed} 次，此前通常约 {usual:g} 次")))
    return out


def _lacks_metadata(doc: Document) -> bool:
    return not (doc.published_date or doc.doc_number or doc.index_number or doc.agency)


def _extraction_gaps(documents: Sequence[Document], since: datetime) -> list[HealthWarning]:
    recent: dict[str, list[bool]] = defaultdict(list)
    older: dict[str, list[bool]] = defaultdict(list)
    for doc in documents:
        if doc.first_seen is None:
            continue
        bucket = recent if _utc(doc.first_seen) >= since else older
        bucket[doc.source].append(_lacks_metadata(doc))
    out: list[HealthWarning] = []
    for source, flags in sorted(recent.items()):
        share = sum(flags) / len(flags)
        before = older.get(source, [])
        usual = sum(before) / len(before) if before else 0.0
        if len(flags) >= MISSING_MIN_ITEMS and share >= MISSING_SHARE and usual < MISSING_SHARE:
            message = (f"最近新增的 {len(flags)} 份文件中 {share:.0%} 缺少发布日期、"
                       f"文号等元数据（以前为 {usual:.0%}）：网站可能已改版，请检查抽取规则")
            out.append(HealthWarning("extraction", source, message))
    return out


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
