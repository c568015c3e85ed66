"""The ``disclosure-search`` command line: parses arguments, runs a command, maps errors."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from disclosure_search import __version__, user_commands
from disclosure_search.config import Settings, load_settings
from disclosure_search.errors import (
    ChecklistError,
    ConfigError,
    DisclosureSearchError,
    UsageError,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, Settings], int]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so ``main`` owns every exit status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}：{_chinese(message)}")


#: argparse's messages (English, from the standard library) as the command line says them.
_ARGPARSE = (
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)",
     r"参数 \1：无效的选项 \2（可选：\3）"),
    (r"argument (\S+): invalid (\w+) value: (.+)", r"参数 \1：\3 不是有效的 \2 值"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"the following arguments are required: (.+)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
)


def _chinese(message: str) -> str:
    for pattern, replacement in _ARGPARSE:
        translated, n = re.subn(pattern, replacement, message)
        if n:
            return translated
    return message


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand of the command-line contract."""
    parser = _Parser(prog="disclosure-search", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", help="TOML config (default: $DISCLOSURE_SEARCH_CONFIG, "
                        "then ./disclosure-search.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("demo", help="serve the sample portal, crawl it, index it, serve the site")
    p.add_argument("--port", type=int, default=8080, help="port of the search site")
    p.add_argument("--portal-port", type=int, default=8701,
                   help="port of the sample bureau (the city portal takes the next one)")
    p.add_argument("--data-dir", help="where to keep the demo's archive (default: ./demo-data)")
    p.add_argument("--no-serve", action="store_true", help="stop after crawling and searching")

    p = sub.add_parser("crawl", help="one crawl pass, then index what changed")
    p.add_argument("--source", help="only this source id")
    p.add_argument("--full", action="store_true", help="full sweep instead of incremental")

    sub.add_parser("reindex", help="rebuild the index from the archive (no network)")
    sub.add_parser("verify", help="catalog / index / WARC consistency; exit 1 on a difference")

    p = sub.add_parser("serve", help="serve the search site")
    p.add_argument("--host")
    p.add_argument("--port", type=int)

    sub.add_parser("jobs", help="run the nightly crawl on the config's schedule")

    p = sub.add_parser("search", help="search from the shell")
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--category")
    p.add_argument("--source")
    p.add_argument("--agency")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print JSON as /api/search does")

    p = sub.add_parser("check", help="publication check of a checklist CSV")
    p.add_argument("checklist")
    p.add_argument("--json", action="store_true")
    p.add_argument("--save", metavar="NAME", help="also save the list under NAME: every later "
                   "crawl checks it again and the staff home page shows what changed")

    p = sub.add_parser("stats", help="counts per category, as in the annual report")
    p.add_argument("--year", type=int)
    p.add_argument("--source")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("sample-portal", help="serve the bundled sample portal alone")
    p.add_argument("--port", type=int, default=8701, help="port of the bureau site "
                   "(the city portal takes the next one)")
    p.add_argument("--host", default="127.0.0.1")

    p = sub.add_parser("sources", help="set up sources")
    sources = p.add_subparsers(dest="sources_command", required=True, parser_class=_Parser)
    p = sources.add_parser("probe", help="explore a site from one URL; print a [[sources]] "
                           "section (stdout) and a preview of documents (stderr)")
    p.add_argument("url", help="the site's 信息公开 landing page (or any list page)")
    p.add_argument("--max-pages", type=int, default=60,
                   help="how many URLs to fetch at most (1-1000; default 60)")

    user_commands.add_parser(sub)
    return parser


def _handlers() -> dict[str, Handler]:
    # Imported here so that `disclosure-search --help` stays fast and a broken optional
    # stage cannot stop the others from running.
    from disclosure_search import commands

    return {
        "demo": commands.demo,
        "crawl": commands.crawl,
        "reindex": commands.reindex,
        "verify": commands.verify,
        "serve": commands.serve,
        "jobs": commands.jobs,
        "search": commands.search,
        "check": commands.check,
        "stats": commands.stats,
        "sample-portal": commands.sample_portal,
        "sources": commands.sources,
        "user": user_commands.user,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 reported failure, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        print("用法见 disclosure-search --help", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(args.config, overrides=_flag_overrides(args))
        return _handlers()[args.command](args, settings)
    except (ConfigError, UsageError, ChecklistError) as exc:  # bad input: fix it and rerun
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except DisclosureSearchError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


def _flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.command == "serve":
        if args.host:
            out["web.host"] = args.host
        if args.port:
            out["web.port"] = args.port
    return out
