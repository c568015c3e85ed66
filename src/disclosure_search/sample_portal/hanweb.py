"""The city portal (示例市人民政府) in the Hanweb 大汉 style: query-string paging, dl/dd metadata.

Pages: ``/`` home linking the columns, ``/col/col<id>/index.html?uid=<uid>&pageNum=<n>`` lists
(15 items a page, absolute links), details at ``/art/YYYY/M/D/art_<col>_<n>.html`` with a
``div.xxgk-info`` of ``dl``/``dt``/``dd`` pairs (发文机关, 成文日期, 发文字号, 主题分类, 发布日期),
PubDate meta on only some pages, attachments under ``/attach/0/``. Everything is UTF-8.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs

from disclosure_search.sample_portal.data import SITE_NAMES, PortalDocument, attachment_bytes
from disclosure_search.sample_portal.plan import CITY_COLUMNS
from disclosure_search.sample_portal.site import (
    Response,
    SiteView,
    doc_last_modified,
    esc,
    page_count,
    paragraphs_html,
    published_at,
)

PER_PAGE = 15
NAME = SITE_NAMES["city"]
#: Linked from every page (site search) but disallowed by robots.txt.
DISALLOWED = "/module/"
ROBOTS = f"User-agent: *\nDisallow: {DISALLOWED}\n"

_LIST = re.compile(r"^/col/col(\d+)/(?:index\.html)?$")
_LABELS = {f"col{n}": label for label, n in CITY_COLUMNS.items()}


def uid_of(column: str) -> int:
    """The Hanweb ``uid`` query parameter of a column's list pages."""
    return 4_000_000 + int(column[3:])


def list_url(column: str, page: int) -> str:
    """URL path (with query) of page ``page`` (1-based) of a column."""
    return f"/{column[:3]}/{column}/index.html?uid={uid_of(column)}&pageNum={page}"


class CitySite:
    """Renders the city portal's pages for one :class:`SiteView`."""

    def __init__(self, view: SiteView) -> None:
        self.view = view

    def respond(self, path: str, query: str) -> Response | None:
        """Return the response for ``path`` (and its query) or None when there is no such page."""
        view = self.view
        if path == "/robots.txt":
            return Response(200, ROBOTS.encode(), "text/plain; charset=utf-8", view.edition_time)
        if path in ("/", "/index.html"):
            return self._page("首页", self._home(), view.edition_time)
        if path.startswith(DISALLOWED):
            return self._page("站内搜索", "<p>请输入关键词。</p>", view.edition_time)
        if path in view.by_path:
            return self.detail(view.by_path[path])
        if path in view.attachments:
            att, doc = view.attachments[path]
            return Response(200, attachment_bytes(att), att.media_type, published_at(doc))
        match = _LIST.match(path)
        if match and f"col{match.group(1)}" in view.columns:
            return self.list_page(f"col{match.group(1)}", query)
        return None

    def _page(self, title: str, main: str, modified: datetime, head: str = "") -> Response:
        """Wrap ``main`` in the portal chrome; UTF-8 with the charset in the header."""
        columns = "".join(
            f'<li><a href="{list_url(c, 1)}">{_LABELS[c]}</a></li>' for c in self.view.columns
        )
        text = (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f"<title>{esc(title)} - {NAME}</title>\n"
            f'<meta name="SiteName" content="{NAME}">\n{head}</head>\n<body>\n'
            f'<div id="top"><div class="top-links"><a href="/">{NAME}门户网站</a> '
            f'<a href="{DISALLOWED}search/index.jsp">站内搜索</a></div>\n'
            f'<div class="menu"><ul><li><a href="/">首页</a></li>{columns}</ul></div></div>\n'
            f'<div id="container">\n{main}\n</div>\n'
            f'<div id="foot"><p>主办：{NAME}办公厅　承办：示例市大数据中心</p>'
            "<p>网站标识码：0000000001　联系我们　网站地图</p></div>\n</body>\n</html>\n"
        )
        return Response(200, text.encode("utf-8"), "text/html; charset=utf-8", modified)

    def _home(self) -> str:
        """The portal home: the disclosure columns and the newest items."""
        rows = "".join(
            f'<li><a href="{d.path}" title="{esc(d.title)}">{esc(d.title)}</a>'
            f'<span class="date">{d.published_date}</span></li>'
            for d in self.view.items[:12]
        )
        head = '<div class="gkml"><h2>政府信息公开</h2></div>'
        return f'{head}\n<div class="news"><ul>{rows}</ul></div>'

    def list_page(self, column: str, query: str) -> Response | None:
        """One page of a column's list; the page number comes from ``pageNum`` (default 1)."""
        params = parse_qs(query)
        try:
            page = int(params.get("pageNum", ["1"])[0])
        except ValueError:
            return None
        items = self.view.columns[column]
        pages = page_count(len(items), PER_PAGE)
        if not 1 <= page <= pages:
            return None
        chunk = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        rows = "\n".join(
            f'<li><a href="{d.path}" title="{esc(d.title)}" target="_blank">{esc(d.title)}</a>'
            f'<span class="date">[{d.published_date}]</span></li>'
            for d in chunk
        )
        pager = [f'<a href="{list_url(column, 1)}">首页</a>']
        if page > 1:
            pager.append(f'<a href="{list_url(column, page - 1)}">上一页</a>')
        pager.append(f"<span>第{page}页/共{pages}页 共{len(items)}条</span>")
        if page < pages:
            pager.append(f'<a href="{list_url(column, page + 1)}">下一页</a>')
        pager.append(f'<a href="{list_url(column, pages)}">尾页</a>')
        label = _LABELS[column]
        main = (
            f'<div class="bt">{label}</div>\n<div class="default_pgContainer"><ul>\n{rows}\n</ul>'
            f'</div>\n<div class="default_pgPanel">{" ".join(pager)}</div>'
        )
        return self._page(label, main, self.view.edition_time)

    def detail(self, doc: PortalDocument) -> Response:
        """A detail page: metadata pairs, title, body (div#zoom), attachments."""
        label = _LABELS.get(doc.column, doc.category)
        written = _cn_date(doc.written_date)
        pairs = [("索引号", doc.index_number), ("发文机关", doc.agency), ("主题分类", doc.category),
                 ("成文日期", written), ("发布日期", doc.published_date),
                 ("发文字号", doc.doc_number)]
        info = "\n".join(f"<dl><dt>{k}：</dt><dd>{esc(v)}</dd></dl>" for k, v in pairs)
        files = "".join(f'<p><a href="{a.path}">{esc(a.name)}</a></p>' for a in doc.attachments)
        attach = f'<div class="attach"><p>附件下载：</p>{files}</div>' if files else ""
        main = (
            f'<div class="dqwz">您当前的位置：<a href="/">首页</a> &gt; '
            f'<a href="{list_url(doc.column, 1)}">{label}</a></div>\n'
            f'<div class="xxgk-info">\n{info}\n</div>\n'
            f'<div class="article"><div class="title">{esc(doc.title)}</div>\n'
            f'<div class="sub">来源：{esc(doc.agency)}　'
            f"发布时间：{doc.published_date} {doc.pub_time}"
            '　浏览次数：<span id="hits"></span></div>\n'
            f'<div id="zoom">\n{paragraphs_html(doc.body)}\n</div>\n{attach}</div>'
        )
        head = (f'<meta name="ArticleTitle" content="{esc(doc.title)}">\n'
                f'<meta name="ColumnName" content="{label}">\n')
        if doc.pubdate_meta:
            head += f'<meta name="PubDate" content="{doc.published_date} {doc.pub_time}:00">\n'
        return self._page(doc.title, main, doc_last_modified(self.view, doc), head=head)


def _cn_date(iso: str) -> str:
    """``2019-03-01`` as the portal prints it, ``2019年03月01日`` ('' stays '')."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"
