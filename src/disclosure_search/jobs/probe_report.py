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
        f"# suggested by `disclosure-search sources probe {result.start_url}`",
        f"# explored {stats.fetched} URLs: {len(result.lists)} lists, "
        f"{result.details} detail pages, {result.files} files"
        + ("; stopped at the page budget" if stats.out_of_budget else "; nothing more to see"),
    ]
    if stats.skipped_robots:
        lines.append(f"# robots.txt kept {stats.skipped_robots} URLs out; the crawl obeys it too")
    lines += [f"# charset: {note}" for note in result.charsets]
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
        lines += [f"{toml_str(prefix)} = {toml_str(page.category)}  # column {page.name}"
                  for prefix, page in sorted(categories.items())]
    return "\n".join(lines) + "\n"


def _list_notes(result: ProbeResult) -> list[str]:
    out = []
    for page in result.lists:
        category = page.category if page.category != OTHER else "no category"
        where = "" if page.prefix or page.category == OTHER else (
            "; its documents are not in its folder, their pages state the category")
        out.append(f"# list {page.url}: {page.name or 'unnamed'} ({category}), "
                   f"{page.paging}{where}")
    return out


def _scope_notes(result: ProbeResult) -> list[str]:
    left = result.stats.left_out
    if not left:
        return ["# the default scope (this page's folder, the columns beside it it links to,",
                "# article-shaped links of its lists) reached everything the probe followed"]
    folders = ", ".join(f"{folder} ({n})" for folder, n in left.most_common(5))
    return ["# the default scope left out links under " + folders,
            "# if documents live there, add those folders to start_urls or set",
            '# detail_url_pattern = "..." / list_url_pattern = "..." (regexes on absolute URLs)']


def preview(result: ProbeResult) -> str:
    """Every field of the first documents, for a person to check what extraction makes."""
    if not result.documents:
        return "no documents extracted from the pages the probe met\n"
    blocks = [_document(n, doc) for n, doc in enumerate(result.documents, 1)]
    return f"preview of {len(blocks)} documents:\n\n" + "\n\n".join(blocks) + "\n"


def _document(n: int, doc: Document) -> str:
    fields = [
        ("url", doc.url), ("title", doc.title), ("category", f"{doc.category} "
                                                            f"(as published: {doc.category_raw})"),
        ("doc_number", doc.doc_number), ("index_number", doc.index_number),
        ("agency", doc.agency), ("written_date", _date(doc.written_date)),
        ("published_date", _date(doc.published_date)), ("validity", doc.validity),
        ("topic", doc.topic), ("body", _cut(doc.body)),
    ]
    lines = [f"[{n}] {doc.title}"] + [f"    {name:<15}{value or '-'}" for name, value in fields]
    for att in doc.attachments:
        state = att.error or f"{len(att.text)} characters: {_cut(att.text)}"
        lines.append(f"    attachment     {att.name} ({att.media_type or 'type unknown'}) "
                     f"{att.url}\n                   {state}")
    if not doc.attachments:
        lines.append("    attachments    -")
    return "\n".join(lines)


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW_CHARS else flat[:_PREVIEW_CHARS] + "…"
