"""Which archived payloads have been extracted: lets extraction catch up after a crash or a kill."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from disclosure_search.archive.catalog import Catalog
from disclosure_search.models import Capture

#: Numbered schema steps of this component, applied with ``Catalog.migrate``.
MIGRATIONS = (
    (1, "extraction ledger", """
CREATE TABLE extracted (
    url TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    capture_id INTEGER NOT NULL,
    document_id TEXT,
    extracted_at TEXT NOT NULL
);
"""),
    (2, "extraction failures", "ALTER TABLE extracted ADD COLUMN error TEXT;"),
)

# The newest successful capture of each HTML page that may be a document or hold some (a list
# whose rows link straight to files), and the ledger's
# record of what was extracted from that URL, if anything.
_PENDING = """
SELECT c.id FROM captures c
JOIN (SELECT url, MAX(id) AS id FROM captures
      WHERE status = 200 AND truncated = 0 AND kind IN ('detail', 'other', 'list')
      GROUP BY url) latest ON latest.id = c.id
LEFT JOIN extracted e ON e.url = c.url
WHERE (e.sha256 IS NULL OR e.sha256 != c.sha256){source}
ORDER BY c.id
"""


class Ledger:
    """Remembers, per URL, the payload digest last turned into a document (or found not one)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        if not catalog.readonly:
            catalog.migrate("pipeline", MIGRATIONS)

    def pending(self, source: str | None = None) -> Iterator[Capture]:
        """Newest HTML captures whose payload has not been extracted yet, oldest first."""
        sql = _PENDING.format(source=" AND c.source = ?" if source else "")
        rows = self.catalog.fetch_all(sql, (source,) if source else ())
        for row in rows:
            capture = self.catalog.capture(row[0])
            if capture is not None:
                yield capture

    def done(self, capture: Capture, document_id: str | None, error: str | None = None) -> None:
        """Record that ``capture`` was extracted (``document_id`` None: not a document page).

        A page that failed (``error``) is not tried again until its payload changes or
        ``reindex`` forgets the ledger: extraction is deterministic, and a file that ran out
        of its time budget would cost that time on every run.
        """
        self.catalog.execute(
            "INSERT INTO extracted (url, sha256, capture_id, document_id, extracted_at, error)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET sha256 = excluded.sha256,"
            " capture_id = excluded.capture_id, document_id = excluded.document_id,"
            " extracted_at = excluded.extracted_at, error = excluded.error",
            (capture.url, capture.sha256, capture.id, document_id,
             datetime.now(UTC).isoformat(timespec="seconds"), error),
        )

    def failed(self) -> list[tuple[str, str]]:
        """(url, reason) of every page whose newest extraction failed."""
        rows = self.catalog.fetch_all(
            "SELECT url, error FROM extracted WHERE error IS NOT NULL ORDER BY url")
        return [(row[0], row[1]) for row in rows]

    def forget(self, source: str | None = None) -> None:
        """Drop the ledger (of one source) so everything is extracted again (``reindex``)."""
        if source:
            self.catalog.execute("DELETE FROM extracted WHERE url IN"
                                " (SELECT url FROM captures WHERE source = ?)", (source,))
        else:
            self.catalog.execute("DELETE FROM extracted")
