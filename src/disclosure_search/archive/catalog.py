"""The SQLite catalog: captures pointing into the WARC files, crawl runs and their failures."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from disclosure_search.archive.documents import DocumentsMixin
from disclosure_search.archive.schema import (
    ARCHIVE_MIGRATIONS,
    LINK_MIGRATIONS,
    Migration,
    migrate,
)
from disclosure_search.archive.store import from_text, to_text
from disclosure_search.archive.warc import PayloadRef, WarcLocation, read_exchange, resolve
from disclosure_search.crawl.contracts import PageReading
from disclosure_search.errors import ArchiveError
from disclosure_search.models import Capture, CrawlRun, FetchedPage, PageKind

_CAPTURE_COLUMNS = (
    "id, source, url, fetched_at, status, sha256, warc_file, warc_offset, warc_length,"
    " content_type, charset, kind"
)


class Catalog(DocumentsMixin):
    """What the archive holds and what the crawls saw; the web and jobs read it.

    One connection, shared between threads under a lock; WAL mode so readers (the web site)
    never wait for the nightly crawl. Every write commits at once: a crawl killed at any moment
    loses nothing it was told had been stored.
    """

    def __init__(self, conn: sqlite3.Connection, archive_dir: Path, readonly: bool) -> None:
        super().__init__(conn)
        self.archive_dir = archive_dir
        self.readonly = readonly

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False,
             archive_dir: str | Path | None = None) -> Catalog:
        """Open (creating and migrating unless ``readonly``) the catalog at ``path``.

        Args:
            path: the SQLite file, e.g. ``data/catalog.sqlite3``.
            readonly: open for reading only (the web site); the file must exist.
            archive_dir: where the WARC files are (default: ``archive/`` beside ``path``).

        Raises:
            ArchiveError: the file is missing (read-only) or not a catalog.
        """
        path = Path(path)
        warcs = Path(archive_dir) if archive_dir else path.parent / "archive"
        if readonly and not path.exists():
            raise ArchiveError(f"{path} 中还没有存档目录：请先运行 disclosure-search crawl")
        if not readonly:
            path.parent.mkdir(parents=True, exist_ok=True)
        target = f"file:{path}?mode=ro" if readonly else str(path)
        conn = sqlite3.connect(target, uri=readonly, check_same_thread=False, timeout=30)
        try:
            if not readonly:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.row_factory = sqlite3.Row
            if not readonly:
                migrate(conn, "archive", ARCHIVE_MIGRATIONS)
                migrate(conn, "links", LINK_MIGRATIONS)
            else:
                conn.execute("SELECT 1 FROM captures LIMIT 1")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ArchiveError(f"{path} 不是可用的存档目录：{exc}") from None
        return cls(conn, warcs, readonly)

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self, component: str, steps: tuple[Migration, ...]) -> int:
        """Apply another component's schema steps (e.g. the web's staff tables)."""
        with self.lock:
            return migrate(self.conn, component, steps)

    # -- captures -----------------------------------------------------------------------------

    def record_capture(
        self, page: FetchedPage, location: WarcLocation, kind: PageKind, source: str,
        run_id: int | None = None, reading: PageReading | None = None,
    ) -> Capture:
        """Add a catalog row for an exchange already flushed to ``location``; return it.

        ``reading`` is what the crawler read in the page: the charset it decoded it with
        (stored, so extraction decodes the same way without detecting again) and its links.
        """
        self.ensure_source(source)
        ctype = page.header("Content-Type")
        charset = reading.charset if reading is not None else None
        capture_id = self.execute(
            "INSERT INTO captures (url, source, fetched_at, status, sha256, size, warc_file,"
            " warc_offset, warc_length, warc_record_id, warc_date, payload_digest, revisit,"
            " content_type, charset, kind, etag, last_modified, run_id, truncated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (page.url, source, to_text(page.fetched_at), page.status,
             hashlib.sha256(page.body).hexdigest(), len(page.body), location.file,
             location.offset, location.length, location.record_id, location.warc_date,
             location.payload_digest, int(location.revisit), ctype, charset, kind,
             page.header("ETag"), page.header("Last-Modified"), run_id, int(page.truncated)),
        )
        if reading is not None:
            self._record_links(capture_id, reading)
        found = self.capture(capture_id)
        assert found is not None
        return found

    def _record_links(self, capture_id: int, reading: PageReading) -> None:
        rows = [("page", url, text) for url, text in reading.links]
        rows += [("attachment", url, text) for url, text in reading.attachments]
        with self.lock, self.conn:
            self.conn.execute("INSERT INTO page_readings (capture_id, charset) VALUES (?, ?)",
                              (capture_id, reading.charset))
            self.conn.executemany(
                "INSERT INTO capture_links (capture_id, position, kind, url, text)"
                " VALUES (?, ?, ?, ?, ?)",
                [(capture_id, n, kind, url, text) for n, (kind, url, text) in enumerate(rows)],
            )

    def capture_links(self, capture_id: int, kind: str) -> list[tuple[str, str]] | None:
        """The (URL, link text) pairs of ``kind`` ("page" or "attachment") the crawler read
        in a capture, in page order; None for a capture it recorded no reading of (one
        archived by an earlier version, say)."""
        read = self.fetch_one("SELECT 1 FROM page_readings WHERE capture_id = ?", (capture_id,))
        if read is None:
            return None
        rows = self.fetch_all(
            "SELECT url, text FROM capture_links WHERE capture_id = ? AND kind = ?"
            " ORDER BY position", (capture_id, kind),
        )
        return [(row["url"], row["text"]) for row in rows]

    def capture(self, capture_id: int) -> Capture | None:
        """The capture with this id, or None."""
        row = self.fetch_one(f"SELECT {_CAPTURE_COLUMNS} FROM captures WHERE id = ?", (capture_id,))
        return _capture(row) if row else None

    def latest_capture(self, url: str, ok_only: bool = False) -> Capture | None:
        """The newest capture of ``url`` (only complete status 200 ones when ``ok_only``)."""
        extra = " AND status = 200 AND truncated = 0" if ok_only else ""
        row = self.fetch_one(
            f"SELECT {_CAPTURE_COLUMNS} FROM captures WHERE url = ?{extra}"
            " ORDER BY id DESC LIMIT 1", (url,),
        )
        return _capture(row) if row else None

    def captures_for_url(self, url: str) -> list[Capture]:
        """Every capture of ``url``, oldest first."""
        rows = self.fetch_all(
            f"SELECT {_CAPTURE_COLUMNS} FROM captures WHERE url = ? ORDER BY id", (url,)
        )
        return [_capture(r) for r in rows]

    def html_captures(self, source: str | None = None) -> Iterator[Capture]:
        """Every archived HTML detail page with status 200, oldest first (for ``reindex``)."""
        sql = (f"SELECT {_CAPTURE_COLUMNS} FROM captures WHERE kind = 'detail' AND status = 200"
               " AND truncated = 0")
        args: tuple[Any, ...] = ()
        if source:
            sql, args = sql + " AND source = ?", (source,)
        yield from (_capture(r) for r in self.fetch_all(sql + " ORDER BY id", args))

    def read_page(self, capture: Capture) -> FetchedPage:
        """The exchange behind ``capture``, read from its WARC file (revisits resolved)."""
        path = resolve(self.archive_dir, capture.warc_file)
        return read_exchange(path, capture.warc_offset)

    def payload_ref(self, sha256: str) -> PayloadRef | None:
        """Where a payload with this SHA-256 was first stored in full, or None."""
        row = self.fetch_one(
            "SELECT url, warc_date, payload_digest, warc_file, warc_offset FROM captures"
            " WHERE sha256 = ? AND revisit = 0 ORDER BY id LIMIT 1", (sha256,),
        )
        if row is None:
            return None
        return PayloadRef(row["url"], row["warc_date"], row["payload_digest"],
                          row["warc_file"], row["warc_offset"])

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """``(etag, last_modified)`` of the newest 200 capture of ``url``, if it sent any."""
        row = self.fetch_one(
            "SELECT etag, last_modified FROM captures WHERE url = ? AND status = 200"
            " AND truncated = 0"
            " ORDER BY id DESC LIMIT 1", (url,),
        )
        if row is None or not (row["etag"] or row["last_modified"]):
            return None
        return row["etag"], row["last_modified"]

    def is_known(self, url: str) -> bool:
        """True when ``url`` was captured complete with status 200 (or 304) before."""
        return self.fetch_one(
            "SELECT 1 FROM captures WHERE url = ? AND status IN (200, 304) AND truncated = 0"
            " LIMIT 1", (url,)
        ) is not None

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, sources: tuple[str, ...] | list[str], full: bool) -> int:
        """Record the start of a crawl pass; returns its id."""
        return self.execute(
            "INSERT INTO runs (started_at, status, full, sources) VALUES (?, 'running', ?, ?)",
            (to_text(datetime.now(UTC)), int(full), json.dumps(list(sources))),
        )

    def interrupt_stale_runs(self, current: int, sources: Iterable[str]) -> int:
        """Mark runs other than ``current`` still shown as running that covered one of
        ``sources`` as ``interrupted`` (their process died); returns how many.

        Call it while holding those sources' crawl locks: a live crawl of one of them would
        hold its lock, so such a run is dead. A running crawl of other sources is left alone.
        """
        mine = set(sources)
        with self.lock, self.conn:
            rows = self.conn.execute(
                "SELECT id, sources FROM runs WHERE status = 'running' AND id != ?", (current,)
            ).fetchall()
            stale = [row[0] for row in rows if mine & set(json.loads(row[1] or "[]"))]
            self.conn.executemany("UPDATE runs SET status = 'interrupted' WHERE id = ?",
                                  [(run_id,) for run_id in stale])
        return len(stale)

    def finish_run(self, run_id: int, status: str, counts: dict[str, dict[str, int]], *,
                   swept: bool = False) -> None:
        """Record how a run's crawl ended (finished, interrupted, failed), its counters per
        source and whether it walked every list page (``swept``)."""
        self.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ?, swept = ? WHERE id = ?",
            (to_text(datetime.now(UTC)), status, json.dumps(counts, ensure_ascii=False),
             int(swept), run_id),
        )

    def end_pass(self, run_id: int, status: str) -> CrawlRun:
        """Record the end of the whole pass (crawl, extraction, indexing): its final status
        and the time it ended, which is what its duration is measured to; returns the run."""
        self.execute("UPDATE runs SET finished_at = ?, status = ? WHERE id = ?",
                     (to_text(datetime.now(UTC)), status, run_id))
        run = self.run(run_id)
        assert run is not None
        return run

    def record_failure(self, run_id: int | None, url: str, reason: str,
                       source: str | None = None) -> None:
        """Remember that ``url`` failed in run ``run_id`` and why."""
        self.execute(
            "INSERT INTO failures (run_id, source, url, reason, at) VALUES (?, ?, ?, ?, ?)",
            (run_id, source, url, reason, to_text(datetime.now(UTC))),
        )

    def runs(self, limit: int = 20) -> list[CrawlRun]:
        """The newest ``limit`` runs, newest first, with their failures."""
        rows = self.fetch_all("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [self._run(row) for row in rows]

    def run(self, run_id: int) -> CrawlRun | None:
        """One run by id, or None."""
        row = self.fetch_one("SELECT * FROM runs WHERE id = ?", (run_id,))
        return self._run(row) if row else None

    def _run(self, row: sqlite3.Row) -> CrawlRun:
        failures = self.fetch_all(
            "SELECT url, reason FROM failures WHERE run_id = ? ORDER BY id", (row["id"],)
        )
        started = from_text(row["started_at"])
        assert started is not None
        return CrawlRun(
            id=row["id"], started_at=started, finished_at=from_text(row["finished_at"]),
            status=row["status"], full=bool(row["full"]),
            sources=tuple(json.loads(row["sources"])), counts=json.loads(row["counts"]),
            failures=tuple((f["url"], f["reason"]) for f in failures),
            swept=bool(row["swept"]),
        )


def _capture(row: sqlite3.Row) -> Capture:
    fetched = from_text(row["fetched_at"])
    assert fetched is not None
    return Capture(
        id=row["id"], source=row["source"], url=row["url"], fetched_at=fetched,
        status=row["status"], sha256=row["sha256"], warc_file=row["warc_file"],
        warc_offset=row["warc_offset"], warc_length=row["warc_length"],
        content_type=row["content_type"], charset=row["charset"], kind=row["kind"],
    )
