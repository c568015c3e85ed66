"""Load run against the real server: concurrent keep-alive clients mixing pages and API calls.

The site runs in a child process on waitress (as ``disclosure-search serve`` runs it) over a
data dir holding the benchmark documents: the search index (shared with ``bench.index_build``'s
cache) and a catalog with every document, so document pages are real catalog reads. Clients
are threads, each with one keep-alive ``http.client`` connection, for a fixed time.

    python -m bench.web_load [--docs 100000] [--clients 16] [--seconds 30] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.corpus import RESULTS_DIR, corpus_key, documents_file, read_documents, save_results
from disclosure_search.models import CATEGORIES

TINY = {"docs": 300, "clients": 2, "seconds": 3.0}
#: Everyday words of disclosure documents: what people type.
WORDS = ("发展", "改革", "建设", "管理", "服务", "教育", "科技", "农业", "安全", "企业",
         "创新", "保障", "法律", "规划", "资金", "人民政府", "社会", "环境保护", "医疗",
         "就业", "税收", "审计", "公开", "监督", "住房", "交通运输", "文化", "卫生健康")
#: (weight, kind): the mix of requests.
MIX = ((45, "page"), (30, "api"), (25, "doc"))


@dataclass
class Tally:
    """Latencies and errors one client thread saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    searches: list[str] = field(default_factory=list)


def prepare_data_dir(count: int, corpus: Path | None) -> tuple[Path, list[str]]:
    """Build (or reuse) a data dir with the index and catalog of ``count`` documents."""
    key = corpus_key(count, corpus)
    data_dir = RESULTS_DIR / "cache" / f"web-{key}"
    done = data_dir / "READY"
    docs_path = documents_file(count, corpus)
    if not done.exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        _build_index(docs_path, data_dir / "index", count, corpus)
        _build_catalog(docs_path, data_dir / "catalog.sqlite3")
        done.write_text("ok\n")
    elif not index_complete(data_dir / "index", count):
        print("the cached index is from another version of the code; rebuilding it", flush=True)
        shutil.rmtree(data_dir / "index")
        _build_index(docs_path, data_dir / "index", count, corpus)
    ids = [doc.id for doc in read_documents(docs_path)]
    return data_dir, ids


def _build_index(docs_path: Path, index_dir: Path, count: int, corpus: Path | None) -> None:
    cached = RESULTS_DIR / "cache" / f"index-ours-{corpus_key(count, corpus)}"
    if _wait_for_complete(cached, count):
        print(f"reusing the index built by bench.index_build: {cached}", flush=True)
        shutil.copytree(cached, index_dir)
        return
    from disclosure_search.index.backend import open_backend

    started = time.perf_counter()
    backend = open_backend(index_dir, writable=True)
    try:
        backend.upsert(read_documents(docs_path))
    finally:
        backend.close()
    print(f"indexed {count} documents in {time.perf_counter() - started:.0f} s", flush=True)


def _wait_for_complete(index_dir: Path, count: int, patience_s: float = 3600) -> bool:
    """True when ``index_dir`` holds all ``count`` documents, waiting while it is being built."""
    deadline = time.monotonic() + patience_s
    while not index_complete(index_dir, count):
        if not (index_dir / "MAIN_WRITELOCK").exists() or time.monotonic() > deadline:
            return False
        print(f"waiting for the index being built in {index_dir} ...", flush=True)
        time.sleep(30)
    return True


def index_complete(index_dir: Path, count: int) -> bool:
    """True when this version of the code can read ``index_dir`` and it has ``count`` docs."""
    from disclosure_search.errors import SearchIndexError
    from disclosure_search.index.backend import open_backend

    try:
        backend = open_backend(index_dir)
    except SearchIndexError:
        return False
    try:
        return backend.stats().doc_count == count
    finally:
        backend.close()


def _build_catalog(docs_path: Path, path: Path) -> None:
    from disclosure_search.archive.catalog import Catalog

    catalog = Catalog.open(path)
    try:
        for doc in read_documents(docs_path):
            catalog.upsert_document(doc, None)
    finally:
        catalog.close()


def free_port() -> int:
    """A port that was free a moment ago on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """Run ``serve`` in a child process and wait until it answers."""
    code = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from disclosure_search.config import Settings\n"
        "from disclosure_search.web.server import serve\n"
        "logging.basicConfig(level=logging.WARNING)\n"
        "logging.getLogger('waitress.queue').setLevel(logging.ERROR)  # expected under load\n"
        "if __name__ == '__main__':\n"
        "    serve(Settings(data_dir=Path(sys.argv[1])), '127.0.0.1', int(sys.argv[2]),\n"
        "          workers=int(sys.argv[3]))\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(data_dir), str(port), str(workers)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"the server exited with status {child.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?" + urlencode({"q": "发展"}))
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status != 200:
                child.kill()
                raise SystemExit(f"the server answers {response.status}: {body[:300]!r}")
            return child
        except OSError:
            time.sleep(0.2)
        except BaseException:
            child.kill()
            raise
    child.kill()
    raise SystemExit("the server did not answer within 60 s")


def request_path(rng: random.Random, ids: list[str], varied: bool = False) -> tuple[str, str]:
    """One request of the mix: (kind, path).

    With ``varied``, each search also asks for a random page size, so almost no two searches
    are alike and the server's result cache cannot answer them: the uncached worst case.
    """
    kind = rng.choices([k for _, k in MIX], weights=[w for w, _ in MIX])[0]
    if kind == "doc":
        return kind, f"/doc/{rng.choice(ids)}"
    args: dict[str, str] = {"q": " ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 3))))}
    if rng.random() < 0.3:
        args["category"] = rng.choice(CATEGORIES[:6])
    if rng.random() < 0.2:
        year = rng.randint(2015, 2024)
        args.update({"from": f"{year}-01-01", "to": f"{year}-12-31"})
    if rng.random() < 0.15:
        args["sort"] = "newest"
    if rng.random() < 0.1:
        args["page"] = str(rng.randint(2, 5))
    if varied:
        args["per_page"] = str(rng.randint(10, 60))
    path = "/search" if kind == "page" else "/api/search"
    return kind, f"{path}?{urlencode(args)}"


def client(port: int, ids: list[str], until: float, seed: int, tally: Tally,
           varied: bool) -> None:
    """Send requests on one keep-alive connection until ``until``."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        kind, path = request_path(rng, ids, varied)
        if kind != "doc":
            tally.searches.append(path)
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            tally.errors.append(f"{path}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        elapsed = (time.perf_counter() - started) * 1000
        # A page past the last one of a search is answered 404 (naming the last page): the
        # right answer to a client that asked for page 5 of two pages, not a failure.
        past_the_end = status == 404 and "page=" in path and kind != "doc"
        if status != 200 and not past_the_end:
            tally.errors.append(f"{path}: HTTP {status}")
        tally.latencies.append(elapsed)
        tally.by_kind.setdefault(kind, []).append(elapsed)
    conn.close()


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def run_load(port: int, ids: list[str], clients: int, seconds: float,
             varied: bool = False) -> dict[str, object]:
    """Run ``clients`` threads for ``seconds``; return the figures."""
    tallies = [Tally() for _ in range(clients)]
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(port, ids, until, i, t, varied))
               for i, t in enumerate(tallies)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies = [v for t in tallies for v in t.latencies]
    errors = [e for t in tallies for e in t.errors]
    searches = [p for t in tallies for p in t.searches]
    kinds: dict[str, list[float]] = {}
    for tally in tallies:
        for kind, values in tally.by_kind.items():
            kinds.setdefault(kind, []).extend(values)
    return {
        "clients": clients, "seconds": round(wall, 1), "requests": len(latencies),
        "throughput_rps": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "errors": len(errors), "error_samples": errors[:5],
        "searches": len(searches), "distinct_searches": len(set(searches)),
        "by_kind": {k: {"n": len(v), "p50_ms": round(percentile(v, 50), 1),
                        "p95_ms": round(percentile(v, 95), 1)} for k, v in kinds.items()},
    }


def main(argv: list[str] | None = None) -> int:
    """Prepare the data, start the server, run the load, print and save the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.web_load", description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000, help="documents (default 100000)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--corpus", type=Path, help="real-document corpus folder (laws/ ...)")
    parser.add_argument("--workers", type=int, default=0,
                        help="server processes (default 0: one per CPU)")
    parser.add_argument("--varied", action="store_true",
                        help="make nearly every search distinct (defeats the result cache)")
    parser.add_argument("--tiny", action="store_true", help="300 documents, 2 clients, 3 s")
    args = parser.parse_args(argv)
    if args.tiny:
        args.docs, args.clients, args.seconds = TINY["docs"], TINY["clients"], TINY["seconds"]
    data_dir, ids = prepare_data_dir(args.docs, args.corpus)
    port = free_port()
    server = start_server(data_dir, port, args.workers)
    try:
        figures = run_load(port, ids, args.clients, args.seconds, args.varied)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = {"docs": args.docs, "cpus": os.cpu_count(), "workers": args.workers,
               "varied": args.varied, "load_average_1min": os.getloadavg()[0], **figures}
    print(f"{args.docs} documents, {args.clients} clients, {figures['seconds']} s: "
          f"{figures['requests']} requests, {figures['throughput_rps']} req/s, "
          f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms, "
          f"errors {figures['errors']}; {figures['distinct_searches']} distinct searches of "
          f"{figures['searches']}; load average {figures['load_average_1min']:.1f} "
          "(includes this run)", flush=True)
    for kind, row in figures["by_kind"].items():  # type: ignore[attr-defined]
        print(f"  {kind:5} n={row['n']:6}  p50 {row['p50_ms']:7.1f} ms  "
              f"p95 {row['p95_ms']:7.1f} ms")
    suffix = "-varied" if args.varied else ""
    save_results(f"web_load-{args.docs}{suffix}", figures)
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
