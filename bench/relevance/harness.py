"""Run the relevance evaluation: the project's backend against a naive Whoosh index, same documents.

Both indexes hold the sample portal's base-edition items (text as published, Traditional
pages included). Each query of ``queries.jsonl`` runs against both; MRR@10, Recall@10 and
nDCG@10 are printed per query type, with the latency of the project's searches.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from bench.relevance.build import QUERIES_FILE, portal_url
from disclosure_search.config import IndexSettings
from disclosure_search.models import Document, SearchQuery, document_id

RESULTS_FILE = Path(__file__).with_name("RESULTS.md")
K = 10
#: Query types outside the targets (reported on their own).
UNTARGETED = ("typo",)
TYPE_ORDER = ("title_part", "body_pair", "traditional", "doc_number", "agency_topic",
              "subword", "phrase", "typo")
TINY_PER_TYPE = 8
TINY_DISTRACTORS = 150

Searcher = Callable[[str], list[str]]


def portal_documents() -> list[Document]:
    """Return the sample portal's base-edition items as Documents, URLs as the queries use."""
    from disclosure_search.sample_portal import load_documents

    docs = []
    for item in load_documents():
        if item.edition != 0:
            continue
        url = portal_url(item.site, item.path)
        docs.append(Document(
            id=document_id(url), source=item.site, url=url, title=item.title, body=item.body,
            category=item.category, doc_number=item.doc_number, agency=item.agency,
            published_date=date.fromisoformat(item.published_date) if item.published_date else None,
        ))
    return docs


def load_queries(path: Path = QUERIES_FILE) -> list[dict[str, Any]]:
    """Return the evaluation queries."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def tiny_subset(
    docs: list[Document], queries: list[dict[str, Any]]
) -> tuple[list[Document], list[dict[str, Any]]]:
    """Return a few queries per type and the documents they expect plus seeded distractors."""
    per_type: dict[str, int] = defaultdict(int)
    chosen = []
    for query in queries:
        if per_type[query["type"]] < TINY_PER_TYPE:
            per_type[query["type"]] += 1
            chosen.append(query)
    wanted = {url for query in chosen for url in query["expected"]}
    others = [d for d in docs if d.url not in wanted]
    extra = random.Random(7).sample(others, min(TINY_DISTRACTORS, len(others)))
    return [d for d in docs if d.url in wanted] + extra, chosen


def _quiet_jieba() -> None:
    import jieba

    jieba.setLogLevel(60)  # its INFO lines would interleave with the table


def ours(
    index_dir: Path, docs: list[Document], config: IndexSettings | None = None
) -> tuple[Searcher, list[float], Callable[[], None]]:
    """Index ``docs`` with the project's backend (``config``: another engine); return a search
    function and its timings."""
    from disclosure_search.index.backend import open_backend

    backend = open_backend(index_dir, writable=True, config=config)
    backend.rebuild(docs)
    times: list[float] = []

    def search(text: str) -> list[str]:
        started = time.perf_counter()
        result = backend.search(SearchQuery(text=text, per_page=K))
        times.append((time.perf_counter() - started) * 1000)
        return [hit.url for hit in result.hits]

    return search, times, backend.close


def baseline(index_dir: Path, docs: list[Document]) -> tuple[Searcher, Callable[[], None]]:
    """Index ``docs`` naively (ChineseAnalyzer, default scoring); query with Whoosh's parser."""
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    from bench.index_build import baseline_schema

    ix = index.create_in(str(index_dir), baseline_schema())
    writer = ix.writer()
    for doc in docs:
        writer.add_document(id=doc.url, title=doc.title, body=doc.body, category=doc.category,
                            source=doc.source)
    writer.commit()
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema)

    def search(text: str) -> list[str]:
        try:
            parsed = parser.parse(text)
        except Exception:  # the naive parser's own failures count as finding nothing
            return []
        return [hit["id"] for hit in searcher.search(parsed, limit=K)]

    return search, searcher.close


def scores(found: list[str], expected: Iterable[str]) -> tuple[float, float, float]:
    """Return (reciprocal rank, recall, nDCG) at K of a ranked list against the expected set."""
    wanted = set(expected)
    top = found[:K]
    rr = next((1 / (i + 1) for i, url in enumerate(top) if url in wanted), 0.0)
    ideal = min(len(wanted), K)
    recall = len(wanted.intersection(top)) / ideal
    dcg = sum(1 / math.log2(i + 2) for i, url in enumerate(top) if url in wanted)
    idcg = sum(1 / math.log2(i + 2) for i in range(ideal))
    return rr, recall, dcg / idcg


def evaluate(queries: list[dict[str, Any]], search: Searcher) -> dict[str, dict[str, Any]]:
    """Run every query; return per-query scores keyed by query id."""
    out = {}
    for query in queries:
        found = search(query["query"])
        out[query["id"]] = dict(zip(("mrr", "recall", "ndcg"), scores(found, query["expected"]),
                                    strict=True), found=found)
    return out


def summarise(queries: list[dict[str, Any]], runs: dict[str, Any]) -> list[tuple[str, ...]]:
    """Return table rows: type, n, then MRR / Recall / nDCG for ours and the baseline."""
    groups: dict[str, list[str]] = defaultdict(list)
    for query in queries:
        groups[query["type"]].append(query["id"])
        if query["type"] not in UNTARGETED:
            groups["all (targets)"].append(query["id"])
    rows = []
    for name in (*[t for t in TYPE_ORDER if t in groups], "all (targets)"):
        ids = groups[name]
        cells = [name, str(len(ids))]
        for metric in ("mrr", "recall", "ndcg"):
            for run in ("ours", "baseline"):
                cells.append(f"{statistics.fmean(runs[run][i][metric] for i in ids):.3f}")
        rows.append(tuple(cells))
    return rows


def twin_gap(queries: list[dict[str, Any]], run: dict[str, Any]) -> float:
    """Return MRR of Simplified queries minus MRR of their Traditional twins."""
    twins = [q for q in queries if q.get("twin_of") in run]
    if not twins:
        return 0.0
    simplified = statistics.fmean(run[q["twin_of"]]["mrr"] for q in twins)
    return simplified - statistics.fmean(run[q["id"]]["mrr"] for q in twins)


def table(rows: list[tuple[str, ...]]) -> str:
    """Return the rows as a Markdown table."""
    head = ("type", "n", "MRR ours", "MRR base", "R@10 ours", "R@10 base", "nDCG ours",
            "nDCG base")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def run(tiny: bool) -> tuple[str, dict[str, Any]]:
    """Build both indexes, run the queries; return the report text and the raw figures."""
    _quiet_jieba()
    docs, queries = portal_documents(), load_queries()
    if tiny:
        docs, queries = tiny_subset(docs, queries)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "ours").mkdir()
        (Path(tmp) / "base").mkdir()
        started = time.perf_counter()
        search, times, close = ours(Path(tmp) / "ours", docs)
        built = time.perf_counter() - started
        runs = {"ours": evaluate(queries, search)}
        close()
        search, close = baseline(Path(tmp) / "base", docs)
        runs["baseline"] = evaluate(queries, search)
        close()
    quantiles = statistics.quantiles(times, n=20)
    lines = [
        f"{len(docs)} documents, {len(queries)} queries; ours indexed in {built:.1f} s",
        "",
        table(summarise(queries, runs)),
        "",
        f"Simplified minus Traditional-twin MRR: ours {twin_gap(queries, runs['ours']):.3f}, "
        f"baseline {twin_gap(queries, runs['baseline']):.3f}",
        f"ours, latency per query (facets and snippets): p50 {statistics.median(times):.1f} ms, "
        f"p95 {quantiles[18]:.1f} ms",
    ]
    return "\n".join(lines), runs


def failures(queries: list[dict[str, Any]], results: dict[str, Any]) -> list[str]:
    """Return one line per targeted query whose first expected document is not ranked first."""
    return [
        f"{q['id']}\t{q['query']}\tRR={results[q['id']]['mrr']:.2f}"
        f" R={results[q['id']]['recall']:.2f}"
        for q in queries
        if q["type"] not in UNTARGETED and results[q["id"]]["mrr"] < 1
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; print the table and, for a full run, write ``RESULTS.md``."""
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="a few queries per type, for CI")
    parser.add_argument("--failures", type=Path, help="write the missed queries to this file")
    args = parser.parse_args(argv)
    report, runs = run(args.tiny)
    print(report, flush=True)
    if args.failures:
        queries = load_queries()
        lines = failures([q for q in queries if q["id"] in runs["ours"]], runs["ours"])
        args.failures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not args.tiny:
        RESULTS_FILE.write_text(
            "# Relevance evaluation: measured figures\n\n"
            "Written by `python -m bench.relevance` (see README.md).\n\n" + report + "\n",
            encoding="utf-8",
        )
    return 0
