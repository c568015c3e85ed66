"""Relevance on both engines, side by side: ``python -m bench.es_relevance [--tiny]``.

The relevance harness's documents and queries (``bench/relevance/``) run against the
embedded index and against Elasticsearch (a real cluster, see ``bench.cluster``); MRR@10 and
Recall@10 per query type are printed next to each other, and the run fails when the two
engines differ by more than :data:`TOLERANCE` overall.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.cluster import cluster
from bench.corpus import save_results
from bench.relevance.harness import (
    TYPE_ORDER,
    UNTARGETED,
    evaluate,
    load_queries,
    ours,
    portal_documents,
    tiny_subset,
)

TOLERANCE = 0.02
ENGINES = ("whoosh", "elasticsearch")


def _mean(run: dict[str, Any], ids: list[str], metric: str) -> float:
    return statistics.fmean(run[i][metric] for i in ids)


def table(queries: list[dict[str, Any]], runs: dict[str, Any]) -> tuple[str, dict[str, float]]:
    """Return the side-by-side Markdown table and the overall differences."""
    groups: dict[str, list[str]] = {}
    for query in queries:
        groups.setdefault(query["type"], []).append(query["id"])
        if query["type"] not in UNTARGETED:
            groups.setdefault("all (targets)", []).append(query["id"])
    lines = ["| type | n | MRR whoosh | MRR elasticsearch | R@10 whoosh | R@10 elasticsearch |",
             "|---|---|---|---|---|---|"]
    for name in (*[t for t in TYPE_ORDER if t in groups], "all (targets)"):
        ids = groups[name]
        cells = [f"{_mean(runs[e], ids, m):.3f}" for m in ("mrr", "recall") for e in ENGINES]
        lines.append(f"| {name} | {len(ids)} | " + " | ".join(cells) + " |")
    ids = groups["all (targets)"]
    gaps = {m: abs(_mean(runs["whoosh"], ids, m) - _mean(runs["elasticsearch"], ids, m))
            for m in ("mrr", "recall")}
    return "\n".join(lines), gaps


def main(argv: list[str] | None = None) -> int:
    """Run the queries on both engines; print the table; status 1 past the tolerance."""
    parser = argparse.ArgumentParser(prog="python -m bench.es_relevance", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="a few queries per type, for CI")
    args = parser.parse_args(argv)
    docs, queries = portal_documents(), load_queries()
    if args.tiny:
        docs, queries = tiny_subset(docs, queries)
    with cluster() as found, tempfile.TemporaryDirectory() as tmp:
        if isinstance(found, str):
            print(f"skipped: {found}", flush=True)
            return 0
        runs = {}
        for engine in ENGINES:
            config = found.config("bench-relevance") if engine == "elasticsearch" else None
            search, _times, close = ours(Path(tmp) / engine, docs, config)
            runs[engine] = evaluate(queries, search)
            close()
    text, gaps = table(queries, runs)
    print(f"{len(docs)} documents, {len(queries)} queries\n\n{text}\n", flush=True)
    print(f"difference overall: MRR {gaps['mrr']:.3f}, Recall@10 {gaps['recall']:.3f} "
          f"(tolerance {TOLERANCE})", flush=True)
    save_results("es_relevance" + ("-tiny" if args.tiny else ""),
                 {"documents": len(docs), "queries": len(queries), "gaps": gaps, "table": text})
    return 0 if max(gaps.values()) <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
