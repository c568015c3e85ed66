"""The search pages: home, results with filters, facets, sort, pagination, and their JSON."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

JSON = {"Accept": "application/json"}


def _soup(client: FlaskClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "lxml")


def test_home_has_one_labelled_search_box_and_filters(client: FlaskClient) -> None:
    soup = _soup(client, "/")
    assert soup.html["lang"] == "zh-CN"
    assert soup.select_one("a.skip-link")["href"] == "#main"
    form = soup.select_one("form.search-form")
    assert form["method"] == "get" and form["action"] == "/search"
    for control in form.select("input, select"):
        assert soup.select_one(f"label[for={control['id']}]"), control
    assert "已收录 28 篇文档" in soup.get_text()
    categories = [o["value"] for o in soup.select("#category option")]
    assert "规范性文件" in categories and "建议提案办理" in categories
    sources = [o.get_text() for o in soup.select("#source option")]
    assert sources[1:] == ["南昌市科技局", "南昌市人民政府"]


def test_results_page_shows_total_time_and_highlighted_hits(client: FlaskClient) -> None:
    soup = _soup(client, "/search?q=农业")
    summary = soup.select_one("#summary").get_text()
    assert re.search(r"共 \d+ 条结果", summary) and "毫秒" in summary
    hits = soup.select("ol.hits li.hit")
    assert hits and all(h.select_one("h3 a")["href"].startswith("/doc/") for h in hits)
    assert soup.select("ol.hits mark")


def test_traditional_query_finds_simplified_documents(client: FlaskClient) -> None:
    simplified = client.get("/api/search?q=农业发展").get_json()
    traditional = client.get("/api/search?q=農業發展").get_json()
    assert traditional["total"] == simplified["total"] > 0


def test_filters_narrow_and_are_kept_in_every_link(client: FlaskClient) -> None:
    url = "/search?q=通知&category=规范性文件&source=kjj&from=2019-01-01&to=2023-12-31&sort=newest"
    soup = _soup(client, url)
    for li in soup.select("li.hit"):
        assert "规范性文件" in li.select_one(".meta").get_text()
    for a in soup.select("nav.pagination a, .facet a, nav.sort a"):
        args = parse_qs(urlsplit(a["href"]).query)
        assert args.get("q") == ["通知"]
    assert soup.select_one("#category option[selected]")["value"] == "规范性文件"
    assert soup.select_one("#from")["value"] == "2019-01-01"
    chips = soup.select(".active-filters li")
    removes = {li.get_text(" ", strip=True).split("：")[0] for li in chips}
    assert removes == {"分类", "来源", "发布日期起", "发布日期止"}


def test_facet_counts_cover_whole_result_and_links_add_filter(client: FlaskClient) -> None:
    data = client.get("/api/search?q=通知&per_page=1").get_json()
    assert sum(data["facets"]["category"].values()) == data["total"]
    soup = _soup(client, "/search?q=通知&per_page=1")
    link = soup.select_one("#facet-cat + ul a")
    category = parse_qs(urlsplit(link["href"]).query)["category"][0]
    count = int(link.find_next_sibling("span").get_text())
    assert client.get(link["href"], headers=JSON).get_json()["total"] == count
    assert data["facets"]["category"][category] == count


def test_year_shortcuts_set_a_calendar_year(client: FlaskClient) -> None:
    soup = _soup(client, "/search?q=通知")
    link = soup.select_one("#facet-year + ul a")
    args = parse_qs(urlsplit(link["href"]).query)
    year = link.get_text(strip=True)[:4]
    assert args["from"] == [f"{year}-01-01"] and args["to"] == [f"{year}-12-31"]
    data = client.get(link["href"], headers=JSON).get_json()
    assert all(h["published_date"].startswith(year) for h in data["hits"])


def test_sort_newest_and_oldest(client: FlaskClient) -> None:
    newest = client.get("/api/search?sort=newest&per_page=50").get_json()["hits"]
    oldest = client.get("/api/search?sort=oldest&per_page=50").get_json()["hits"]
    dates = [h["published_date"] for h in newest]
    assert dates == sorted(dates, reverse=True)
    assert [h["published_date"] for h in oldest] == sorted(dates)


def test_pagination_walks_every_hit_once(client: FlaskClient) -> None:
    first = client.get("/api/search?sort=oldest&per_page=10").get_json()
    seen = [h["id"] for h in first["hits"]]
    for page in range(2, first["pages"] + 1):
        seen += [h["id"] for h in client.get(
            f"/api/search?sort=oldest&per_page=10&page={page}").get_json()["hits"]]
    assert len(seen) == len(set(seen)) == first["total"] == 28
    soup = _soup(client, "/search?sort=oldest&page=2")
    assert soup.select_one('nav.pagination a[aria-current="page"]').get_text() == "2"
    assert soup.select_one('a[rel="prev"]') and soup.select_one('a[rel="next"]')


def test_page_past_the_end_is_404_with_a_link_to_the_last_page(client: FlaskClient) -> None:
    response = client.get("/search?q=通知&page=999")
    assert response.status_code == 404
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    assert "第 999 页不存在" in soup.get_text() and "共 3 页" in soup.get_text()
    last = soup.find("a", string=lambda s: s and "最后一页" in s)["href"]
    assert parse_qs(urlsplit(last).query) == {"q": ["通知"], "page": ["3"]}
    assert client.get(last).status_code == 200
    api = client.get("/api/search?q=通知&page=999")
    assert api.status_code == 404
    body = api.get_json()
    assert body["ok"] is False and body["status"] == 404 and "共 3 页" in body["error"]


def test_no_results_page_says_what_to_try(client: FlaskClient) -> None:
    soup = _soup(client, "/search?q=完全不存在的词语组合xyzzy&category=人事信息")
    text = soup.select_one(".no-results").get_text()
    assert "没有找到" in text and "减少检索词" in text and "取消全部筛选" in text


def test_results_page_json_matches_api(client: FlaskClient) -> None:
    page = client.get("/search?q=农业", headers=JSON)
    api = client.get("/api/search?q=农业")
    assert page.mimetype == "application/json"
    a, b = page.get_json(), api.get_json()
    a.pop("took_ms"), b.pop("took_ms")
    assert a == b
    assert set(a["hits"][0]) >= {"id", "title", "url", "source", "category", "doc_number",
                                 "agency", "published_date", "written_date", "validity",
                                 "first_seen", "snippet"}
    assert set(a["facets"]) >= {"category", "year", "source", "agency", "validity"}


def test_home_json(client: FlaskClient) -> None:
    data = client.get("/", headers=JSON).get_json()
    assert data["ok"] is True and data["total"] == 28


def test_result_pages_advertise_feed_and_opensearch(client: FlaskClient) -> None:
    soup = _soup(client, "/search?q=通知&category=规范性文件&page=2&per_page=1")
    feed = soup.select_one('link[rel="alternate"][type="application/atom+xml"]')["href"]
    args = parse_qs(urlsplit(feed).query)
    assert args == {"q": ["通知"], "category": ["规范性文件"]}
    assert soup.select_one('link[rel="search"]')["href"] == "/opensearch.xml"
    xml = client.get("/opensearch.xml")
    assert xml.mimetype == "application/opensearchdescription+xml"
    assert "{searchTerms}" in xml.get_data(as_text=True)


def test_a_search_sent_to_the_home_page_goes_to_its_results(client: FlaskClient) -> None:
    response = client.get("/?q=科技&category=规范性文件")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/search"
    assert parse_qs(target.query) == {"q": ["科技"], "category": ["规范性文件"]}


def test_agency_facet_lists_counts_and_filters_by_part_of_the_name(client: FlaskClient) -> None:
    soup = _soup(client, "/search")
    links = {a.get_text(strip=True): a["href"] for a in soup.select("#facet-agency ~ ul a")}
    assert "南昌市科学技术局" in links and "南昌市人民政府办公厅" in links
    options = [o["value"] for o in soup.select("#agency-list option")]
    assert "南昌市科学技术局" in options  # the pick list
    partial = client.get("/api/search?agency=科学技术局").get_json()
    whole = client.get("/api/search?agency=南昌市科学技术局").get_json()
    assert partial["total"] == whole["total"] > 0
    # every one counts under its 发布机构; the one 南昌市人民政府 issued under that name too
    assert partial["facets"]["agency"] == {"南昌市科学技术局": partial["total"],
                                           "南昌市人民政府": 1}


def test_new_filters_are_kept_in_permalinks_feeds_and_exports(client: FlaskClient) -> None:
    url = ("/search?q=通知&in=title&validity=有效&written_from=2019-01-01"
           "&written_to=2023-12-31&doc_number=洪科发〔2019〕5号&since=2024-01-01")
    soup = _soup(client, url)
    wanted = {"q": ["通知"], "in": ["title"], "validity": ["有效"],
              "written_from": ["2019-01-01"], "written_to": ["2023-12-31"],
              "doc_number": ["洪科发〔2019〕5号"], "since": ["2024-01-01"]}
    for link in soup.select("p.export a"):
        args = parse_qs(urlsplit(link["href"]).query)
        assert {k: v for k, v in args.items() if k in wanted} == wanted, link["href"]
    for a in soup.select(".facet a, nav.sort a"):
        args = parse_qs(urlsplit(a["href"]).query)
        assert args.get("written_from") == ["2019-01-01"] and args.get("in") == ["title"]
    assert soup.select_one("#in option[selected]")["value"] == "title"
    assert soup.select_one("#validity option[selected]")["value"] == "有效"


def test_topic_facet_filters_by_the_first_level_and_the_page_shows_it(
    client: FlaskClient,
) -> None:
    data = client.get("/api/search").get_json()
    assert data["facets"]["topic"] == {"科技": 1}
    found = client.get("/api/search?topic=科技").get_json()
    assert found["total"] == 1
    hit = found["hits"][0]
    assert (hit["topic"], hit["validity"]) == ("科技\\计划管理", "有效")
    assert client.get("/api/search?topic=科技\\计划管理").get_json()["total"] == 1
    assert client.get("/api/search?topic=计划管理").get_json()["total"] == 0  # a path prefix
    soup = _soup(client, "/search")
    assert "科技" in soup.select_one("#facet-topic").find_next("ul").get_text()
