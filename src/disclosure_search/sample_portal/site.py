"""One sample site as served in one edition: its live items by column and path, and responses."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from disclosure_search.sample_portal import editions
from disclosure_search.sample_portal.data import PortalAttachment, PortalDocument

_CST = timedelta(hours=8)  # 发布日期 times are China Standard Time


@dataclass(frozen=True)
class Response:
    """What the server sends for one path: status, body bytes, type and Last-Modified."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    last_modified: datetime | None = None
    location: str | None = None


@dataclass(frozen=True)
class SiteView:
    """The items one site lists in one edition, newest first per column."""

    site: str
    edition: int
    items: tuple[PortalDocument, ...]
    columns: dict[str, tuple[PortalDocument, ...]]
    by_path: dict[str, PortalDocument]
    dead: dict[str, int]
    attachments: dict[str, tuple[PortalAttachment, PortalDocument]] = field(default_factory=dict)
    edition_time: datetime = editions.EDITION_TIMES[0]


def build_view(
    docs: list[PortalDocument], site: str, edition: int, scale: int = 1,
    edition_time: datetime | None = None,
) -> SiteView:
    """Select and order ``site``'s items for ``edition``; ``scale`` multiplies bureau items.

    Args:
        docs: every item (from :func:`load_documents`).
        site: ``kjj`` or ``city``.
        edition: 0, 1 or 2 (see :mod:`editions`).
        scale: N makes N-1 derived copies of each bureau item (distinct URLs and titles).
        edition_time: Last-Modified of what the edition changed (defaults per edition).
    """
    live: list[PortalDocument] = []
    dead: dict[str, int] = {}
    for doc in docs:
        if doc.site != site:
            continue
        status, shown = editions.state(doc, edition)
        if status == 200:
            live.append(shown)
        elif doc.edition <= edition:
            dead[doc.path] = status
    if site == "kjj" and scale > 1:
        live += [copy for doc in list(live) for copy in scaled_copies(doc, scale)]
    live.sort(key=lambda d: (d.published_date, d.pub_time, d.key), reverse=True)
    columns: dict[str, list[PortalDocument]] = {}
    for doc in live:
        columns.setdefault(doc.column, []).append(doc)
    attachments = {a.path: (a, d) for d in live for a in d.attachments}
    return SiteView(
        site=site,
        edition=edition,
        items=tuple(live),
        columns={k: tuple(v) for k, v in sorted(columns.items())},
        by_path={d.path: d for d in live},
        dead=dead,
        attachments=attachments,
        edition_time=edition_time or editions.EDITION_TIMES[edition],
    )


_T_NUMBER = re.compile(r"_(\d+)\.html$")


def scaled_copies(doc: PortalDocument, scale: int) -> list[PortalDocument]:
    """Return ``scale - 1`` derived copies of a bureau item, for large-crawl benchmarks."""
    number = int(_T_NUMBER.search(doc.path).group(1))  # type: ignore[union-attr]
    copies = []
    for k in range(1, scale):
        path = _T_NUMBER.sub(f"_{number + k * 40_000}.html", doc.path)
        copies.append(replace(doc, key=f"{doc.key}-{k}", path=path, title=f"{doc.title}（{k + 1}）",
                              attachments=(), role="", revision={}))
    return copies


def published_at(doc: PortalDocument) -> datetime:
    """The 发布日期 and time of ``doc`` as a UTC datetime."""
    local = datetime.fromisoformat(f"{doc.published_date}T{doc.pub_time}")
    return (local - _CST).replace(tzinfo=UTC)


def doc_last_modified(view: SiteView, doc: PortalDocument) -> datetime:
    """Last-Modified of a detail page: when published, or when its edition changed it."""
    if editions.changed_in(doc, view.edition) and doc.edition == 0:
        return view.edition_time
    return published_at(doc)


def paragraphs_html(text: str, indent: bool = True) -> str:
    """Render text lines as escaped ``<p>`` elements, indented two characters as sites do."""
    style = ' style="text-indent:2em;"' if indent else ""
    return "\n".join(f"<p{style}>{html.escape(line)}</p>" for line in text.split("\n") if line)


def esc(text: str) -> str:
    """HTML-escape text for element content and attribute values."""
    return html.escape(text, quote=True)


def page_count(total: int, per_page: int) -> int:
    """Number of list pages for ``total`` items (at least one)."""
    return max(1, -(-total // per_page))
