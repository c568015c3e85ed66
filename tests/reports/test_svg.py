"""The month chart is well-formed SVG with an accessible name, text labels and escaped text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from disclosure_search.reports.svg import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_parses_as_xml_with_title_desc_and_one_bar_per_month() -> None:
    bars = [(f"2018-{m:02d}", m * 2) for m in range(1, 13)]
    root = ET.fromstring(bar_chart(bars, "2018年每月新增文件"))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "2018年每月新增文件"
    assert "2018-03：6 份" in root.find(f"{SVG}desc").text
    assert len(root.findall(f"{SVG}g/{SVG}rect")) == 12
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "3月" in texts and "24" in texts


def test_all_text_is_escaped() -> None:
    hostile = '<script>alert(1)</script>&"'
    out = bar_chart([(hostile, 1)], hostile, hostile)
    assert "<script>" not in out
    root = ET.fromstring(out)
    assert root.find(f"{SVG}title").text == hostile


def test_empty_and_zero_charts_are_valid() -> None:
    ET.fromstring(bar_chart([], "无数据"))
    root = ET.fromstring(bar_chart([("2018-01", 0)], "零"))
    assert root.find(f"{SVG}g/{SVG}rect").get("height") == "0.0"
