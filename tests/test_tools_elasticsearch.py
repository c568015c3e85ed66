"""tools/elasticsearch without a cluster: status, down and bad usage answer plainly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "elasticsearch"


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), "--dir", str(tmp_path), *args],
                          capture_output=True, text=True, timeout=60)


def test_status_and_down_with_nothing_started(tmp_path: Path) -> None:
    status = _run(tmp_path, "status")
    assert (status.returncode, status.stdout.strip()) == (3, "not running")
    down = _run(tmp_path, "down")
    assert down.returncode == 0 and "nothing was started" in down.stderr


def test_bad_usage_is_exit_status_2(tmp_path: Path) -> None:
    assert _run(tmp_path, "up", "--nodes", "0").returncode == 2
    assert _run(tmp_path, "restart").returncode == 2
