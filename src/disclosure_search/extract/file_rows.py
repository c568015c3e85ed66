"""Documents that are only a file: list rows that link straight to a PDF (or DOCX, XLSX …).

Many portals list some items as a row whose title links the file itself, with the 文号, 发布机构
and 发布日期 only in the row's other cells. Each such row is a document: its URL is the file's,
its title the link's (or its ``title`` attribute, which holds the whole title when the text is
cut short), its metadata the row's cells (named by the table's header row where there is one),
its category the list's column, its text the file's (read later, as any attachment's).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from disclosure_search.extract.metadata import LabelPair, as_label, clean_text, map_fields
from disclosure_search.extract.page_hints import category_of
from disclosure_search.models import Attachment, Document, document_id
from disclosure_search.vocabulary.attachments import url_file_type
from disclosure_search.vocabulary.dates import iter_dates, parse_date
from disclosure_search.vocabulary.doc_numbers import looks_like_doc_number, normalize_doc_number
from disclosure_search.vocabulary.urls import canonicalize

_EXTENSION = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z)$", re.IGNORECASE)
_MIN_TITLE = 4


def listed_files(
    soup: BeautifulSoup, url: str, *, source: str,
    category_prefixes: tuple[tuple[str, str], ...] = (), fallback_category: str = "",
) -> list[Document]:
    """The documents a list page holds as rows linking straight to files.

    Args:
        soup: the parsed list page.
        url: its canonical URL (links resolve against it).
        source: the source id.
        category_prefixes: (URL prefix, category) pairs, matched against the file's URL.
        fallback_category: the category when neither a prefix nor the column says one.

    Returns:
        One Document per row with one file link and a date; attachments hold the file itself.
    """
    docs: dict[str, Document] = {}
    for row in soup.find_all(["tr", "li"]):
        if row.find(["tr", "li"]) is not None:
            continue  # only innermost rows
        doc = _row_document(soup, row, url, source, category_prefixes, fallback_category)
        if doc is not None and doc.id not in docs:
            docs[doc.id] = doc
    return list(docs.values())


def _row_document(soup: BeautifulSoup, row: Tag, url: str, source: str,
                  prefixes: tuple[tuple[str, str], ...], fallback: str) -> Document | None:
    links = [a for a in row.find_all("a", href=True)
             if not str(a["href"]).strip().lower().startswith(("javascript:", "mailto:", "#"))]
    if len(links) != 1:
        return None
    anchor = links[0]
    target = canonicalize(str(anchor["href"]), url)
    text = clean_text(anchor.get_text(" "))
    file_type = url_file_type(target, text) if target else None
    if target is None or file_type is None:
        return None
    title = _title(anchor, text)
    fields = _row_fields(row, anchor)
    published = parse_date(fields.get("published_date"))
    if published is None or len(title) < _MIN_TITLE:
        return None  # a row without a date is no catalogue entry (a "download the form" link)
    category, raw = category_of(soup, fields, target, prefixes, fallback)
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


def _title(anchor: Tag, text: str) -> str:
    whole = clean_text(str(anchor.get("title") or ""))
    title = whole if len(whole) > len(text.rstrip("…. ")) else text
    return _EXTENSION.sub("", title).strip()


def _row_fields(row: Tag, anchor: Tag) -> dict[str, str]:
    """The row's metadata: cells named by the table's header row, else by their shape."""
    cells = row.find_all(["td", "th", "span", "div", "em", "i"], recursive=False)
    headers = _headers(row)
    pairs = []
    for n, cell in enumerate(cells):
        if anchor in cell.descendants:
            continue
        value = clean_text(cell.get_text(" ")).strip("[]【】()（） ")
        label = headers[n] if n < len(headers) else None
        if value and label:
            pairs.append(LabelPair(label, value, None))
    fields = map_fields(pairs)
    rest = " ".join(clean_text(c.get_text(" ")) for c in cells if anchor not in c.descendants)
    if not rest:  # an <li> whose date is loose text beside the link
        rest = clean_text(row.get_text(" ").replace(anchor.get_text(" "), " "))
    if "published_date" not in fields:
        found = next(iter_dates(rest), None)
        if found is not None:
            fields["published_date"] = found.isoformat()
    if "doc_number" not in fields:
        number = next((clean_text(c.get_text(" ")) for c in cells if anchor not in c.descendants
                       and looks_like_doc_number(c.get_text(" "))), "")
        if number:
            fields["doc_number"] = number
    return fields


def _headers(row: Tag) -> list[str | None]:
    """The labels of the header row of ``row``'s table (None for a column with no label)."""
    table = row.find_parent("table")
    if table is None:
        return []
    for candidate in table.find_all("tr"):
        cells = candidate.find_all(["th", "td"], recursive=False)
        labels = [as_label(c.get_text("")) for c in cells]
        if candidate.find("a") is None and sum(1 for x in labels if x) >= 2:
            return labels
    return []
