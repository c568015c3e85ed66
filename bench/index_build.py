"""Index build speed and peak memory: the project's indexer against a naive Whoosh baseline.

Each build runs in a child process whose whole process tree (analysis workers included) is
sampled for resident memory. The baseline is what a first attempt looks like: one process,
``jieba.analyse.ChineseAnalyzer`` on title and body, Whoosh's default writer, bodies stored for
the default highlighter. Both builds index the same documents in the same run, interleaved with two
reference engines fed the project's own tokens (SQLite FTS5 and tantivy, see ``bench.peers``);
built indexes are kept under ``bench/results/cache/`` for ``bench.query_latency``. Every
figure is printed with the load average before and after it, and ratios are given by wall
time and by CPU seconds (which the machine's load cannot bend).

    python -m bench.index_build --corpus DIR [--docs 20000 100000] [--skip-baseline] [--no-peers]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench import peers
from bench.corpus import RESULTS_DIR, corpus_key, documents_file, read_documents, save_results
from bench.machine import load_average

TINY_DOCS = 300


def baseline_schema() -> Any:
    """Return the naive schema: ChineseAnalyzer text fields, stored body, plain ID fields."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields

    analyzer = ChineseAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer, stored=True),
        body=fields.TEXT(analyzer=analyzer, stored=True),
        category=fields.ID(stored=True),
        source=fields.ID(stored=True),
        published=fields.ID(stored=True),
    )


def build_baseline(docs_path: Path, index_dir: Path) -> int:
    """Build the naive index of the documents in ``docs_path``; return how many."""
    from whoosh import index

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), baseline_schema())
    writer = ix.writer()
    count = 0
    for doc in read_documents(docs_path):
        writer.add_document(
            id=doc.id,
            title=doc.title,
            body=doc.body,
            category=doc.category,
            source=doc.source,
            published=f"{doc.published_date:%Y%m%d}" if doc.published_date else "",
        )
        count += 1
    writer.commit()
    return count


def build_ours(docs_path: Path, index_dir: Path) -> int:
    """Build the project's index of the documents in ``docs_path``; return how many."""
    from disclosure_search.index.backend import open_backend

    backend = open_backend(index_dir, writable=True)
    count = backend.upsert(read_documents(docs_path))
    backend.close()
    return count


def index_dir_for(kind: str, count: int, corpus: Path | None) -> Path:
    """Return the cache folder of a built index (``ours`` or ``baseline``)."""
    return RESULTS_DIR / "cache" / f"index-{kind}-{corpus_key(count, corpus)}"


def _pss(pid: int) -> tuple[int, int] | None:
    """Return a process's proportional set size and its anonymous part, in bytes.

    Shared pages are split between the processes sharing them. The rest of the PSS is
    file-backed: pages of mapped files (the index segments being read), which the kernel can
    drop at any time.
    """
    found: dict[bytes, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith((b"Pss:", b"Pss_Anon:")):
                    key, value = line.split()[:2]
                    found[key] = int(value) * 1024
    except OSError:
        return None
    if b"Pss:" not in found:
        return None
    return found[b"Pss:"], found.get(b"Pss_Anon:", found[b"Pss:"])


def _tree_rss(root: int) -> tuple[int, int]:
    """Return the summed memory (bytes) of ``root`` and all its descendants, and its anonymous part.

    Proportional set size where the kernel offers it, so pages that forked writer processes
    share with their parent are counted once; resident set size otherwise.
    """
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    family, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid and p not in family]
        family.update(children)
        frontier.extend(children)
    total = anonymous = 0
    for pid in family:
        pss = _pss(pid)
        total += pss[0] if pss is not None else rss.get(pid, 0)
        anonymous += pss[1] if pss is not None else rss.get(pid, 0)
    return total, anonymous


def run_child(kind: str, docs_path: Path, index_dir: Path) -> dict[str, float]:
    """Build one index in a child process; return seconds, documents and peak tree RSS."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    command = [
        sys.executable,
        "-m",
        "bench.index_build",
        "--child",
        kind,
        "--docs-file",
        str(docs_path),
        "--index-dir",
        str(index_dir),
    ]
    root = Path(__file__).resolve().parent.parent
    load_before = load_average()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=root)
    peak = [0, 0]

    def sample() -> None:
        while child.poll() is None:
            total, anonymous = _tree_rss(child.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], anonymous)
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"{kind} build failed with status {child.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = peak[0] / 1e6
    result["peak_anon_mb"] = peak[1] / 1e6
    result["index_mb"] = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 1e6
    result["load"] = [load_before, load_average()]
    (index_dir / BUILT_MARKER).write_text(json.dumps(result))
    return result


BUILDERS = {"ours": build_ours, "baseline": build_baseline, **peers.BUILDERS}
#: The file a finished build leaves in its index folder (its figures, as JSON).
BUILT_MARKER = "BUILT.json"


def _child(kind: str, docs_path: Path, index_dir: Path) -> int:
    started = time.perf_counter()
    count = BUILDERS[kind](docs_path, index_dir)
    seconds = time.perf_counter() - started
    cpu = sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )
    print(json.dumps({"docs": count, "seconds": seconds, "cpu_seconds": cpu}))
    return 0


def text_megabytes(docs_path: Path) -> float:
    """Return the UTF-8 size of the indexed text (titles and bodies) in MB."""
    return sum(len((d.title + d.body).encode("utf-8")) for d in read_documents(docs_path)) / 1e6


def _report(kind: str, result: dict[str, float], megabytes: float) -> dict[str, float]:
    rate = result["docs"] / result["seconds"]
    figures = {**result, "docs_per_s": rate, "mb_per_s": megabytes / result["seconds"]}
    print(
        f"{kind:9} {result['docs']:>7.0f} docs in {result['seconds']:7.1f} s: "
        f"{rate:7.1f} docs/s, {figures['mb_per_s']:5.2f} MB/s, "
        f"CPU {result['cpu_seconds']:6.0f} s, peak PSS {result['peak_rss_mb']:5.0f} MB "
        f"(anonymous {result['peak_anon_mb']:5.0f} MB), "
        f"index {result['index_mb']:4.0f} MB, "
        f"load {result['load'][0]:.1f} -> {result['load'][1]:.1f}",
        flush=True,
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print figures and the ratio to the baseline."""
    parser = argparse.ArgumentParser(prog="python -m bench.index_build", description=__doc__)
    parser.add_argument(
        "--docs", type=int, nargs="+", default=[20_000], help="sizes (default 20000)"
    )
    parser.add_argument("--tiny", action="store_true", help=f"{TINY_DOCS} documents, for CI")
    parser.add_argument("--corpus", type=Path, help="real-document corpus folder (laws/ ...)")
    parser.add_argument("--skip-baseline", action="store_true", help="only build ours")
    parser.add_argument("--no-peers", action="store_true", help="leave out FTS5 and tantivy")
    parser.add_argument("--rounds", type=int, default=1, help="builds per engine (median)")
    parser.add_argument("--child", choices=tuple(BUILDERS), help=argparse.SUPPRESS)
    parser.add_argument("--docs-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--index-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.docs_file, args.index_dir)
    kinds = ["ours"] + ([] if args.skip_baseline else ["baseline"])
    kinds += [] if args.no_peers else list(peers.PEERS)
    for count in [TINY_DOCS] if args.tiny else args.docs:
        bench_size(count, args.corpus, kinds, args.rounds)
    return 0


def bench_size(
    count: int, corpus: Path | None, kinds: list[str], rounds: int = 1
) -> dict[str, Any]:
    """Build every kind of index over the same ``count`` documents; print and save the figures.

    With several rounds the engines take turns and each kind's figure is its median build
    (by CPU seconds).
    """
    docs_path = documents_file(count, corpus)
    megabytes = text_megabytes(docs_path)
    print(f"{count} documents, {megabytes:.1f} MB of text, {os.cpu_count()} CPUs", flush=True)
    results: dict[str, Any] = {"docs": count, "text_mb": megabytes, "rounds": rounds}
    builds: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind in kinds:
            built = run_child(kind, docs_path, index_dir_for(kind, count, corpus))
            builds[kind].append(_report(kind, built, megabytes))
    for kind, figures in builds.items():
        results[kind] = sorted(figures, key=lambda f: f["cpu_seconds"])[len(figures) // 2]
    for kind in kinds[1:]:
        ours, other = results["ours"], results[kind]
        wall = ours["docs_per_s"] / other["docs_per_s"]
        cpu = other["cpu_seconds"] / ours["cpu_seconds"]
        results[f"ratio_{kind}"] = {"wall": wall, "cpu": cpu}
        print(
            f"ours vs {kind}: docs/s ratio {wall:.2f}x, CPU-seconds ratio {cpu:.2f}x "
            f"({kind} CPU s / ours; above 1, ours uses less)",
            flush=True,
        )
    if "baseline" in results:
        results["ratio"] = results["ratio_baseline"]["wall"]
    save_results(f"index_build-{count}", results)
    return results


if __name__ == "__main__":
    sys.exit(main())
