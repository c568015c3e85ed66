"""Elasticsearch at scale on a real cluster: build, queries, faults (`python -m bench.es_cluster`).

- Build: N benchmark documents (``bench.corpus``) through ``ElasticsearchBackend.rebuild``
  (analysis in one worker process per CPU, bulk requests with retries, alias swap): docs/s,
  peak memory (PSS) of the Python side with its workers, heap and resident memory per node.
- Queries: the query-latency bench's queries (1-3 words, a quarter with a category, a fifth
  with a date range) with facets and top-10 snippets: p50 / p95.
- Faults, only on a cluster this bench started itself (``--own-cluster``, or when none
  runs; never on one it was given): one node
  killed during a query load (errors counted; the replica answers), the node restarted with
  ``tools/elasticsearch up`` and the seconds until green; a bulk load interrupted (the
  writing process killed half-way) and resumed with what the index lacks: documents lost.

    python -m bench.es_cluster [--docs 20000] [--corpus DIR] [--queries 200] [--no-faults]
    python -m bench.es_cluster --docs 1000000 --own-cluster   # the documented long run

Figures go to ``bench/results/es_cluster-N.json``, printed with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.cluster import Cluster, cluster
from bench.corpus import documents_file, read_documents, save_results
from bench.index_build import _tree_rss
from bench.machine import load_average
from bench.query_latency import _percentiles, make_queries
from disclosure_search.index.backend import open_backend
from disclosure_search.models import SearchQuery

TINY_DOCS = 300
ALIAS = "bench-es"
RESUME_ALIAS = "bench-es-resume"


class PeakMemory:
    """Samples this process tree's memory (PSS) twice a second; ``peak_mb`` after ``stop``."""

    def __init__(self) -> None:
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(0.5):
            self.peak = max(self.peak, _tree_rss(os.getpid())[0])

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak / 2**20


def _nodes_memory(found: Cluster) -> dict[str, dict[str, float]]:
    """Heap per node; peak resident memory too for nodes this bench started (their pids)."""
    with urllib.request.urlopen(f"{found.hosts[0]}/_nodes/stats/jvm", timeout=30) as resp:
        stats = json.load(resp)["nodes"]
    out = {node["name"]: {"heap_used_mb": node["jvm"]["mem"]["heap_used_in_bytes"] / 2**20,
                          "heap_max_mb": node["jvm"]["mem"]["heap_max_in_bytes"] / 2**20}
           for node in stats.values()}
    for node in found.nodes:
        status = Path(f"/proc/{(Path(node['dir']) / 'pid').read_text().strip()}/status")
        for line in status.read_text().splitlines() if status.exists() else []:
            if line.startswith("VmHWM:"):
                out.setdefault(node["name"], {})["peak_rss_mb"] = int(line.split()[1]) / 1024
    return out


def build(found: Cluster, docs_path: Path, count: int) -> dict[str, Any]:
    """Rebuild the alias from the documents file; return docs/s and memory figures."""
    backend = open_backend(Path(), writable=True, config=found.config(ALIAS))
    memory = PeakMemory()
    started = time.perf_counter()
    written = backend.rebuild(read_documents(docs_path))
    elapsed = time.perf_counter() - started
    peak = memory.stop()
    backend.close()
    assert written == count, (written, count)
    return {"docs": written, "seconds": elapsed, "docs_per_s": written / elapsed,
            "python_peak_mb": peak, "nodes": _nodes_memory(found)}


def queries(found: Cluster, docs_path: Path, number: int) -> dict[str, Any]:
    """Time the benchmark queries with facets and snippets; return percentiles."""
    backend = open_backend(Path(), config=found.config(ALIAS))
    times, totals = [], []
    chosen = make_queries(docs_path, number)
    for query in chosen[:5] + chosen:  # the first five again, to warm caches
        search = SearchQuery(text=" ".join(query.words), category=query.category,
                             date_from=query.date_from, date_to=query.date_to)
        started = time.perf_counter()
        totals.append(backend.search(search).total)
        times.append((time.perf_counter() - started) * 1000)
    backend.close()
    return {**_percentiles(times[5:]), "queries": len(chosen),
            "mean_total": sum(totals[5:]) / len(chosen)}


def node_failure(found: Cluster, docs_path: Path, seconds: float = 20.0) -> dict[str, Any]:
    """Kill one node during a query load; count errors; restart it and time the way to green."""
    backend = open_backend(Path(), config=found.config(ALIAS))
    chosen = make_queries(docs_path, 50)
    victim = found.nodes[-1]
    pid = int((Path(victim["dir"]) / "pid").read_text())
    answered = errors = 0
    killed_at = None
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if killed_at is None and time.monotonic() - started > seconds / 4:
            os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
        query = chosen[answered % len(chosen)]
        try:
            backend.search(SearchQuery(text=" ".join(query.words)))
            answered += 1
        except Exception:  # any failure a citizen would see counts
            errors += 1
    backend.close()
    restart = time.monotonic()
    up = found.tool("up", "--nodes", str(len(found.nodes)))
    to_green = _wait_green(found, 300.0)
    return {"searches": answered + errors, "errors": errors, "killed_node": victim["name"],
            "restart_ok": up.returncode == 0, "seconds_to_green": to_green - restart}


def _wait_green(found: Cluster, limit: float) -> float:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            url = f"{found.hosts[0]}/_cluster/health?wait_for_status=green&timeout=5s"
            with urllib.request.urlopen(url, timeout=15) as resp:
                if json.load(resp)["status"] == "green":
                    return time.monotonic()
        except OSError:
            time.sleep(1)
    return float("nan")


def interrupted_bulk(found: Cluster, docs_path: Path, count: int) -> dict[str, Any]:
    """Kill a bulk load half-way, resume it as catch-up does; count the documents missing.

    The loading process is killed (SIGKILL) once half the documents are searchable; the
    resumed load writes the documents the index lacks, as a crawl's catch-up does.
    """
    config = found.config(RESUME_ALIAS)
    backend = open_backend(Path(), writable=True, config=config)
    backend.clear()
    env = {**os.environ, "BENCH_ES_HOSTS": ",".join(found.hosts)}
    child = subprocess.Popen([sys.executable, "-m", "bench.es_cluster", "--load-child",
                              str(docs_path)], env=env)
    while child.poll() is None and _count(found) < count // 2:
        time.sleep(0.5)
    killed = child.poll() is None
    child.kill()
    child.wait()
    _post(found, f"/{RESUME_ALIAS}/_refresh")
    before = _count(found)
    have = backend.ids()
    resumed = backend.upsert(d for d in read_documents(docs_path) if d.id not in have)
    after = backend.stats().doc_count
    missing = count - len(backend.ids())
    backend.close()
    return {"killed": killed, "count_when_killed": before, "resumed_written": resumed,
            "count_after_resume": after, "missing": missing}


def _post(found: Cluster, path: str) -> None:
    request = urllib.request.Request(f"{found.hosts[0]}{path}", method="POST")
    with urllib.request.urlopen(request, timeout=60):
        pass


def _count(found: Cluster) -> int:
    try:
        with urllib.request.urlopen(f"{found.hosts[0]}/{RESUME_ALIAS}/_count", timeout=10) as r:
            return int(json.load(r)["count"])
    except OSError:
        return 0


def _load_child(docs_path: Path) -> int:
    hosts = tuple(os.environ["BENCH_ES_HOSTS"].split(","))
    backend = open_backend(Path(), writable=True, config=Cluster(hosts).config(RESUME_ALIAS))
    backend.upsert(read_documents(docs_path))
    return 0


def _loaded(phase: Any, *args: Any) -> dict[str, Any]:
    """Run one phase; its figures get the one-minute load average before and after it."""
    before = load_average()
    figures: dict[str, Any] = phase(*args)
    figures["load"] = [before, load_average()]
    return figures


def _load(figures: dict[str, Any]) -> str:
    before, after = figures["load"]
    return f" (load {before:.1f} -> {after:.1f})"


def main(argv: list[str] | None = None) -> int:
    """Run build, queries and (on its own cluster) faults; print and save the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.es_cluster", description=__doc__)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--tiny", action="store_true", help=f"{TINY_DOCS} documents, for CI")
    parser.add_argument("--corpus", type=Path, help="real-document corpus folder")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-faults", action="store_true", help="leave out the fault runs")
    parser.add_argument("--own-cluster", action="store_true",
                        help="start a 2-node cluster for the run (needed for the fault runs)")
    parser.add_argument("--load-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_child:
        return _load_child(args.load_child)
    count = TINY_DOCS if args.tiny else args.docs
    docs_path = documents_file(count, args.corpus)
    with cluster(own=args.own_cluster) as found:
        if isinstance(found, str):
            print(f"skipped: {found}", flush=True)
            return 0
        results: dict[str, Any] = {"docs": count, "nodes": len(found.hosts),
                                   "load_before": load_average()}
        results["build"] = figures = _loaded(build, found, docs_path, count)
        nodes = "; ".join(f"{name} " + ", ".join(f"{k} {v:.0f}" for k, v in mem.items())
                          for name, mem in figures["nodes"].items())
        print(f"build {count} documents into {len(found.hosts)} node(s): "
              f"{figures['docs_per_s']:.0f} docs/s in {figures['seconds']:.0f} s, Python side "
              f"peak PSS {figures['python_peak_mb']:.0f} MB; {nodes}{_load(figures)}",
              flush=True)
        results["queries"] = q = _loaded(queries, found, docs_path,
                                         20 if args.tiny else args.queries)
        print(f"queries ({q['queries']}, filters + facets + snippets): p50 {q['p50_ms']:.1f} "
              f"ms, p95 {q['p95_ms']:.1f} ms{_load(q)}", flush=True)
        if found.state is not None and len(found.nodes) > 1 and not args.no_faults:
            results["node_failure"] = f = _loaded(node_failure, found, docs_path,
                                                  8 if args.tiny else 30)
            print(f"one node killed under query load: {f['errors']} errors in "
                  f"{f['searches']} searches; back to green {f['seconds_to_green']:.0f} s "
                  f"after the restart{_load(f)}", flush=True)
            results["interrupted_bulk"] = b = _loaded(interrupted_bulk, found, docs_path, count)
            print(f"bulk load killed at {b['count_when_killed']} documents, resumed with "
                  f"the {b['resumed_written']} missing: {b['missing']} of {count} missing "
                  f"after{_load(b)}", flush=True)
        elif not args.no_faults:
            print("faults: skipped (only on a cluster this bench starts itself)", flush=True)
        results["load_after"] = load_average()
        print(f"load average {results['load_before']:.1f} -> {results['load_after']:.1f}")
        save_results(f"es_cluster-{count}", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
