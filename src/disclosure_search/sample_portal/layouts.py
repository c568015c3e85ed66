"""More layouts of real 信息公开 portals, each behind its own landing page on one sample site.

The items are real ones of the bundled portal (``load_documents``), shown in layouts the two
main sites do not have:

- ``jpage``: a Hanweb 信息公开 landing page (``/col/col5100/``) whose columns sit at sibling
  paths (``/col/col5101/``, ``/col/col5102/``); their lists are jpage data stores (records in
  ``<script type="text/xml">``, further records from ``/module/web/jpage/dataproxy.jsp``,
  which takes its parameters as POST form data or in the query string, as Hanweb does);
  articles under ``/art/Y/M/D/``; some items say only 详见附件 and link their file through a
  download script (``downfile.jsp?filename=…``) answered as octet-stream.
- ``json``: a column whose list a script loads from a JSON endpoint, page by page.
- ``files``: a table of files: each row links straight to a PDF, its 文号, 发布机构 and date
  only in the row; paged with ``createPageHTML``.
- ``meta``: articles whose metadata is only in ``<meta>`` tags (ArticleTitle, PubDate,
  ContentSource, ColumnName) or, on some, only in script variables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from disclosure_search.sample_portal.data import PortalAttachment, PortalDocument, load_documents

#: Landing page of each layout.
LAYOUTS: dict[str, str] = {
    "jpage": "/col/col5100/index.html",
    "json": "/xxgk/zcjd/index.html",
    "files": "/xxgk/wjxz/index.html",
    "meta": "/zwgk/tzgg/index.html",
}
NAME = "示例市人民政府信息公开"
#: Body of an item whose text is only in its attachment.
SEE_ATTACHMENT = "详见附件。"
DOWNLOAD_SCRIPT = "/module/download/downfile.jsp"

#: column -> (layout, column name, category of the items picked for it, how many, how many
#: attachment-only items with a .docx file, pdf files wanted)
_COLUMNS: dict[str, tuple[str, str, str, int, int]] = {
    "col5101": ("jpage", "政务信息", "政务信息", 5, 2),
    "col5102": ("jpage", "公告公示", "公告公示", 5, 0),
    "zcjd": ("json", "政策解读", "政策解读", 8, 0),
    "wjxz": ("files", "其他文件", "", 7, 0),
    "tzgg": ("meta", "公告公示", "公告公示", 6, 0),
}


@dataclass(frozen=True)
class LayoutItem:
    """One item as a layout shows it: where it lives and what its page or file holds.

    ``path`` is the detail page (or, in the ``files`` layout, the PDF itself); ``doc`` the
    portal item with the attachments this layout links (paths on this site).
    """

    layout: str
    column: str
    column_name: str
    path: str
    doc: PortalDocument
    attachment_only: bool = False
    script_vars: bool = False


def _pool() -> list[PortalDocument]:
    return [d for d in load_documents() if d.site == "city" and d.edition == 0 and not d.role
            and d.encoding == "utf-8" and d.script == "s" and not d.republished_from]


def _file_path(doc: PortalDocument, att: PortalAttachment, n: int) -> str:
    ext = att.file.rsplit(".", 1)[1]
    return f"/xxgk/wjxz/{doc.published_date[:7].replace('-', '')}/P0{n:08d}.{ext}"


def _detail_path(layout: str, column: str, doc: PortalDocument, n: int) -> str:
    y, m, d = (int(x) for x in doc.published_date.split("-"))
    if layout == "jpage":
        return f"/art/{y}/{m}/{d}/art_{column[3:]}_{n}.html"
    if layout == "json":
        return f"/xxgk/{column}/{y}{m:02d}/t{y}{m:02d}{d:02d}_{n}.html"
    return f"/zwgk/content/post_{n}.html"


def _with_files(doc: PortalDocument, layout: str, n: int) -> PortalDocument:
    """``doc`` with its attachments moved to this site's paths (download script in jpage)."""
    moved = []
    for k, att in enumerate(doc.attachments):
        ext = att.file.rsplit(".", 1)[1]
        if layout == "jpage":
            name = f"{int(hashlib.sha1(att.file.encode()).hexdigest()[:6], 16)}.{ext}"
            path = f"{DOWNLOAD_SCRIPT}?classid=0&filename={name}"
        else:
            path = f"/files/{n}_{k}.{ext}"
        moved.append(replace(att, path=path))
    return replace(doc, attachments=tuple(moved))


def _pick_column(pool: list[PortalDocument], used: set[str], layout: str, category: str,
                 count: int, only: int) -> tuple[list[PortalDocument], set[str]]:
    """Items for one column, newest first, and the keys of those shown as attachment-only."""
    def pick(ok: Callable[[PortalDocument], bool], k: int) -> list[PortalDocument]:
        found = [d for d in pool if d.key not in used and ok(d)][:k]
        used.update(d.key for d in found)
        return found

    def has(ext: str) -> Callable[[PortalDocument], bool]:
        return lambda d: any(a.file.endswith(ext) for a in d.attachments)

    if layout == "files":
        docs, only_keys = pick(has(".pdf"), count), set()
    else:
        docs = pick(lambda d: d.category == category and not d.attachments, count - only - 1)
        docs += pick(lambda d: d.category == category and bool(d.attachments), 1)
        extra = pick(has(".docx"), only)
        docs, only_keys = docs + extra, {d.key for d in extra}
    docs.sort(key=lambda d: (d.published_date, d.pub_time, d.key), reverse=True)
    return docs, only_keys


@lru_cache(maxsize=1)
def layout_items() -> tuple[LayoutItem, ...]:
    """Every item of every layout, in list order (newest first per column)."""
    pool, used, out, n = _pool(), set[str](), [], 6000
    for column, (layout, name, category, count, only) in _COLUMNS.items():
        docs, only_keys = _pick_column(pool, used, layout, category, count, only)
        for k, doc in enumerate(docs):
            n += 1
            item = _item(layout, column, name, doc, n, doc.key in only_keys)
            out.append(replace(item, script_vars=layout == "meta" and k % 2 == 1))
    return tuple(out)


def _item(layout: str, column: str, name: str, doc: PortalDocument, n: int,
          attachment_only: bool) -> LayoutItem:
    if layout == "files":
        pdf = next(a for a in doc.attachments if a.file.endswith(".pdf"))
        path = _file_path(doc, pdf, n)
        return LayoutItem(layout, column, name, path,
                          replace(doc, attachments=(replace(pdf, path=path),)))
    moved = _with_files(doc, layout, n)
    if attachment_only:
        moved = replace(moved, body=SEE_ATTACHMENT)
    return LayoutItem(layout, column, name, _detail_path(layout, column, doc, n), moved,
                      attachment_only=attachment_only)


def items_of(layout: str) -> list[LayoutItem]:
    """The items a layout lists."""
    return [i for i in layout_items() if i.layout == layout]


def columns_of(layout: str) -> dict[str, str]:
    """column id -> column name of a layout."""
    return {c: spec[1] for c, spec in _COLUMNS.items() if spec[0] == layout}
