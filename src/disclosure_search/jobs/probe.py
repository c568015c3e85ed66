"""Explore a site from one URL, politely and within a page budget (``sources probe``).

The probe runs the crawler itself, with the default scope a config with only this start URL
would get, robots.txt and the configured rate, but in memory (nothing is archived) and taking
lists, files and detail pages in turn until its budget is spent. What it met is then told:
which pages are lists and how they page, what their columns are called, which charsets the
pages use, and what the first documents extract to; all of it noted from each page's tree as
the crawler parsed it (extraction included), so no page is parsed twice.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import lxml.html

from disclosure_search.config import Settings, SourceSettings
from disclosure_search.crawl.contracts import (
    CrawlEvent,
    CrawlStats,
    PageReader,
    PageReading,
    RecordResult,
)
from disclosure_search.crawl.crawler import Crawler, column_key
from disclosure_search.crawl.datalists import PAGE_PARAMS
from disclosure_search.crawl.fetch import REDIRECT_STATUSES
from disclosure_search.crawl.links import PageLinks, discover, trs_pages
from disclosure_search.crawl.scope import folder_of
from disclosure_search.encoding import header_charset, meta_charset
from disclosure_search.errors import DisclosureSearchError, ExtractError, UsageError
from disclosure_search.extract.calls import archived_page, attachment_text
from disclosure_search.extract.categories import OTHER, normalize_category
from disclosure_search.extract.worker import ExtractWorker
from disclosure_search.htmltree import read_page
from disclosure_search.jobs.page_reader import PageExtractor
from disclosure_search.models import Document, FetchedPage, PageKind
from disclosure_search.reports.reasons import reason_text
from disclosure_search.vocabulary.urls import canonicalize

MIN_PAGES, MAX_PAGES, DEFAULT_PAGES = 1, 1000, 60
PREVIEW = 5
_SITE_SPLIT = re.compile(r"\s*[-_|｜—–]+\s*")


@dataclass(frozen=True)
class ListPage:
    """A list the probe met: its URL, column name, how it pages, and the category it implies.

    ``prefix`` is set when the list's documents lie in the list's own folder, so that a
    ``[sources.categories]`` entry on that folder names their category.
    """

    url: str
    name: str
    paging: str
    category: str
    prefix: str | None


@dataclass
class ProbeResult:
    """What the probe found, ready to be written as a ``[[sources]]`` section."""

    start_url: str
    source_id: str
    name: str
    stats: CrawlStats
    #: One per column (its first page the probe met).
    lists: list[ListPage] = field(default_factory=list)
    details: int = 0
    files: int = 0
    charsets: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


@dataclass(frozen=True)
class _Seen:
    """What the report takes from a page's tree, noted while the crawler had it parsed."""

    site: str  # <meta name="SiteName">
    column: str  # <meta name="ColumnName">
    title: str
    links: PageLinks
    trs: tuple[str, ...]  # the pages of a createPageHTML call


def _seen(tree: lxml.html.HtmlElement, url: str) -> _Seen:
    return _Seen(_meta(tree, "sitename"), _meta(tree, "columnname"),
                 " ".join((tree.findtext(".//title") or "").split()), discover(tree, url),
                 trs_pages(tree, url))


class _Reader:
    """The probe's PageReader: extraction's reading, and what the report needs from each
    page, so that no page is parsed twice."""

    def __init__(self, extraction: PageReader) -> None:
        self.extraction = extraction
        self.seen: dict[str, _Seen] = {}

    def read(self, page: FetchedPage, tree: lxml.html.HtmlElement, listed: bool) -> bool:
        self.seen[page.url] = _seen(tree, page.url)
        return self.extraction.read(page, tree, listed)

    def page(self, page: FetchedPage) -> _Seen:
        """What was seen in ``page`` (parsed here if the crawler did not read it)."""
        if page.url not in self.seen:
            tree, _ = read_page(page.body, page.header("Content-Type"), base_url=page.url)
            self.seen[page.url] = _seen(tree, page.url)
        return self.seen[page.url]


class _Memory:
    """The probe's CaptureSink and CrawlState: keeps what it fetched, knows nothing before."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[FetchedPage, PageKind, PageReading | None]] = {}
        self.order: list[str] = []

    def record(self, page: FetchedPage, kind: PageKind, source: str,
               reading: PageReading | None = None) -> RecordResult:
        if page.url not in self.pages:
            self.order.append(page.url)
        self.pages[page.url] = (page, kind, reading)
        return RecordResult(len(self.order), "new")

    def record_failure(self, url: str, reason: str, source: str) -> None:
        """Failures are in the crawl's stats already."""

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        return None

    def is_known(self, url: str) -> bool:
        return False


def check_budget(max_pages: int) -> None:
    """Refuse a page budget outside ``MIN_PAGES..MAX_PAGES`` (UsageError)."""
    if not MIN_PAGES <= max_pages <= MAX_PAGES:
        raise UsageError(f"--max-pages 须在 {MIN_PAGES} 到 {MAX_PAGES} 之间，不能是 {max_pages}")


def probe_site(settings: Settings, url: str, max_pages: int = DEFAULT_PAGES) -> ProbeResult:
    """Explore from ``url`` and describe the site.

    Raises:
        UsageError: the URL is not http(s), cannot be reached, or is not an HTML page; the
            budget is out of range.
        DisclosureSearchError: robots.txt forbids the URL.
    """
    check_budget(max_pages)
    start = canonicalize(url)
    if start is None or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        raise UsageError(f"{url!r} 不是 http(s) 网址")
    source = SourceSettings(id=source_id_for(start), name="", start_urls=(start,))
    memory = _Memory()
    events: dict[str, CrawlEvent] = {}

    def progress(event: CrawlEvent) -> None:
        events.setdefault(event.url, event)

    pages = PageExtractor()
    reader = _Reader(pages.for_source(source))
    crawler = Crawler(settings.crawl, source, memory, memory, full=True,
                      max_fetches=max_pages, interleave=True, on_progress=progress,
                      reader=reader)
    stats = crawler.run()
    first = _start_page(memory, events.get(start), start)
    result = ProbeResult(start, source.id, _site_name(reader.page(first)), stats)
    link_texts = {u: t for _, _, r in memory.pages.values() if r for u, t in r.links}
    columns: set[str] = set()
    for page_url in memory.order:
        page, kind, _reading = memory.pages[page_url]
        result.details += kind == "detail"
        result.files += kind == "attachment"
        html = "html" in (page.header("Content-Type") or "html").lower()
        if kind == "list" and html and column_key(page_url) not in columns:
            columns.add(column_key(page_url))  # a column once, by its first page met
            result.lists.append(_list_page(page, reader.page(page), link_texts, memory))
    result.charsets = _charset_notes(memory)
    result.documents = _documents(settings, source, memory, pages)
    return result


def source_id_for(url: str) -> str:
    """A source id from a URL's host: its first label that says something (``kjj``)."""
    host = urlsplit(url).hostname or ""
    labels = [x for x in host.split(".") if x and x not in ("www", "gov", "cn", "com", "org")]
    if not labels or host.replace(".", "").isdigit() or ":" in host:
        return "site"
    return re.sub(r"[^A-Za-z0-9_-]", "-", labels[0]) or "site"


def _start_page(memory: _Memory, event: CrawlEvent | None, start: str) -> FetchedPage:
    """The start page as fetched (after redirects), or an error saying why there is none."""
    if event is None or event.outcome == "skipped":
        reason = reason_text(event.reason or "") if event else "没有抓到任何页面"
        answered = any(kind == "robots" for _, kind, _ in memory.pages.values())
        if not answered:  # not even robots.txt came back: the host is down or unknown
            raise UsageError(f"无法访问 {start}：主机没有应答")
        if event is not None and "robots" in (event.reason or ""):
            raise DisclosureSearchError(f"{start}：{reason}")
        raise UsageError(f"无法访问 {start}：{reason}")
    if event.outcome == "failed":
        raise UsageError(f"无法访问 {start}：{reason_text(event.reason or '')}")
    page = next(entry[0] for url in memory.order if (entry := memory.pages[url])[1] != "robots"
                and entry[0].status not in REDIRECT_STATUSES)
    ctype = page.header("Content-Type") or ""
    if event.kind == "attachment" or (ctype and "html" not in ctype.lower()):
        raise UsageError(f"{start} 不是 HTML 页面（Content-Type：{ctype or '无'}）；"
                         "请探查列出文件的栏目页")
    return page


def _meta(tree: lxml.html.HtmlElement, name: str) -> str:
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() == name and meta.get("content"):
            return str(meta.get("content")).strip()
    return ""


def _site_name(seen: _Seen) -> str:
    parts = [p for p in _SITE_SPLIT.split(seen.title) if p]
    return seen.site or (parts[-1] if parts else "")


def _list_page(page: FetchedPage, seen: _Seen, link_texts: dict[str, str],
               memory: _Memory) -> ListPage:
    name = _column_name(seen, link_texts.get(page.url, ""))
    category = normalize_category(name) if name else OTHER
    return ListPage(page.url, name, _paging(seen), category,
                    _own_prefix(page.url, seen.links, memory) if category != OTHER else None)


def _column_name(seen: _Seen, link_text: str) -> str:
    if seen.column:
        return seen.column
    parts = [p for p in _SITE_SPLIT.split(seen.title) if p]
    candidates = [link_text, parts[0] if parts else ""]
    return next((c for c in candidates if c and normalize_category(c) != OTHER),
                link_text or (parts[0] if parts else ""))


def _paging(seen: _Seen) -> str:
    """How a list pages, in words for a comment."""
    links = seen.links
    data = links.data_paging
    if data and any("startrecord=" in u for u in data):
        return f"jpage 数据岛（datastore），其余记录取自 {urlsplit(data[0]).path}"
    if data:
        return f"列表由脚本从 {urlsplit(data[0]).path} 加载（JSON）"
    if seen.trs:
        return f"createPageHTML 分页，共 {len(seen.trs)} 页"
    params = {k.split("=")[0].lower() for u in links.paging for k in urlsplit(u).query.split("&")}
    if params & PAGE_PARAMS:
        return "网址参数分页（" + ", ".join(sorted(params & PAGE_PARAMS)) + "）"
    if links.paging:
        return f"链接了另外 {len(links.paging)} 页"
    return "只有一页"


def _own_prefix(url: str, links: PageLinks, memory: _Memory) -> str | None:
    """The list's folder, when its documents (and those of its data pages) lie inside it."""
    folder = folder_of(url)
    listed = [u for u, _ in _listed(links, memory)]
    inside = [u for u in listed if u.startswith(folder)]
    return folder if inside and len(inside) == len(listed) else None


def _listed(links: PageLinks, memory: _Memory) -> list[tuple[str, str]]:
    """Detail pages and files a list and its other pages link to (as far as fetched)."""
    out = [(x.url, x.text) for x in links.links + links.attachments
           if memory.pages.get(x.url, (None, "other"))[1] in ("detail", "attachment")]
    for page_url in links.paging:
        entry = memory.pages.get(page_url)
        if entry is None or entry[2] is None:
            continue
        reading = entry[2]
        out += [(u, t) for u, t in reading.links + reading.attachments
                if memory.pages.get(u, (None, "other"))[1] in ("detail", "attachment")]
    return out


def _charset_notes(memory: _Memory) -> list[str]:
    """What the pages' charsets are, and where they declare them."""
    seen: Counter[tuple[str, str, str]] = Counter()
    for page, _kind, reading in memory.pages.values():
        if reading is None or reading.charset is None:
            continue
        header = header_charset(page.header("Content-Type")) or "-"
        meta = meta_charset(page.body) or "-"
        seen[(reading.charset, header, meta)] += 1
    notes = []
    for (used, header, meta), count in seen.most_common():
        where = ("在 HTTP 头中声明" if header != "-" else
                 "只在 <meta> 中声明" if meta != "-" else "没有声明（按内容识别）")
        lying = [d for d in (header, meta) if d not in ("-", used)]
        note = f"{count} 个页面按 {used} 解码，{where}"
        if lying:
            note += f"；声明的 {', '.join(lying)} 与内容不符"
        notes.append(note)
    return notes


def _documents(settings: Settings, source: SourceSettings, memory: _Memory,
               pages: PageExtractor) -> list[Document]:
    """The first documents the pages extract to (as the crawler's reading found them),
    attachments read (in the extraction worker)."""
    docs: list[Document] = []
    for page_url in memory.order:
        page, kind, reading = memory.pages[page_url]
        if page.status != 200 or kind in ("attachment", "robots"):
            continue
        ctype = page.header("Content-Type") or ""
        charset = reading.charset if reading else None
        found = pages.take(source.id, page_url, hashlib.sha256(page.body).hexdigest())
        try:
            doc, rows = found or archived_page(page.body, ctype, page_url, source.id, (),
                                               charset, listed=kind == "list")
        except ExtractError:
            continue
        docs += [doc] if doc is not None else rows
    crawl = settings.crawl
    with ExtractWorker(crawl.extract_timeout_s, crawl.extract_memory_mb) as worker:
        return [_read_files(doc, memory, worker) for doc in docs[:PREVIEW]]


def _read_files(doc: Document, memory: _Memory, worker: ExtractWorker) -> Document:
    read = []
    for att in doc.attachments:
        entry = memory.pages.get(att.url)
        if entry is None:
            read.append(replace(att, error="探查的页数预算内未抓取"))
            continue
        page = entry[0]
        try:
            text = worker.call(attachment_text, page.body, att.url,
                               page.header("Content-Type"), page.header("Content-Disposition"))
            read.append(replace(att, text=text, size=len(page.body)))
        except (DisclosureSearchError, ExtractError) as exc:
            read.append(replace(att, error=str(exc)))
    return replace(doc, attachments=tuple(read))
