"""Shared vocabulary: the frozen records that the pipeline stages pass to each other."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

#: Categories of the annual disclosure report (年度报告), in the report's order.
CATEGORIES: tuple[str, ...] = (
    "规范性文件",
    "其他文件",
    "政策解读",
    "规划计划",
    "政务信息",
    "公告公示",
    "统计数据",
    "人事信息",
    "部门预决算",
    "建议提案办理",
    "其他",
)

PageKind = Literal["list", "detail", "attachment", "robots", "other"]
SortOrder = Literal["relevance", "newest", "oldest"]
#: Where the words must be: ``all`` (title, body, attachments, agency) or ``title`` only.
SearchScope = Literal["all", "title"]


def document_id(canonical_url: str) -> str:
    """Return the stable document id for a canonical detail-page URL.

    Args:
        canonical_url: the URL after canonicalisation (no fragment, normalised host).

    Returns:
        16 hex characters of the URL's SHA-256: short enough for links, stable forever.
    """
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class FetchedPage:
    """One HTTP exchange as the crawler saw it, bytes exactly as received.

    ``status`` is 0 when no response arrived; ``error`` then says why.
    """

    url: str
    final_url: str
    status: int
    request_headers: tuple[tuple[str, str], ...]
    response_headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: datetime
    http_version: str = "HTTP/1.1"
    method: str = "GET"
    error: str | None = None
    truncated: bool = False

    def header(self, name: str) -> str | None:
        """Return the first response header called ``name`` (case-insensitive)."""
        lname = name.lower()
        for key, value in self.response_headers:
            if key.lower() == lname:
                return value
        return None


@dataclass(frozen=True)
class Capture:
    """A catalog row pointing at a request/response pair already flushed to a WARC file."""

    id: int
    source: str
    url: str
    fetched_at: datetime
    status: int
    sha256: str
    warc_file: str
    warc_offset: int
    warc_length: int
    content_type: str | None = None
    charset: str | None = None
    kind: PageKind = "other"


@dataclass(frozen=True)
class Attachment:
    """A file linked from a document (附件): its link, and its text where it could be read."""

    url: str
    name: str
    media_type: str = ""
    size: int | None = None
    text: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Document:
    """A disclosure item as extracted from its detail page, plus what the archive observed.

    ``category`` is one of :data:`CATEGORIES`; ``category_raw`` is the label as published.
    ``doc_number`` (文号) is kept as published; ``doc_number_norm`` compares equal across
    bracket and digit-width variants. ``written_date`` is 成文日期/生成日期,
    ``published_date`` the 发布日期 the page declares. ``agency`` is who published it (发布机构,
    or the issuer when the page names only that); ``issuing_agency`` is the issuing authority
    (发文机关) where the page names one, which can differ (省政府办公厅 publishes what
    浙江省人民政府 issued). ``validity`` (有效性), ``topic`` (主题分类, a path such as
    ``综合政务\\其他``) and ``subject`` (主题词, e.g. ``科技 计划 通知``; see
    ``vocabulary.topics.subject_words``) are kept as published. ``fingerprint`` is the
    catalog's digest of the content the search index holds for it (the index stores it too,
    so the two can be compared after any crash).
    """

    id: str
    source: str
    url: str
    title: str
    body: str = ""
    category: str = "其他"
    category_raw: str = ""
    doc_number: str = ""
    doc_number_norm: str = ""
    index_number: str = ""
    agency: str = ""
    issuing_agency: str = ""
    written_date: date | None = None
    published_date: date | None = None
    validity: str = ""
    topic: str = ""
    subject: str = ""
    attachments: tuple[Attachment, ...] = ()
    first_seen: datetime | None = None
    last_changed: datetime | None = None
    removed_at: datetime | None = None
    capture_id: int | None = None
    language_hint: str = ""
    fingerprint: str = ""


@dataclass(frozen=True)
class SearchQuery:
    """What a person asked for: words plus filters, sort and page.

    Every filter is backend-neutral: ``agency`` keeps documents whose (normalised) 发布机构
    contains the text; ``date_from``/``date_to`` bound the 发布日期, ``written_from``/
    ``written_to`` the 成文日期 (inclusive); ``validity`` is 有效, 失效 or 废止;
    ``doc_number`` matches the 文号 in any bracket or digit-width spelling; ``topic`` is a
    主题分类 path prefix (``综合政务`` or ``综合政务\\其他``); ``since`` keeps documents the
    archive first saw on or after that day; ``scope`` limits the words to the title.
    """

    text: str = ""
    category: str | None = None
    source: str | None = None
    agency: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    written_from: date | None = None
    written_to: date | None = None
    validity: str | None = None
    scope: SearchScope = "all"
    doc_number: str | None = None
    topic: str | None = None
    since: date | None = None
    sort: SortOrder = "relevance"
    page: int = 1
    per_page: int = 10
    facets: bool = True
    snippets: bool = True


@dataclass(frozen=True)
class SearchHit:
    """One result: the stored fields a result list shows, and a highlighted snippet (HTML-safe)."""

    id: str
    title: str
    url: str
    source: str
    category: str
    doc_number: str
    agency: str
    published_date: date | None
    first_seen: datetime | None
    snippet: str
    score: float = 0.0
    title_html: str = ""
    written_date: date | None = None
    validity: str = ""
    topic: str = ""
    issuing_agency: str = ""


@dataclass(frozen=True)
class SearchResult:
    """A page of hits with the total, facet counts and time taken."""

    query: SearchQuery
    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    took_ms: float = 0.0
    suggestion: str | None = None


@dataclass(frozen=True)
class IndexStats:
    """What the index holds: document counts overall and per category, source and year."""

    doc_count: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    by_year: dict[str, int] = field(default_factory=dict)
    generation: int = -1
    last_modified: datetime | None = None


@dataclass(frozen=True)
class Version:
    """One distinct state of a document: the capture that first showed it, and its content."""

    document_id: str
    number: int
    capture_id: int
    seen_at: datetime
    title: str
    body: str
    metadata: dict[str, str] = field(default_factory=dict)
    change_summary: str = ""


@dataclass(frozen=True)
class CrawlRun:
    """One crawl pass over one or more sources, with what it counted."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str  # running | finished | interrupted | failed
    full: bool
    sources: tuple[str, ...]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # source -> counter -> n
    failures: tuple[tuple[str, str], ...] = ()  # (url, reason)
    #: It walked every list page of every source it covered: a full sweep in what it saw,
    #: whether asked for (``full``) or not (a first pass, or one no list was cut short in).
    swept: bool = False

    @property
    def duration_s(self) -> float | None:
        """Seconds from the start to the end of the whole pass (crawl, extraction, indexing)."""
        if self.finished_at is None:
            return None
        return (_as_utc(self.finished_at) - _as_utc(self.started_at)).total_seconds()


def _as_utc(moment: datetime) -> datetime:
    """Naive times are UTC, which is how the catalog stores them."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
