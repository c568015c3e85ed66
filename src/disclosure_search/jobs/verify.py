"""``verify``: is every archived page readable, extracted, and every document indexed as it is now?

One table compares the three stores: the catalog (what should be), the WARC files (what was
received) and the search index (what people find). Any difference is a reason to run the
command each row names; the CLI exits non-zero when there is one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings
from disclosure_search.errors import ArchiveError, SearchIndexError
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.index_sync import IndexDiff, compare
from disclosure_search.jobs.ledger import Ledger
from disclosure_search.models import Capture

StepCallback = Callable[[str, str], None]
#: Ids or URLs listed per row at most.
SHOWN = 5


@dataclass(frozen=True)
class Check:
    """One row: what was compared, the counts on each side, the differences found."""

    name: str
    catalog: int | None
    index: int | None
    archive: int | None
    differences: int
    fix: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verification:
    """Every row of the table; ``clean`` when no row has a difference."""

    checks: list[Check] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return all(c.differences == 0 for c in self.checks)


def verify(settings: Settings, on_step: StepCallback | None = None) -> Verification:
    """Compare catalog, WARC files and index; read every capture back from its WARC record."""
    out = Verification()
    with Catalog.open(settings.catalog_path, archive_dir=settings.archive_dir) as catalog:
        out.checks.append(_archive_check(catalog, on_step))
        out.checks.extend(_extraction_checks(catalog))
        out.checks.append(_index_check(settings, catalog))
    return out


def _archive_check(catalog: Catalog, on_step: StepCallback | None) -> Check:
    ids = [row[0] for row in catalog.fetch_all("SELECT id FROM captures ORDER BY id")]
    bad: list[str] = []
    for capture_id in ids:
        capture = catalog.capture(capture_id)
        if capture is None:
            continue
        problem = _read_back(catalog, capture)
        if problem:
            bad.append(f"{capture.url} ({capture.warc_file}@{capture.warc_offset}): {problem}")
        if on_step:
            on_step("verify", capture.url)
    return Check("存档副本能从 WARC 记录读出", len(ids), None, len(ids) - len(bad),
                 len(bad), "从备份恢复 WARC 文件", tuple(bad[:SHOWN]))


def _read_back(catalog: Catalog, capture: Capture) -> str:
    try:
        page = catalog.read_page(capture)
    except (ArchiveError, OSError, ValueError) as exc:
        return f"无法读取：{exc}"
    if page.status and hashlib.sha256(page.body).hexdigest() != capture.sha256:
        return "内容与目录中记录的摘要不符"
    return ""


def _extraction_checks(catalog: Catalog) -> list[Check]:
    ledger = Ledger(catalog)
    pending = [c.url for c in ledger.pending()]
    failed = ledger.failed()
    return [
        Check("已存档但尚未提取的页面", len(pending), None, None, len(pending),
              "运行 disclosure-search crawl（或 reindex）", tuple(pending[:SHOWN])),
        # recorded failures are not differences: they are listed with their reasons
        Check("提取失败的页面（已记录原因）", len(failed), None, None, 0, "",
              tuple(f"{url}: {reason}" for url, reason in failed[:SHOWN])),
    ]


def _index_check(settings: Settings, catalog: Catalog) -> Check:
    count = len(catalog.fingerprints())
    name = "索引中的文件与目录一致"
    try:
        backend = open_backend(settings.index_dir, config=settings.index)
    except SearchIndexError as exc:
        return Check(name, count, None, None, max(count, 1), "运行 disclosure-search reindex",
                     (str(exc),))
    try:
        diff: IndexDiff = compare(catalog, backend, settings.agency_name)
        indexed = len(backend.fingerprints())
    finally:
        backend.close()
    examples = ([f"索引中缺少 {i}" for i in diff.missing[:SHOWN]]
                + [f"索引中已过时 {i}" for i in diff.stale[:SHOWN]]
                + [f"目录中没有 {i}" for i in diff.extra[:SHOWN]])
    total = len(diff.missing) + len(diff.stale) + len(diff.extra)
    return Check(name, count, indexed, None, total,
                 "运行 disclosure-search crawl、serve 或 reindex（都会补齐索引）",
                 tuple(examples[:SHOWN]))
