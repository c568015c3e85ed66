"""Lists held as data: jpage stores and their data proxy, JSON endpoints found in scripts."""

from __future__ import annotations

import json

from crawl.site import list_html
from disclosure_search.crawl.datalists import json_list, script_endpoints, store_paging
from disclosure_search.crawl.links import data_page, discover
from disclosure_search.htmltree import read_page

PAGE = "http://h/col/col4101/index.html"
PROXY = "http://h/module/web/jpage/dataproxy.jsp"
NEXTGROUP = ('<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1'
             '&webid=1&path=/&columnid=4101&unitid=1&permissiontype=0"></a>]]></nextgroup>')


def _record(n: int) -> str:
    return (f'<record><![CDATA[<li><a href="/art/2020/8/6/art_4101_{n}.html" target="_blank">'
            f"关于第{n}项工作的通知</a><span>2020-08-06</span></li>]]></record>")


def _store(records: int, script: str) -> str:
    rows = "".join(_record(n) for n in range(1, records + 1))
    store = (f'<div id="4101"><script type="text/xml"><datastore>{NEXTGROUP}<recordset>{rows}'
             "</recordset></datastore></script></div>")
    return list_html([], script=script, extra=store)


def test_jpage_records_are_rows_and_the_proxy_pages_the_rest() -> None:
    html = _store(3, "$('#4101').jpage({perPage: 1, totalRecord: 8, proxyUrl: "
                     "'/module/web/jpage/dataproxy.jsp'});")
    links = discover(read_page(html.encode(), base_url=PAGE)[0], PAGE)
    assert [link.url for link in links.links][:3] == [
        f"http://h/art/2020/8/6/art_4101_{n}.html" for n in (1, 2, 3)]
    assert links.data_list
    assert links.data_paging == tuple(
        f"{PROXY}?startrecord={s}&endrecord={s + 2}&perpage=1&appid=1&webid=1&path=/"
        "&columnid=4101&unitid=1&permissiontype=0" for s in (4, 7))


def test_without_a_total_the_proxy_is_asked_group_by_group_until_a_short_one() -> None:
    first = f"{PROXY}?startrecord=4&endrecord=6&perpage=3&columnid=4101"
    full = "<datastore><recordset>" + "".join(_record(n) for n in (4, 5, 6)) + "</recordset>"
    assert store_paging(full, "", first, 3) == (
        f"{PROXY}?startrecord=7&endrecord=9&perpage=3&columnid=4101",)
    short = "<datastore><recordset>" + _record(7) + "</recordset></datastore>"
    last = f"{PROXY}?startrecord=7&endrecord=9&perpage=3&columnid=4101"
    assert store_paging(short, "", last, 1) == ()


def test_a_proxy_answer_is_a_list_page_of_its_records() -> None:
    body = ('<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>5</totalrecord>'
            "<recordset>" + _record(4) + _record(5) + "</recordset></datastore>").encode()
    links = data_page(body, "text/xml;charset=UTF-8",
                      f"{PROXY}?startrecord=4&endrecord=5&perpage=1&columnid=4101")
    assert links is not None and links.data_list
    assert [link.text for link in links.links] == ["关于第4项工作的通知", "关于第5项工作的通知"]


def test_a_json_endpoint_in_a_script_is_found_and_its_pages_listed() -> None:
    script = ('function load(n) { $.getJSON("/api/list?channelId=zcjd&pageNo=" + n, draw); }'
              ' var css = "/css/main.css"; var home = "/index.html";')
    assert script_endpoints(script, PAGE) == ("http://h/api/list?channelId=zcjd&pageNo=1",)
    answer = {"code": 200, "data": {"pageNo": 1, "totalPage": 3, "list": [
        {"docTitle": "<b>关于</b>印发办法的通知", "url": "/xxgk/zcjd/202103/t20210302_1.html"},
        {"docTitle": "附件清单", "fileUrl": "/files/1.pdf"}]}}
    listed = json_list(json.dumps(answer).encode(), "http://h/api/list?channelId=zcjd&pageNo=1")
    assert listed is not None
    items, pages = listed
    assert items == [("http://h/xxgk/zcjd/202103/t20210302_1.html", "关于印发办法的通知"),
                     ("http://h/files/1.pdf", "附件清单")]
    assert pages == ("http://h/api/list?channelId=zcjd&pageNo=2",
                     "http://h/api/list?channelId=zcjd&pageNo=3")


def test_a_proxy_answer_past_the_last_record_is_an_empty_list_not_a_file() -> None:
    empty = b'<?xml version="1.0"?><datastore><recordset></recordset></datastore>'
    links = data_page(empty, "text/xml", f"{PROXY}?startrecord=10&endrecord=12&columnid=4101")
    assert links is not None and links.data_list and links.links == () and links.paging == ()


def test_json_that_is_no_list_is_no_list_page() -> None:
    assert data_page(b'{"ok": true, "name": "x"}', "application/json", PAGE) is None
    assert data_page(b"not json", "application/json", PAGE) is None
    assert data_page(b"<?xml version='1.0'?><rss></rss>", "text/xml", PAGE) is None
