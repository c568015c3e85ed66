"""Documents in the catalog: one row per detail URL, a new version only when its content changes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from disclosure_search.archive.store import Store, from_text, to_text
from disclosure_search.errors import ArchiveError
from disclosure_search.models import Attachment, Capture, Document, Version

Change = Literal["new", "changed", "unchanged"]

#: Document fields kept in a version's metadata (title and body have their own columns).
VERSIONED_FIELDS = (
    "category", "category_raw", "doc_number", "doc_number_norm", "index_number", "agency",
    "written_date", "published_date", "validity", "issuing_agency", "subject",
)
_COLUMNS = (
    "title", "category", "category_raw", "doc_number", "doc_number_norm", "index_number",
    "agency", "written_date", "published_date", "validity", "issuing_agency", "subject",
)


def _metadata(doc: Document) -> dict[str, str]:
    meta = {name: _text(getattr(doc, name)) for name in VERSIONED_FIELDS}
    meta["attachments"] = "\n".join(f"{a.name} <{a.url}>" for a in doc.attachments)
    return meta


def fingerprint(doc: Document) -> str:
    """A digest of everything about ``doc`` that the search index holds (attachment text too).

    Stored with the document in the same transaction, and by the index with its copy, so
    comparing the two says which documents the index lacks or holds in an older state.
    """
    parts = [doc.source, doc.url, doc.title, doc.body, doc.language_hint, doc.topic,
             *(_text(getattr(doc, name)) for name in VERSIONED_FIELDS),
             *(f"{a.url}\x1f{a.name}\x1f{a.text}" for a in doc.attachments)]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _row_metadata(doc: Document) -> str:
    """The documents row's JSON of fields without a column of their own.

    主题分类 (``topic``) lives here rather than in a version's metadata: pages that always
    carried it would otherwise all gain a new version at the first crawl that reads it.
    """
    return json.dumps({"language_hint": doc.language_hint, "topic": doc.topic},
                      ensure_ascii=False)


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def change_summary(old_title: str, old_body: str, old_meta: dict[str, str],
                   doc: Document) -> str:
    """A short note of what changed between a version and ``doc``: title, body size, fields.

    A field the version does not record (stored before the extractor read it) is no change:
    reading 发文机关 for the first time must not give every such page a new version.
    """
    parts: list[str] = []
    if old_title != doc.title:
        parts.append(f"title: {old_title!r} → {doc.title!r}")
    if old_body != doc.body:
        parts.append(f"body: {len(old_body)} → {len(doc.body)} characters")
    new_meta = _metadata(doc)
    changed = [k for k in sorted(set(old_meta) | set(new_meta))
               if k in old_meta and old_meta[k] != new_meta.get(k, "")]
    if changed:
        parts.append("fields: " + ", ".join(changed))
    return "; ".join(parts)


class DocumentsMixin(Store):
    """The documents, versions and attachments half of :class:`Catalog`."""

    def capture(self, capture_id: int) -> Capture | None:  # provided by Catalog
        raise NotImplementedError

    def upsert_document(self, doc: Document, capture_id: int | None) -> Change:
        """Store what extraction made of a detail page seen in capture ``capture_id``.

        A new version is added only when the content (title, body, or versioned metadata
        such as 文号, dates and attachment list) differs from the current version. A document
        that reappears is no longer marked removed.

        Returns:
            ``new`` (first time), ``changed`` (a new version) or ``unchanged``.
        """
        capture = self.capture(capture_id) if capture_id is not None else None
        seen = capture.fetched_at if capture else datetime.now(UTC)
        self.ensure_source(doc.source)
        with self.lock, self.conn:
            row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc.id,)).fetchone()
            if row is None:
                self._insert(doc, capture_id, seen)
                outcome: Change = "new"
            else:
                outcome = self._update(row, doc, capture_id, seen)
            self._store_attachments(doc)
        return outcome

    def _insert(self, doc: Document, capture_id: int | None, seen: datetime) -> None:
        values = [_text(getattr(doc, c)) or None if c.endswith("_date") else getattr(doc, c)
                  for c in _COLUMNS]
        self.conn.execute(
            f"INSERT INTO documents (id, source, url, current_version, capture_id,"
            f" {', '.join(_COLUMNS)}, first_seen, last_changed, metadata, fingerprint)"
            f" VALUES (?, ?, ?, 1, ?, {', '.join('?' * len(_COLUMNS))}, ?, ?, ?, ?)",
            (doc.id, doc.source, doc.url, capture_id, *values, to_text(seen), to_text(seen),
             _row_metadata(doc), fingerprint(doc)),
        )
        self._add_version(doc, 1, capture_id, seen, "first seen")

    def _update(self, row: sqlite3.Row, doc: Document, capture_id: int | None,
                seen: datetime) -> Change:
        current = self.conn.execute(
            "SELECT * FROM versions WHERE document_id = ? AND number = ?",
            (doc.id, row["current_version"]),
        ).fetchone()
        old_meta = json.loads(current["metadata"]) if current else {}
        summary = change_summary(current["title"] if current else "",
                                 current["body"] if current else "", old_meta, doc)
        number = row["current_version"] + (1 if summary else 0)
        if summary:
            self._add_version(doc, number, capture_id, seen, summary)
        elif current is not None and set(_metadata(doc)) - set(old_meta):
            # the version now records the fields it lacked, so a later change shows
            self.conn.execute(
                "UPDATE versions SET metadata = ? WHERE document_id = ? AND number = ?",
                (json.dumps({**_metadata(doc), **old_meta}, ensure_ascii=False), doc.id,
                 number))
        values = [_text(getattr(doc, c)) or None if c.endswith("_date") else getattr(doc, c)
                  for c in _COLUMNS]
        self.conn.execute(
            f"UPDATE documents SET {', '.join(c + ' = ?' for c in _COLUMNS)},"
            " current_version = ?, capture_id = ?, removed_at = NULL, metadata = ?,"
            " fingerprint = ?,"
            " last_changed = CASE WHEN ? THEN ? ELSE last_changed END WHERE id = ?",
            (*values, number, capture_id or row["capture_id"], _row_metadata(doc),
             fingerprint(doc), bool(summary), to_text(seen), doc.id),
        )
        return "changed" if summary else "unchanged"

    def _add_version(self, doc: Document, number: int, capture_id: int | None,
                     seen: datetime, summary: str) -> None:
        self.conn.execute(
            "INSERT INTO versions (document_id, number, capture_id, seen_at, title, body,"
            " metadata, change_summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, number, capture_id, to_text(seen), doc.title, doc.body,
             json.dumps(_metadata(doc), ensure_ascii=False), summary),
        )

    def _store_attachments(self, doc: Document) -> None:
        self.conn.execute("DELETE FROM attachments WHERE document_id = ?", (doc.id,))
        for att in doc.attachments:
            found = self.conn.execute(
                "SELECT id FROM captures WHERE url = ? AND status = 200 AND truncated = 0"
                " ORDER BY id DESC LIMIT 1",
                (att.url,),
            ).fetchone()
            self.conn.execute(
                "INSERT OR REPLACE INTO attachments (document_id, url, name, media_type, size,"
                " capture_id, text, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.id, att.url, att.name, att.media_type, att.size,
                 found["id"] if found else None, att.text, att.error),
            )

    def mark_removed(self, doc_id: str, when: datetime) -> None:
        """Note that the document's page is gone (404, or no longer listed) as of ``when``."""
        self.execute(
            "UPDATE documents SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            (to_text(when), doc_id),
        )

    def document(self, doc_id: str) -> Document | None:
        """The document with its archive dates and attachments (with their text), or None."""
        row = self.fetch_one("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return self._document(row) if row else None

    def iter_documents(self, source: str | None = None,
                       include_removed: bool = True) -> Iterator[Document]:
        """Every document (of one source), oldest first."""
        sql = "SELECT * FROM documents WHERE 1 = 1"
        args: tuple[Any, ...] = ()
        if source:
            sql, args = sql + " AND source = ?", (source,)
        if not include_removed:
            sql += " AND removed_at IS NULL"
        for row in self.fetch_all(sql + " ORDER BY first_seen, id", args):
            yield self._document(row)

    def fingerprints(self) -> dict[str, str]:
        """Every document's id and the fingerprint of its current content."""
        return {row[0]: row[1] for row in self.fetch_all("SELECT id, fingerprint FROM documents")}

    def fingerprints_and_agencies(self) -> dict[str, tuple[str, str, str]]:
        """Every document's id, its fingerprint, its agency (发布机构) and its issuing agency
        (发文机关) as published."""
        return {row[0]: (row[1], row[2] or "", row[3] or "") for row in self.fetch_all(
            "SELECT id, fingerprint, agency, issuing_agency FROM documents")}

    def document_urls(self, source: str, include_removed: bool = False) -> list[str]:
        """Detail-page URLs of the source's documents (not those marked removed), oldest first."""
        sql = "SELECT url FROM documents WHERE source = ?"
        if not include_removed:
            sql += " AND removed_at IS NULL"
        return [row[0] for row in self.fetch_all(sql + " ORDER BY first_seen, id", (source,))]

    def versions(self, doc_id: str) -> list[Version]:
        """The document's versions, oldest first."""
        rows = self.fetch_all(
            "SELECT * FROM versions WHERE document_id = ? ORDER BY number", (doc_id,)
        )
        return [_version(r) for r in rows]

    def captures_for_document(self, doc_id: str) -> list[Capture]:
        """Every capture of the document's URL, oldest first."""
        row = self.fetch_one("SELECT url FROM documents WHERE id = ?", (doc_id,))
        if row is None:
            return []
        return self.captures_for_url(row["url"])

    def captures_for_url(self, url: str) -> list[Capture]:  # provided by Catalog
        raise NotImplementedError

    def _document(self, row: sqlite3.Row) -> Document:
        atts = self.fetch_all(
            "SELECT * FROM attachments WHERE document_id = ? ORDER BY id", (row["id"],)
        )
        current = self.fetch_one(
            "SELECT body FROM versions WHERE document_id = ? AND number = ?",
            (row["id"], row["current_version"]),
        )
        meta = json.loads(row["metadata"] or "{}")
        known = row.keys()  # a reader may open a catalog the next writer has yet to migrate
        columns: dict[str, Any] = {c: row[c] if c in known else "" for c in _COLUMNS[1:]
                                   if not c.endswith("_date")}
        doc = Document(
            id=row["id"], source=row["source"], url=row["url"], title=row["title"],
            body=current["body"] if current else "", **columns,
            written_date=_date(row["written_date"]), published_date=_date(row["published_date"]),
            first_seen=from_text(row["first_seen"]), last_changed=from_text(row["last_changed"]),
            removed_at=from_text(row["removed_at"]), capture_id=row["capture_id"],
            language_hint=meta.get("language_hint", ""), topic=meta.get("topic", ""),
            fingerprint=row["fingerprint"],
        )
        return replace(doc, attachments=tuple(
            Attachment(url=a["url"], name=a["name"], media_type=a["media_type"], size=a["size"],
                       text=a["text"], error=a["error"]) for a in atts
        ))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ArchiveError(f"catalog holds a bad date {text!r}") from None


def _version(row: sqlite3.Row) -> Version:
    seen = from_text(row["seen_at"])
    assert seen is not None
    return Version(
        document_id=row["document_id"], number=row["number"], capture_id=row["capture_id"],
        seen_at=seen, title=row["title"], body=row["body"],
        metadata=json.loads(row["metadata"]), change_summary=row["change_summary"],
    )
