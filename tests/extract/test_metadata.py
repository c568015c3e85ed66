"""Label/value pairs are found whatever markup holds them."""

from __future__ import annotations

import pytest

from disclosure_search.extract.metadata import find_label_pairs, map_fields
from disclosure_search.htmltree import parse_text


def _fields(html: str) -> dict[str, str]:
    return map_fields(find_label_pairs(parse_text(html)))


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td>发布机构：</td><td>市科技局</td></tr></table>",
        "<table><tr><th>发 布 单 位</th><td>市科技局</td></tr></table>",
        "<dl><dt>发文机关:</dt><dd>市科技局</dd></dl>",
        "<div><span>发布机构</span><span>市科技局</span></div>",
        "<p><strong>发布机构：</strong>市科技局</p>",
        "<p>发布机构：市科技局　发布日期：2020-01-02</p>",
        "<table><tr><th>索引号</th><th>发布机构</th></tr><tr><td>A-1</td><td>市科技局</td></tr></table>",
    ],
)
def test_agency_found_in_any_structure(html: str) -> None:
    assert _fields(html)["agency"] == "市科技局"


def test_more_trusted_label_wins() -> None:
    html = "<p>来源：本站</p><table><tr><td>发布机构</td><td>市科技局</td></tr></table>"
    assert _fields(html)["agency"] == "市科技局"


def test_font_size_widget_is_not_a_value() -> None:
    html = '<div><span>来源：</span> <span class="zh">字号：大 中 小</span></div>'
    assert "agency" not in _fields(html)


def test_label_inside_longer_word_is_not_a_label() -> None:
    assert "published_date" not in _fields("<p>截止日期：2020-01-02</p>")


def test_empty_value_cell_is_skipped() -> None:
    html = "<table><tr><td>文号：</td><td></td><td>有效性：</td><td>有效</td></tr></table>"
    fields = _fields(html)
    assert "doc_number" not in fields
    assert fields["validity"] == "有效"
