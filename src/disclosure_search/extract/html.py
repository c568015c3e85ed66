"""Turn a detail page's HTML into a Document; say None for list, index and search pages."""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from datetime import date

from lxml import etree

from disclosure_search.extract.body import find_main, render_text, strip_boilerplate
from disclosure_search.extract.links import find_attachments
from disclosure_search.extract.metadata import (
    LabelPair,
    clean_text,
    find_label_pairs,
    inline_label_pattern,
    map_fields,
)
from disclosure_search.extract.page_hints import category_of, meta_content, script_fields
from disclosure_search.extract.tree import (
    Element,
    attached,
    check_shape,
    elements,
    first,
    inside,
    next_element,
    text_of,
)
from disclosure_search.htmltree import parse_text
from disclosure_search.models import Document, document_id
from disclosure_search.vocabulary.dates import iter_dates, parse_date
from disclosure_search.vocabulary.doc_numbers import looks_like_doc_number, normalize_doc_number
from disclosure_search.vocabulary.folding import to_simplified
from disclosure_search.vocabulary.labels import (
    ISSUING_AGENCY_LABELS,
    SUBJECT_LABELS,
    TOPIC_LABELS,
    simplified_label,
)

logger = logging.getLogger(__name__)
_METADATA_LINE = inline_label_pattern()

_DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
              "dc.date", "dcterms.issued")  # fmt: skip
_TITLE_META = ("articletitle", "og:title", "dc.title")
_SITE_SUFFIX = re.compile(r"\s*[-_|｜—–]+\s*")
_GENERIC_DATE_LABELS = {"日期", "时间", "時間"}
_MIN_BODY = 60
# Labels too common in body text ("时间：1月24日至30日") to drop a line for.
_WEAK_LABELS = {"日期", "时间", "来源", "分类", "类别", "名称", "标题", "栏目", "索引", "关键词",
                "关键字", "时效"}  # fmt: skip
_MAX_METADATA_LINE = 160
_LIST_ITEMS = 8
_HEADING_XPATH = etree.XPath(
    "descendant-or-self::*[contains(@class, 'title') or contains(@id, 'title')"
    " or contains(@class, 'Title') or contains(@id, 'Title')]")
_FOLLOWING_TEXT = etree.XPath("descendant::text() | descendant::comment() | following::text()"
                              " | following::comment()")


def parse_page(html: str) -> Element:
    """Parse ``html`` (``htmltree.parse_text``); refuse pages too deep or too large to walk
    (ExtractError, see ``tree.check_shape``)."""
    root = parse_text(html)
    check_shape(root)
    return root


def extract_metadata(html: str) -> dict[str, str]:
    """Return the page's labelled metadata as field -> value (see ``metadata.map_fields``).

    Args:
        html: the page as text.

    Returns:
        e.g. {"index_number": "...", "agency": "...", "written_date": "2018-03-05", ...}
        with values as published.
    """
    return map_fields(find_label_pairs(parse_page(html)))


def _title_from_head(root: Element) -> str:
    tag = first(root, "title")
    text = clean_text(text_of(tag)) if tag is not None else ""
    parts = [p for p in _SITE_SUFFIX.split(text) if p]
    return max(parts, key=len) if parts else ""


def _heading(root: Element, head_title: str) -> Element | None:
    candidates = list(elements(root, "h1", "h2", "h3"))
    candidates += _HEADING_XPATH(root)
    usable = [c for c in candidates
              if 4 <= len(text_of(c, strip=True)) <= 200 and first(c, "a") is None]
    for tag in usable:
        text = clean_text(text_of(tag, " "))
        if head_title and (text in head_title or head_title in text):
            return tag
    h1 = [t for t in usable if t.tag == "h1"]
    return h1[0] if h1 else None


def _title(root: Element, fields: dict[str, str],
           script_title: str = "") -> tuple[str, Element | None]:
    """The title: meta, label, heading, a script variable (written by the script), <title>."""
    head_title = _title_from_head(root)
    heading = _heading(root, head_title or script_title)
    for value in (meta_content(root, _TITLE_META), fields.get("title", "")):
        if value:
            return value, heading
    if heading is not None:
        return clean_text(text_of(heading, " ")), heading
    return script_title or head_title, None


def _date_near(heading: Element | None, limit: int = 40) -> date | None:
    if heading is None:
        return None
    for count, node in enumerate(_FOLLOWING_TEXT(heading)):
        if count >= limit:
            break
        found = next(iter_dates(node if isinstance(node, str) else node.text or ""), None)
        if found is not None:
            return found
    return None


def _published_date(
    root: Element, fields: dict[str, str], heading: Element | None
) -> date | None:
    declared = parse_date(fields.get("published_date"))
    generic = fields.get("published_date_label") in _GENERIC_DATE_LABELS
    if declared is not None and not generic:
        return declared
    return parse_date(meta_content(root, _DATE_META)) or declared or _date_near(heading)


def _labelled(pairs: list[LabelPair], labels: frozenset[str]) -> str:
    """The value of the first pair whose label (in either script) is one of ``labels``.

    For fields a more trusted label of the same kind would hide: the 主题分类 also when
    信息分类 gave the category, the 发文机关 also when 发布机构 gave the agency.
    """
    return next((p.value for p in pairs if simplified_label(p.label) in labels), "")


def _drop_metadata_lines(body: str) -> str:
    """Drop lines such as "发布时间：2020-07-01 来源：..." that repeat the metadata."""
    kept = []
    for line in body.split("\n"):
        match = _METADATA_LINE.match(line)
        label = re.sub(r"\s+", "", match.group(1)) if match else ""
        if match and len(line) <= _MAX_METADATA_LINE and label not in _WEAK_LABELS:
            continue
        kept.append(line)
    return "\n".join(kept)


def _doc_number(fields: dict[str, str], body: str) -> str:
    if fields.get("doc_number"):
        return fields["doc_number"]
    for line in body.split("\n")[:4]:
        if looks_like_doc_number(line):
            return line.strip()
    return ""


def language_hint(text: str) -> str:
    """Return "zh-Hant" when ``text`` is written in Traditional script, else "zh-Hans"."""
    sample = "".join(ch for ch in text[:2000] if "\u4e00" <= ch <= "\u9fff")
    if not sample:
        return ""
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample), strict=False))
    return "zh-Hant" if changed / len(sample) > 0.05 else "zh-Hans"


def _drop_metadata(root: Element, main: Element, labels: list[Element],
                   heading: Element | None) -> None:
    """Remove the title and the metadata block when a generic container holds them."""
    if heading is not None and attached(heading, root) and inside(heading, main):
        heading.drop_tree()
    for label in labels:
        if not attached(label, root) or not inside(label, main):
            continue
        block = next(label.iterancestors("table", "dl", "ul"), None)
        held = sum(1 for t in labels if block is not None and inside(t, block))
        if block is not None and block is not main and held >= 2:
            block.drop_tree()
            continue
        value = next_element(label)
        if value is not None:
            value.drop_tree()
        label.drop_tree()


def _is_detail(root: Element, fields: dict[str, str], main: Element | None, body: str) -> bool:
    """Detail pages declare an article or carry metadata; list pages are mostly dated links."""
    known = {"index_number", "agency", "written_date", "doc_number", "published_date"}
    if meta_content(root, ("articletitle",)) or len(known & fields.keys()) >= 2:
        return True
    if main is None:
        return False
    dated_links = sum(
        1 for item in elements(main, "li", "tr")
        if first(item, "a") is not None and parse_date(text_of(item))
    )
    return dated_links < _LIST_ITEMS and len(body) >= _MIN_BODY


def extract_document(
    html: str,
    url: str,
    *,
    source: str,
    category_prefixes: tuple[tuple[str, str], ...] = (),
    fallback_category: str = "",
) -> Document | None:
    """Extract a Document from a detail page, or return None for any other kind of page.

    Args:
        html: the page as text (see ``charset.decode_html``).
        url: the page's canonical URL; the document id derives from it and links resolve
            against it.
        source: the source id from the configuration.
        category_prefixes: (URL prefix, category) pairs used when the page states no
            category of its own; the longest matching prefix wins.
        fallback_category: the category when nothing else says one.

    Returns:
        The Document (attachments listed, their text not yet read), or None when the page
        is a list, index or search page.

    Raises:
        ExtractError: the page is nested deeper than :data:`MAX_DEPTH` or has more than
            :data:`MAX_ELEMENTS` elements.
    """
    return document_from_tree(parse_page(html), url, source=source,
                              category_prefixes=category_prefixes,
                              fallback_category=fallback_category)


def document_from_tree(
    root: Element,
    url: str,
    *,
    source: str,
    category_prefixes: tuple[tuple[str, str], ...] = (),
    fallback_category: str = "",
) -> Document | None:
    """:func:`extract_document` on a parsed page (``htmltree``); the caller checks its shape
    first (``tree.check_shape``). The tree is not changed: boilerplate is dropped from a copy
    (a C copy, a fraction of a parse), so the crawler's tree serves the list's rows too."""
    root = deepcopy(root)
    pairs = find_label_pairs(root)
    fields = map_fields(pairs)
    script = script_fields(root)
    for name in ("published_date", "agency", "column"):  # what the page shows wins
        if name in script:
            fields.setdefault(name, script[name])
    title, heading = _title(root, fields, script.get("title", ""))
    published = _published_date(root, fields, heading)
    category, category_raw = category_of(root, fields, url, category_prefixes,
                                         fallback_category)
    attachments = find_attachments(root, url)
    labels = [pair.element for pair in pairs if pair.element is not None]
    strip_boilerplate(root)
    main = find_main(root)
    if main is not None:
        _drop_metadata(root, main, labels, heading)
    body = _drop_metadata_lines(render_text(main)) if main is not None else ""
    if not _is_detail(root, fields, main, body) or not title:
        logger.debug("not a detail page: %s", url)
        return None
    doc_number = _doc_number(fields, body)
    return Document(
        id=document_id(url),
        source=source,
        url=url,
        title=title,
        body=body,
        category=category,
        category_raw=category_raw,
        doc_number=doc_number,
        doc_number_norm=normalize_doc_number(doc_number),
        index_number=fields.get("index_number", ""),
        agency=fields.get("agency", "") or meta_content(root, ("contentsource", "author")),
        issuing_agency=_labelled(pairs, ISSUING_AGENCY_LABELS),
        written_date=parse_date(fields.get("written_date")),
        published_date=published,
        validity=fields.get("validity", ""),
        topic=_labelled(pairs, TOPIC_LABELS),
        subject=_labelled(pairs, SUBJECT_LABELS),
        attachments=attachments,
        language_hint=language_hint(title + body),
    )
