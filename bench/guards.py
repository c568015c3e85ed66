"""What the guards cost: crawl + extract + index of the sample portal with the guards and
without them, taking turns in one run; and the peak memory of each crawl.

Each pass runs ``crawl --full`` (both sample sites) as a child process into an empty data
folder: ``guarded`` is ``python -m disclosure_search``, ``unguarded`` the same code with the
guards taken out (``bench.unguarded``: attachments read in the crawl process without a time or
memory budget, no HTML shape check, no request deadline watchdog). ``--against SRC`` adds
another checkout's ``src`` folder as a third variant. The variants take turns, ``--rounds``
times each, and the medians are compared by process CPU seconds (user + system of the crawl
and every process under it, the extraction worker included: this process adopts orphaned
descendants and reaps them; CPU seconds are what a loaded machine bends least) and by wall
time. Target: the guarded crawl within 10% of the unguarded one; peak memory of a crawl at
most 500 MB.

    python -m bench.guards [--rounds 3] [--scale 1] [--against ../other/src] [--tiny]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import save_results
from bench.machine import load_average
from disclosure_search.sample_portal import SamplePortal

TIME_TARGET = 1.10
MEMORY_TARGET_MB = 500
HERE = Path(__file__).resolve().parents[1] / "src"
_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Variant:
    """One way of running the crawl: the module run and the ``src`` folder it comes from."""

    name: str
    module: str
    src: Path


@dataclass(frozen=True)
class Pass:
    """One crawl's figures."""

    wall_s: float
    cpu_s: float
    peak_mb: float


def adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux), so the extraction
    worker's fork server is waited for here and its CPU seconds counted; False if not."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children() -> set[int]:
    """Return the pids of this process's children (Linux; empty where /proc cannot tell)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").glob("*"):
        try:
            found.update(int(pid) for pid in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def crawl_once(portal: SamplePortal, variant: Variant, rps: float) -> Pass:
    """One full crawl with ``variant``: wall seconds, CPU seconds of its whole process tree,
    and the peak RSS of its largest process."""
    with tempfile.TemporaryDirectory(prefix="guards-bench-") as tmp:
        config = Path(tmp) / "disclosure-search.toml"
        text = portal.config_toml(Path(tmp) / "data")
        config.write_text(text.replace("requests_per_second = 200.0",
                                       f"requests_per_second = {rps}"), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_SEARCH_")}
        bench_root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join([str(variant.src), bench_root])
        own = _children()  # this process's own (an earlier bench's fork server): not the crawl's
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", variant.module, "--config", str(config), "crawl", "--full"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
        # descendants the crawl left to us (the extraction worker's fork server); waiting for
        # any child instead would wait forever for a fork server this process started itself
        while orphans := _children() - own:
            for pid in orphans:
                try:
                    _, _, orphan = os.wait4(pid, 0)
                except ChildProcessError:  # reaped meanwhile
                    own.add(pid)
                    continue
                cpu += orphan.ru_utime + orphan.ru_stime
                peak = max(peak, orphan.ru_maxrss)
        if child.returncode != 0:
            raise RuntimeError(f"crawl with {variant.name} exited {child.returncode}")
        return Pass(seconds, cpu, peak / 1024)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.guards", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, help="another checkout's src folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="bureau items × N")
    parser.add_argument("--rps", type=float, default=500.0)
    parser.add_argument("--tiny", action="store_true", help="one round of each (CI)")
    args = parser.parse_args(argv)
    rounds = 1 if args.tiny else args.rounds
    variants = [Variant("guarded", "disclosure_search", HERE),
                Variant("unguarded", "bench.unguarded", HERE)]
    if args.against and not args.tiny:
        variants.append(Variant("other", "disclosure_search", args.against.resolve()))
    adopted = adopt_orphans()
    if not adopted:
        print("cannot adopt orphaned processes here: the worker's CPU is not counted")
    passes: dict[str, list[Pass]] = {v.name: [] for v in variants}
    loads: list[float] = []
    with SamplePortal(scale=args.scale) as portal:
        for _ in range(rounds):
            for variant in variants:
                before = load_average()
                done = crawl_once(portal, variant, args.rps)
                loads += [before, load_average()]
                passes[variant.name].append(done)
                print(f"{variant.name:9} {done.wall_s:7.1f} s  {done.cpu_s:7.1f} CPU s  "
                      f"peak {done.peak_mb:6.0f} MB  load {before:.1f} -> {loads[-1]:.1f}",
                      flush=True)
    cpu = {name: statistics.median(p.cpu_s for p in runs) for name, runs in passes.items()}
    wall = {name: statistics.median(p.wall_s for p in runs) for name, runs in passes.items()}
    peak = max(p.peak_mb for p in passes["guarded"])
    ok = peak <= MEMORY_TARGET_MB
    for name in passes:
        if name == "guarded":
            continue
        by_cpu, by_wall = cpu["guarded"] / cpu[name], wall["guarded"] / wall[name]
        if not args.tiny:  # one round at the tiny size says nothing about a 10% target
            ok = ok and by_cpu <= TIME_TARGET
        print(f"guarded vs {name}: CPU {cpu['guarded']:.1f} / {cpu[name]:.1f} s = {by_cpu:.3f},"
              f" wall {wall['guarded']:.1f} / {wall[name]:.1f} s = {by_wall:.3f}"
              f" (target ≤ {TIME_TARGET:.2f} by CPU)")
    print(f"peak RSS of a guarded crawl: {peak:.0f} MB (target ≤ {MEMORY_TARGET_MB} MB); "
          f"load average {min(loads):.1f}-{max(loads):.1f}")
    print(f"targets: {'met' if ok else 'MISSED'}"
          + (" (tiny: only the memory target is judged)" if args.tiny else ""))
    if not args.tiny:
        save_results(f"guards-scale{args.scale}", {
            "passes": {name: [vars(p) for p in runs] for name, runs in passes.items()},
            "loads": loads, "adopted_orphans": adopted, "target_met": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
