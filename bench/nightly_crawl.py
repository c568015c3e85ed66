"""A nightly (incremental) crawl of an unchanged portal against a full crawl of it, in one run.

The bundled sample portal is served on loopback, its bureau site scaled so the whole portal
has at least 5,000 pages (``--scale 8``). A full crawl fills an empty archive; then the
nightly job's kind of pass (incremental, as ``full_sweep_due`` chooses right after a sweep)
runs against the same, unchanged portal. Requests and body bytes are counted by the portal
itself (what the sites served), time by the wall clock, and re-extracted / reindexed
documents by the pipeline. Target: the nightly pass costs at most 5% of the full crawl's
bytes and reindexes nothing.

    python -m bench.nightly_crawl [--scale 8] [--rps 200] [--tiny]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import save_results
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings, load_settings
from disclosure_search.jobs.nightly import full_sweep_due
from disclosure_search.jobs.pipeline import run_crawl
from disclosure_search.sample_portal import SamplePortal

BYTES_TARGET = 0.05
MIN_PAGES = 5_000


@dataclass(frozen=True)
class Pass:
    """What one crawl pass cost and did."""

    requests: int
    body_bytes: int
    not_modified: int
    seconds: float
    extracted: int
    reindexed: int
    documents_changed: int


def measure(portal: SamplePortal, settings: Settings, *, full: bool) -> Pass:
    """Run one pipeline pass and count what the portal served and what the pipeline redid."""
    before = len(portal.request_log)
    steps = {"extract": 0}

    def on_step(stage: str, detail: str) -> None:
        if stage == "extract":
            steps["extract"] += 1

    started = time.perf_counter()
    report = run_crawl(settings, full=full, on_step=on_step)
    seconds = time.perf_counter() - started
    if report.status != "finished":
        raise RuntimeError(f"the {'full' if full else 'nightly'} pass ended {report.status}")
    log = portal.request_log[before:]
    changed = sum(c["new"] + c["changed"] for c in report.documents.values())
    return Pass(requests=len(log), body_bytes=sum(size for *_, size in log),
                not_modified=sum(1 for _, _, status, _ in log if status == 304),
                seconds=seconds, extracted=steps["extract"], reindexed=report.indexed,
                documents_changed=changed)


def _nightly_is_incremental(settings: Settings) -> bool:
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        runs = catalog.runs(50)
    return not full_sweep_due(runs, datetime.now(UTC), settings.crawl.full_sweep_days)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2%}" if b else "-"


def print_table(full: Pass, nightly: Pass) -> None:
    """Print the comparison, one metric a row, with the nightly/full ratio."""
    print(f"{'':24}{'full crawl':>14}{'nightly':>14}{'ratio':>10}")
    for name, label in (("requests", "requests"), ("body_bytes", "bytes served"),
                        ("not_modified", "304 answers"), ("seconds", "time (s)"),
                        ("extracted", "pages (re)extracted"), ("reindexed", "docs (re)indexed"),
                        ("documents_changed", "docs new/changed")):
        a, b = getattr(full, name), getattr(nightly, name)
        fmt = (lambda v: f"{v:14.1f}") if name == "seconds" else (lambda v: f"{v:14,d}")
        print(f"{label:24}{fmt(a)}{fmt(b)}{_ratio(b, a):>10}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when the nightly pass misses its target."""
    parser = argparse.ArgumentParser(prog="python -m bench.nightly_crawl", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=8, help="bureau items × N (default 8)")
    parser.add_argument("--rps", type=float, default=200.0, help="requests per second per host")
    parser.add_argument("--tiny", action="store_true", help="scale 1, for CI")
    args = parser.parse_args(argv)
    scale = 1 if args.tiny else args.scale
    with tempfile.TemporaryDirectory(prefix="nightly-bench-") as tmp, \
            SamplePortal(scale=scale) as portal:
        config = Path(tmp) / "disclosure-search.toml"
        text = portal.config_toml(Path(tmp) / "data")
        config.write_text(text.replace("requests_per_second = 200.0",
                                       f"requests_per_second = {args.rps}"), encoding="utf-8")
        settings = load_settings(config, environ={})
        full = measure(portal, settings, full=True)
        incremental = _nightly_is_incremental(settings)
        nightly = measure(portal, settings, full=False)
    print(f"sample portal at scale {scale}: {full.requests:,} pages and files in a full crawl")
    print_table(full, nightly)
    ok = (nightly.body_bytes <= BYTES_TARGET * full.body_bytes and nightly.reindexed == 0
          and nightly.extracted == 0 and incremental)
    if not args.tiny and full.requests < MIN_PAGES:
        print(f"warning: fewer than {MIN_PAGES:,} pages; raise --scale")
    print(f"target (≤ {BYTES_TARGET:.0%} of the bytes, nothing reindexed): "
          f"{'met' if ok else 'MISSED'}")
    if not args.tiny:
        save_results(f"nightly_crawl-scale{scale}", {
            "scale": scale, "rps": args.rps, "full": asdict(full),
            "nightly": asdict(nightly), "target_met": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
