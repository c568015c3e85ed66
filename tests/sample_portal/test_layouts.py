"""The layouts site serves real items as other portals do (Hanweb's data proxy, download script)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from disclosure_search.sample_portal.data import load_documents
from disclosure_search.sample_portal.layouts import layout_items
from disclosure_search.sample_portal.server import SamplePortal

PROXY = "/module/web/jpage/dataproxy.jsp"


@pytest.fixture(scope="module")
def portal() -> Iterator[SamplePortal]:
    with SamplePortal(layouts=True) as running:
        yield running


def test_the_data_proxy_reads_its_parameters_from_a_posted_form_or_the_query(
    portal: SamplePortal,
) -> None:
    base = portal.base_url("layouts")
    query = "startrecord=3&endrecord=4&perpage=1"
    posted = urllib.request.urlopen(urllib.request.Request(
        f"{base}{PROXY}?{query}", data=b"col=1&appid=1&webid=2&columnid=5101")).read()
    got = urllib.request.urlopen(f"{base}{PROXY}?{query}&columnid=5101").read()
    assert posted == got and posted.count(b"<record>") == 2


def test_download_script_files_are_octet_stream_without_a_file_name(
    portal: SamplePortal,
) -> None:
    path = next(a.path for i in layout_items() for a in i.doc.attachments
                if "downfile.jsp" in a.path)
    with urllib.request.urlopen(portal.base_url("layouts") + path) as resp:
        assert resp.headers["Content-Type"] == "application/octet-stream"
        assert resp.headers["Content-Disposition"] is None
        assert resp.read()[:2] == b"PK"


def test_every_item_is_a_real_item_of_the_bundled_portal() -> None:
    real = {d.key: d for d in load_documents()}
    for item in layout_items():
        source = real[item.doc.key]
        assert item.doc.title == source.title
        assert item.doc.body in (source.body, "详见附件。")
        assert [a.text for a in item.doc.attachments] == [
            a.text for a in source.attachments if a.file.endswith(".pdf")
            or item.layout != "files"][:len(item.doc.attachments)]
