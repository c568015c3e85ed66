"""The sample portal over real HTTP: paging, counts, encodings, robots, conditional GET, faults."""

from __future__ import annotations

import http.client
import re
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from disclosure_search.config import load_settings
from disclosure_search.sample_portal.data import load_documents
from disclosure_search.sample_portal.plan import KJJ_2018
from disclosure_search.sample_portal.server import SamplePortal
from sample_portal.helpers import get, links


@pytest.fixture(scope="module")
def portal() -> Iterator[SamplePortal]:
    with SamplePortal() as running:
        yield running


def crawl_bureau_lists(portal: SamplePortal) -> set[str]:
    """Follow every column's createPageHTML paging; return the detail URLs found."""
    base = portal.base_url("kjj")
    index = get(base + "/xxgk/").body.decode()
    columns = sorted({h for h in links(index) if re.fullmatch(r"\./[a-z]+/index\.html", h)})
    found: set[str] = set()
    for column in columns:
        first = urljoin(base + "/xxgk/", column)
        pages = int(re.search(r"createPageHTML\((\d+), 0,", get(first).body.decode()).group(1))
        for n in range(pages):
            url = first if n == 0 else first.replace("index.html", f"index_{n}.html")
            page = get(url)
            assert page.status == 200
            hrefs = [h for h in links(page.body.decode()) if re.match(r"\./\d{6}/t\d{8}_\d+", h)]
            assert 0 < len(hrefs) <= 20
            found.update(urljoin(url, h) for h in hrefs)
        beyond = first.replace("index.html", f"index_{pages}.html")
        assert get(beyond).status == 404
    return found


def test_bureau_paging_adds_up_to_listed_items(portal: SamplePortal) -> None:
    found = crawl_bureau_lists(portal)
    listed = {d.url for d in portal.listed_documents("kjj")}
    assert found == listed
    assert 690 <= len(listed) <= 710


def test_bureau_2018_counts_match_the_annual_report(portal: SamplePortal) -> None:
    counts = Counter(d.category for d in portal.listed_documents("kjj")
                     if d.published_date.startswith("2018"))
    assert dict(counts) == KJJ_2018
    assert sum(counts.values()) == 561
    years = {d.published_date[:4] for d in portal.listed_documents("kjj")}
    assert {"2017", "2019", "2020"} <= years


def test_detail_page_declares_what_the_listing_says(portal: SamplePortal) -> None:
    doc = next(d for d in portal.listed_documents("kjj") if d.doc_number and d.attachment_urls)
    got = get(doc.url)
    text = got.body.decode(got.headers.get_content_charset() or "gb18030")
    assert f'<meta name="ArticleTitle" content="{doc.title}">' in text
    assert f'<meta name="PubDate" content="{doc.published_date} ' in text
    assert "索 引 号：" in text and "发布机构：" in text and doc.doc_number in text
    assert '<div class="TRS_Editor">' in text
    for url in doc.attachment_urls:
        assert url.rsplit("/", 1)[1] in text
        assert get(url).status == 200


def test_city_paging_follows_page_num_links(portal: SamplePortal) -> None:
    base = portal.base_url("city")
    home = get(base + "/").body.decode()
    found: set[str] = set()
    for column in [h for h in links(home) if "/col/col" in h]:
        url: str | None = urljoin(base, column.replace("&amp;", "&"))
        while url:
            page = get(url).body.decode()
            assert "pageNum=" in url
            found.update(urljoin(base, h) for h in links(page) if h.startswith("/art/"))
            nxt = re.search(r'<a href="([^"]+)">下一页</a>', page)
            url = urljoin(base, nxt.group(1).replace("&amp;", "&")) if nxt else None
    listed = portal.listed_documents("city")
    assert found == {d.url for d in listed}
    assert 780 <= len(listed) <= 850
    republished = [d for d in load_documents() if d.republished_from]
    assert len(republished) == 30


def test_city_detail_uses_a_different_template(portal: SamplePortal) -> None:
    docs = portal.listed_documents("city")
    doc = next(d for d in docs if d.doc_number and d.written_date)
    got = get(doc.url)
    assert got.headers["Content-Type"] == "text/html; charset=utf-8"
    text = got.body.decode("utf-8")
    assert '<div class="xxgk-info">' in text
    assert f"<dt>发文字号：</dt><dd>{doc.doc_number}</dd>" in text
    assert "<dt>成文日期：</dt><dd>" + doc.written_date[:4] + "年" in text
    assert re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", doc.url)
    with_meta = sum('name="PubDate"' in get(d.url).body.decode() for d in docs[:40])
    assert 0 < with_meta < 40


def test_gbk_pages_have_no_charset_header(portal: SamplePortal) -> None:
    gbk = [d for d in load_documents() if d.site == "kjj" and d.encoding == "gbk"]
    assert 0.25 <= len(gbk) / 705 <= 0.35
    doc = gbk[0]
    got = get(portal.base_url("kjj") + doc.path)
    assert got.headers["Content-Type"] == "text/html"
    assert b'<meta charset="gb2312">' in got.body
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    assert doc.title in got.body.decode("gb18030")


def test_exactly_one_page_lies_about_its_charset(portal: SamplePortal) -> None:
    liars = [d for d in load_documents() if d.encoding == "gbk-lying"]
    assert len(liars) == 1
    got = get(portal.base_url("kjj") + liars[0].path)
    assert b'<meta charset="utf-8">' in got.body
    assert "charset" not in got.headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    assert liars[0].title in got.body.decode("gb18030")


def test_traditional_items_exist(portal: SamplePortal) -> None:
    docs = load_documents()
    share = sum(d.script == "t" for d in docs) / len(docs)
    assert 0.03 <= share <= 0.09


@pytest.mark.parametrize(("site", "disallowed"), [("kjj", "/xxgk/internal/"), ("city", "/module/")])
def test_robots_disallows_a_path_that_pages_link(
    portal: SamplePortal, site: str, disallowed: str
) -> None:
    base = portal.base_url(site)
    robots = get(base + "/robots.txt").body.decode()
    assert f"Disallow: {disallowed}" in robots
    start = get(portal.start_url(site)).body.decode()
    assert any(h.startswith(disallowed) for h in links(start))


def test_conditional_get_head_and_404(portal: SamplePortal) -> None:
    url = portal.listed_documents("kjj")[3].url
    first = get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert int(first.headers["Content-Length"]) == len(first.body)
    assert get(url, {"If-None-Match": etag}).status == 304
    assert get(url, {"If-Modified-Since": modified}).status == 304
    assert get(url, {"If-None-Match": '"other"'}).status == 200
    head = get(url, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]
    assert get(portal.base_url("kjj") + "/xxgk/zwxx/209901/t20990101_1.html").status == 404
    before = len(portal.request_log)
    get(url)
    assert portal.request_log[before:] == [(url.split(":", 2)[2][url.split(":", 2)[2].index("/"):],
                                            "GET", 200, len(first.body))]


def test_same_edition_gives_identical_bytes(portal: SamplePortal) -> None:
    with SamplePortal() as other:
        for site in ("kjj", "city"):
            for doc in portal.listed_documents(site)[:15]:
                again = other.base_url(site) + doc.path
                assert get(doc.url).body == get(again).body
        assert get(portal.start_url("kjj")).body == get(other.start_url("kjj")).body


def test_config_toml_loads_as_settings(portal: SamplePortal, tmp_path: Path) -> None:
    path = tmp_path / "disclosure-search.toml"
    path.write_text(portal.config_toml(tmp_path / "data"), encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["crawl"]["requests_per_second"] == 200
    settings = load_settings(path, environ={})
    assert [s.id for s in settings.sources] == ["kjj", "city"]
    assert settings.source("kjj").start_urls == (portal.start_url("kjj"),)


def test_faults_misbehave_as_documented() -> None:
    faults = frozenset({"error500", "flaky", "slow", "reset", "redirect_loop",
                        "offsite_redirect", "huge", "bad_attachment"})
    with SamplePortal(faults=faults, slow_seconds=0.3) as portal:
        base = portal.base_url("kjj")
        first_page = get(base + "/xxgk/zwxx/index.html").body.decode()
        fault_links = [h for h in links(first_page) if "9000" in h or "loop" in h or "P02020" in h]
        assert len(fault_links) == 8
        assert get(base + "/xxgk/zwxx/202012/t20201231_9000001.html").status == 500
        flaky = base + "/xxgk/zwxx/202012/t20201231_9000002.html"
        assert [get(flaky).status for _ in range(3)] == [503, 503, 200]
        started = time.monotonic()
        assert get(base + "/xxgk/zwxx/202012/t20201231_9000003.html").status == 200
        assert time.monotonic() - started >= 0.3
        loop = get(base + "/xxgk/loop/a.html")
        assert loop.status == 302 and loop.headers["Location"] == "/xxgk/loop/b.html"
        assert get(base + "/xxgk/loop/b.html").headers["Location"] == "/xxgk/loop/a.html"
        off = get(base + "/xxgk/zwxx/202012/t20201231_9000005.html")
        assert off.status == 302 and off.headers["Location"] == "http://example.com/"
        bad = get(base + "/xxgk/zwxx/202012/P020201231000000000001.pdf")
        assert bad.headers["Content-Type"] == "application/pdf" and not bad.body.startswith(b"%PDF")
        huge = get(base + "/xxgk/zwxx/202012/t20201231_9000006.html", method="HEAD")
        assert int(huge.headers["Content-Length"]) >= 20 * 1024 * 1024 - 4096
        with pytest.raises(http.client.IncompleteRead):
            get(base + "/xxgk/zwxx/202012/t20201231_9000004.html")
    with SamplePortal() as quiet:
        assert get(quiet.base_url("kjj") + "/xxgk/zwxx/202012/t20201231_9000001.html").status == 404


def test_scale_multiplies_bureau_pages() -> None:
    with SamplePortal(scale=8) as portal:
        listed = portal.listed_documents("kjj")
        assert len(listed) >= 5000
        assert len({d.url for d in listed}) == len(listed)
        assert len({d.title for d in listed}) >= 5000
        assert get(listed[-1].url).status == 200
