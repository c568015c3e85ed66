"""Run every benchmark: ``python -m bench [--tiny]`` (``--tiny`` is CI's size)."""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS: list[str] = ["index_build", "query_latency", "web_load", "nightly_crawl", "relevance",
                         "guards", "check_rows", "es_cluster", "es_relevance", "html_parsers"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="smallest sizes, for CI")
    parser.add_argument("names", nargs="*", help=f"subset of {BENCHMARKS}")
    args = parser.parse_args(argv)
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        status = module.main(["--tiny"] if args.tiny else [])
        if status:
            return int(status)
    return 0


if __name__ == "__main__":
    sys.exit(main())
