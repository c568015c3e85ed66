"""Turns models records into the JSON shapes of the HTTP contract and into display values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from flask import url_for

from disclosure_search.models import (
    Attachment,
    Capture,
    Document,
    SearchHit,
    SearchQuery,
    SearchResult,
    Version,
)
from disclosure_search.vocabulary.topics import subject_words

#: Labels of the metadata fields on a document page, in the order a disclosure page shows them.
FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("index_number", "索引号"),
    ("category", "分类"),
    ("category_raw", "原始分类"),
    ("topic", "主题分类"),
    ("subject", "主题词"),
    ("agency", "发布机构"),
    ("issuing_agency", "发文机关"),
    ("doc_number", "文号"),
    ("written_date", "成文日期"),
    ("published_date", "发布日期"),
    ("validity", "有效性"),
    ("source", "来源"),
)


#: Every field a page may name (versions, diffs, change lists), in Chinese.
FIELD_NAMES: dict[str, str] = {
    **dict(FIELD_LABELS), "title": "标题", "body": "正文", "attachments": "附件",
    "doc_number_norm": "文号", "first_seen": "首次抓取", "removed_at": "撤下时间",
}
#: Fields derived from others: a change to them is already shown under the other.
DERIVED_FIELDS = frozenset({"doc_number_norm"})


def field_label(name: str) -> str:
    """A field's Chinese name (the name itself when it has none)."""
    return FIELD_NAMES.get(name, name)


def change_summary_text(summary: str) -> str:
    """A version's stored change note (``title: …; body: 10 → 12 characters; fields: a, b``)
    as a person reads it."""
    if summary == "first seen":
        return "首次抓取"
    parts = []
    for part in summary.split("; "):
        head, _, rest = part.partition(": ")
        if head == "title":
            parts.append("标题有变化")
        elif head == "body":
            parts.append("正文 " + rest.replace(" characters", " 字"))
        elif head == "fields":
            names = [field_label(f) for f in rest.split(", ") if f not in DERIVED_FIELDS]
            parts.append("、".join(dict.fromkeys(names)) + "有变化")
        elif part:
            parts.append(part)
    return "；".join(parts)


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 text for a date or datetime (seconds precision), None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def query_json(query: SearchQuery) -> dict[str, Any]:
    """The query as the API echoes it back, with dates as YYYY-MM-DD."""
    return {
        "q": query.text,
        "in": query.scope,
        "category": query.category,
        "source": query.source,
        "agency": query.agency,
        "from": iso(query.date_from),
        "to": iso(query.date_to),
        "written_from": iso(query.written_from),
        "written_to": iso(query.written_to),
        "validity": query.validity,
        "doc_number": query.doc_number,
        "topic": query.topic,
        "since": iso(query.since),
        "sort": query.sort,
    }


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """One result as in ``/api/search``; ``snippet`` is HTML-safe (escaped, with <mark>)."""
    return {
        "id": hit.id,
        "title": hit.title,
        "url": hit.url,
        "source": hit.source,
        "category": hit.category,
        "doc_number": hit.doc_number,
        "agency": hit.agency,
        "issuing_agency": hit.issuing_agency,
        "published_date": iso(hit.published_date),
        "written_date": iso(hit.written_date),
        "validity": hit.validity,
        "topic": hit.topic,
        "first_seen": iso(hit.first_seen),
        "snippet": hit.snippet,
        "link": url_for("documents.document", doc_id=hit.id, _external=True),
    }


def result_json(result: SearchResult) -> dict[str, Any]:
    """The ``/api/search`` body of the HTTP contract."""
    query = result.query
    return {
        "ok": True,
        "query": query_json(query),
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "pages": page_count(result),
        "took_ms": round(result.took_ms, 2),
        "hits": [hit_json(hit) for hit in result.hits],
        "facets": result.facets,
        "suggestion": result.suggestion,
    }


def page_count(result: SearchResult) -> int:
    """Number of result pages (at least 1)."""
    per_page = max(result.query.per_page, 1)
    return max(1, -(-result.total // per_page))


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    """An attachment with its extracted text."""
    return {
        "url": attachment.url,
        "name": attachment.name,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "text": attachment.text,
        "error": attachment.error,
    }


def capture_json(doc_id: str, number: int, capture: Capture) -> dict[str, Any]:
    """A capture of a document, numbered from 1 (oldest) as in its page's URL."""
    return {
        "number": number,
        "url": capture.url,
        "fetched_at": iso(capture.fetched_at),
        "status": capture.status,
        "content_type": capture.content_type,
        "sha256": capture.sha256,
        "view": url_for("documents.capture", doc_id=doc_id, number=number, _external=True),
        "raw": url_for("documents.capture_raw", doc_id=doc_id, number=number, _external=True),
    }


def version_json(version: Version) -> dict[str, Any]:
    """A version of a document: when it was first seen and what it said."""
    return {
        "number": version.number,
        "seen_at": iso(version.seen_at),
        "title": version.title,
        "body": version.body,
        "metadata": version.metadata,
        "change_summary": version.change_summary,
    }


def document_json(
    doc: Document, captures: Sequence[Capture], versions: Sequence[Version]
) -> dict[str, Any]:
    """``/api/documents/<id>``: every field, the attachments, captures and versions."""
    return {
        "ok": True,
        "id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "category": doc.category,
        "category_raw": doc.category_raw,
        "doc_number": doc.doc_number,
        "doc_number_norm": doc.doc_number_norm,
        "index_number": doc.index_number,
        "agency": doc.agency,
        "issuing_agency": doc.issuing_agency,
        "written_date": iso(doc.written_date),
        "published_date": iso(doc.published_date),
        "validity": doc.validity,
        "topic": doc.topic,
        "subject": doc.subject,
        "subject_words": list(subject_words(doc.subject)),
        "first_seen": iso(doc.first_seen),
        "last_changed": iso(doc.last_changed),
        "removed_at": iso(doc.removed_at),
        "removed": doc.removed_at is not None,
        "body": doc.body,
        "attachments": [attachment_json(a) for a in doc.attachments],
        "captures": [capture_json(doc.id, n, c) for n, c in enumerate(captures, 1)],
        "versions": [version_json(v) for v in versions],
        "link": url_for("documents.document", doc_id=doc.id, _external=True),
    }


def human_size(size: int | None) -> str:
    """A byte count as a person reads it: 532 B, 12.4 KB, 3.1 MB."""
    if size is None:
        return "大小未知"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def local_time(value: datetime | None, tz: Any) -> str:
    """A datetime in the site's time zone as ``YYYY-MM-DD HH:MM``; empty for None."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(tz)
    return value.strftime("%Y-%m-%d %H:%M")
