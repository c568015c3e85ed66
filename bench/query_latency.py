"""Query latency with facets and highlighted top-10 snippets: the project's search vs a naive one.

200 realistic queries (1-3 words from the documents' own vocabulary, a quarter with a
category filter, a fifth with a date range) run against the project's index and against the
naive baseline (Whoosh + ``jieba.analyse.ChineseAnalyzer`` + Whoosh's default highlighter) over
the same documents, in the same run. Indexes are built by ``bench.index_build`` and cached
under ``bench/results/cache/`` keyed by size and corpus.

    python -m bench.query_latency --corpus DIR [--docs 20000 100000] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.corpus import documents_file, read_documents, save_results
from bench.index_build import index_dir_for, run_child
from disclosure_search.models import CATEGORIES, SearchQuery

TINY_DOCS = 300
SEED = 7


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query: words and optional filters."""

    words: tuple[str, ...]
    category: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def make_queries(docs_path: Path, count: int = 200, sample: int = 400) -> list[BenchQuery]:
    """Return ``count`` deterministic queries drawn from the vocabulary of the first documents."""
    from disclosure_search.index.analyzer import words

    frequency: Counter[str] = Counter()
    for doc in itertools.islice(read_documents(docs_path), sample):
        frequency.update({w for w in words(doc.title + "\n" + doc.body) if len(w) >= 2})
    ceiling = max(3, sample // 3)  # leave out words nearly every document has
    vocabulary = sorted(w for w, n in frequency.items() if 2 <= n <= ceiling and not w.isascii())
    rng = random.Random(SEED)
    queries = []
    for _ in range(count):
        chosen = tuple(rng.sample(vocabulary, rng.choice((1, 1, 2, 2, 3))))
        category = rng.choice(CATEGORIES) if rng.random() < 0.25 else None
        start = rng.randrange(2010, 2025) if rng.random() < 0.2 else None
        queries.append(
            BenchQuery(
                chosen,
                category,
                date(start, 1, 1) if start else None,
                date(start + 2, 12, 31) if start else None,
            )
        )
    return queries


def _percentiles(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)
    return {
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "mean_ms": statistics.fmean(ordered),
    }


def run_ours(index_dir: Path, queries: list[BenchQuery], snippets: bool = True) -> dict[str, Any]:
    """Time the project's search: facets, top 10, snippets; return percentiles and hit counts."""
    from disclosure_search.index.backend import open_backend

    backend = open_backend(index_dir)
    times, totals = [], []
    for query in queries[:5] + queries:  # the first five again, to warm caches
        search = SearchQuery(
            text=" ".join(query.words),
            category=query.category,
            date_from=query.date_from,
            date_to=query.date_to,
            snippets=snippets,
        )
        started = time.perf_counter()
        result = backend.search(search)
        times.append((time.perf_counter() - started) * 1000)
        totals.append(result.total)
    backend.close()
    return {**_percentiles(times[5:]), "mean_total": statistics.fmean(totals[5:])}


def run_baseline(index_dir: Path, queries: list[BenchQuery]) -> dict[str, Any]:
    """Time the naive search: parsed AND query, facets, top 10 with default highlights."""
    from whoosh import index, query, sorting
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(index_dir))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema)
    facets = {
        name: sorting.FieldFacet(name, maptype=sorting.Count) for name in ("category", "source")
    }
    times, totals = [], []
    for bench_query in queries[:5] + queries:
        started = time.perf_counter()
        parsed = parser.parse(" ".join(bench_query.words))
        filters: list[Any] = []
        if bench_query.category:
            filters.append(query.Term("category", bench_query.category))
        if bench_query.date_from and bench_query.date_to:
            filters.append(
                query.TermRange(
                    "published", f"{bench_query.date_from:%Y%m%d}", f"{bench_query.date_to:%Y%m%d}"
                )
            )
        results = searcher.search(
            parsed, limit=10, groupedby=facets, filter=query.And(filters) if filters else None
        )
        _ = [(hit["title"], hit.highlights("body")) for hit in results]
        times.append((time.perf_counter() - started) * 1000)
        totals.append(len(results))
    searcher.close()
    return {**_percentiles(times[5:]), "mean_total": statistics.fmean(totals[5:])}


def _ensure_index(kind: str, count: int, corpus: Path | None, docs_path: Path) -> Path:
    index_dir = index_dir_for(kind, count, corpus)
    if not any(index_dir.glob("_MAIN_*.toc")):
        print(f"building the {kind} index of {count} documents (cached for next time)", flush=True)
        run_child(kind, docs_path, index_dir)
    return index_dir


def _line(kind: str, figures: dict[str, Any]) -> str:
    return (
        f"{kind:22} p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms  "
        f"mean {figures['mean_ms']:7.1f} ms  (mean hits {figures['mean_total']:.0f})"
    )


def bench_size(count: int, corpus: Path | None, queries_n: int, baseline: bool) -> dict[str, Any]:
    """Run the queries at one corpus size; print and return the figures."""
    docs_path = documents_file(count, corpus)
    queries = make_queries(docs_path, queries_n)
    ours_dir = _ensure_index("ours", count, corpus, docs_path)
    results: dict[str, Any] = {"docs": count, "queries": len(queries)}
    results["ours"] = run_ours(ours_dir, queries)
    print(f"{count} documents, {len(queries)} queries", flush=True)
    print(_line("ours (snippets)", results["ours"]), flush=True)
    results["ours_no_snippets"] = run_ours(ours_dir, queries, snippets=False)
    print(_line("ours (no snippets)", results["ours_no_snippets"]), flush=True)
    if baseline:
        base_dir = _ensure_index("baseline", count, corpus, docs_path)
        results["baseline"] = run_baseline(base_dir, queries)
        print(_line("baseline (highlights)", results["baseline"]), flush=True)
        ratio = results["baseline"]["p95_ms"] / results["ours"]["p95_ms"]
        results["p95_speedup"] = ratio
        print(f"baseline p95 / ours p95: {ratio:.1f}x", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark at each requested size; write bench/results/query_latency-N.json."""
    parser = argparse.ArgumentParser(prog="python -m bench.query_latency", description=__doc__)
    parser.add_argument("--docs", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--tiny", action="store_true", help=f"{TINY_DOCS} documents, for CI")
    parser.add_argument("--corpus", type=Path, help="real-document corpus folder (laws/ ...)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-baseline", action="store_true", help="only time ours")
    args = parser.parse_args(argv)
    sizes = [TINY_DOCS] if args.tiny else args.docs
    for count in sizes:
        results = bench_size(count, args.corpus, args.queries, not args.skip_baseline)
        save_results(f"query_latency-{count}", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
