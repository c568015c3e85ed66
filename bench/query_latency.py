"""Query latency with facets and highlighted top-10 snippets: the project's search vs a naive one.

200 realistic queries (1-3 words from the documents' own vocabulary, a quarter with a
category filter, a fifth with a date range) run against the project's index, the naive
baseline (Whoosh + ``jieba.analyse.ChineseAnalyzer`` + Whoosh's default highlighter on the top
10) and two reference engines fed the project's tokens (SQLite FTS5, tantivy; ``bench.peers``),
over the same documents, in the same run. Engines take turns: each round runs every engine
once, and each figure is the median of the rounds (3 by default), printed with the load
average before and after. Indexes are built by ``bench.index_build`` and cached under
``bench/results/cache/`` keyed by size and corpus.

    python -m bench.query_latency --corpus DIR [--docs 20000 100000] [--rounds 3]
        [--skip-baseline] [--no-peers]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench import peers
from bench.corpus import documents_file, read_documents, save_results
from bench.index_build import BUILT_MARKER, index_dir_for, run_child
from bench.machine import load_average
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
        # With groupedby Whoosh keeps every hit in the results: highlight the top 10 only.
        _ = [(hit["title"], hit.highlights("body")) for hit in results[:10]]
        times.append((time.perf_counter() - started) * 1000)
        totals.append(len(results))
    searcher.close()
    return {**_percentiles(times[5:]), "mean_total": statistics.fmean(totals[5:])}


def run_peer(kind: str, index_dir: Path, queries: list[BenchQuery]) -> dict[str, Any]:
    """Time a reference engine on the same queries (analysed the same way as ours)."""
    search = peers.SEARCHERS[kind](index_dir)
    times, totals = [], []
    for bench_query in queries[:5] + queries:
        started = time.perf_counter()
        total = search(
            peers.query_words(bench_query.words),
            bench_query.category,
            int(f"{bench_query.date_from:%Y%m%d}") if bench_query.date_from else 0,
            int(f"{bench_query.date_to:%Y%m%d}") if bench_query.date_to else 0,
        )
        times.append((time.perf_counter() - started) * 1000)
        totals.append(total)
    return {**_percentiles(times[5:]), "mean_total": statistics.fmean(totals[5:])}


def query_process_memory(index_dir: Path, docs_path: Path, queries_n: int) -> dict[str, float]:
    """Open our index in a fresh process and run the queries; return its memory in MB.

    Anonymous memory is what each process holds on its own (a web worker pays it again);
    the rest is pages of the mapped or read index files, shared by every process through the
    page cache.
    """
    command = [
        sys.executable,
        "-m",
        "bench.query_latency",
        "--child-memory",
        str(index_dir),
        "--docs-file",
        str(docs_path),
        "--queries",
        str(queries_n),
    ]
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root).stdout
    return json.loads(out.strip().splitlines()[-1])


def _own_memory() -> dict[str, float]:
    found = {}
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            key, value = line.split()[:2]
            if value.isdigit():  # the first line names the mapping range
                found[key.rstrip(":")] = int(value) / 1024
    return {"pss_mb": found.get("Pss", 0.0), "anon_mb": found.get("Pss_Anon", 0.0)}


def _child_memory(index_dir: Path, docs_path: Path, queries_n: int) -> int:
    from disclosure_search.index.backend import open_backend

    queries = make_queries(docs_path, queries_n)
    before = _own_memory()
    backend = open_backend(index_dir)
    opened = _own_memory()
    backend.close()
    run_ours(index_dir, queries)
    after = _own_memory()
    print(
        json.dumps(
            {
                "start_anon_mb": before["anon_mb"],
                "opened_anon_mb": opened["anon_mb"],
                "after_queries_anon_mb": after["anon_mb"],
                "after_queries_pss_mb": after["pss_mb"],
            }
        )
    )
    return 0


def _ensure_index(kind: str, count: int, corpus: Path | None, docs_path: Path) -> Path:
    index_dir = index_dir_for(kind, count, corpus)
    if not (index_dir / BUILT_MARKER).exists():
        print(f"building the {kind} index of {count} documents (cached for next time)", flush=True)
        run_child(kind, docs_path, index_dir)
    return index_dir


def _line(kind: str, figures: dict[str, Any]) -> str:
    return (
        f"{kind:28} p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms  "
        f"mean {figures['mean_ms']:7.1f} ms  (mean hits {figures['mean_total']:.0f}; "
        f"load {figures['load'][0]:.1f} -> {figures['load'][1]:.1f}; "
        f"median of {figures['rounds']})"
    )


def _timed(run: Any) -> dict[str, Any]:
    before = load_average()
    figures: dict[str, Any] = run()
    return {**figures, "load": [before, load_average()]}


def _median(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the round whose p95 is the median (its p50 and mean beside it)."""
    ordered = sorted(rounds, key=lambda r: r["p95_ms"])
    return {**ordered[len(ordered) // 2], "rounds": len(rounds)}


def bench_size(
    count: int, corpus: Path | None, queries_n: int, kinds: list[str], rounds: int
) -> dict[str, Any]:
    """Run the queries at one corpus size, engines taking turns; print and return the figures."""
    docs_path = documents_file(count, corpus)
    queries = make_queries(docs_path, queries_n)
    dirs = {kind: _ensure_index(kind, count, corpus, docs_path) for kind in kinds if kind != "ours"}
    dirs["ours"] = _ensure_index("ours", count, corpus, docs_path)
    runs: dict[str, Any] = {
        "ours (snippets)": lambda: run_ours(dirs["ours"], queries),
        "ours (no snippets)": lambda: run_ours(dirs["ours"], queries, snippets=False),
    }
    if "baseline" in kinds:
        runs["baseline (top-10 highlights)"] = lambda: run_baseline(dirs["baseline"], queries)
    for kind in (k for k in kinds if k in peers.PEERS):
        runs[kind] = lambda kind=kind: run_peer(kind, dirs[kind], queries)
    measured: dict[str, list[dict[str, Any]]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            measured[name].append(_timed(run))
    print(f"{count} documents, {len(queries)} queries, {rounds} rounds", flush=True)
    results: dict[str, Any] = {"docs": count, "queries": len(queries)}
    for name, figures in measured.items():
        results[name] = _median(figures)
        print(_line(name, results[name]), flush=True)
    memory = query_process_memory(dirs["ours"], docs_path, queries_n)
    results["ours_query_process"] = memory
    print(
        f"ours, one query process: anonymous memory {memory['start_anon_mb']:.0f} MB at start, "
        f"{memory['opened_anon_mb']:.0f} MB with the index open, "
        f"{memory['after_queries_anon_mb']:.0f} MB after the queries "
        f"(PSS {memory['after_queries_pss_mb']:.0f} MB)",
        flush=True,
    )
    ours_p95 = results["ours (snippets)"]["p95_ms"]
    for name in list(runs)[2:]:
        ratio = results[name]["p95_ms"] / ours_p95
        results[f"p95_ratio {name}"] = ratio
        print(f"{name} p95 / ours p95: {ratio:.2f}x", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark at each requested size; write bench/results/query_latency-N.json."""
    parser = argparse.ArgumentParser(prog="python -m bench.query_latency", description=__doc__)
    parser.add_argument("--docs", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--tiny", action="store_true", help=f"{TINY_DOCS} documents, for CI")
    parser.add_argument("--corpus", type=Path, help="real-document corpus folder (laws/ ...)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="turns per engine (median)")
    parser.add_argument("--skip-baseline", action="store_true", help="leave out the baseline")
    parser.add_argument("--no-peers", action="store_true", help="leave out FTS5 and tantivy")
    parser.add_argument("--child-memory", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--docs-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_memory:
        return _child_memory(args.child_memory, args.docs_file, args.queries)
    sizes = [TINY_DOCS] if args.tiny else args.docs
    kinds = ["ours"] + ([] if args.skip_baseline else ["baseline"])
    kinds += [] if args.no_peers else list(peers.PEERS)
    for count in sizes:
        results = bench_size(count, args.corpus, args.queries, kinds, args.rounds)
        save_results(f"query_latency-{count}", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
