"""Table 二 of the annual report (政府信息公开工作年度报告), drafted from the archive.

The national format (国办公开办函〔2021〕30号, revising the 2019 one) asks in table 二
"主动公开政府信息情况", under 第二十条第（一）项, for 规章 and 行政规范性文件: 本年制发件数,
本年废止件数 and 现行有效件数. The archive answers them:

- 制发: documents of that kind whose 发布日期 (or first sighting, when undeclared) is in the year;
- 废止: documents whose 有效性 turned 失效/废止 during the year, or that were removed from the
  site during the year;
- 现行有效: documents issued by 31 December, still online then, and not 失效/废止 in the
  last version seen by then.

A 规章 is recognised by its 文号 (…令第 N 号) or a published category naming 规章; a
行政规范性文件 by the category 规范性文件. The other rows of table 二 (行政许可, 行政处罚,
行政强制, 行政事业性收费) are decisions and money the archive cannot see: they stay blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Literal, Protocol

from disclosure_search.models import Document, Version
from disclosure_search.reports.annual import item_date

Kind = Literal["regulation", "normative"]
Column = Literal["issued", "repealed", "in_force"]
KIND_LABELS: dict[Kind, str] = {"regulation": "规章", "normative": "行政规范性文件"}
COLUMN_LABELS: dict[Column, str] = {"issued": "本年制发件数", "repealed": "本年废止件数",
                                    "in_force": "现行有效件数"}
#: The rows of table 二 the archive cannot answer: (article, item, what is counted).
BLANK_ROWS: tuple[tuple[str, str, str], ...] = (
    ("第二十条第（五）项", "行政许可", "本年处理决定数量"),
    ("第二十条第（六）项", "行政处罚", "本年处理决定数量"),
    ("第二十条第（六）项", "行政强制", "本年处理决定数量"),
    ("第二十条第（八）项", "行政事业性收费", "本年收费金额（单位：万元）"),
)
NOT_IN_FORCE = ("失效", "废止", "已废止", "已失效", "宣布失效")
_REGULATION_NUMBER = re.compile(r"令\s*(?:〔\d{4}〕)?\s*第?\s*[0-9０-９]+\s*号")


class HistorySource(Protocol):
    """What the table needs from the archive (``archive.catalog.Catalog``)."""

    def iter_documents(self, source: str | None = None,
                       include_removed: bool = True) -> Iterable[Document]: ...

    def versions(self, doc_id: str) -> list[Version]: ...


@dataclass(frozen=True)
class DisclosureTable:
    """Table 二's first part for one year: per kind and column, the documents counted."""

    year: int
    evidence: dict[Kind, dict[Column, list[Document]]] = field(default_factory=dict)

    def count(self, kind: Kind, column: Column) -> int:
        """The figure for one cell."""
        return len(self.evidence[kind][column])

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(信息内容, 制发, 废止, 现行有效) for 规章 and 行政规范性文件."""
        return [(KIND_LABELS[k], self.count(k, "issued"), self.count(k, "repealed"),
                 self.count(k, "in_force")) for k in KIND_LABELS]


def document_kind(doc: Document) -> Kind | None:
    """规章, 行政规范性文件, or None for everything else."""
    if "规章" in doc.category_raw or _REGULATION_NUMBER.search(doc.doc_number):
        return "regulation"
    if doc.category == "规范性文件":
        return "normative"
    return None


def disclosure_table(catalog: HistorySource, year: int, source: str | None = None,
                     tz: tzinfo | None = None) -> DisclosureTable:
    """Draft table 二 (规章, 行政规范性文件) for ``year`` from what the archive saw."""
    zone = tz or UTC
    start = datetime.combine(date(year, 1, 1), time(), zone)
    end = datetime.combine(date(year + 1, 1, 1), time(), zone)
    table = DisclosureTable(year, {k: {"issued": [], "repealed": [], "in_force": []}
                                   for k in KIND_LABELS})
    for doc in catalog.iter_documents(source=source, include_removed=True):
        kind = document_kind(doc)
        if kind is None:
            continue
        issued_on = item_date(doc, zone)
        if issued_on is None or issued_on.year > year:
            continue
        cells = table.evidence[kind]
        if issued_on.year == year:
            cells["issued"].append(doc)
        history = catalog.versions(doc.id)
        if _repealed_between(doc, history, start, end):
            cells["repealed"].append(doc)
        if _in_force_at(doc, history, end):
            cells["in_force"].append(doc)
    for cells in table.evidence.values():
        for docs in cells.values():
            docs.sort(key=lambda d: (d.published_date or date.min, d.title))
    return table


def _not_in_force(validity: str) -> bool:
    return any(word in validity for word in NOT_IN_FORCE)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _repealed_between(doc: Document, history: list[Version], start: datetime,
                      end: datetime) -> bool:
    if doc.removed_at is not None and start <= _aware(doc.removed_at) < end:
        return True
    previous = ""
    for version in sorted(history, key=lambda v: v.number):
        validity = version.metadata.get("validity", "")
        when = _aware(version.seen_at)
        if start <= when < end and _not_in_force(validity) and not _not_in_force(previous):
            return True
        previous = validity
    return False


def _in_force_at(doc: Document, history: list[Version], end: datetime) -> bool:
    if doc.removed_at is not None and _aware(doc.removed_at) < end:
        return False
    seen = [v for v in sorted(history, key=lambda v: v.number) if _aware(v.seen_at) < end]
    validity = seen[-1].metadata.get("validity", "") if seen else (
        history[0].metadata.get("validity", doc.validity) if history else doc.validity)
    return not _not_in_force(validity)
