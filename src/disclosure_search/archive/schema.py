"""The catalog's SQLite schema, as numbered forward migrations per component."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

#: (version, description, SQL); versions only ever grow, applied ones are never edited.
Migration = tuple[int, str, str]

ARCHIVE_MIGRATIONS: tuple[Migration, ...] = (
    (1, "sources, runs, captures, failures, documents, versions, attachments", """
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    full INTEGER NOT NULL DEFAULT 0,
    sources TEXT NOT NULL DEFAULT '[]',
    counts TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES sources(id),
    fetched_at TEXT NOT NULL,
    status INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    warc_record_id TEXT NOT NULL,
    warc_date TEXT NOT NULL,
    payload_digest TEXT NOT NULL,
    revisit INTEGER NOT NULL DEFAULT 0,
    content_type TEXT,
    charset TEXT,
    kind TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    run_id INTEGER REFERENCES runs(id)
);
CREATE INDEX captures_by_url ON captures(url, id);
CREATE INDEX captures_by_sha256 ON captures(sha256, id);
CREATE INDEX captures_by_kind ON captures(kind, status, id);
CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    source TEXT,
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX failures_by_run ON failures(run_id);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(id),
    url TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL DEFAULT 1,
    capture_id INTEGER REFERENCES captures(id),
    title TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '其他',
    category_raw TEXT NOT NULL DEFAULT '',
    doc_number TEXT NOT NULL DEFAULT '',
    doc_number_norm TEXT NOT NULL DEFAULT '',
    index_number TEXT NOT NULL DEFAULT '',
    agency TEXT NOT NULL DEFAULT '',
    written_date TEXT,
    published_date TEXT,
    validity TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    removed_at TEXT,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX documents_by_source ON documents(source);
CREATE INDEX documents_by_published ON documents(published_date);
CREATE INDEX documents_by_doc_number ON documents(doc_number_norm);
CREATE TABLE versions (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    seen_at TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    change_summary TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, number)
);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    media_type TEXT NOT NULL DEFAULT '',
    size INTEGER,
    capture_id INTEGER REFERENCES captures(id),
    text TEXT NOT NULL DEFAULT '',
    error TEXT,
    UNIQUE (document_id, url)
);
"""),
    (2, "documents: fingerprint of the content the search index should hold",
     "ALTER TABLE documents ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';"),
    (3, "captures: a body cut short (size cap, deadline, fewer bytes than promised) is marked",
     "ALTER TABLE captures ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0;"),
    (4, "runs: a pass that walked every list page (a full sweep whatever it was asked for)",
     "ALTER TABLE runs ADD COLUMN swept INTEGER NOT NULL DEFAULT 0;"),
    (5, "documents: 发文机关 (issuing authority) and 主题词 (subject keywords); pages archived "
        "before are read for them again by reindex", """
ALTER TABLE documents ADD COLUMN issuing_agency TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN subject TEXT NOT NULL DEFAULT '';
"""),
)


#: The links the crawler read in each captured page (its own component: its own numbering).
LINK_MIGRATIONS: tuple[Migration, ...] = (
    (1, "page_readings, capture_links: what the crawler read in each page it parsed", """
CREATE TABLE page_readings (
    capture_id INTEGER PRIMARY KEY REFERENCES captures(id) ON DELETE CASCADE,
    charset TEXT
);
CREATE TABLE capture_links (
    capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('page', 'attachment')),
    url TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (capture_id, position)
);
CREATE INDEX capture_links_url ON capture_links(url);
"""),
)


def migrate(conn: sqlite3.Connection, component: str, steps: Sequence[Migration]) -> int:
    """Apply the steps of ``component`` newer than its recorded version; return the version.

    Each component (the archive, and later e.g. the web's staff tables) keeps its own numbered
    sequence in ``schema_version``, so stages add tables without touching each other's steps.
    """
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = conn.execute(
        "SELECT version FROM schema_version WHERE component = ?", (component,)
    ).fetchone()
    current = row[0] if row else 0
    for version, _description, sql in sorted(steps):
        if version <= current:
            continue
        with conn:
            conn.executescript("BEGIN;" + sql + ";")  # a step lands whole or not at all
            conn.execute(
                "INSERT INTO schema_version VALUES (?, ?, datetime('now'))"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version,"
                " applied_at = excluded.applied_at",
                (component, version),
            )
        current = version
    return current
