"""Whole crawl passes into the archive, including one killed with SIGKILL and resumed."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.warctools import warcio_check
from crawl.site import Site, trs_site
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.jobs.crawl_pass import crawl_into_archive

CRAWL = CrawlSettings(requests_per_second=0, timeout_s=5, retries=0, warc_max_bytes=4000)


def settings_for(site: Site, data: Path) -> Settings:
    source = SourceSettings(id="kjj", name="科技局",
                            start_urls=(site.url("/xxgk/tzgg/index.html"),))
    return Settings(data_dir=data, crawl=CRAWL, sources=(source,))


def assert_archive_sound(data: Path) -> int:
    """Every catalog pointer reads back its page, and every WARC file passes warcio check."""
    with Catalog.open(data / "catalog.sqlite3") as catalog:
        rows = catalog.conn.execute("SELECT id, url, sha256 FROM captures").fetchall()
        for row in rows:
            capture = catalog.capture(row["id"])
            assert capture is not None
            page = catalog.read_page(capture)
            assert page.url == row["url"]
            assert hashlib.sha256(page.body).hexdigest() == row["sha256"]
    for path in (data / "archive").iterdir():
        code, report = warcio_check(path)
        assert code == 0, report
    return len(rows)


def test_a_crawl_pass_archives_everything_and_the_next_one_sees_no_change(
    site: Site, tmp_path: Path
) -> None:
    details = trs_site(site, pages=3, per_page=4)
    settings = settings_for(site, tmp_path)
    first = crawl_into_archive(settings)
    assert first.status == "finished" and first.stats["kjj"].new == 3 + 12
    assert assert_archive_sound(tmp_path) == 1 + 3 + 12
    second = crawl_into_archive(settings)
    assert second.stats["kjj"].unchanged == 3 + 12 and second.stats["kjj"].new == 0
    with Catalog.open(settings.catalog_path) as catalog:
        runs = catalog.runs()
        assert [r.status for r in runs] == ["finished", "finished"]
        assert runs[0].counts["kjj"]["unchanged"] == 15
        statuses = [c.status for c in catalog.captures_for_url(site.url(details[0]))]
        assert statuses == [200, 304]
        assert catalog.validators(site.url(details[0])) == ('"d1"', None)
    assert len(list((tmp_path / "archive").iterdir())) > 2  # rotated at 4,000 bytes


CHILD = """
import sys
from pathlib import Path
from disclosure_search.jobs.crawl_pass import crawl_into_archive
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
source = SourceSettings(id="kjj", name="kjj", start_urls=(sys.argv[2],))
crawl = CrawlSettings(requests_per_second=0, timeout_s=5, retries=0, warc_max_bytes=4000)
crawl_into_archive(Settings(data_dir=Path(sys.argv[1]), crawl=crawl, sources=(source,)))
"""


def test_kill_9_mid_crawl_leaves_an_archive_the_next_run_continues(
    site: Site, tmp_path: Path
) -> None:
    details = trs_site(site, pages=2, per_page=10)
    for path in details:
        site.routes[path].delay = 0.05  # type: ignore[union-attr]
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path),
                              site.url("/xxgk/tzgg/index.html")])
    catalog_path = tmp_path / "catalog.sqlite3"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if catalog_path.exists() and len(site.paths()) >= 9:
            break
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    before = assert_archive_sound(tmp_path)
    assert 3 <= before < 1 + 2 + 20
    result = crawl_into_archive(settings_for(site, tmp_path))
    assert result.status == "finished"
    assert not list((tmp_path / "archive").glob("*.open"))
    assert assert_archive_sound(tmp_path) == before + 2 + 20 + 1  # robots.txt again
    with Catalog.open(catalog_path) as catalog:
        statuses = [r.status for r in catalog.runs()]
        assert statuses == ["finished", "interrupted"]  # the killed run never finished
        known = {c.url for c in catalog.html_captures()}
        assert {site.url(d) for d in details} <= known


def test_sources_at_once_crawl_side_by_side_into_one_sound_archive(
    site: Site, tmp_path: Path
) -> None:
    from dataclasses import replace

    with Site().running() as other:
        for served in (site, other):
            trs_site(served, pages=2, per_page=3)
            for path, route in list(served.routes.items()):
                if path.endswith(".html") and not callable(route):
                    served.routes[path] = replace(route, delay=0.15)  # a slow portal each
        sources = tuple(
            SourceSettings(id=sid, name=sid, start_urls=(served.url("/xxgk/tzgg/index.html"),))
            for sid, served in (("kjj", site), ("city", other))
        )
        settings = Settings(data_dir=tmp_path, sources=sources,
                            crawl=replace(CRAWL, sources_at_once=2))
        result = crawl_into_archive(settings)
    assert result.status == "finished"
    assert result.stats["kjj"].new == result.stats["city"].new == 2 + 6
    first_city = min(r.at for r in other.log)
    last_kjj = max(r.at for r in site.log)
    assert first_city < last_kjj  # the second portal did not wait for the first to finish
    assert assert_archive_sound(tmp_path) == 2 * (1 + 2 + 6)
    with Catalog.open(settings.catalog_path) as catalog:
        assert set(catalog.runs()[0].counts) == {"kjj", "city"}  # health per source
