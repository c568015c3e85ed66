"""Settings: built once from defaults < TOML file < environment < flags, then passed explicitly."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from disclosure_search.errors import ConfigError
from disclosure_search.models import CATEGORIES

CONFIG_ENV = "DISCLOSURE_SEARCH_CONFIG"
ENV_PREFIX = "DISCLOSURE_SEARCH_"
DEFAULT_CONFIG_NAME = "disclosure-search.toml"


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


def _toml_error(path: Path, exc: Exception) -> str:
    """tomllib's message with its place in Chinese: "… 第 3 行第 12 列：TOML 格式错误（…）"."""
    text = str(exc)
    place = re.search(r"\s*\(at line (\d+), column (\d+)\)", text)
    if not place:
        return f"{path}：TOML 格式错误（{text}）"
    reason = text[: place.start()] + text[place.end():]
    return f"{path} 第 {place.group(1)} 行第 {place.group(2)} 列：TOML 格式错误（{reason.strip()}）"


#: Setting types as an error message names them.
_KINDS = {"bool": "true 或 false", "int": "整数", "float": "数字", "str": "字符串"}
_TOP_KEYS = {"data_dir", "timezone", "crawl", "web", "index", "sources", "agencies"}
_SECTIONS = {"crawl", "web", "index"}
_SOURCE_KEYS = {
    "id",
    "name",
    "start_urls",
    "list_url_pattern",
    "detail_url_pattern",
    "categories",
    "allowed_hosts",
}


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Find the config file: ``--config``, then ``$DISCLOSURE_SEARCH_CONFIG``, then ``./``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    return local if local.exists() else None


def load_settings(
    path: str | os.PathLike[str] | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build Settings from defaults < TOML file < environment < ``overrides`` (flags).

    Args:
        path: the config file; found with :func:`find_config` when None.
        overrides: dotted keys from command-line flags, e.g. ``{"web.port": 9000}``.
        environ: environment to read ``DISCLOSURE_SEARCH_*`` from (default ``os.environ``).

    Raises:
        ConfigError: naming the key, and the line when it comes from the file.
    """
    config_path = find_config(path)
    raw: dict[str, Any] = {}
    text = ""
    if config_path is not None:
        try:
            text = config_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(
                f"找不到配置文件 {config_path}：请创建它，或用 --config 指定"
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(f"{config_path}：不是 UTF-8 编码的文本") from None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_toml_error(config_path, exc)) from None
    base = config_path.parent.resolve() if config_path else Path.cwd()
    parser = _Parser(text, str(config_path or "<defaults>"))
    settings = parser.settings(raw, base)
    flat = _env_overrides(environ if environ is not None else dict(os.environ))
    flat.update(overrides or {})
    settings = _apply_overrides(settings, flat, base)
    return replace(settings, config_path=config_path.resolve() if config_path else None)


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or key == CONFIG_ENV:
            continue
        name = key[len(ENV_PREFIX) :].lower()
        section, _, rest = name.partition("_")
        if section in _SECTIONS and rest:
            out[f"{section}.{rest}"] = value
        else:
            out[name] = value
    return out


def _apply_overrides(settings: Settings, flat: dict[str, Any], base: Path) -> Settings:
    for dotted, value in flat.items():
        section, _, name = dotted.partition(".")
        if not name:
            if section == "data_dir":
                settings = replace(settings, data_dir=(base / str(value)).resolve())
            elif section == "timezone":
                settings = replace(settings, timezone=_check_tz(str(value), dotted))
            continue
        target = getattr(settings, section, None)
        if section not in _SECTIONS or target is None:
            continue
        settings = replace(settings, **{section: _coerce_into(target, name, value, dotted)})
    return settings


def _coerce_into(target: Any, name: str, value: Any, where: str) -> Any:
    types = {f.name: f.type for f in fields(target)}
    if name not in types:
        raise ConfigError(f"未知的设置项 {where!r}")
    kind = types[name]
    try:
        if kind == "bool":
            coerced: Any = value if isinstance(value, bool) else str(value).lower() in {
                "1", "true", "yes", "on"}
        elif kind == "int":
            coerced = int(value)
        elif kind == "float":
            coerced = float(value)
        elif kind.startswith("tuple"):
            coerced = tuple(part.strip() for part in str(value).split(",") if part.strip())
        else:
            coerced = str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"设置项 {where!r} 应为{_KINDS.get(str(kind), str(kind))}，"
                          f"实际为 {value!r}") from None
    problem = check_value(where, coerced)
    if problem:
        raise ConfigError(f"设置项 {where!r}：{problem}")
    return replace(target, **{name: coerced})


def check_value(key: str, value: Any) -> str:
    """What is wrong with a setting's value beyond its type ('' when nothing is)."""
    if key == "web.port" and not 0 <= value <= 65535:
        return f"端口 {value} 超出范围，请使用 1-65535（0 表示自动选一个空闲端口）"
    if key in {"web.session_idle_minutes", "web.session_max_hours",
               "web.check_max_rows"} and value < 1:
        return f"至少为 1，实际为 {value!r}"
    return ""


def _check_tz(name: str, where: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}：未知的时区 {name!r}（例如 'Asia/Shanghai'）") from None
    return name


class _Parser:
    """Turns the TOML tree into Settings, naming file, key and line on every error."""

    def __init__(self, text: str, filename: str) -> None:
        self.lines = text.splitlines()
        self.filename = filename

    def fail(
        self, key: str, message: str, table: str | None = None, nth: int = 0,
        lookup: str | None = None,
    ) -> ConfigError:
        line = self.line_of(lookup or key.rsplit(".", 1)[-1], table, nth)
        where = f"{self.filename} 第 {line} 行" if line else self.filename
        return ConfigError(f"{where}：{key}：{message}")

    def line_of(self, key: str, table: str | None, nth: int) -> int | None:
        """Line number of ``key`` inside ``[table]`` (of the nth ``[[sources]]``), or None."""
        in_array = table is not None and table.split(".")[0] == "sources"
        current: str | None = None
        index = -1
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number, line in enumerate(self.lines, 1):
            header = re.match(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]", line)
            if header:
                current = header.group(2)
                if header.group(1) == "[[" and current == "sources":
                    index += 1
                continue
            if current == table and (not in_array or index == nth) and pattern.match(line):
                return number
        return None

    def settings(self, raw: dict[str, Any], base: Path) -> Settings:
        for key in raw:
            if key not in _TOP_KEYS:
                raise self.fail(key, f"未知的设置项（可用：{'、'.join(sorted(_TOP_KEYS))}）")
        data_dir = raw.get("data_dir", "data")
        if not isinstance(data_dir, str) or not data_dir:
            raise self.fail("data_dir", "应为非空的字符串（数据目录）")
        timezone = raw.get("timezone", "Asia/Shanghai")
        if not isinstance(timezone, str):
            raise self.fail("timezone", "应为字符串，例如 'Asia/Shanghai'")
        try:
            _check_tz(timezone, "timezone")
        except ConfigError as exc:
            raise self.fail("timezone", str(exc).split("：", 1)[1]) from None
        crawl = self.section(raw.get("crawl", {}), CrawlSettings(), "crawl")
        web = self.section(raw.get("web", {}), WebSettings(), "web")
        index = self.index(raw.get("index", {}))
        self.check_cron(crawl.schedule)
        sources = raw.get("sources", [])
        if not isinstance(sources, list):
            raise self.fail("sources", "应写成表数组：[[sources]]")
        parsed = tuple(self.source(s, i) for i, s in enumerate(sources))
        ids = [s.id for s in parsed]
        for sid in ids:
            if ids.count(sid) > 1:
                raise self.fail("sources.id", f"来源 id {sid!r} 重复", "sources")
        return Settings(
            data_dir=(base / data_dir).resolve(),
            timezone=timezone,
            crawl=crawl,
            web=web,
            index=index,
            sources=parsed,
            agencies=self.agencies(raw.get("agencies", {})),
        )

    def agencies(self, raw: Any) -> tuple[tuple[str, str], ...]:
        """``[agencies]``: ``"name" = ["spelling", ...]`` -> (spelling, name) pairs."""
        if not isinstance(raw, dict):
            raise self.fail("agencies", '应为表："名称" = ["其他写法", ...]')
        pairs: dict[str, str] = {}
        for name, spellings in raw.items():
            if not isinstance(spellings, list) or not all(
                isinstance(s, str) and s.strip() for s in spellings
            ):
                raise self.fail(f"agencies.{name}", "应为写法（字符串）的列表",
                                "agencies", lookup=name)
            for spelling in (name, *spellings):
                key = "".join(spelling.split())
                if pairs.get(key, name) != name:
                    raise self.fail(f"agencies.{name}", f"{spelling!r} 已是 {pairs[key]!r} 的"
                                    "一种写法", "agencies", lookup=name)
                pairs[key] = name
        return tuple(sorted(pairs.items()))

    def section(self, raw: Any, default: Any, name: str) -> Any:
        if not isinstance(raw, dict):
            raise self.fail(name, "应为表（[...] 一节）")
        types = {f.name: str(f.type) for f in fields(default)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in types:
                known = "、".join(sorted(types))
                raise self.fail(f"{name}.{key}", f"未知的设置项（可用：{known}）", name)
            values[key] = self.typed(f"{name}.{key}", value, types[key], name)
        return replace(default, **values)

    def index(self, raw: Any) -> IndexSettings:
        hosts = raw.get("hosts") if isinstance(raw, dict) else None
        if hosts is not None:
            if not isinstance(hosts, list) or not hosts or not all(
                    isinstance(h, str) and urlsplit(h).scheme in {"http", "https"} for h in hosts):
                raise self.fail("index.hosts", "应为 http(s) 网址的列表", "index")
            raw = {**raw, "hosts": tuple(hosts)}
        index = self.section(raw, IndexSettings(), "index")
        if index.backend not in BACKENDS:
            raise self.fail("index.backend", f"应为以下之一：{'、'.join(BACKENDS)}", "index")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,100}", index.name):
            raise self.fail("index.name", "只能用小写字母、数字、_ 或 -", "index")
        if index.shards < 1:
            raise self.fail("index.shards", "至少为 1", "index")
        return index

    def typed(self, key: str, value: Any, kind: str, table: str | None) -> Any:
        ok = {
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "str": isinstance(value, str),
        }.get(kind, True)
        if not ok:
            raise self.fail(key, f"应为{_KINDS.get(kind, kind)}，实际为 {value!r}", table)
        if kind in {"int", "float"} and value < 0:
            raise self.fail(key, f"不能为负数，实际为 {value!r}", table)
        problem = check_value(key, value)
        if problem:
            raise self.fail(key, problem, table)
        return float(value) if kind == "float" else value

    def check_cron(self, expr: str) -> None:
        parts = expr.split()
        if len(parts) != 5:
            raise self.fail(
                "crawl.schedule",
                f"cron 表达式 {expr!r} 应有 5 个字段（分 时 日 月 星期）",
                "crawl",
            )
        try:
            from apscheduler.triggers.cron import CronTrigger

            CronTrigger.from_crontab(expr)
        except ValueError as exc:
            raise self.fail(
                "crawl.schedule", f"cron 表达式 {expr!r} 无法解析：{exc}", "crawl"
            ) from None

    def source(self, raw: Any, nth: int) -> SourceSettings:
        if not isinstance(raw, dict):
            raise self.fail("sources", "每个 [[sources]] 都应为表")
        for key in raw:
            if key not in _SOURCE_KEYS:
                known = "、".join(sorted(_SOURCE_KEYS))
                raise self.fail(f"sources.{key}", f"未知的设置项（可用：{known}）", "sources", nth)
        sid = raw.get("id")
        if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", sid):
            raise self.fail("sources.id", "必填：字母、数字、_ 或 -", "sources", nth)
        urls = raw.get("start_urls")
        if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
            raise self.fail("sources.start_urls", "必填：网址列表", "sources", nth)
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                raise self.fail(
                    "sources.start_urls", f"{url!r} 不是 http(s) 网址", "sources", nth
                )
        for key in ("list_url_pattern", "detail_url_pattern"):
            pattern = raw.get(key)
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise self.fail(f"sources.{key}", f"不是有效的正则表达式：{exc}", "sources",
                                nth) from None
        cats = raw.get("categories", {})
        if not isinstance(cats, dict):
            raise self.fail("sources.categories", "应为表", "sources", nth)
        for prefix, cat in cats.items():
            if cat not in CATEGORIES:
                raise self.fail(
                    "sources.categories",
                    f"{prefix!r} 对应的 {cat!r} 不是分类（可用：{'、'.join(CATEGORIES)}）",
                    "sources.categories",
                    nth,
                    lookup=prefix,
                )
        hosts = raw.get("allowed_hosts", [])
        if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
            raise self.fail("sources.allowed_hosts", "应为主机名列表", "sources", nth)
        return SourceSettings(
            id=sid,
            name=str(raw.get("name", sid)),
            start_urls=tuple(urls),
            list_url_pattern=raw.get("list_url_pattern"),
            detail_url_pattern=raw.get("detail_url_pattern"),
            categories=tuple(sorted(cats.items(), key=lambda kv: -len(kv[0]))),
            allowed_hosts=tuple(hosts),
        )
