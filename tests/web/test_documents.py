"""The document page, its JSON, captured copies (sandboxed), downloads and version diffs."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from .archive_fixture import PDF_BYTES
from .conftest import NEEDS_ARCHIVE, SiteData

pytestmark = NEEDS_ARCHIVE
JSON = {"Accept": "application/json"}


def _soup(client: FlaskClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return BeautifulSoup(response.get_data(as_text=True), "lxml")


def test_document_page_shows_metadata_dates_and_body(client: FlaskClient,
                                                      site_data: SiteData) -> None:
    doc = site_data.documents[0]
    soup = _soup(client, f"/doc/{doc.id}")
    assert soup.h1.get_text() == doc.title
    rows = {tr.th.get_text(): tr.td.get_text() for tr in soup.select("table.metadata tr")}
    assert rows["文号"] == doc.doc_number
    assert rows["发布机构"] == doc.agency
    assert rows["分类"] == doc.category
    assert rows["来源"] == "南昌市科技局"
    assert rows["成文日期" if doc.written_date else "发布日期"]
    dates = {d.dt.get_text(): d.dd.get_text() for d in soup.select("dl.dates > div")}
    assert dates["发布日期（网页声明）"] == doc.published_date.isoformat()
    assert dates["首次发现"].startswith("2024-01-")  # in the site's time zone
    assert dates["最近变化"]
    assert "现将有关事项通知如下" in soup.select_one(".body").get_text()
    assert soup.select_one(".removed") is None


def test_original_link_is_marked_external(client: FlaskClient, site_data: SiteData) -> None:
    doc = site_data.documents[0]
    link = _soup(client, f"/doc/{doc.id}").select_one(".original a")
    assert link["href"] == doc.url
    assert set(link["rel"]) >= {"noopener", "noreferrer", "nofollow"}
    assert "外部网站" in link.get_text()


def test_attachments_show_name_type_size_and_text(client: FlaskClient,
                                                  site_data: SiteData) -> None:
    soup = _soup(client, f"/doc/{site_data.hostile_id}")
    items = soup.select("ul.attachments > li")
    assert len(items) == 2
    assert "application/pdf · 2.0 KB" in items[0].get_text()
    assert items[0].select_one("a")["href"] == "#"  # javascript: link dropped
    assert "附件文字<script>" in items[0].select_one("details").get_text()
    assert "未能读取附件文字" in items[1].get_text()


def test_removed_document_is_marked_with_date(client: FlaskClient, site_data: SiteData) -> None:
    soup = _soup(client, f"/doc/{site_data.removed_id}")
    notice = soup.select_one(".removed").get_text()
    assert "已撤下" in notice and "2024-03-01 17:30" in notice  # 09:30 UTC in Asia/Shanghai
    data = client.get(f"/api/documents/{site_data.removed_id}").get_json()
    assert data["removed"] is True and data["removed_at"].startswith("2024-03-01T09:30")


def test_captures_are_listed_and_linked(client: FlaskClient, site_data: SiteData) -> None:
    soup = _soup(client, f"/doc/{site_data.changed_id}")
    links = [a["href"] for a in soup.select("ol.captures a")]
    assert links == [f"/doc/{site_data.changed_id}/captures/1",
                     f"/doc/{site_data.changed_id}/captures/2"]


def test_document_json_has_every_field(client: FlaskClient, site_data: SiteData) -> None:
    doc = site_data.documents[0]
    api = client.get(f"/api/documents/{doc.id}").get_json()
    page = client.get(f"/doc/{doc.id}", headers=JSON).get_json()
    assert api == page
    for name in ("id", "source", "url", "title", "category", "category_raw", "doc_number",
                 "doc_number_norm", "index_number", "agency", "written_date",
                 "published_date", "validity", "topic", "issuing_agency", "subject",
                 "subject_words", "first_seen", "last_changed",
                 "removed_at",
                 "body", "attachments", "captures", "versions"):
        assert name in api, name
    assert api["title"] == doc.title and api["published_date"] == doc.published_date.isoformat()
    assert api["captures"][0]["view"].endswith(f"/doc/{doc.id}/captures/1")
    assert len(api["versions"]) == 1


def test_capture_page_has_banner_and_sandboxed_frame(client: FlaskClient,
                                                    site_data: SiteData) -> None:
    soup = _soup(client, f"/doc/{site_data.hostile_id}/captures/1")
    banner = soup.select_one(".capture-banner").get_text()
    assert "2024-01-" in banner and "不是实时网站" in banner
    assert site_data.documents[25].url in banner
    frame = soup.select_one("iframe.archived")
    assert frame["src"] == f"/doc/{site_data.hostile_id}/captures/1/raw"
    data = client.get(f"/doc/{site_data.hostile_id}/captures/1", headers=JSON).get_json()
    assert data["number"] == 1 and data["status"] == 200
    assert data["url"] == site_data.documents[25].url and data["raw"].endswith("/1/raw")


def test_raw_capture_is_decoded_and_links_marked(client: FlaskClient,
                                                 site_data: SiteData) -> None:
    response = client.get(f"/doc/{site_data.hostile_id}/captures/1/raw")
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    assert soup.h1.get_text() == "科技局存档正文"  # GBK bytes, no charset header
    live = soup.select_one("#live")
    assert live["href"] == "http://kjj.example.gov.cn/xxgk/other.html"
    assert live["target"] == "_blank" and "原网站" in live["title"]
    assert soup.select_one("#js").get("href") is None


def test_non_html_capture_is_a_download(client: FlaskClient, site_data: SiteData) -> None:
    doc_id = site_data.documents[1].id
    soup = _soup(client, f"/doc/{doc_id}/captures/2")
    assert soup.select_one("iframe") is None
    assert "下载存档文件" in soup.get_text()
    response = client.get(f"/doc/{doc_id}/captures/2/raw")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.get_data() == PDF_BYTES
    assert response.headers["Content-Security-Policy"].startswith("sandbox")


def test_diff_between_versions(client: FlaskClient, site_data: SiteData) -> None:
    doc_id = site_data.changed_id
    page = _soup(client, f"/doc/{doc_id}")
    link = page.select_one("ol.versions a")
    assert link["href"].startswith(f"/doc/{doc_id}/diff?")
    soup = _soup(client, link["href"])
    assert [d.get_text() for d in soup.select(".diff del")] == ["季度"]
    inserted = " ".join(i.get_text() for i in soup.select(".diff ins"))
    assert "月" in inserted and "新增的条款" in inserted
    assert "（修订）" in soup.select_one(".diff-line ins, p.diff-line ins").get_text()
    data = client.get(f"/doc/{doc_id}/diff", headers=JSON).get_json()
    assert (data["from"], data["to"]) == (1, 2)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/doc/0000000000000000", 404),
        ("/doc/%3Cscript%3E", 404),
        ("/doc/{plain}/captures/0", 404),
        ("/doc/{plain}/captures/99", 404),
        ("/doc/{plain}/captures/99/raw", 404),
        ("/doc/{plain}/captures/-1", 404),
        ("/doc/{plain}/diff", 404),
        ("/doc/{changed}/diff?from=7", 400),
        ("/doc/{changed}/diff?from=x", 400),
        ("/api/documents/nope", 404),
    ],
)
def test_unknown_documents_and_captures(client: FlaskClient, site_data: SiteData,
                                        url: str, status: int) -> None:
    url = url.format(plain=site_data.plain_id, changed=site_data.changed_id)
    html = client.get(url)
    assert html.status_code == status
    assert "Traceback" not in html.get_data(as_text=True)
    data = client.get(url, headers=JSON).get_json()
    assert data["ok"] is False and data["status"] == status and data["error"]


def test_document_page_shows_the_topic(client: FlaskClient, site_data: SiteData) -> None:
    soup = _soup(client, f"/doc/{site_data.changed_id}")
    row = soup.find("th", string="主题分类")
    assert row is not None and row.find_next("td").get_text(strip=True) == "科技\\计划管理"
    api = client.get(f"/api/documents/{site_data.changed_id}").get_json()
    assert api["topic"] == "科技\\计划管理"


def test_document_page_shows_the_issuing_agency_and_subject_words(
    client: FlaskClient, site_data: SiteData
) -> None:
    soup = _soup(client, f"/doc/{site_data.changed_id}")
    rows = {tr.th.get_text(): tr.td.get_text() for tr in soup.select("table.metadata tr")}
    assert (rows["发布机构"], rows["发文机关"]) == ("南昌市科学技术局", "南昌市人民政府")
    assert rows["主题词"] == "科技 计划 通知"
    api = client.get(f"/api/documents/{site_data.changed_id}").get_json()
    assert (api["agency"], api["issuing_agency"]) == ("南昌市科学技术局", "南昌市人民政府")
    assert (api["subject"], api["subject_words"]) == ("科技 计划 通知", ["科技", "计划", "通知"])
    plain = client.get(f"/api/documents/{site_data.plain_id}").get_json()
    assert (plain["issuing_agency"], plain["subject_words"]) == ("", [])
    assert "发文机关" not in _soup(client, f"/doc/{site_data.plain_id}").get_text()


def test_a_hit_names_its_issuing_agency_when_it_differs(
    client: FlaskClient, site_data: SiteData
) -> None:
    data = client.get("/api/search?q=计划管理办法&per_page=50").get_json()
    (hit,) = [h for h in data["hits"] if h["id"] == site_data.changed_id]
    assert (hit["agency"], hit["issuing_agency"]) == ("南昌市科学技术局", "南昌市人民政府")
    assert {h["issuing_agency"] for h in data["hits"] if h["id"] != hit["id"]} <= {""}
    page = _soup(client, "/search?q=计划管理办法&per_page=50")
    issuers = [span.get_text() for span in page.select("li.hit .issuer")]
    assert issuers == ["发文机关 南昌市人民政府"]
