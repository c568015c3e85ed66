"""The staff tables in catalog.sqlite3 (accounts, sessions, login failures, audit log)."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from disclosure_search.config import Settings

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE TABLE IF NOT EXISTS login_failures (
    name TEXT NOT NULL,
    ip TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_at ON login_failures (at);
CREATE TABLE IF NOT EXISTS staff_sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_sessions_user ON staff_sessions (user);
"""

#: Columns added after the first release: (name, declaration).
_ADDED_COLUMNS = (
    ("role", "TEXT NOT NULL DEFAULT 'administrator'"),
    ("must_change", "INTEGER NOT NULL DEFAULT 0"),
    ("last_login", "TEXT NOT NULL DEFAULT ''"),
)


def now_iso() -> str:
    """The current UTC time as stored in the staff tables."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def connect(settings: Settings) -> Iterator[sqlite3.Connection]:
    """Open catalog.sqlite3 for the staff tables (created or upgraded if needed), commit, close."""
    path = Path(settings.catalog_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        have = {row[1] for row in conn.execute("PRAGMA table_info(staff_users)")}
        for name, declaration in _ADDED_COLUMNS:
            if name not in have:
                with contextlib.suppress(sqlite3.OperationalError):  # another worker added it
                    conn.execute(f"ALTER TABLE staff_users ADD COLUMN {name} {declaration}")
        with conn:
            yield conn
    finally:
        conn.close()


def audit_row(conn: sqlite3.Connection, user: str, action: str, detail: str, ip: str) -> None:
    """Append one line to the audit log inside an open transaction."""
    conn.execute("INSERT INTO audit_log (at, user, action, detail, ip) VALUES (?, ?, ?, ?, ?)",
                 (now_iso(), user, action, detail[:500], ip))
    log.info("audit: %s %s %s", user, action, detail[:100])
