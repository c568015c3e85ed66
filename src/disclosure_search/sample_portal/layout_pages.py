"""The pages of the layouts site (see :mod:`layouts`): data lists, file tables, meta-only pages."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import parse_qs, quote

from disclosure_search.sample_portal import editions
from disclosure_search.sample_portal.data import attachment_bytes
from disclosure_search.sample_portal.layouts import (
    DOWNLOAD_SCRIPT,
    LAYOUTS,
    NAME,
    LayoutItem,
    columns_of,
    items_of,
    layout_items,
)
from disclosure_search.sample_portal.site import Response, esc, page_count, paragraphs_html
from disclosure_search.sample_portal.site import published_at as _published_at

ROBOTS = "User-agent: *\nDisallow: /search/\n"
PROXY = "/module/web/jpage/dataproxy.jsp"
JSON_API = "/api/xxgk/list"
JPAGE_PER_PAGE = 1  # records a jpage list shows a page
JPAGE_GROUP_SIZE = 2  # pages a data-proxy request fetches at once
JPAGE_GROUP = JPAGE_GROUP_SIZE * JPAGE_PER_PAGE
JSON_PER_PAGE = 5
FILES_PER_PAGE = 5
_MODIFIED = editions.EDITION_TIMES[0]
_HANWEB_LIST = re.compile(r"^/col/(col\d+)/(?:index\.html)?$")
_FILES_LIST = re.compile(r"^/xxgk/wjxz/(?:index(?:_(\d+))?\.html)?$")
_OCTET = "application/octet-stream"


class LayoutSite:
    """Renders every page of the layouts site; ``respond`` is what the HTTP handler calls."""

    def __init__(self) -> None:
        self.items = layout_items()
        self.by_path = {i.path: i for i in self.items if i.layout != "files"}
        self.files = {a.path: (a, i) for i in self.items for a in i.doc.attachments}

    def respond(self, path: str, query: str) -> Response | None:
        """Return the response for ``path`` (``query`` holds GET or POST form parameters)."""
        if path == "/robots.txt":
            return Response(200, ROBOTS.encode(), "text/plain; charset=utf-8", _MODIFIED)
        if path in ("/", "/index.html"):
            rows = "".join(f'<li><a href="{p}">{k}</a></li>' for k, p in LAYOUTS.items())
            return self._page("首页", f"<ul>{rows}</ul>")
        if path == LAYOUTS["jpage"]:
            return self._jpage_landing()
        match = _HANWEB_LIST.match(path)
        if match and match.group(1) in columns_of("jpage"):
            return self._jpage_list(match.group(1))
        if path == PROXY:
            return _proxy(parse_qs(query))
        if path == LAYOUTS["json"]:
            return self._json_landing()
        if path == JSON_API:
            return _json_list(parse_qs(query))
        match = _FILES_LIST.match(path)
        if match:
            return self._files_list(int(match.group(1) or 0))
        if path == LAYOUTS["meta"]:
            return self._meta_list()
        return self._item(path, query)

    def _item(self, path: str, query: str) -> Response | None:
        full = f"{path}?{query}" if query else path
        if full in self.files:
            att, owner = self.files[full]
            ctype = _OCTET if path == DOWNLOAD_SCRIPT else att.media_type
            return Response(200, attachment_bytes(att), ctype, _published_at(owner.doc))
        item = self.by_path.get(path)
        if item is None:
            return None
        if item.layout == "meta":
            return self._meta_detail(item)
        return self._detail(item)

    def _page(self, title: str, main: str, head: str = "",
              modified: datetime = _MODIFIED) -> Response:
        text = (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)} - {NAME}</title>\n{head}</head>\n<body>\n"
            f'<div class="header"><a href="/">{NAME}</a> <a href="/search/">站内搜索</a></div>\n'
            f'<div class="main">\n{main}\n</div>\n'
            f'<div class="footer">主办：{NAME}　网站标识码：0000000002</div>\n</body>\n</html>\n'
        )
        return Response(200, text.encode("utf-8"), "text/html; charset=utf-8", modified)

    # -- jpage (Hanweb) -----------------------------------------------------------------------

    def _jpage_landing(self) -> Response:
        rows = "".join(f'<li><a href="/col/{c}/index.html">{n}</a></li>'
                       for c, n in columns_of("jpage").items())
        return self._page("政府信息公开", f'<div class="bt">政府信息公开</div><ul>{rows}</ul>')

    def _jpage_list(self, column: str) -> Response:
        items = [i for i in items_of("jpage") if i.column == column]
        name = columns_of("jpage")[column]
        nextgroup = (f'<a href="{PROXY}?page=1&appid=1&webid=2&path=/&columnid={column[3:]}'
                     f'&unitid=5100&webname={quote(NAME)}&permissiontype=0"></a>')
        store = (f'<script type="text/xml">\n<datastore>\n<nextgroup><![CDATA[{nextgroup}]]>'
                 f"</nextgroup>\n<recordset>\n{_records(items[:JPAGE_GROUP])}</recordset>\n"
                 "</datastore>\n</script>")
        script = (
            f'<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>\n'
            "<script type=\"text/javascript\">\n$(document).ready(function(){\n"
            f"  $('#{column[3:]}').jpage({{dataStore: dataStore, perPage: {JPAGE_PER_PAGE}, "
            f"groupSize: {JPAGE_GROUP_SIZE}, totalRecord: {len(items)}, proxyUrl: '{PROXY}', "
            "barPosition: 'bottom', isSupportForm: true});\n});\n</script>"
        )
        main = (f'<div class="bt">{name}</div>\n<div class="default_pgContainer" '
                f'id="{column[3:]}">{store}</div>\n{script}')
        return self._page(name, main, head=f'<meta name="ColumnName" content="{name}">\n')

    # -- JSON ---------------------------------------------------------------------------------

    def _json_landing(self) -> Response:
        name = columns_of("json")["zcjd"]
        main = (
            f'<div class="bt">{name}</div>\n<ul id="docList"></ul>\n<div id="pager"></div>\n'
            "<script>\nfunction loadList(pageNo) {\n"
            f'  $.getJSON("{JSON_API}?channelId=zcjd&pageSize={JSON_PER_PAGE}&pageNo=" + pageNo,'
            " function (res) {\n    var html = \"\";\n    $.each(res.data.list, function (i, d) {"
            "\n      html += '<li><a href=\"' + d.url + '\">' + d.title + '</a><span>'"
            " + d.publishDate + '</span></li>';\n    });\n"
            '    $("#docList").html(html);\n    renderPager(res.data.pageNo, res.data.totalPage);'
            "\n  });\n}\nloadList(1);\n</script>"
        )
        return self._page(name, main, head=f'<meta name="ColumnName" content="{name}">\n')

    # -- files table --------------------------------------------------------------------------

    def _files_list(self, index: int) -> Response | None:
        items = items_of("files")
        pages = page_count(len(items), FILES_PER_PAGE)
        if index >= pages:
            return None
        name = columns_of("files")["wjxz"]
        rows = []
        for n, item in enumerate(items[index * FILES_PER_PAGE:][:FILES_PER_PAGE], 1):
            doc = item.doc
            rows.append(
                f"<tr><td>{index * FILES_PER_PAGE + n}</td><td class=\"bt\"><a href=\""
                f'{item.path}" title="{esc(doc.title)}" target="_blank">{esc(doc.title)}</a>'
                f"</td><td>{esc(doc.doc_number)}</td><td>{esc(doc.agency)}</td>"
                f"<td>{doc.published_date}</td></tr>")
        main = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div>\n'
            '<table class="file-list">\n<tr><th>序号</th><th>标题</th><th>文号</th>'
            "<th>发布机构</th><th>发布日期</th></tr>\n" + "\n".join(rows) + "\n</table>\n"
            f'<div class="page"><script>createPageHTML({pages}, {index}, "index", "html");'
            "</script></div>"
        )
        return self._page(name, main, head=f'<meta name="ColumnName" content="{name}">\n')

    # -- details ------------------------------------------------------------------------------

    def _detail(self, item: LayoutItem) -> Response:
        """A detail page with a metadata table (jpage and JSON layouts)."""
        doc = item.doc
        pairs = [("索引号", doc.index_number), ("发布机构", doc.agency),
                 ("成文日期", doc.written_date), ("文号", doc.doc_number),
                 ("发布日期", doc.published_date), ("信息分类", doc.category)]
        info = "".join(f"<tr><th>{k}：</th><td>{esc(v)}</td></tr>" for k, v in pairs)
        main = (f'<table class="xxgk-info">{info}</table>\n<div class="article">'
                f'<h1 class="title">{esc(doc.title)}</h1>\n'
                f'<div id="zoom">\n{paragraphs_html(doc.body)}\n</div>\n{_files(item)}</div>')
        head = f'<meta name="ColumnName" content="{item.column_name}">\n'
        return self._page(doc.title, main, head=head, modified=_published_at(doc))

    def _meta_list(self) -> Response:
        name = columns_of("meta")["tzgg"]
        rows = "".join(f'<li><a href="{i.path}">{esc(i.doc.title)}</a>'
                       f"<span>{i.doc.published_date}</span></li>" for i in items_of("meta"))
        return self._page(name, f'<div class="bt">{name}</div>\n<ul class="list">{rows}</ul>',
                          head=f'<meta name="ColumnName" content="{name}">\n')

    def _meta_detail(self, item: LayoutItem) -> Response:
        """Metadata only in ``<meta>`` tags, or (``script_vars``) only in script variables."""
        doc = item.doc
        stamp = f"{doc.published_date} {doc.pub_time}:00"
        if item.script_vars:
            head = ("<script>\n" + "".join(
                f"var {k} = {json.dumps(v, ensure_ascii=False)};\n"
                for k, v in (("articleTitle", doc.title), ("pubDate", stamp),
                             ("contentSource", doc.agency), ("columnName", item.column_name)))
                    + "</script>\n")
            title = "<script>document.write(articleTitle);</script>"
        else:
            head = "".join(f'<meta name="{k}" content="{esc(v)}">\n' for k, v in (
                ("ArticleTitle", doc.title), ("PubDate", stamp), ("ContentSource", doc.agency),
                ("ColumnName", item.column_name)))
            title = esc(doc.title)
        main = (f'<div class="article"><div class="article-title">{title}</div>\n'
                f'<div class="article-content">\n{paragraphs_html(doc.body)}\n</div>\n'
                f"{_files(item)}</div>")
        return self._page(item.column_name, main, head=head, modified=_published_at(doc))


def _files(item: LayoutItem) -> str:
    links = "".join(f'<p><a href="{esc(a.path)}">{esc(a.name)}</a></p>'
                    for a in item.doc.attachments)
    return f'<div class="attach"><p>附件：</p>{links}</div>' if links else ""


def _records(items: list[LayoutItem]) -> str:
    return "".join(
        f'<record><![CDATA[<li><a href="{i.path}" title="{esc(i.doc.title)}" target="_blank">'
        f'{esc(i.doc.title)}</a><span class="bt-data-time">[{i.doc.published_date}]</span>'
        "</li>]]></record>\n" for i in items)


def _proxy(params: dict[str, list[str]]) -> Response | None:
    """The jpage data proxy: records ``startrecord``..``endrecord`` of column ``columnid``."""
    try:
        column = f"col{int(params['columnid'][0])}"
        start, end = int(params["startrecord"][0]), int(params["endrecord"][0])
    except (KeyError, ValueError):
        return None
    if column not in columns_of("jpage") or not 1 <= start <= end:
        return None
    items = [i for i in items_of("jpage") if i.column == column]
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f"<totalrecord>{len(items)}</totalrecord>\n<recordset>\n"
            f"{_records(items[start - 1:end])}</recordset>\n</datastore>\n")
    return Response(200, body.encode("utf-8"), "text/xml; charset=UTF-8", _MODIFIED)


def _json_list(params: dict[str, list[str]]) -> Response | None:
    """The JSON list endpoint: page ``pageNo`` of ``pageSize`` items of channel ``channelId``."""
    try:
        page = int(params.get("pageNo", ["1"])[0])
        size = int(params.get("pageSize", [str(JSON_PER_PAGE)])[0])
    except ValueError:
        return None
    items = items_of("json")
    if params.get("channelId", [""])[0] != "zcjd" or not 1 <= size <= 100:
        return None
    pages = page_count(len(items), size)
    rows = [{"id": int(i.path.rsplit("_", 1)[1].split(".")[0]), "title": i.doc.title,
             "url": i.path, "publishDate": i.doc.published_date}
            for i in items[(page - 1) * size:][:size]] if 1 <= page <= pages else []
    data = {"code": 200, "msg": "success", "data": {
        "pageNo": page, "pageSize": size, "totalPage": pages, "total": len(items),
        "list": rows}}
    return Response(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                    "application/json;charset=UTF-8", _MODIFIED)
