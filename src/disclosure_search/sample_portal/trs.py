"""The bureau site (示例市科技局) in the TRS WCM template style: static lists, createPageHTML.

Pages: ``/`` home, ``/xxgk/`` disclosure index, ``/xxgk/<column>/index.html``, ``index_1.html``...
(20 items a page), details at ``/xxgk/<column>/YYYYMM/tYYYYMMDD_NNNNNNN.html`` with PubDate /
ColumnName / ArticleTitle meta and a metadata table, attachments beside them (``P0....pdf``).
About 30% of detail pages are GBK with only a meta charset; one page's meta charset lies.
"""

from __future__ import annotations

import re
from datetime import datetime

from disclosure_search.sample_portal.data import SITE_NAMES, PortalDocument, attachment_bytes
from disclosure_search.sample_portal.site import (
    Response,
    SiteView,
    doc_last_modified,
    esc,
    page_count,
    paragraphs_html,
    published_at,
)

PER_PAGE = 20
NAME = SITE_NAMES["kjj"]
#: Linked from the disclosure index but disallowed by robots.txt.
DISALLOWED = "/xxgk/internal/"
ROBOTS = f"User-agent: *\nDisallow: {DISALLOWED}\nDisallow: /search/\n"

_LIST = re.compile(r"^/xxgk/([a-z]+)/(?:index(?:_(\d+))?\.html)?$")
_NAV = (("/", "首页"), ("/xxgk/", "政府信息公开"), ("/xxgk/zwxx/index.html", "政务信息"),
        ("/xxgk/tzgg/index.html", "公告公示"), ("/xxgk/gfxwj/index.html", "规范性文件"),
        ("/search/", "站内搜索"))


class BureauSite:
    """Renders the bureau's pages for one :class:`SiteView`."""

    def __init__(self, view: SiteView, fault_links: tuple[tuple[str, str], ...] = ()) -> None:
        self.view = view
        self.fault_links = fault_links
        self.labels = {d.column: d.category for d in view.items}

    def respond(self, path: str, query: str) -> Response | None:
        """Return the response for ``path`` or None when the site has no such page."""
        view = self.view
        if path == "/robots.txt":
            return Response(200, ROBOTS.encode(), "text/plain; charset=utf-8", view.edition_time)
        if path in ("/", "/index.html"):
            return self._page("首页", self._home(), view.edition_time)
        if path in ("/xxgk/", "/xxgk/index.html"):
            return self._page("政府信息公开", self._index(), view.edition_time)
        if path.startswith(DISALLOWED):
            return self._page("内部资料", "<p>内部资料，仅限内网访问。</p>", view.edition_time)
        if path in view.by_path:
            return self.detail(view.by_path[path])
        if path in view.attachments:
            att, doc = view.attachments[path]
            return Response(200, attachment_bytes(att), att.media_type, published_at(doc))
        if path in view.dead:
            return None
        match = _LIST.match(path)
        if match and match.group(1) in view.columns:
            return self.list_page(match.group(1), int(match.group(2) or 0))
        return None

    def _page(self, title: str, main: str, modified: datetime) -> Response:
        """Wrap ``main`` in the site chrome and encode it as UTF-8."""
        text = self.chrome(title, main, head="", charset="utf-8")
        return Response(200, text.encode("utf-8"), "text/html; charset=utf-8", modified)

    def chrome(self, title: str, main: str, head: str, charset: str) -> str:
        """Site header, navigation, breadcrumb and footer around the main content."""
        nav = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in _NAV)
        return (
            f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{charset}">\n'
            f"<title>{esc(title)}_{NAME}</title>\n"
            f'<meta name="SiteName" content="{NAME}">\n{head}'
            '<link rel="stylesheet" href="/images/common.css">\n</head>\n<body>\n'
            f'<div class="header"><div class="logo"><a href="/">{NAME}</a></div>\n'
            f'<ul class="nav">{nav}</ul></div>\n'
            f'<div class="main">\n{main}\n</div>\n'
            f'<div class="footer"><p>主办单位：{NAME}　　承办：{NAME}办公室</p>'
            "<p>网站标识码：0000000000　　联系电话：0000-00000000</p>"
            '<p><a href="/xxgk/">政府信息公开</a> | <a href="/">网站地图</a></p></div>\n'
            "</body>\n</html>\n"
        )

    def _home(self) -> str:
        """The home page: newest items and the way into the disclosure index."""
        latest = self._items_ul(self.view.items[:10], prefix="")
        return f'<h2><a href="/xxgk/">政府信息公开</a></h2>\n<h3>最新信息</h3>\n{latest}'

    def _index(self) -> str:
        """The disclosure index: every column with its five newest items."""
        blocks = []
        for column, items in self.view.columns.items():
            label = self.labels[column]
            blocks.append(
                f'<div class="column"><h3><a href="./{column}/index.html">{label}</a></h3>\n'
                f"{self._items_ul(items[:5], prefix=f'./{column}/')}</div>"
            )
        blocks.append(f'<div class="column"><h3><a href="{DISALLOWED}">内部资料</a></h3></div>')
        blocks.append(self._fault_ul())
        return "<h2>政府信息公开目录</h2>\n" + "\n".join(blocks)

    def _items_ul(self, items: tuple[PortalDocument, ...], prefix: str) -> str:
        """A TRS list: relative links, full title in ``title``, date in a span."""
        rows = []
        for doc in items:
            href = prefix + doc.path.split("/", 3)[3] if prefix else doc.path
            shown = doc.title if len(doc.title) <= 32 else doc.title[:31] + "…"
            rows.append(
                f'<li><a href="{href}" target="_blank" title="{esc(doc.title)}">{esc(shown)}</a>'
                f"<span>{doc.published_date}</span></li>"
            )
        return '<ul class="list">\n' + "\n".join(rows) + "\n</ul>"

    def _fault_ul(self) -> str:
        """Links to the fault pages switched on for this portal (empty when none)."""
        if not self.fault_links:
            return ""
        rows = "".join(f'<li><a href="{href}">{esc(t)}</a></li>' for href, t in self.fault_links)
        return f'<ul class="list">\n{rows}\n</ul>'

    def list_page(self, column: str, index: int) -> Response | None:
        """Page ``index`` (0-based: index.html, index_1.html, ...) of a column."""
        items = self.view.columns[column]
        pages = page_count(len(items), PER_PAGE)
        if index >= pages:
            return None
        chunk = items[index * PER_PAGE : (index + 1) * PER_PAGE]
        label = self.labels[column]
        links = self._items_ul(chunk, prefix="./")
        extra = self._fault_ul() if column == "zwxx" and index == 0 else ""
        main = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="/xxgk/">政府信息公开</a> &gt; {label}</div>\n'
            f'<div class="list-box">\n{links}\n{extra}\n<div class="page">\n<script>\n'
            f'createPageHTML({pages}, {index}, "index", "html");\n</script>\n</div>\n</div>'
        )
        head = f'<meta name="ColumnName" content="{label}">\n'
        text = self.chrome(label, main, head=head, charset="utf-8")
        return Response(200, text.encode("utf-8"), "text/html; charset=utf-8",
                        self.view.edition_time)

    def detail(self, doc: PortalDocument) -> Response:
        """A detail page; GBK ones carry their charset only in a meta (one of them lies)."""
        charset = {"utf-8": "utf-8", "gbk": "gb2312", "gbk-lying": "utf-8"}[doc.encoding]
        main = self.detail_main(doc)
        text = self.chrome(doc.title, main, head=_detail_head(doc), charset=charset)
        modified = doc_last_modified(self.view, doc)
        if doc.encoding == "utf-8":
            return Response(200, text.encode("utf-8"), "text/html; charset=utf-8", modified)
        return Response(200, text.encode("gbk"), "text/html", modified)

    def detail_main(self, doc: PortalDocument) -> str:
        """Breadcrumb, metadata table, title, body (TRS_Editor) and attachment links."""
        label = self.labels.get(doc.column, doc.category)
        cells = [("索 引 号：", doc.index_number), ("信息分类：", doc.category),
                 ("发布机构：", doc.agency), ("生成日期：", doc.written_date),
                 ("文　　号：", doc.doc_number), ("发布日期：", doc.published_date)]
        if doc.validity:
            cells.append(("有 效 性：", doc.validity))
        rows = []
        for i in range(0, len(cells), 2):
            pair = cells[i : i + 2]
            tds = "".join(f'<td class="label">{k}</td><td>{esc(v)}</td>' for k, v in pair)
            rows.append(f"<tr>{tds}</tr>")
        name = f'<td colspan="3">{esc(doc.title)}</td>'
        rows.append(f'<tr><td class="label">名　　称：</td>{name}</tr>')
        files = "".join(
            f'<p><a href="./{a.path.rsplit("/", 1)[1]}">{esc(a.name)}</a></p>'
            for a in doc.attachments
        )
        attach = f'<div class="fj"><p>附件：</p>{files}</div>' if files else ""
        return (
            '<div class="position">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="/xxgk/">政府信息公开</a> &gt; <a href="../index.html">{label}</a></div>\n'
            f'<table class="xxgk-table">\n' + "\n".join(rows) + "\n</table>\n"
            f'<div class="article"><h1 class="title">{esc(doc.title)}</h1>\n'
            f'<div class="TRS_Editor">\n{paragraphs_html(doc.body)}\n</div>\n{attach}\n'
            '<div class="share">【<a href="javascript:window.print()">打印本页</a>】'
            '【<a href="javascript:window.close()">关闭窗口</a>】</div></div>'
        )


def _detail_head(doc: PortalDocument) -> str:
    """The TRS meta tags of a detail page."""
    return (
        f'<meta name="ColumnName" content="{esc(doc.category)}">\n'
        f'<meta name="ArticleTitle" content="{esc(doc.title)}">\n'
        f'<meta name="PubDate" content="{doc.published_date} {doc.pub_time}">\n'
        f'<meta name="ContentSource" content="{esc(doc.agency)}">\n'
    )
