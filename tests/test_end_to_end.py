"""The whole pipeline from the command line against the sample portal: crawl, search, reindex."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import opencc
import pytest

from disclosure_search.archive.catalog import Catalog
from disclosure_search.cli import main
from disclosure_search.config import Settings, load_settings
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.index_sync import catch_up_settings
from disclosure_search.sample_portal.faults import FAULT_PATHS
from disclosure_search.sample_portal.server import SamplePortal

FAULTS = frozenset(FAULT_PATHS)


@dataclass
class Crawled:
    portal: SamplePortal
    config: Path
    settings: Settings
    output: str


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """One crawl of the sample portal, every fault mode on, shared by this module's tests."""
    root = tmp_path_factory.mktemp("e2e")
    with SamplePortal(faults=FAULTS, slow_seconds=0.5) as portal:
        config = root / "disclosure-search.toml"
        config.write_text(portal.config_toml(root / "data"), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "disclosure_search", "--config", str(config), "crawl"],
            capture_output=True, text=True, timeout=600, check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        yield Crawled(portal, config, load_settings(config, environ={}), result.stdout)


def search_json(capsys: pytest.CaptureFixture[str], crawled: Crawled, *args: str) -> dict:
    status, out, err = run_cli(capsys, "--config", str(crawled.config), "search", *args, "--json")
    assert status == 0, err
    return json.loads(out)


def test_every_listed_document_is_archived_and_extracted(crawled: Crawled) -> None:
    with Catalog.open(crawled.settings.catalog_path, readonly=True) as catalog:
        for site in ("kjj", "city"):
            listed = {item.url for item in crawled.portal.listed_documents(site)}
            stored = {doc.url for doc in catalog.iter_documents(site)}
            assert listed <= stored, f"{site}: {len(listed - stored)} listed but not stored"
            assert len(stored - listed) <= len(FAULTS), "only fault pages may be extra"


def test_only_injected_faults_fail_and_the_summary_says_why(crawled: Crawled) -> None:
    with Catalog.open(crawled.settings.catalog_path, readonly=True) as catalog:
        run = catalog.runs(1)[0]
    assert run.status == "finished"
    fault_paths = set(FAULT_PATHS.values()) | {"/xxgk/loop/b.html"}
    for url, reason in run.failures:
        assert any(url.endswith(path) for path in fault_paths), (url, reason)
        assert reason
    assert run.failures, "the injected faults must be reported"
    assert re.search(r"失败 \d+ 个：", crawled.output)
    assert "HTTP 500（服务器内部错误）" in crawled.output and "重定向循环" in crawled.output


def test_crawler_never_fetches_robots_disallowed_or_offsite(crawled: Crawled) -> None:
    requested = [path for path, *_ in crawled.portal.request_log]
    assert not [p for p in requested if "/internal/" in p]
    offsite = [line for line in crawled.output.splitlines() if "example.com" in line]
    assert offsite and all("重定向到来源之外的主机" in line for line in offsite)


def test_search_by_keyword_in_either_script(
    capsys: pytest.CaptureFixture[str], crawled: Crawled
) -> None:
    title = next(i.title for i in crawled.portal.listed_documents("kjj")
                 if i.category == "规范性文件")
    words = title[:12]
    simplified = search_json(capsys, crawled, words)
    traditional = search_json(capsys, crawled, opencc.OpenCC("s2t").convert(words))
    assert title in [h["title"] for h in simplified["hits"][:3]]
    assert [h["id"] for h in traditional["hits"]] == [h["id"] for h in simplified["hits"]]
    assert set(simplified) >= {"query", "total", "page", "per_page", "took_ms", "hits", "facets"}


def test_search_filters_by_category_source_and_dates(
    capsys: pytest.CaptureFixture[str], crawled: Crawled
) -> None:
    result = search_json(capsys, crawled, "", "--category", "规范性文件", "--source", "kjj",
                         "--from", "2018-01-01", "--to", "2018-12-31", "--per-page", "50")
    assert result["total"] == 7  # the bureau's 2018 annual report counted 7 规范性文件
    for hit in result["hits"]:
        assert hit["category"] == "规范性文件" and hit["source"] == "kjj"
        assert "2018-01-01" <= hit["published_date"] <= "2018-12-31"
    assert result["facets"]["year"] == {"2018": 7}


def test_reindex_from_the_archive_gives_the_same_results(
    capsys: pytest.CaptureFixture[str], crawled: Crawled
) -> None:
    queries = [("科技",), ("政府信息公开",), ("", "--category", "公告公示"), ("通知", "--sort",
               "newest")]
    before = [search_json(capsys, crawled, *q) for q in queries]
    status, out, err = run_cli(capsys, "--config", str(crawled.config), "reindex")
    assert status == 0, err
    assert "已从存档重建索引" in out
    after = [search_json(capsys, crawled, *q) for q in queries]
    for old, new in zip(before, after, strict=True):
        assert new["total"] == old["total"]
        assert [h["id"] for h in new["hits"]] == [h["id"] for h in old["hits"]]


def test_bad_search_input_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], crawled: Crawled
) -> None:
    status, _, err = run_cli(capsys, "--config", str(crawled.config), "search", "x",
                             "--from", "2018-13-01")
    assert status == 2 and "发布日期起（from）不是有效日期：2018-13-01" in err
    status, _, err = run_cli(capsys, "--config", str(crawled.config), "search", "x",
                             "--category", "新闻")
    assert status == 2 and "未知的分类“新闻”" in err


def test_config_error_exits_2_naming_key_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[crawl]\ntimeout_s = 3\nrequests_per_secnd = 2\n', encoding="utf-8")
    status, _, err = run_cli(capsys, "--config", str(config), "crawl")
    assert status == 2
    assert "第 3 行" in err and "crawl.requests_per_secnd" in err


def test_reindex_into_elasticsearch_gives_the_same_search(
    capsys: pytest.CaptureFixture[str], crawled: Crawled, es_hosts: tuple[str, ...]
) -> None:
    """The README's scale-out steps: an [index] section, `reindex` into the cluster, search."""
    name = f"test-e2e-{uuid.uuid4().hex[:8]}"
    cluster = crawled.config.with_name("cluster.toml")
    hosts = ", ".join(f'"{h}"' for h in es_hosts)
    cluster.write_text(crawled.config.read_text(encoding="utf-8") + "\n[index]\n"
                       f'backend = "elasticsearch"\nhosts = [{hosts}]\nname = "{name}"\n'
                       f"replicas = {min(1, len(es_hosts) - 1)}\n", encoding="utf-8")
    embedded = crawled
    on_cluster = Crawled(crawled.portal, cluster, load_settings(cluster, environ={}), "")
    try:
        status, _, err = run_cli(capsys, "--config", str(cluster), "reindex")
        assert status == 0, err
        for query in [("科技",), ("政府資訊公開",), ("", "--category", "公告公示"),
                      ("通知", "--sort", "newest"), ("", "--from", "2018-01-01", "--to",
                                                   "2019-12-31", "--sort", "oldest")]:
            mine = search_json(capsys, on_cluster, *query, "--per-page", "100")
            theirs = search_json(capsys, embedded, *query, "--per-page", "100")
            assert (mine["total"], mine["facets"]) == (theirs["total"], theirs["facets"]), query
            ids = [[h["id"] for h in result["hits"]] for result in (mine, theirs)]
            if "--sort" in query:  # dates order alike; scores may differ in the last digits
                assert ids[0] == ids[1], query
            else:
                assert set(ids[0]) == set(ids[1]) or mine["total"] > 100, query
        _lost_documents_are_found_and_caught_up(capsys, on_cluster)
    finally:
        from elasticsearch import Elasticsearch

        with Elasticsearch(list(es_hosts)) as client:
            for index in client.indices.get(index=f"{name}-*", allow_no_indices=True):
                client.indices.delete(index=index)


def _lost_documents_are_found_and_caught_up(
    capsys: pytest.CaptureFixture[str], crawled: Crawled
) -> None:
    """`verify` and the catch-up at `serve` start work on the cluster as on the embedded index."""
    status, out, _ = run_cli(capsys, "--config", str(crawled.config), "verify")
    assert status == 0 and out.rstrip().endswith("一致"), out
    backend = open_backend(crawled.settings.index_dir, writable=True,
                           config=crawled.settings.index)
    lost = sorted(backend.ids())[:2]
    assert backend.delete(lost) == 2
    backend.close()
    status, out, _ = run_cli(capsys, "--config", str(crawled.config), "verify")
    assert status == 1 and f"索引中缺少 {lost[0]}" in out, out
    caught = catch_up_settings(crawled.settings)
    assert caught is not None and caught.indexed == 2
    status, out, _ = run_cli(capsys, "--config", str(crawled.config), "verify")
    assert status == 0 and out.rstrip().endswith("一致"), out
