"""The sample portal's items: the records the build wrote, loaded lazily from the package data."""

from __future__ import annotations

import json
import lzma
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from disclosure_search.models import Document, document_id

#: Folder holding ``items.jsonl.xz`` and ``attachments/``; shipped inside the package.
DATA_DIR = Path(__file__).with_name("data")
ITEMS_FILE = "items.jsonl.xz"

SITE_NAMES: dict[str, str] = {"kjj": "示例市科技局", "city": "示例市人民政府"}


@dataclass(frozen=True)
class PortalAttachment:
    """A file linked from an item: its URL path, link text, media type and the real text in it.

    ``file`` names the file under ``data/attachments/``; the portal serves it at ``path``.
    """

    path: str
    name: str
    media_type: str
    file: str
    text: str = ""


@dataclass(frozen=True)
class PortalDocument:
    """One item of the sample portal, as the build wrote it (edition 0 unless ``edition`` says).

    ``site`` is the source id (``kjj`` or ``city``); ``path`` the detail page's URL path.
    ``script`` is ``s`` (Simplified) or ``t`` (Traditional). ``encoding`` is how the page is
    served: ``utf-8``, ``gbk`` (meta charset only) or ``gbk-lying`` (GBK bytes, meta says utf-8).
    ``edition`` is the first edition listing the item; ``role`` marks the items that editions
    change (``edited``, ``silent``, ``removed``, ``gone``) and ``revision`` holds their new text.
    """

    key: str
    site: str
    path: str
    column: str
    title: str
    body: str
    category: str
    doc_number: str
    index_number: str
    agency: str
    written_date: str
    published_date: str
    pub_time: str
    validity: str = ""
    script: str = "s"
    encoding: str = "utf-8"
    pubdate_meta: bool = True
    edition: int = 0
    role: str = ""
    revision: dict[str, str] = field(default_factory=dict)
    republished_from: str = ""
    attachments: tuple[PortalAttachment, ...] = ()

    @property
    def year(self) -> int:
        """The year of the 发布日期."""
        return int(self.published_date[:4])


def as_document(item: PortalDocument) -> Document:
    """Return ``item`` as the Document a crawl of the running portal would extract.

    The URL's host is ``<site>.example.gov.cn`` (no server needed): tests and benchmarks
    index the portal's real documents without crawling them.
    """
    url = f"http://{item.site}.example.gov.cn{item.path}"
    return Document(
        id=document_id(url), source=item.site, url=url, title=item.title, body=item.body,
        category=item.category, doc_number=item.doc_number, index_number=item.index_number,
        agency=item.agency, validity=item.validity,
        written_date=date.fromisoformat(item.written_date) if item.written_date else None,
        published_date=date.fromisoformat(item.published_date),
    )


def document_from_json(rec: dict[str, Any]) -> PortalDocument:
    """Build a :class:`PortalDocument` from one parsed line of ``items.jsonl``."""
    data = dict(rec)
    data["attachments"] = tuple(PortalAttachment(**a) for a in rec.get("attachments", ()))
    data["revision"] = dict(rec.get("revision") or {})
    return PortalDocument(**data)


def document_to_json(doc: PortalDocument) -> dict[str, Any]:
    """Return the JSON-ready dict of ``doc`` (attachments as dicts, keys in field order)."""
    out: dict[str, Any] = {}
    for name in PortalDocument.__dataclass_fields__:
        value = getattr(doc, name)
        if name == "attachments":
            value = [a.__dict__ for a in value]
        out[name] = value
    return out


@lru_cache(maxsize=4)
def _load(data_dir: Path) -> tuple[PortalDocument, ...]:
    """Read and decompress the items file once per folder."""
    path = data_dir / ITEMS_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; rebuild it with tools/build_sample_portal.py --corpus DIR"
        )
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        return tuple(document_from_json(json.loads(line)) for line in fh if line.strip())


def load_documents(data_dir: Path | None = None) -> list[PortalDocument]:
    """Return every item of both sample sites, including those only later editions list.

    Args:
        data_dir: a folder written by the build tool; the bundled data by default.

    Returns:
        The items in build order (bureau first, then city). Filter on ``edition == 0`` for
        what the base edition lists; ``body`` and attachment ``text`` are the real text served.
    """
    return list(_load((data_dir or DATA_DIR).resolve()))


def attachment_bytes(attachment: PortalAttachment, data_dir: Path | None = None) -> bytes:
    """Return the bytes of a bundled attachment file."""
    return ((data_dir or DATA_DIR) / "attachments" / attachment.file).read_bytes()
