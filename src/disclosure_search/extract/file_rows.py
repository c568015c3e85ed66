"""Documents that are only a file: list rows that link straight to a PDF (or DOCX, XLSX …).

Many portals list some items as a row whose title links the file itself, with the 文号, 发布机构
and 发布日期 only in the row's other cells. Each such row is a document: its URL is the file's,
its title the link's (or its ``title`` attribute, which holds the whole title when the text is
cut short), its metadata the row's cells (named by the table's header row where there is one),
its category the list's column, its text the file's (read later, as any attachment's).
"""

from __future__ import annotations

import re

from disclosure_search.extract.metadata import LabelPair, as_label, clean_text, map_fields
from disclosure_search.extract.page_hints import category_of
from disclosure_search.extract.tree import Element, elements, first, inside, text_of
from disclosure_search.models import Attachment, Document, document_id
from disclosure_search.vocabulary.attachments import url_file_type
from disclosure_search.vocabulary.dates import iter_dates, parse_date
from disclosure_search.vocabulary.doc_numbers import looks_like_doc_number, normalize_doc_number
from disclosure_search.vocabulary.urls import canonicalize

_EXTENSION = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z)$", re.IGNORECASE)
_MIN_TITLE = 4


def listed_files(
    root: Element, url: str, *, source: str,
    category_prefixes: tuple[tuple[str, str], ...] = (), fallback_category: str = "",
) -> list[Document]:
    """The documents a list page holds as rows linking straight to files.

    Args:
        root: the parsed list page.
        url: its canonical URL (links resolve against it).
        source: the source id.
        category_prefixes: (URL prefix, category) pairs, matched against the file's URL.
        fallback_category: the category when neither a prefix nor the column says one.

    Returns:
        One Document per row with one file link and a date; attachments hold the file itself.
    """
    docs: dict[str, Document] = {}
    for row in elements(root, "tr", "li"):
        if first(row, "tr", "li") is not None:
            continue  # only innermost rows
        doc = _row_document(root, row, url, source, category_prefixes, fallback_category)
        if doc is not None and doc.id not in docs:
            docs[doc.id] = doc
    return list(docs.values())


def _row_document(root: Element, row: Element, url: str, source: str,
                  prefixes: tuple[tuple[str, str], ...], fallback: str) -> Document | None:
    links = [a for a in elements(row, "a") if a.get("href") is not None
             and not a.get("href").strip().lower().startswith(("javascript:", "mailto:", "#"))]
    if len(links) != 1:
        return None
    anchor = links[0]
    target = canonicalize(str(anchor.get("href")), url)
    text = clean_text(text_of(anchor, " "))
    file_type = url_file_type(target, text) if target else None
    if target is None or file_type is None:
        return None
    title = _title(anchor, text)
    fields = _row_fields(row, anchor)
    published = parse_date(fields.get("published_date"))
    if published is None or len(title) < _MIN_TITLE:
        return None  # a row without a date is no catalogue entry (a "download the form" link)
    category, raw = category_of(root, fields, target, prefixes, fallback)
    doc_number = fields.get("doc_number", "")
    return Document(
        id=document_id(target), source=source, url=target, title=title, body="",
        category=category, category_raw=raw, doc_number=doc_number,
        doc_number_norm=normalize_doc_number(doc_number),
        index_number=fields.get("index_number", ""), agency=fields.get("agency", ""),
        written_date=parse_date(fields.get("written_date")), published_date=published,
        validity=fields.get("validity", ""),
        attachments=(Attachment(url=target, name=text or title,
                                media_type=file_type.media_type),),
    )


def _title(anchor: Element, text: str) -> str:
    whole = clean_text(str(anchor.get("title") or ""))
    title = whole if len(whole) > len(text.rstrip("…. ")) else text
    return _EXTENSION.sub("", title).strip()


def _row_fields(row: Element, anchor: Element) -> dict[str, str]:
    """The row's metadata: cells named by the table's header row, else by their shape."""
    cells = [c for c in row if c.tag in ("td", "th", "span", "div", "em", "i")]
    headers = _headers(row)
    pairs = []
    for n, cell in enumerate(cells):
        if inside(anchor, cell):
            continue
        value = clean_text(text_of(cell, " ")).strip("[]【】()（） ")
        label = headers[n] if n < len(headers) else None
        if value and label:
            pairs.append(LabelPair(label, value, None))
    fields = map_fields(pairs)
    rest = " ".join(clean_text(text_of(c, " ")) for c in cells if not inside(anchor, c))
    if not rest:  # an <li> whose date is loose text beside the link
        rest = clean_text(text_of(row, " ").replace(text_of(anchor, " "), " "))
    if "published_date" not in fields:
        found = next(iter_dates(rest), None)
        if found is not None:
            fields["published_date"] = found.isoformat()
    if "doc_number" not in fields:
        number = next((clean_text(text_of(c, " ")) for c in cells if not inside(anchor, c)
                       and looks_like_doc_number(text_of(c, " "))), "")
        if number:
            fields["doc_number"] = number
    return fields


def _headers(row: Element) -> list[str | None]:
    """The labels of the header row of ``row``'s table (None for a column with no label)."""
    table = next(row.iterancestors("table"), None)
    if table is None:
        return []
    for candidate in elements(table, "tr"):
        cells = [c for c in candidate if c.tag in ("th", "td")]
        labels = [as_label(text_of(c)) for c in cells]
        if first(candidate, "a") is None and sum(1 for x in labels if x) >= 2:
            return labels
    return []
