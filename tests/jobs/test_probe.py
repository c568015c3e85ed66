"""``sources probe URL``: its [[sources]] section, pasted unchanged, crawls each layout completely.

Each layout of the sample portal's layouts site is probed from its landing page only; the
section printed on stdout is appended to a config as it is, and a crawl with that config
archives every item the layout lists; the same for the two bundled sites (TRS bureau, Hanweb
city portal), probed from their start pages. The preview on stderr shows documents with every field.
Bad input (an unreachable URL, a file instead of a page, a budget out of range, not a URL)
is a one-line message and exit status 2.
"""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from disclosure_search import cli
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import load_settings
from disclosure_search.sample_portal.layouts import LAYOUTS, items_of
from disclosure_search.sample_portal.server import SamplePortal

HEADER = 'data_dir = "data"\n[crawl]\nrequests_per_second = 200.0\n\n'
FIELDS = ("标题", "分类", "文号", "索引号", "发布机构", "成文日期", "发布日期", "有效性",
          "主题分类", "正文", "附件")


@pytest.fixture(scope="module")
def portal() -> Iterator[SamplePortal]:
    with SamplePortal(layouts=True) as running:
        yield running


def probe(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    config = tmp_path / "probe.toml"
    config.write_text(HEADER, encoding="utf-8")
    status = cli.main(["--config", str(config), "sources", "probe", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def crawl_pasted(tmp_path: Path, section: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    """Paste ``section`` unchanged into a config, crawl with it; the documents' URLs."""
    config = tmp_path / "disclosure-search.toml"
    config.write_text(HEADER + section, encoding="utf-8")
    assert cli.main(["--config", str(config), "crawl", "--full"]) == 0
    capsys.readouterr()
    settings = load_settings(config)
    (source,) = settings.sources
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        return {d.url for d in catalog.iter_documents(source.id)}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_suggested_section_pasted_unchanged_crawls_the_layout_completely(
    portal: SamplePortal, layout: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = probe(tmp_path, capsys, portal.start_url("layouts", layout))
    assert status == 0, err
    assert out.count("[[sources]]") == 1 and "start_urls" in out
    assert "个文件的预览" in err
    for name in FIELDS:
        assert f"    {name}：" in err, name

    paths = {"/" + url.split("/", 3)[3] for url in crawl_pasted(tmp_path, out, capsys)}
    assert paths == {item.path for item in items_of(layout)}


@pytest.mark.slow
@pytest.mark.parametrize("site", ["kjj", "city"])
def test_the_section_for_each_bundled_site_crawls_it_completely(
    portal: SamplePortal, site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = probe(tmp_path, capsys, portal.start_url(site))
    assert status == 0, err
    urls = crawl_pasted(tmp_path, out, capsys)
    assert urls == {item.url for item in portal.listed_documents(site)}


def test_the_section_names_how_lists_page_and_the_categories_of_columns(
    portal: SamplePortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, jpage, _ = probe(tmp_path, capsys, portal.start_url("layouts", "jpage"))
    assert "jpage 数据岛" in jpage and "dataproxy.jsp" in jpage
    assert "政务信息" in jpage and "公告公示" in jpage
    _, files, _ = probe(tmp_path, capsys, portal.start_url("layouts", "files"))
    assert "createPageHTML 分页，共 2 页" in files
    base = portal.base_url("layouts")
    assert f'"{base}/xxgk/wjxz/" = "其他文件"' in files
    _, json_list, _ = probe(tmp_path, capsys, portal.start_url("layouts", "json"))
    assert "/api/xxgk/list" in json_list and "# 字符集：" in json_list


def test_the_page_budget_is_kept(
    portal: SamplePortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(portal.request_log)
    status, out, _ = probe(tmp_path, capsys, portal.start_url("layouts", "jpage"),
                           "--max-pages", "4")
    asked = [p for p, *_ in portal.request_log[before:] if p != "/robots.txt"]
    assert len(asked) <= 4
    assert "已到页数预算" in out
    assert status in (0, 1)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("args, message", [
    (["--max-pages", "0"], "--max-pages 须在 1 到 1000 之间"),
    (["--max-pages", "1001"], "--max-pages 须在 1 到 1000 之间"),
])
def test_a_budget_out_of_range_is_refused(
    portal: SamplePortal, args: list[str], message: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = probe(tmp_path, capsys, portal.start_url("layouts", "jpage"), *args)
    assert status == 2 and message in err and out == ""
    assert "Traceback" not in err


def test_bad_urls_are_refused_with_a_clear_message(
    portal: SamplePortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = portal.base_url("layouts") + items_of("files")[0].path
    cases = {
        f"http://127.0.0.1:{_closed_port()}/xxgk/": "无法访问",
        pdf: "不是 HTML 页面",
        "ftp://example.org/xxgk/": "不是 http(s) 网址",
        portal.base_url("layouts") + "/no/such/page.html": "页面不存在",
    }
    for url, message in cases.items():
        status, out, err = probe(tmp_path, capsys, url)
        assert status == 2, (url, err)
        assert message in err and "Traceback" not in err, err
        assert out == ""


def test_a_start_page_robots_txt_forbids_is_not_fetched(
    portal: SamplePortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(portal.request_log)
    status, out, err = probe(tmp_path, capsys, portal.base_url("city") + "/module/search/")
    assert status == 1 and "被 robots.txt 禁止" in err and out == ""
    assert [p for p, *_ in portal.request_log[before:]] == ["/robots.txt"]


def test_the_probe_parses_each_page_once(
    portal: SamplePortal, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    parse_counts: Counter[str],
) -> None:
    status, out, err = probe(tmp_path, capsys, portal.start_url("kjj"), "--max-pages", "30")
    assert status == 0 and "[[sources]]" in out and "标题" in err
    assert len(parse_counts) >= 10 and set(parse_counts.values()) == {1}, parse_counts
