"""The catalog's connection and the small query helpers its parts share."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any


def to_text(when: datetime | None) -> str | None:
    """A datetime as stored: ISO 8601 in UTC (naive values are taken to be UTC)."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def from_text(text: str | None) -> datetime | None:
    """The inverse of :func:`to_text`."""
    return datetime.fromisoformat(text) if text else None


class Store:
    """A SQLite connection shared between threads under one lock; each write commits at once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.RLock()

    # Public so that components keeping their own tables (see ``Catalog.migrate``) query
    # through the same connection and lock instead of opening a second connection.

    def fetch_one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        """Run a query; return its first row or None."""
        with self.lock:
            row: sqlite3.Row | None = self.conn.execute(sql, args).fetchone()
            return row

    def fetch_all(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Run a query; return every row."""
        with self.lock:
            return list(self.conn.execute(sql, args).fetchall())

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """Run one statement in its own transaction (committed at once); return lastrowid."""
        with self.lock, self.conn:
            return int(self.conn.execute(sql, args).lastrowid or 0)

    def ensure_source(self, source: str, name: str = "") -> None:
        """Register a source id (captures and documents refer to it); a name updates it."""
        self.execute(
            "INSERT INTO sources (id, name, added_at) VALUES (?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET name = CASE WHEN excluded.name != ''"
            " THEN excluded.name ELSE sources.name END",
            (source, name, to_text(datetime.now(UTC))),
        )
