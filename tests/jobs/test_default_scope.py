"""A source configured with only its landing page covers the common layouts, and says when not.

The Hanweb layout: the 信息公开 landing page ``/col/col4100/index.html``, its columns at
sibling paths ``/col/col4101/``, ``/col/col4102/``, their articles under ``/art/2020/8/6/``.
Only the landing page is configured; everything it leads to is crawled, the rest of the host
(news columns linked from other columns, articles linked only from them) is not.
"""

from __future__ import annotations

from pathlib import Path

from crawl.site import Site, detail_html, list_html
from disclosure_search import cli
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.jobs.pipeline import run_crawl

TITLES = {
    "4101": ["关于印发示例市人民政府2020年立法计划的通知",
             "示例市人民政府关于公布取消行政许可事项的决定"],
    "4102": ["示例市人民政府办公厅关于印发预算预备费暂行管理办法的通知"],
}
NEWS = "/art/2020/8/6/art_1_9.html"


def _hanweb(site: Site) -> list[str]:
    """Fill ``site``; return the article paths that belong to the disclosure columns."""
    nav = '<a href="/index.html">首页</a><a href="/col/col1/index.html">新闻中心</a>'
    columns = "".join(f'<a href="/col/col{c}/index.html">栏目{c}</a>' for c in TITLES)
    site.add("/col/col4100/index.html", list_html([], extra=nav + columns))
    site.add("/index.html", list_html([("/col/col1/index.html", "新闻中心")]))
    site.add("/col/col1/index.html", list_html([(NEWS, "示例市召开新闻发布会")]))
    site.add(NEWS, detail_html("示例市召开新闻发布会", "新闻"))
    articles = []
    for column, titles in TITLES.items():
        rows = []
        for n, title in enumerate(titles, 1):
            path = f"/art/2020/8/6/art_{column}_{n}.html"
            site.add(path, detail_html(title, title + "。"))
            rows.append((path, title))
            articles.append(path)
        site.add(f"/col/col{column}/index.html", list_html(rows, extra=nav))
    return articles


def _settings(site: Site, tmp_path: Path, start: str) -> Settings:
    source = SourceSettings(id="city", name="示例市人民政府", start_urls=(site.url(start),))
    return Settings(data_dir=tmp_path, sources=(source,),
                    crawl=CrawlSettings(requests_per_second=100.0))


def test_only_the_landing_page_crawls_its_sibling_columns_and_their_articles(
    tmp_path: Path,
) -> None:
    with Site().running() as site:
        articles = _hanweb(site)
        settings = _settings(site, tmp_path, "/col/col4100/index.html")
        report = run_crawl(settings, full=True)
        fetched = set(site.paths())
    assert report.scope_problems == []
    assert set(articles) <= fetched
    assert "/col/col1/index.html" in fetched  # linked from the landing page: one column page
    assert NEWS not in fetched and "/index.html" not in fetched  # the rest of the host is not
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        titles = {d.title for d in catalog.iter_documents("city")}
    assert titles == {t for ts in TITLES.values() for t in ts}


def test_a_source_that_finds_nothing_says_what_was_left_out_and_exits_1(
    tmp_path: Path, capsys: object
) -> None:
    with Site().running() as site:
        _hanweb(site)
        site.add("/xxgk/index.html", list_html([], extra='<a href="/col/col4101/index.html">'
                                                     '法定主动公开内容</a>'))
        config = tmp_path / "disclosure-search.toml"
        config.write_text(
            f'data_dir = "data"\n[crawl]\nrequests_per_second = 100.0\n'
            f'[[sources]]\nid = "city"\nname = "示例市人民政府"\n'
            f'start_urls = ["{site.url("/xxgk/index.html")}"]\n', encoding="utf-8")
        status = cli.main(["--config", str(config), "crawl"])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert status == 1
    assert "来源 city 没有找到任何文件" in out
    assert site.url("/col/col4101/") in out and "start_urls" in out
