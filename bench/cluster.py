"""The Elasticsearch cluster a benchmark runs against: given, already running, or started here.

Order: ``$DISCLOSURE_SEARCH_BENCH_ES`` or ``$DISCLOSURE_SEARCH_TEST_ES`` (comma-separated
URLs), then a cluster ``tools/elasticsearch`` runs, then a 2-node cluster started for the
benchmark in a temporary folder (stopped after). Without Java or Maven there is none, and
the benchmarks that need one say so and are skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from disclosure_search.config import IndexSettings

TOOL = Path(__file__).resolve().parent.parent / "tools" / "elasticsearch"
ENV = ("DISCLOSURE_SEARCH_BENCH_ES", "DISCLOSURE_SEARCH_TEST_ES")


@dataclass
class Cluster:
    """A cluster's URLs, and its state folder when this process started it (faults allowed)."""

    hosts: tuple[str, ...]
    state: Path | None = None
    nodes: list[dict[str, str]] = field(default_factory=list)

    def config(self, name: str) -> IndexSettings:
        replicas = 1 if len(self.hosts) > 1 else 0
        return IndexSettings(backend="elasticsearch", hosts=self.hosts, name=name,
                             replicas=replicas)

    def tool(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert self.state is not None
        return subprocess.run([sys.executable, str(TOOL), "--dir", str(self.state), *args],
                              capture_output=True, text=True)


def _status(state: Path) -> tuple[str, ...]:
    done = subprocess.run([sys.executable, str(TOOL), "--dir", str(state), "status"],
                          capture_output=True, text=True)
    if done.returncode:
        return ()
    return tuple(line.split("\t")[1] for line in done.stdout.splitlines() if "\tpid " in line)


@contextlib.contextmanager
def cluster(nodes: int = 2, own: bool = False) -> Iterator[Cluster | str]:
    """Yield a Cluster, or the reason there is none; ``own``: always start one here."""
    for name in ENV:
        if os.environ.get(name) and not own:
            yield Cluster(tuple(h for h in os.environ[name].split(",") if h))
            return
    running = () if own else _status(TOOL.parent.parent / ".elasticsearch")
    if running:
        yield Cluster(running)
        return
    missing = [tool for tool in ("java", "mvn") if not shutil.which(tool)]
    if missing:
        yield f"no Elasticsearch cluster: {' and '.join(missing)} not installed"
        return
    with tempfile.TemporaryDirectory(prefix="bench-es-") as tmp:
        found = Cluster((), Path(tmp))
        started = found.tool("up", "--nodes", str(nodes))
        if started.returncode:
            yield f"tools/elasticsearch up failed: {started.stderr[-500:]}"
            return
        found.hosts = tuple(started.stdout.strip().split(","))
        found.nodes = json.loads((Path(tmp) / "state.json").read_text())["nodes"]
        try:
            yield found
        finally:
            found.tool("down")
