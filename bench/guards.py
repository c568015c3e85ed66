"""What the extraction guards cost: crawl + extract + index of the sample portal, this code
against another checkout's, alternating in one run; and the peak memory of each crawl.

Each pass runs ``disclosure-search crawl`` (full, both sample sites) as a child process into
an empty data folder; its wall time and peak RSS (the largest process of its tree: the crawl,
or its extraction worker) are read from ``wait4``. With ``--against SRC`` (another
checkout's ``src`` folder, e.g. one without the guards) the two take turns, ``--rounds``
times each, and the medians are compared. Target: within 10% of the other checkout's time;
peak memory of a crawl at most 500 MB.

    python -m bench.guards [--against ../baseline/src] [--rounds 3] [--scale 1] [--tiny]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import save_results
from bench.machine import load_average
from disclosure_search.sample_portal import SamplePortal

TIME_TARGET = 1.10
MEMORY_TARGET_MB = 500
HERE = Path(__file__).resolve().parents[1] / "src"


def crawl_once(portal: SamplePortal, src: Path, rps: float) -> tuple[float, float]:
    """One full crawl with the code in ``src``; (seconds, peak RSS in MB)."""
    with tempfile.TemporaryDirectory(prefix="guards-bench-") as tmp:
        config = Path(tmp) / "disclosure-search.toml"
        text = portal.config_toml(Path(tmp) / "data")
        config.write_text(text.replace("requests_per_second = 200.0",
                                       f"requests_per_second = {rps}"), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_SEARCH_")}
        env["PYTHONPATH"] = str(src)
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "disclosure_search", "--config", str(config), "crawl",
             "--full"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise RuntimeError(f"crawl with {src} exited {child.returncode}")
        return seconds, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.guards", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, help="another checkout's src folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="bureau items × N")
    parser.add_argument("--rps", type=float, default=500.0)
    parser.add_argument("--tiny", action="store_true", help="one round, no comparison (CI)")
    args = parser.parse_args(argv)
    rounds = 1 if args.tiny else args.rounds
    variants = {"this": HERE, **({"other": args.against.resolve()} if args.against and
                                  not args.tiny else {})}
    times: dict[str, list[float]] = {name: [] for name in variants}
    peaks: dict[str, list[float]] = {name: [] for name in variants}
    loads: list[float] = []
    with SamplePortal(scale=args.scale) as portal:
        for _ in range(rounds):
            for name, src in variants.items():
                loads.append(load_average())
                seconds, peak = crawl_once(portal, src, args.rps)
                times[name].append(seconds)
                peaks[name].append(peak)
                print(f"{name:6} {seconds:7.1f} s  peak {peak:6.0f} MB  load {loads[-1]:.1f}",
                      flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    worst_peak = max(max(values) for values in peaks.values())
    ok = max(peaks["this"]) <= MEMORY_TARGET_MB
    if "other" in medians:
        ratio = medians["this"] / medians["other"]
        ok = ok and ratio <= TIME_TARGET
        print(f"median: this {medians['this']:.1f} s, other {medians['other']:.1f} s,"
              f" ratio {ratio:.3f} (target ≤ {TIME_TARGET:.2f})")
    print(f"peak RSS of a crawl: {max(peaks['this']):.0f} MB (target ≤ {MEMORY_TARGET_MB} MB;"
          f" largest seen {worst_peak:.0f} MB); load average {statistics.mean(loads):.1f}")
    print(f"targets: {'met' if ok else 'MISSED'}")
    if not args.tiny:
        save_results(f"guards-scale{args.scale}", {
            "times": times, "peaks_mb": peaks, "loads": loads, "target_met": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
