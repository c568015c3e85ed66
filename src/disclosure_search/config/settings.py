"""The settings model: frozen dataclasses for every section, each setting with its help text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from disclosure_search.errors import ConfigError


@dataclass(frozen=True)
class SourceSettings:
    """One site to crawl (a bureau, a city portal)."""

    id: str
    name: str
    start_urls: tuple[str, ...]
    list_url_pattern: str | None = None
    detail_url_pattern: str | None = None
    categories: tuple[tuple[str, str], ...] = ()
    allowed_hosts: tuple[str, ...] = ()

    @property
    def hosts(self) -> tuple[str, ...]:
        """Hosts (``host:port``) this source may fetch from: the start URLs' plus any allowed."""
        found = {urlsplit(u).netloc.lower() for u in self.start_urls}
        return tuple(sorted(found | {h.lower() for h in self.allowed_hosts}))


def _setting(default: Any, help: str) -> Any:
    """A settings field with its one-line documentation (the README table is checked against it)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and limits for the crawler (``[crawl]``)."""

    user_agent: str = _setting("disclosure-search/0.1 (+https://github.com/disclosure-search)",
                               "User-Agent sent with every request; say who you are")
    schedule: str = _setting("0 2 * * *", "cron (5 fields, in `timezone`) of the nightly crawl")
    requests_per_second: float = _setting(2.0, "per-host request rate")
    timeout_s: float = _setting(20.0, "seconds a connect or a read may wait for the server")
    request_deadline_s: float = _setting(300.0, "seconds one whole request (connect, headers, "
                                         "body) may take before it is given up")
    min_bytes_per_s: float = _setting(1000.0, "a body arriving slower than this (after "
                                      "`timeout_s`) is given up")
    full_sweep_days: int = _setting(7, "a full re-crawl this often; incremental otherwise")
    max_page_bytes: int = _setting(10_000_000, "pages larger than this are cut off and failed")
    max_attachment_bytes: int = _setting(30_000_000, "the same for attachments")
    max_redirects: int = _setting(5, "redirect hops followed per URL")
    retries: int = _setting(2, "retries of transient failures (timeouts, 429, 5xx)")
    retry_backoff_s: float = _setting(1.0, "first retry delay; doubles each time")
    known_streak: int = _setting(20, "incremental: stop paging a list after this many known items")
    revalidate_days: int = _setting(1, "incremental: revalidate every known document once per "
                                    "this many nights (a rotating share each night)")
    warc_max_bytes: int = _setting(100_000_000, "start a new WARC file past this size")
    obey_robots: bool = _setting(True, "respect robots.txt")
    fetch_attachments: bool = _setting(True, "download attachments and index their text")
    extract_timeout_s: float = _setting(60.0, "seconds one page or attachment may take to "
                                        "extract before it is recorded as failed")
    extract_memory_mb: int = _setting(512, "address space (MiB) of the extraction process; a "
                                      "file needing more is recorded as failed")
    sources_at_once: int = _setting(1, "sources crawled at the same time (each host keeps its "
                                    "own rate, each source its robots.txt)")
    hosts_at_once: int = _setting(4, "hosts of one source fetched from at the same time, one "
                                  "request at a time each, so a slow host delays only its own "
                                  "pages")


@dataclass(frozen=True)
class WebSettings:
    """The search site (``[web]``)."""

    host: str = _setting("127.0.0.1", "interface `serve` binds")
    port: int = _setting(8080, "port `serve` binds")
    workers: int = _setting(0, "search processes of `serve` (0 = one per CPU)")
    secret_key: str = _setting("", "signs staff sessions; empty = a key kept in data_dir")
    per_page_max: int = _setting(100, "largest page size a client may ask for")
    query_max_chars: int = _setting(200, "longer queries are refused with 400")
    export_max_rows: int = _setting(1_000_000, "exports larger than this are refused, never cut")
    check_max_rows: int = _setting(2_000, "checklists longer than this are refused by the site "
                                   "(413) and left to the command line")
    secure_cookies: bool = _setting(False, "mark session cookies Secure (behind HTTPS)")
    session_idle_minutes: int = _setting(30, "a staff session ends after this long unused")
    session_max_hours: int = _setting(8, "a staff session ends this long after the login")


@dataclass(frozen=True)
class IndexSettings:
    """Which search engine holds the index (``[index]``): the embedded one or a cluster."""

    backend: str = _setting("whoosh", "`whoosh` (embedded, in `data_dir`) or `elasticsearch`")
    hosts: tuple[str, ...] = _setting(("http://127.0.0.1:9200",),
                                      "Elasticsearch node URLs (backend `elasticsearch`)")
    name: str = _setting("disclosure-search", "Elasticsearch alias searched; each rebuild "
                         "writes a new index behind it")
    shards: int = _setting(1, "primary shards of a new Elasticsearch index")
    replicas: int = _setting(1, "replicas of each shard (0 on a one-node cluster)")


BACKENDS = ("whoosh", "elasticsearch")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved to absolute paths and typed values."""

    data_dir: Path = Path("data")
    timezone: str = "Asia/Shanghai"
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    web: WebSettings = field(default_factory=WebSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    sources: tuple[SourceSettings, ...] = ()
    #: ``[agencies]``: (spelling as published, name to show) pairs; see :meth:`agency_name`.
    agencies: tuple[tuple[str, str], ...] = ()
    config_path: Path | None = None

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def jobs_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def agency_name(self, published: str) -> str:
        """Return the one name of an agency (发布机构) that sites spell several ways.

        The ``[agencies]`` table maps each name to the spellings that mean it; spaces are
        ignored when comparing. A spelling not in the table is its own name.
        """
        key = "".join(published.split())
        for spelling, name in self.agencies:
            if key == spelling:
                return name
        return published.strip()

    def source(self, source_id: str) -> SourceSettings:
        """Return the source called ``source_id`` or raise ConfigError naming the known ones."""
        for src in self.sources:
            if src.id == source_id:
                return src
        known = "、".join(s.id for s in self.sources) or "（尚未配置任何来源）"
        raise ConfigError(f"未知的来源 {source_id!r}（已配置：{known}）")
