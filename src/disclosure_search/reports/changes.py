"""Documents new, changed or removed in a period, with what changed between versions."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from disclosure_search.models import Document, Version

ChangeKind = Literal["new", "changed", "removed"]
#: Body diffs longer than this many lines are cut (the document page has the full diff).
MAX_DIFF_LINES = 200


class HistorySource(Protocol):
    """What the change list needs from the archive (``archive.catalog.Catalog``)."""

    def iter_documents(self, source: str | None = None,
                       include_removed: bool = True) -> Iterable[Document]: ...

    def versions(self, doc_id: str) -> list[Version]: ...


@dataclass(frozen=True)
class VersionDiff:
    """What changed from one version to the next: title, metadata fields, body lines."""

    old: int
    new: int
    title: tuple[str, str] | None
    metadata: tuple[tuple[str, str, str], ...]  # (field, old, new)
    body: tuple[tuple[str, str], ...]  # ("-" | "+" | "@", line)
    truncated: bool = False


@dataclass(frozen=True)
class Change:
    """One event in the period: a document appeared, changed (with its diff) or was removed."""

    kind: ChangeKind
    document: Document
    when: datetime
    version: int | None = None
    summary: str = ""
    diff: VersionDiff | None = None


def version_diff(old: Version, new: Version) -> VersionDiff:
    """Return what changed between two versions of a document (plain text, not escaped)."""
    title = (old.title, new.title) if old.title != new.title else None
    keys = sorted(set(old.metadata) | set(new.metadata))
    metadata = tuple((k, old.metadata.get(k, ""), new.metadata.get(k, "")) for k in keys
                     if old.metadata.get(k, "") != new.metadata.get(k, ""))
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(old.body.splitlines(), new.body.splitlines(),
                                     lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        lines.append(("@", line) if line.startswith("@@") else (line[:1], line[1:]))
    shown = [pair for pair in lines if pair[0] in {"-", "+", "@"}]
    return VersionDiff(old.number, new.number, title, metadata,
                       tuple(shown[:MAX_DIFF_LINES]), len(shown) > MAX_DIFF_LINES)


def list_changes(catalog: HistorySource, start: datetime, end: datetime,
                 source: str | None = None, kinds: Sequence[ChangeKind] = ("new", "changed",
                                                                          "removed"),
                 ) -> list[Change]:
    """Return the changes with ``start <= when < end``, newest first.

    "new" is a document first seen in the period; "changed" a version after the first one
    seen in the period (its diff against the version before); "removed" a document marked
    removed in the period. Naive times are read as UTC, as the catalog stores them.
    """
    start, end = _utc(start), _utc(end)
    found: list[Change] = []
    for doc in catalog.iter_documents(source=source, include_removed=True):
        if "new" in kinds and doc.first_seen and start <= _utc(doc.first_seen) < end:
            found.append(Change("new", doc, _utc(doc.first_seen), 1, "新发现"))
        if "removed" in kinds and doc.removed_at and start <= _utc(doc.removed_at) < end:
            found.append(Change("removed", doc, _utc(doc.removed_at), None, "已从网站撤下"))
        if "changed" in kinds and doc.last_changed and _utc(doc.last_changed) >= start:
            found.extend(_changed(doc, catalog.versions(doc.id), start, end))
    return sorted(found, key=lambda c: c.when, reverse=True)


def _changed(doc: Document, versions: list[Version], start: datetime,
             end: datetime) -> list[Change]:
    ordered = sorted(versions, key=lambda v: v.number)
    out: list[Change] = []
    for before, after in itertools.pairwise(ordered):
        when = _utc(after.seen_at)
        if start <= when < end:
            out.append(Change("changed", doc, when, after.number,
                              after.change_summary or "内容有变化", version_diff(before, after)))
    return out


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
