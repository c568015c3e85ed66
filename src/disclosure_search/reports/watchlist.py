"""Saved expected-items lists: checked again after every crawl, their changes kept for staff.

A staff member saves a checklist once (the publication check's CSV, see ``checklist.py``);
every crawl pass re-checks every saved list against the archive and stores each item's state.
An item's state is the check's status, with a missing item past its due date told apart as
``overdue``; when a re-check finds another state than the last one, the previous state and the
time of that check are kept, so the staff home page can say what turned from missing to
published, what is now late, and since when.

The lists live in ``catalog.sqlite3`` (their own ``watchlists`` schema component).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from disclosure_search.archive.schema import Migration, migrate
from disclosure_search.errors import ChecklistError
from disclosure_search.models import Document
from disclosure_search.reports.check import CheckResult, check_documents
from disclosure_search.reports.checklist import parse_checklist

#: Each item's state as staff read it; ``overdue`` is missing with its due date past.
STATE_LABELS: dict[str, str] = {
    "published": "已按时公开", "late": "逾期公开", "missing": "尚未公开（未到期）",
    "overdue": "逾期未公开", "ambiguous": "无法确定"}
ONLINE = ("published", "late")
#: The home page shows items that came online within this many days.
RECENT_DAYS = 30
NAME_MAX = 60

MIGRATIONS: tuple[Migration, ...] = (
    (1, "watchlists, watch_items: saved checklists and each item's latest state", """
CREATE TABLE watchlists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    checklist TEXT NOT NULL,
    saved_by TEXT NOT NULL DEFAULT '',
    saved_at TEXT NOT NULL,
    checked_at TEXT
);
CREATE TABLE watch_items (
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    title TEXT NOT NULL,
    doc_number TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    state TEXT NOT NULL,
    previous_state TEXT NOT NULL DEFAULT '',
    since TEXT,
    noticed_at TEXT NOT NULL,
    document_id TEXT NOT NULL DEFAULT '',
    document_title TEXT NOT NULL DEFAULT '',
    published_date TEXT,
    days_late INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (watchlist_id, line)
);
"""),
)


@dataclass(frozen=True)
class Watchlist:
    """One saved list: who saved it when, how many items, when it was last checked."""

    id: int
    name: str
    saved_by: str
    saved_at: datetime
    checked_at: datetime | None
    items: int


@dataclass(frozen=True)
class WatchItem:
    """One item of a saved list in its latest state.

    ``since`` is when the state began on the site: the time the archive first saw the
    document online, or the day after the due date for an overdue item (None when unknown);
    ``noticed_at`` is the check that first found this state, ``previous_state`` the state
    before it ('' when the list was saved with it).
    """

    watchlist: str
    line: int
    title: str
    doc_number: str
    due_date: date | None
    state: str
    previous_state: str
    since: datetime | date | None
    noticed_at: datetime
    document_id: str
    document_title: str
    published_date: date | None
    days_late: int | None
    reason: str

    @property
    def state_label(self) -> str:
        """The state in Chinese."""
        return STATE_LABELS.get(self.state, self.state)

    @property
    def previous_label(self) -> str:
        """The previous state in Chinese ('' when none)."""
        return STATE_LABELS.get(self.previous_state, self.previous_state)


@dataclass(frozen=True)
class Board:
    """What the staff home page shows: items newly online, items overdue, the lists."""

    newly_online: tuple[WatchItem, ...]
    overdue: tuple[WatchItem, ...]
    lists: tuple[Watchlist, ...]


@dataclass(frozen=True)
class Recheck:
    """What one re-check after a crawl found: items checked, newly online, newly overdue."""

    lists: int = 0
    items: int = 0
    newly_online: int = 0
    newly_overdue: int = 0


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        migrate(conn, "watchlists", MIGRATIONS)
        with conn:
            yield conn
    finally:
        conn.close()


def state_of(result: CheckResult, today: date) -> tuple[str, datetime | date | None]:
    """An item's state and since when it holds, from its check result on ``today``."""
    if result.status in ONLINE:
        return result.status, result.first_seen or result.published_date
    due = result.row.due_date
    if result.status == "missing" and due is not None and due < today:
        return "overdue", due + timedelta(days=1)
    return result.status, None


def save(path: Path, name: str, checklist: str, documents: Iterable[Document], *,
         saved_by: str, today: date, now: datetime | None = None) -> Watchlist:
    """Save (or replace) the list ``name`` and record each item's state as of now.

    Raises:
        ChecklistError: a bad name or a bad checklist (the message names row and column).
    """
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise ChecklistError(f"请为清单起一个名称（1 到 {NAME_MAX} 个字），以后按名称查看和替换")
    rows = parse_checklist(checklist)
    report = check_documents(documents, rows, today)
    stamp = _stamp(now)
    with _connect(path) as conn:
        conn.execute("DELETE FROM watch_items WHERE watchlist_id IN "
                     "(SELECT id FROM watchlists WHERE name = ?)", (name,))
        conn.execute("DELETE FROM watchlists WHERE name = ?", (name,))
        list_id = conn.execute(
            "INSERT INTO watchlists (name, checklist, saved_by, saved_at, checked_at)"
            " VALUES (?, ?, ?, ?, ?)", (name, checklist, saved_by, stamp, stamp)).lastrowid
        for result in report.results:
            state, since = state_of(result, today)
            _store(conn, int(list_id or 0), result, state, "", since, stamp)
    return next(w for w in lists(path) if w.name == name)


def delete(path: Path, list_id: int) -> str | None:
    """Delete a saved list; returns its name, or None when there is no such list."""
    with _connect(path) as conn:
        row = conn.execute("SELECT name FROM watchlists WHERE id = ?", (list_id,)).fetchone()
        conn.execute("DELETE FROM watch_items WHERE watchlist_id = ?", (list_id,))
        conn.execute("DELETE FROM watchlists WHERE id = ?", (list_id,))
    return row[0] if row else None


def recheck(path: Path, documents: Iterable[Document], today: date,
            now: datetime | None = None) -> Recheck:
    """Check every saved list again against ``documents``; keep what changed and when.

    Called after every crawl pass (``jobs.pipeline``); cheap when nothing is saved.
    """
    if not _has_lists(path):
        return Recheck()
    stamp = _stamp(now)
    docs = list(documents)
    lists_done = items = online = overdue = 0
    with _connect(path) as conn:
        saved = conn.execute("SELECT id, checklist FROM watchlists ORDER BY id").fetchall()
        for list_id, text in saved:
            try:
                rows = parse_checklist(text)
            except ChecklistError:  # saved only after parsing; a later parser may be stricter
                continue
            before = {line: (state, prev, since, noticed) for line, state, prev, since, noticed
                      in conn.execute("SELECT line, state, previous_state, since, noticed_at"
                                      " FROM watch_items WHERE watchlist_id = ?", (list_id,))}
            for result in check_documents(docs, rows, today).results:
                state, since = state_of(result, today)
                old = before.get(result.row.line)
                if old is None or old[0] != state:
                    previous, noticed = (old[0] if old else ""), stamp
                    online += state in ONLINE and previous not in ONLINE and bool(old)
                    overdue += state == "overdue" and bool(old)
                else:
                    previous, noticed = old[1], old[3]
                _store(conn, list_id, result, state, previous, since, noticed)
                items += 1
            conn.execute("UPDATE watchlists SET checked_at = ? WHERE id = ?", (stamp, list_id))
            lists_done += 1
    return Recheck(lists_done, items, online, overdue)


def _store(conn: sqlite3.Connection, list_id: int, result: CheckResult, state: str,
           previous: str, since: datetime | date | None, noticed: str) -> None:
    row = result.row
    conn.execute(
        "INSERT OR REPLACE INTO watch_items (watchlist_id, line, title, doc_number, due_date,"
        " state, previous_state, since, noticed_at, document_id, document_title,"
        " published_date, days_late, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (list_id, row.line, row.title, row.doc_number, _text(row.due_date), state, previous,
         _text(since), noticed, result.document_id, result.document_title,
         _text(result.published_date), result.days_late, result.reason))


def lists(path: Path) -> list[Watchlist]:
    """Every saved list, oldest first."""
    if not _has_lists(path):
        return []
    with _connect(path) as conn:
        rows = conn.execute(
            "SELECT w.id, w.name, w.saved_by, w.saved_at, w.checked_at, count(i.line)"
            " FROM watchlists w LEFT JOIN watch_items i ON i.watchlist_id = w.id"
            " GROUP BY w.id ORDER BY w.id").fetchall()
    return [Watchlist(r[0], r[1], r[2], _moment(r[3]), _moment(r[4]) if r[4] else None, r[5])
            for r in rows]


def items(path: Path, list_id: int | None = None) -> list[WatchItem]:
    """The items of one saved list (or of all), in list and line order."""
    if not _has_lists(path):
        return []
    where, args = ("WHERE w.id = ?", (list_id,)) if list_id is not None else ("", ())
    with _connect(path) as conn:
        rows = conn.execute(
            "SELECT w.name, i.line, i.title, i.doc_number, i.due_date, i.state,"
            " i.previous_state, i.since, i.noticed_at, i.document_id, i.document_title,"
            " i.published_date, i.days_late, i.reason FROM watch_items i"
            f" JOIN watchlists w ON w.id = i.watchlist_id {where} ORDER BY w.id, i.line",
            args).fetchall()
    return [_item(row) for row in rows]


def board(path: Path, now: datetime, days: int = RECENT_DAYS) -> Board:
    """Items that came online in the last ``days`` days, items overdue now, and the lists."""
    everything = items(path)
    cutoff = _aware(now) - timedelta(days=days)
    online = [i for i in everything if i.state in ONLINE and i.previous_state
              and i.previous_state not in ONLINE and i.noticed_at >= cutoff]
    overdue = [i for i in everything if i.state == "overdue"]
    return Board(tuple(sorted(online, key=lambda i: i.noticed_at, reverse=True)),
                 tuple(sorted(overdue, key=lambda i: (i.due_date or date.min, i.line))),
                 tuple(lists(path)))


def _has_lists(path: Path) -> bool:
    if not Path(path).exists():
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                            " AND name = 'watchlists'").fetchone() is not None
    finally:
        conn.close()


def _item(row: tuple[Any, ...]) -> WatchItem:
    (name, line, title, doc_number, due, state, previous, since, noticed, doc_id, doc_title,
     published, days_late, reason) = row
    return WatchItem(name, line, title, doc_number, _day(due), state, previous, _since(since),
                     _moment(noticed), doc_id, doc_title, _day(published), days_late, reason)


def _stamp(now: datetime | None) -> str:
    return _aware(now or datetime.now(UTC)).astimezone(UTC).isoformat()


def _text(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _aware(value).astimezone(UTC).isoformat()
    return value.isoformat()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _moment(text: str) -> datetime:
    return _aware(datetime.fromisoformat(text))


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _since(value: object) -> datetime | date | None:
    if not value:
        return None
    text = str(value)
    return _day(text) if len(text) == 10 else _moment(text)
