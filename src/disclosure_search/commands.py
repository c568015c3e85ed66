"""Command implementations behind the CLI; each returns an exit status and prints its summary."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from disclosure_search.config import Settings, load_settings
from disclosure_search.errors import ConfigError, DisclosureSearchError, QueryError, UsageError
from disclosure_search.models import SearchQuery
from disclosure_search.progress import Progress


def _out(text: str = "") -> None:
    print(text, flush=True)


def _need_sources(settings: Settings) -> None:
    if not settings.sources:
        where = settings.config_path or "没有找到配置文件"
        raise ConfigError(f"没有配置任何来源 [[sources]]（{where}）：请用 --config 指定配置文件，"
                          "或创建 disclosure-search.toml（见 README 的配置一节）")


# -- crawl, reindex ---------------------------------------------------------------------------


def crawl(args: argparse.Namespace, settings: Settings) -> int:
    """One crawl pass under the crawl lock; prints progress and a summary."""
    from disclosure_search.jobs.nightly import run_locked_crawl, stop_on_signals

    _need_sources(settings)
    if args.source:
        settings.source(args.source)
    stop = threading.Event()
    bar = Progress("抓取")
    steps: dict[str, Progress] = {}

    def step(stage: str, detail: str) -> None:
        if stage not in steps:
            bar.done()
            steps[stage] = Progress(STAGES.get(stage, stage))
        steps[stage].step(detail)

    with stop_on_signals(stop):
        report = run_locked_crawl(
            settings, source_id=args.source, full=args.full, stop=stop,
            on_progress=lambda e: bar.step(f"{OUTCOMES.get(e.outcome, e.outcome)} {e.url}"),
            on_step=step, wait_s=0,
        )
    for progress in (bar, *steps.values()):
        progress.done()
    print_crawl_summary(report)
    return 0 if report.status == "finished" and not report.scope_problems else 1


#: Stages and crawl outcomes as the progress line names them.
STAGES = {"extract": "提取", "index": "索引", "verify": "核对"}
OUTCOMES = {"new": "新增", "changed": "有变化", "unchanged": "未变化", "failed": "失败",
            "gone": "已消失", "skipped": "跳过"}
#: How a run ended, in the words the staff crawl-health page uses.
RUN_STATUS = {"finished": "完成", "interrupted": "中断", "failed": "失败", "running": "进行中"}


def print_crawl_summary(report: Any) -> None:
    """Print the per-source table of a pipeline report, the failures with their reasons and
    what re-checking the saved expected-items lists found.

    The duration is the one stored with the run, so it equals the crawl-health page's.
    """
    from disclosure_search.reports.reasons import reason_text

    mode = "全量" if report.swept else "增量"
    _out(f"第 {report.run_id} 次抓取：{RUN_STATUS.get(report.status, report.status)}（{mode}），"
         f"用时 {report.elapsed_s:.1f} 秒")
    header = ("来源", "已抓取", "新增", "有变化", "未变化", "失败", "新文件", "改动文件",
              "撤下文件")
    _out("  ".join(f"{h:>8}" for h in header))
    for source, stats in report.crawl.items():
        docs = report.documents.get(source, {})
        row = (source, stats.fetched, stats.new, stats.changed, stats.unchanged, stats.failed,
               docs.get("new", 0), docs.get("changed", 0), docs.get("removed", 0))
        _out("  ".join(f"{v:>10}" for v in row))
    failures = [f for s in report.crawl.values() for f in s.failures] + report.extract_failures
    if failures:
        _out(f"失败 {len(failures)} 个：")
        for url, reason in failures[:20]:
            _out(f"  {url}：{reason_text(reason)}")
        if len(failures) > 20:
            _out(f"  ……另有 {len(failures) - 20} 个（见工作人员专区的“抓取状况”页）")
    _out(f"已索引 {report.indexed} 份文件")
    watch = getattr(report, "watch", None)
    if watch and watch.lists:
        _out(f"已复查保存的清单 {watch.lists} 份（{watch.items} 项）：新近公开 "
             f"{watch.newly_online} 项，新近逾期 {watch.newly_overdue} 项（详见工作人员专区首页）")
    for problem in getattr(report, "scope_problems", ()):
        _out(problem)


def reindex(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild documents and the index from the archive; no network."""
    from disclosure_search.jobs.lock import crawl_lock
    from disclosure_search.jobs.pipeline import reindex as rebuild

    _need_sources(settings)
    if not settings.catalog_path.exists():
        raise DisclosureSearchError(f"{settings.data_dir} 中还没有存档：请先运行 "
                                    "disclosure-search crawl")
    bar = Progress("重建索引")
    with crawl_lock(settings.data_dir, wait_s=0, task="重建索引"):
        report = rebuild(settings, on_step=lambda stage, detail: bar.step(
            f"{STAGES.get(stage, stage)} {detail}"))
    bar.done()
    docs = sum(sum(c.values()) for c in report.documents.values())
    _out(f"已从存档重建索引：{report.indexed} 份文件，用时 {report.elapsed_s:.1f} 秒"
         f"（重新提取后有变化 {docs} 份，失败 {len(report.extract_failures)} 个）")
    return 0


# -- search -----------------------------------------------------------------------------------


#: The /api/search argument each ``search`` option sets (its attribute on the namespace).
SEARCH_OPTIONS = {
    "q": "query", "in": "scope", "category": "category", "source": "source",
    "agency": "agency", "from": "date_from", "to": "date_to", "written_from": "written_from",
    "written_to": "written_to", "validity": "validity", "doc_number": "doc_number",
    "topic": "topic", "since": "since", "sort": "sort", "page": "page", "per_page": "per_page",
}


def search(args: argparse.Namespace, settings: Settings) -> int:
    """Search the index from the shell; ``--json`` prints what ``/api/search`` returns.

    The options are read and checked by the web API's own code, so a bad value gets the
    same Chinese message there and here (exit status 2).
    """
    from disclosure_search.index.backend import open_backend
    from disclosure_search.web.params import parse_search, resolve_agency
    from disclosure_search.web.present import page_count

    given = {name: str(value) for name, attr in SEARCH_OPTIONS.items()
             if (value := getattr(args, attr, None)) is not None}
    try:
        query = parse_search(given, settings.web)
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    if settings.index.backend == "whoosh" and not settings.index_dir.exists():
        raise DisclosureSearchError(f"{settings.index_dir} 中还没有索引：请先运行 "
                                    "disclosure-search crawl")
    backend = open_backend(settings.index_dir, config=settings.index)
    try:
        if query.agency:
            whole = backend.search(SearchQuery(per_page=1, snippets=False))
            query = resolve_agency(query, settings.agency_name, list(whole.facets["agency"]))
        result = backend.search(query)
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    finally:
        backend.close()
    pages = page_count(result)
    if query.page > pages:
        raise UsageError(f"第 {query.page} 页超出范围：共 {pages} 页。")
    if args.json:
        _out(json.dumps(_result_json(settings, result), ensure_ascii=False, indent=2))
    else:
        _print_result(result)
    return 0


def _result_json(settings: Settings, result: Any) -> dict[str, Any]:
    from disclosure_search.web.app import create_app
    from disclosure_search.web.present import result_json

    app = create_app(settings)
    base = f"http://{settings.web.host}:{settings.web.port}/"
    with app.test_request_context("/api/search", base_url=base):
        return result_json(result)


#: Facets as the shell prints them.
FACETS = {"category": "分类", "year": "年份", "source": "来源", "agency": "发布/发文机关",
          "validity": "有效性", "topic": "主题分类"}


def _print_result(result: Any) -> None:
    import re

    plain = re.compile(r"<[^>]+>")
    _out(f"共 {result.total} 条结果，用时 {result.took_ms:.0f} 毫秒"
         + (f"；您是不是要找：{result.suggestion}" if result.suggestion else ""))
    first = (result.query.page - 1) * result.query.per_page
    for n, hit in enumerate(result.hits, first + 1):
        when = hit.published_date.isoformat() if hit.published_date else "----------"
        _out(f"{n:>3}. {when}  [{hit.category}] {hit.title}")
        meta = "  ".join(x for x in (hit.doc_number, hit.agency, hit.source) if x)
        _out(f"     {meta}")
        _out(f"     {hit.url}")
        snippet = plain.sub("", hit.snippet).replace("&lt;", "<").replace("&gt;", ">")
        if snippet:
            _out(f"     {snippet.replace('&amp;', '&')[:160]}")
    if not result.total:
        _out("没有找到：试试更少或别的词、繁体/简体写法，或放宽筛选条件")
    for name, counts in result.facets.items():
        if not counts:
            continue
        shown = "，".join(f"{k} {v}" for k, v in list(counts.items())[:12])
        _out(f"{FACETS.get(name, name)}：{shown}")


# -- web, jobs, portal --------------------------------------------------------------------------


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Catch the index up with the catalog, then serve the search site until interrupted."""
    from disclosure_search.jobs.index_sync import catch_up_settings
    from disclosure_search.web.server import serve as run

    caught = catch_up_settings(settings)
    if caught and (caught.indexed or caught.removed):
        _out(f"索引已与存档同步：写入 {caught.indexed} 份文件，删除 {caught.removed} 份")
    run(settings)
    return 0


def verify(args: argparse.Namespace, settings: Settings) -> int:
    """Print the catalog / index / WARC consistency table; exit 1 on any difference."""
    from disclosure_search.jobs.verify import verify as check

    if not settings.catalog_path.exists():
        raise DisclosureSearchError(f"{settings.data_dir} 中还没有存档：请先运行 "
                                    "disclosure-search crawl")
    bar = Progress("核对")
    result = check(settings, on_step=lambda stage, detail: bar.step(detail))
    bar.done()
    cell = lambda value: "-" if value is None else str(value)  # noqa: E731
    _out(f"{'核对项':<43} {'目录':>6} {'索引':>6} {'存档':>6} {'差异':>10}")
    for row in result.checks:
        _out(f"{row.name:<40} {cell(row.catalog):>8} {cell(row.index):>8}"
             f" {cell(row.archive):>8} {row.differences:>12}")
        for example in row.examples:
            _out(f"    {example}")
        if row.differences and row.fix:
            _out(f"    解决办法：{row.fix}")
    _out("一致" if result.clean else "发现差异")
    return 0 if result.clean else 1


def jobs(args: argparse.Namespace, settings: Settings) -> int:
    """Run the scheduler process (the nightly crawl on the config's cron)."""
    from disclosure_search.jobs.scheduler import describe_jobs, run_scheduler

    _need_sources(settings)
    for job in describe_jobs(settings):
        _out(f"定时任务 {job['id']}：{job['trigger']}（时区 {job['timezone']}），"
             f"下次运行 {job['next_run_time'] or '未定'}")
    run_scheduler(settings)
    return 0


def sample_portal(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the bundled sample portal (bureau on --port, city portal on --port + 1, the
    layouts site on --port + 2)."""
    from disclosure_search.sample_portal.server import serve_forever

    _out(f"示例科技局网站：  http://{args.host}:{args.port}/xxgk/")
    _out(f"示例市政府门户：  http://{args.host}:{args.port + 1}/")
    _out(f"更多网站版式：    http://{args.host}:{args.port + 2}/")
    _out("按 Ctrl-C 停止。")
    serve_forever(args.host, args.port, args.port + 1)
    return 0


def sources(args: argparse.Namespace, settings: Settings) -> int:
    """``sources probe URL``: a [[sources]] section on stdout, a preview on stderr."""
    from disclosure_search.jobs.probe import check_budget, probe_site
    from disclosure_search.jobs.probe_report import preview, sources_toml

    check_budget(args.max_pages)
    result = probe_site(settings, args.url, args.max_pages)
    _out(sources_toml(result).rstrip("\n"))
    print(preview(result), file=sys.stderr, end="")
    if not result.documents:
        print(f"错误：从 {result.start_url} 没有找到文件；"
              "请探查列出文件的栏目页，或加大 --max-pages", file=sys.stderr)
        return 1
    return 0


def demo(args: argparse.Namespace, settings: Settings) -> int:
    """Sample portal → crawl → archive → index → search site, all on this machine."""
    from disclosure_search.sample_portal.server import SamplePortal

    data_dir = Path(args.data_dir or "demo-data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    ports = {"kjj": args.portal_port, "city": args.portal_port + 1}
    with SamplePortal(ports=ports) as portal:
        _out(f"示例网站：{portal.start_url('kjj')}  {portal.start_url('city')}")
        config = data_dir / "disclosure-search.toml"
        config.write_text(portal.config_toml(data_dir), encoding="utf-8")
        demo_settings = load_settings(config, overrides={"web.port": args.port})
        _out(f"正在抓取到 {data_dir}（配置文件：{config}）")
        crawl(argparse.Namespace(source=None, full=False), demo_settings)
        _out()
        _out("示例检索：科技 --category 规范性文件")
        search(argparse.Namespace(query="科技", category="规范性文件", per_page=3, json=False),
               demo_settings)
        if args.no_serve:
            return 0
        _out()
        site = f"http://{demo_settings.web.host}:{demo_settings.web.port}/"
        _out(f"检索网站：{site}  （按 Ctrl-C 停止）")
        _out(f"工作人员专区：{site}staff/  （先在另一个终端新建账户："
             f"disclosure-search --config {config} user add 用户名）")
        return serve(args, demo_settings)


# -- staff side ---------------------------------------------------------------------------------


def check(args: argparse.Namespace, settings: Settings) -> int:
    """Publication check of a checklist CSV against the archive; ``--save`` keeps the list
    so every later crawl checks it again (the staff home page shows what changed)."""
    from disclosure_search.archive.catalog import Catalog
    from disclosure_search.reports.check import STATUS_LABELS, check_documents, report_json
    from disclosure_search.reports.checklist import parse_checklist

    try:
        data = Path(args.checklist).read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取清单 {args.checklist}：{exc.strerror}") from None
    rows = parse_checklist(data)
    today = datetime.now(settings.tz).date()
    if not settings.catalog_path.exists():
        raise UsageError(f"{settings.data_dir} 中还没有存档：请先运行 disclosure-search crawl"
                         "（或用 --config 指定网站所用的配置文件）")
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        documents = list(catalog.iter_documents(include_removed=True))
    report = check_documents(documents, rows, today)
    if args.save:
        _save_watchlist(settings, args.save, data.decode("utf-8-sig"), documents)
    if args.json:
        _out(report_json(report))
        return 0
    for result in report.results:
        late = f"（逾期 {result.days_late} 天）" if result.days_late else ""
        found = f" → {result.document_url}" if result.document_url else ""
        label = STATUS_LABELS[result.status]
        _out(f"{label}  第 {result.row.line} 行：{result.row.title}{late}{found}")
        _out(f"{'':6}{result.reason}")
    _out(f"共 {len(report.results)} 项：" + "，".join(
        f"{STATUS_LABELS[k]} {v}" for k, v in report.counts.items()))
    return 0


def _save_watchlist(settings: Settings, name: str, text: str, documents: list[Any]) -> None:
    from disclosure_search.reports import watchlist
    from disclosure_search.web.auditlog import audit

    saved = watchlist.save(settings.catalog_path, name, text, documents, saved_by="命令行",
                           today=datetime.now(settings.tz).date())
    audit(settings, "cli", "watchlist save", f"清单“{saved.name}”，共 {saved.items} 项")
    print(f"已保存清单“{saved.name}”（{saved.items} 项）：以后每次抓取结束都会再核查，"
          "结果见工作人员专区首页", file=sys.stderr)


def stats(args: argparse.Namespace, settings: Settings) -> int:
    """Counts per category for the annual report (年度报告)."""
    from disclosure_search.archive.catalog import Catalog
    from disclosure_search.reports.annual import counts_csv, year_counts

    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        counts = year_counts(catalog, args.year, args.source, settings.tz)
    if args.json:
        _out(json.dumps(counts.as_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(counts_csv(counts))
    return 0
