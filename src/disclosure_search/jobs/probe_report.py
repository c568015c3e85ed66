"""What ``sources probe`` prints: a ready ``[[sources]]`` section and a preview of documents."""

from __future__ import annotations

import json

from disclosure_search.extract.categories import OTHER
from disclosure_search.jobs.probe import ProbeResult
from disclosure_search.models import Document

_PREVIEW_CHARS = 120


def toml_str(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def sources_toml(result: ProbeResult) -> str:
    """The ``[[sources]]`` section for the probed site, comments saying what was found."""
    stats = result.stats
    lines = [
        f"# 由 `disclosure-search sources probe {result.start_url}` 生成",
        f"# 探查了 {stats.fetched} 个网址：{len(result.lists)} 个栏目列表，"
        f"{result.details} 个详情页，{result.files} 个文件"
        + ("；已到页数预算，未看完" if stats.out_of_budget else "；已全部看完"),
    ]
    if stats.skipped_robots:
        lines.append(f"# robots.txt 禁止了 {stats.skipped_robots} 个网址，抓取时同样遵守")
    lines += [f"# 字符集：{note}" for note in result.charsets]
    lines += _list_notes(result)
    lines += [
        "[[sources]]",
        f"id = {toml_str(result.source_id)}",
        f"name = {toml_str(result.name or result.source_id)}",
        f"start_urls = [{toml_str(result.start_url)}]",
    ]
    lines += _scope_notes(result)
    categories = {page.prefix: page for page in result.lists if page.prefix}
    if categories:
        lines.append("")
        lines.append("[sources.categories]")
        lines += [f"{toml_str(prefix)} = {toml_str(page.category)}  # 栏目 {page.name}"
                  for prefix, page in sorted(categories.items())]
    return "\n".join(lines) + "\n"


def _list_notes(result: ProbeResult) -> list[str]:
    out = []
    for page in result.lists:
        category = page.category if page.category != OTHER else "无对应分类"
        where = "" if page.prefix or page.category == OTHER else (
            "；文件不在栏目目录下，分类以文件页面所写为准")
        out.append(f"# 栏目 {page.url}：{page.name or '无名称'}（{category}），"
                   f"{page.paging}{where}")
    return out


def _scope_notes(result: ProbeResult) -> list[str]:
    left = result.stats.left_out
    if not left:
        return ["# 默认范围（本页目录、它链接的同级栏目、列表中的文章形链接）"
                "已覆盖探查到的全部链接"]
    folders = "，".join(f"{folder}（{n}）" for folder, n in left.most_common(5))
    return ["# 默认范围没有包括这些目录下的链接：" + folders,
            "# 如果文件在那里，把这些目录加入 start_urls，或设置",
            '# detail_url_pattern = "..." / list_url_pattern = "..."（对完整网址的正则）']


def preview(result: ProbeResult) -> str:
    """Every field of the first documents, for a person to check what extraction makes."""
    if not result.documents:
        return "探查到的页面没有提取出文件\n"
    blocks = [_document(n, doc) for n, doc in enumerate(result.documents, 1)]
    return f"前 {len(blocks)} 个文件的预览：\n\n" + "\n\n".join(blocks) + "\n"


def _document(n: int, doc: Document) -> str:
    fields = [
        ("网址", doc.url), ("标题", doc.title),
        ("分类", f"{doc.category}（页面所写：{doc.category_raw or '无'}）"),
        ("文号", doc.doc_number), ("索引号", doc.index_number), ("发布机构", doc.agency),
        ("发文机关", doc.issuing_agency), ("主题词", doc.subject),
        ("成文日期", _date(doc.written_date)), ("发布日期", _date(doc.published_date)),
        ("有效性", doc.validity), ("主题分类", doc.topic), ("正文", _cut(doc.body)),
    ]
    lines = [f"[{n}] {doc.title}"] + [f"    {name}：{value or '-'}" for name, value in fields]
    for att in doc.attachments:
        state = att.error or f"{len(att.text)} 字：{_cut(att.text)}"
        lines.append(f"    附件：{att.name}（{att.media_type or '类型未知'}）{att.url}\n"
                     f"        {state}")
    if not doc.attachments:
        lines.append("    附件：-")
    return "\n".join(lines)


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW_CHARS else flat[:_PREVIEW_CHARS] + "…"
