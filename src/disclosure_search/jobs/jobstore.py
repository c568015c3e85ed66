"""A persistent APScheduler 3 job store on the standard library's sqlite3 (no SQLAlchemy)."""

from __future__ import annotations

import pickle
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.util import datetime_to_utc_timestamp, utc_timestamp_to_datetime

_SCHEMA = """
CREATE TABLE IF NOT EXISTS apscheduler_jobs (
    id TEXT PRIMARY KEY,
    next_run_time REAL,
    job_state BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS apscheduler_jobs_next ON apscheduler_jobs (next_run_time);
"""


class SQLiteJobStore(BaseJobStore):
    """Stores pickled job state in one SQLite table, as APScheduler's SQLAlchemyJobStore does.

    The file is local to data_dir and written only by this project, so unpickling its rows
    is as trustworthy as the data directory itself. One connection is shared under a lock
    because APScheduler calls the store from its worker threads.
    """

    def __init__(self, path: Path, pickle_protocol: int = pickle.HIGHEST_PROTOCOL) -> None:
        super().__init__()
        self.path = Path(path)
        self.pickle_protocol = pickle_protocol
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._mutex = threading.RLock()

    def start(self, scheduler: Any, alias: str) -> None:
        super().start(scheduler, alias)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("job store used before start()")
        return self._conn

    def lookup_job(self, job_id: str) -> Job | None:
        with self._mutex:
            row = self.conn.execute(
                "SELECT job_state FROM apscheduler_jobs WHERE id = ?", (job_id,)).fetchone()
        return self._reconstitute(row[0]) if row else None

    def get_due_jobs(self, now: datetime) -> list[Job]:
        # APScheduler's main loop looks for due jobs once more after shutdown(): nothing is
        # due any more then, which is the truth, not an error
        if self._closed:
            return []
        stamp = datetime_to_utc_timestamp(now)
        return self._jobs("WHERE next_run_time <= ?", (stamp,))

    def get_next_run_time(self) -> datetime | None:
        if self._closed:
            return None
        with self._mutex:
            row = self.conn.execute(
                "SELECT next_run_time FROM apscheduler_jobs WHERE next_run_time IS NOT NULL "
                "ORDER BY next_run_time LIMIT 1").fetchone()
        return utc_timestamp_to_datetime(row[0]) if row else None

    def get_all_jobs(self) -> list[Job]:
        jobs = self._jobs("", ())
        self._fix_paused_jobs_sorting(jobs)
        return jobs

    def add_job(self, job: Job) -> None:
        try:
            with self._mutex:
                self.conn.execute(
                    "INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (?,?,?)",
                    (job.id, datetime_to_utc_timestamp(job.next_run_time), self._state(job)))
        except sqlite3.IntegrityError:
            raise ConflictingIdError(job.id) from None

    def update_job(self, job: Job) -> None:
        with self._mutex:
            cur = self.conn.execute(
                "UPDATE apscheduler_jobs SET next_run_time = ?, job_state = ? WHERE id = ?",
                (datetime_to_utc_timestamp(job.next_run_time), self._state(job), job.id))
        if cur.rowcount == 0:
            raise JobLookupError(job.id)

    def remove_job(self, job_id: str) -> None:
        with self._mutex:
            cur = self.conn.execute("DELETE FROM apscheduler_jobs WHERE id = ?", (job_id,))
        if cur.rowcount == 0:
            raise JobLookupError(job_id)

    def remove_all_jobs(self) -> None:
        with self._mutex:
            self.conn.execute("DELETE FROM apscheduler_jobs")

    def shutdown(self) -> None:
        with self._mutex:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _state(self, job: Job) -> bytes:
        return pickle.dumps(job.__getstate__(), self.pickle_protocol)

    def _reconstitute(self, blob: bytes) -> Job:
        state = pickle.loads(blob)  # our own file: see the class docstring
        state["jobstore"] = self
        job = Job.__new__(Job)
        job.__setstate__(state)
        job._scheduler = self._scheduler
        job._jobstore_alias = self._alias
        return job

    def _jobs(self, where: str, params: tuple[Any, ...]) -> list[Job]:
        with self._mutex:
            rows = self.conn.execute(
                f"SELECT id, job_state FROM apscheduler_jobs {where} ORDER BY next_run_time",
                params).fetchall()
        jobs: list[Job] = []
        broken: list[str] = []
        for job_id, blob in rows:
            try:
                jobs.append(self._reconstitute(blob))
            except Exception:
                self._logger.exception("cannot restore job %r; removing it", job_id)
                broken.append(job_id)
        if broken:
            with self._mutex:
                self.conn.executemany("DELETE FROM apscheduler_jobs WHERE id = ?",
                                      [(b,) for b in broken])
        return jobs

    def __repr__(self) -> str:
        return f"<SQLiteJobStore ({self.path})>"
