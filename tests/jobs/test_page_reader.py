"""A page is parsed once per crawl run, and whether it is a document is extraction's word."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from crawl.site import Site, detail_html, list_html
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.jobs.pipeline import reindex, run_crawl

PAGES = Path(__file__).parents[1] / "extract" / "pages"
FAST = CrawlSettings(requests_per_second=100.0, timeout_s=2, retry_backoff_s=0.01)
# A real page whose metadata is inline (发文字号：… 发文机关：… 成文时间：… on one line, a
# wording only extraction reads), below it a block of related articles as portals print
# them: six links of one shape, which made the crawl's own rule call it a list, unread.
RELATED = "".join(f'<li><a href="./202001/t2020011{n}_{n}.html">{title}</a></li>'
                  for n, title in enumerate(["关于做好2020年元旦期间有关工作的通知",
                                             "关于开展2020年安全生产大检查的通知",
                                             "关于做好冬季供暖保障工作的通知",
                                             "关于进一步做好森林防火工作的通知",
                                             "关于做好2020年春运工作的通知",
                                             "关于加强节日市场监管工作的通知"]))


def _site(site: Site) -> str:
    page = (PAGES / "inline_pairs.html").read_text("utf-8")
    page = page.replace("</body>", f'<div class="list"><ul>{RELATED}</ul></div></body>')
    site.add("/xxgk/index.html", list_html([("show.jsp?guid=8f2a", "春节期间有关工作的通知"),
                                            ("t20200930_1.html", "关于印发办法的通知")]))
    site.add("/xxgk/show.jsp?guid=8f2a", page)
    site.add("/xxgk/t20200930_1.html", detail_html("关于印发办法的通知"))
    for n in range(6):
        site.add(f"/xxgk/202001/t2020011{n}_{n}.html", detail_html(f"相关文件{n}"))
    return "春节期间有关工作的通知"


def _settings(site: Site, tmp_path: Path) -> Settings:
    source = SourceSettings(id="kjj", name="示例市科技局",
                            start_urls=(site.url("/xxgk/index.html"),))
    return Settings(data_dir=tmp_path, sources=(source,), crawl=FAST)


def test_a_document_page_the_crawl_alone_took_for_a_list_is_extracted(
    tmp_path: Path,
) -> None:
    with Site().running() as site:
        words = _site(site)
        settings = _settings(site, tmp_path)
        report = run_crawl(settings, full=True)
        requested = site.paths()
    assert report.status == "finished"
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        docs = {d.url: d for d in catalog.iter_documents()}
        capture = catalog.latest_capture(site.url("/xxgk/show.jsp?guid=8f2a"), ok_only=True)
    doc = docs[site.url("/xxgk/show.jsp?guid=8f2a")]
    assert words in doc.title and doc.doc_number == "市政办发（２０２０）３号"
    assert capture is not None and capture.kind == "detail"
    # a document's related articles are not walked (its attachments would be)
    assert not any(path.startswith("/xxgk/202001/") for path in requested)


def test_each_page_is_parsed_once_per_run_and_once_more_by_reindex(
    tmp_path: Path, parse_counts: Counter[str],
) -> None:
    with Site().running() as site:
        _site(site)
        settings = _settings(site, tmp_path)
        run_crawl(settings, full=True)
    assert parse_counts and set(parse_counts.values()) == {1}, parse_counts
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        documents = len(list(catalog.iter_documents()))
    parse_counts.clear()
    again = reindex(settings)  # no crawl: each archived page is parsed from the archive
    assert again.status == "finished" and set(parse_counts.values()) == {1}, parse_counts
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        assert len(list(catalog.iter_documents())) == documents == 2
