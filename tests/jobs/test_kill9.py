"""kill -9 at any moment of a crawl, of extraction or of indexing costs no document.

A small site of real documents is crawled once cleanly. Then, in another data folder, the
``crawl`` command is killed with SIGKILL at fixed points of each stage (after so many
requests, at the first extracted page, at the first indexed document and just after) and at a
few seeded random moments; one ordinary run follows. The index must then hold exactly the
clean crawl's documents, each in the same state, and ``verify`` must find no difference.
Set KILL9_SEED to try other random moments.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawl.site import Site, detail_html, list_html
from disclosure_search.index.backend import open_backend
from disclosure_search.models import SearchQuery
from disclosure_search.sample_portal.data import load_documents
from disclosure_search.sample_portal.files import make_docx

DOCS = 40
PER_PAGE = 10
DOCX = [("Content-Type",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]


def _fill(site: Site) -> None:
    docs = [d for d in load_documents() if len(d.body) > 100][:DOCS]
    pages = [docs[i:i + PER_PAGE] for i in range(0, DOCS, PER_PAGE)]
    for number, page in enumerate(pages):
        links = [(f"/xxgk/tzgg/t{number}_{i}.html", d.title) for i, d in enumerate(page)]
        more = f'<a href="/xxgk/tzgg/index_{number + 1}.html">下一页</a>' if number + 1 < len(
            pages) else ""
        name = "index.html" if number == 0 else f"index_{number}.html"
        site.add(f"/xxgk/tzgg/{name}", list_html(links, extra=more))
        for i, doc in enumerate(page):
            files = (f"/xxgk/tzgg/P{number}_{i}.docx",) if i % 4 == 0 else ()
            site.add(f"/xxgk/tzgg/t{number}_{i}.html", detail_html(doc.title, doc.body, files))
            for path in files:
                site.add(path, make_docx(doc.title, doc.body[:400]), headers=DOCX)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with Site().running() as running:
        _fill(running)
        yield running


def _config(site: Site, data: Path) -> Path:
    data.mkdir(parents=True)
    config = data / "disclosure-search.toml"
    config.write_text(
        f'data_dir = "{data}"\n[crawl]\nrequests_per_second = 1000.0\n'
        f'[[sources]]\nid = "kjj"\nname = "示例市科技局"\n'
        f'start_urls = ["{site.url("/xxgk/tzgg/index.html")}"]\n', encoding="utf-8")
    return config


def _cli(config: Path, command: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_SEARCH_")}
    return subprocess.Popen([sys.executable, "-m", "disclosure_search", "--config", str(config),
                             command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _kill_when(config: Path, marker: str, delay: float) -> bool:
    """Start a crawl; SIGKILL it ``delay`` s after a stderr line starts with ``marker``
    ("" = after the start). Returns False when the run ended before that."""
    child = _cli(config, "crawl")
    seen = threading.Event()

    def watch() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            if line.startswith(marker):
                seen.set()

    threading.Thread(target=watch, daemon=True).start()
    if marker:
        while not seen.wait(0.01):
            if child.poll() is not None:
                return False
    time.sleep(delay)
    killed = child.poll() is None
    child.kill()
    child.communicate(timeout=30)
    return killed


def _run(config: Path, command: str) -> subprocess.CompletedProcess[str]:
    child = _cli(config, command)
    out, err = child.communicate(timeout=300)
    return subprocess.CompletedProcess(child.args, child.returncode or 0, out, err)


def _index(data: Path) -> dict[str, str]:
    backend = open_backend(data / "index")
    try:
        assert backend.search(SearchQuery(text="通知")).total > 0
        return backend.fingerprints()
    finally:
        backend.close()


@pytest.mark.slow
def test_kill_9_anywhere_then_one_run_gives_the_clean_crawls_index(
    site: Site, tmp_path: Path
) -> None:
    started = time.monotonic()
    clean = _run(_config(site, tmp_path / "clean"), "crawl")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    whole = time.monotonic() - started
    expected = _index(tmp_path / "clean")
    assert len(expected) == DOCS

    seed = int(os.environ.get("KILL9_SEED", "9"))
    rng = random.Random(seed)
    # the progress lines of crawl, extraction and indexing ("抓取: 12 (40.0/s) …")
    points = [("抓取:", 0.0), ("抓取:", 0.3), ("提取:", 0.0), ("提取:", 0.5),
              ("索引:", 0.0), ("索引:", 0.05), ("索引:", 0.2),
              *(("", rng.uniform(0.5, whole)) for _ in range(3))]
    config = _config(site, tmp_path / "killed")
    killed = [(m, round(d, 2)) for m, d in points if _kill_when(config, m, d)]
    assert len(killed) >= len(points) // 2, f"too few kills landed (seed {seed}): {killed}"

    final = _run(config, "crawl")
    assert final.returncode == 0, final.stdout + final.stderr
    assert _index(tmp_path / "killed") == expected, f"seed {seed}, kills {killed}"
    check = _run(config, "verify")
    assert check.returncode == 0, check.stdout
    assert check.stdout.rstrip().endswith("一致")
