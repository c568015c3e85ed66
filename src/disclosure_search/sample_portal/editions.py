"""How the sample portal changes between editions, for history tests and the nightly crawl.

Edition 0 is the base: every item whose ``edition`` is 0, as built.

Edition 1 (all on the bureau site, ``kjj``):

- 5 new items appear at the top of the 政务信息 column (``/xxgk/zwxx/``), dated 2021, so every
  static list page of that column shifts by five entries (their ``edition`` is 1);
- the item with ``role == "edited"`` (a 2018 公告公示 item) changes visibly: title gains
  "（修订）", the body gains a paragraph, the 文号 in its metadata table changes;
- the item with ``role == "silent"`` (a 2018 政务信息 item) changes its body text only: same
  title, same dates, same metadata;
- the item with ``role == "removed"`` (a 2019 政务信息 item) is delisted and its URL answers 404.

Edition 2: everything in edition 1, and the item with ``role == "gone"`` (another 2019 政务信息
item) is delisted and its URL answers 410 Gone.

The new text of edited items is real text chosen by the build (``revision``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from disclosure_search.sample_portal.data import PortalDocument

#: Newest edition the portal knows.
MAX_EDITION = 2

#: When each edition was "published": the Last-Modified of the pages it changed.
EDITION_TIMES: dict[int, datetime] = {
    0: datetime(2023, 1, 1, 0, 0, tzinfo=UTC),
    1: datetime(2023, 2, 1, 0, 0, tzinfo=UTC),
    2: datetime(2023, 3, 1, 0, 0, tzinfo=UTC),
}


def state(doc: PortalDocument, edition: int) -> tuple[int, PortalDocument]:
    """Return the HTTP status of ``doc``'s page in ``edition`` and the item as then shown.

    Args:
        doc: an item as built.
        edition: 0, 1 or 2.

    Returns:
        ``(200, item)`` when listed (with the edition's revision applied), ``(404, doc)`` when
        not yet published or removed, ``(410, doc)`` when gone.
    """
    if doc.edition > edition:
        return 404, doc
    if doc.role == "removed" and edition >= 1:
        return 404, doc
    if doc.role == "gone" and edition >= 2:
        return 410, doc
    if doc.role in ("edited", "silent") and edition >= 1:
        rev = doc.revision
        return 200, replace(doc, title=rev.get("title", doc.title), body=rev.get("body", doc.body),
                            doc_number=rev.get("doc_number", doc.doc_number))
    return 200, doc


def changed_in(doc: PortalDocument, edition: int) -> bool:
    """Whether ``doc``'s page was (re)published by ``edition`` rather than edition 0."""
    return edition >= 1 and (doc.edition >= 1 or doc.role in ("edited", "silent"))
