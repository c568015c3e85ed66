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
    """argparse that raises instead of exiting, so ``main`` owns every exit status, and
    whose help reads in Chinese (section titles, ``-h``, the usage line)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # our own -h, with its help in Chinese
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}：{_chinese(message)}")


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


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
    parser = _Parser(prog="disclosure-search",
                     description="政府信息公开检索：抓取、存档、索引，并提供检索网站和工作人员专区。")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="显示版本号并退出")
    parser.add_argument("--config", help="TOML 配置文件（默认依次为 $DISCLOSURE_SEARCH_CONFIG、"
                        "./disclosure-search.toml）")
    parser.add_argument("-v", "--verbose", action="store_true", help="记录调试细节")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("demo", help="启动示例网站，抓取、索引，然后提供检索网站")
    p.add_argument("--port", type=int, default=8080, help="检索网站的端口")
    p.add_argument("--portal-port", type=int, default=8701,
                   help="示例科技局网站的端口（市政府门户用下一个端口）")
    p.add_argument("--data-dir", help="演示存档放在哪里（默认 ./demo-data）")
    p.add_argument("--no-serve", action="store_true", help="抓取并示例检索后即停止")

    p = sub.add_parser("crawl", help="抓取一遍，然后为有变化的文件建索引")
    p.add_argument("--source", help="只抓取这个来源（id）")
    p.add_argument("--full", action="store_true", help="全量抓取（而不是增量）")

    sub.add_parser("reindex", help="从存档重建索引（不联网）")
    sub.add_parser("verify", help="核对目录、索引与 WARC 是否一致；有差异时退出码为 1")

    p = sub.add_parser("serve", help="运行检索网站")
    p.add_argument("--host")
    p.add_argument("--port", type=int)

    sub.add_parser("jobs", help="按配置的时间表运行每晚抓取")

    p = sub.add_parser("search", help="在命令行中检索（参数与 /api/search 相同）")
    p.add_argument("query", nargs="?", default="", help="检索词（检索式见 README）")
    p.add_argument("--in", dest="scope", metavar="all|title",
                   help="检索范围：all 全文（默认）或 title 仅标题")
    p.add_argument("--category", help="分类，如 规范性文件")
    p.add_argument("--source", help="来源 id")
    p.add_argument("--agency", help="发布机构或发文机关（名称的一部分亦可，如 科技局）")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="发布日期起")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="发布日期止")
    _option(p, "written-from", metavar="YYYY-MM-DD", help="成文日期起")
    _option(p, "written-to", metavar="YYYY-MM-DD", help="成文日期止")
    p.add_argument("--validity", help="有效性：有效、失效或废止")
    _option(p, "doc-number", help="文号（括号、全角数字等写法均可）")
    p.add_argument("--topic", help="主题分类（整个路径或其前几级）")
    p.add_argument("--since", metavar="YYYY-MM-DD",
                   help="只列出此日起新收录的文件（默认按最新排序）")
    p.add_argument("--sort", metavar="relevance|newest|oldest", help="排序（默认 relevance）")
    p.add_argument("--page", help="页码（默认 1）")
    _option(p, "per-page", help="每页条数（默认 10）")
    p.add_argument("--json", action="store_true", help="输出与 /api/search 相同的 JSON")

    p = sub.add_parser("check", help="按清单（CSV）核查是否已公开")
    p.add_argument("checklist")
    p.add_argument("--json", action="store_true")
    p.add_argument("--save", metavar="NAME", help="同时以 NAME 为名保存清单：以后每次抓取都会"
                   "再核查，变化显示在工作人员专区首页")

    p = sub.add_parser("stats", help="按分类统计件数（与年度报告相同）")
    p.add_argument("--year", type=int)
    p.add_argument("--source")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("sample-portal", help="只运行自带的示例网站")
    p.add_argument("--port", type=int, default=8701, help="示例科技局网站的端口"
                   "（市政府门户用下一个端口）")
    p.add_argument("--host", default="127.0.0.1")

    p = sub.add_parser("sources", help="设置来源")
    sources = p.add_subparsers(dest="sources_command", required=True, parser_class=_Parser)
    p = sources.add_parser("probe", help="从一个网址探查网站；输出 [[sources]] 配置（标准输出）"
                           "和文件预览（标准错误）")
    p.add_argument("url", help="网站的信息公开首页（或任一列表页）")
    p.add_argument("--max-pages", type=int, default=60,
                   help="最多抓取多少个网址（1-1000，默认 60）")

    user_commands.add_parser(sub)
    return parser


def _option(parser: argparse.ArgumentParser, name: str, **kwargs: Any) -> None:
    """An option spelled with a hyphen and, as the web API spells it, with an underscore."""
    parser.add_argument(f"--{name}", f"--{name.replace('-', '_')}",
                        dest=name.replace("-", "_"), **kwargs)


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
