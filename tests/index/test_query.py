"""Tests for the query parser: operators, phrases, field prefixes, malformed input."""

from __future__ import annotations

import pytest

from disclosure_search.errors import QueryError
from disclosure_search.index.query import Leaf, Node, as_any, leaves, parse


def test_plain_words_are_anded() -> None:
    tree, explicit = parse("科技 创新")
    assert tree == Node("and", (Leaf("科技"), Leaf("创新")))
    assert not explicit
    assert as_any(tree) == Node("or", (Leaf("科技"), Leaf("创新")))  # type: ignore[arg-type]


def test_operators_phrases_and_fields() -> None:
    tree, explicit = parse('"政府信息公开" OR title:年度报告 NOT 废止')
    assert explicit
    assert tree == Node(
        "or",
        (
            Leaf("政府信息公开", phrase=True),
            Node("and", (Leaf("年度报告", scope="title"), Node("not", (Leaf("废止"),)))),
        ),
    )


def test_chinese_prefix_and_quotes() -> None:
    tree, _ = parse("文号：洪科发〔2020〕12号 “科技 创新”")
    assert tree == Node(
        "and", (Leaf("洪科发〔2020〕12号", scope="doc_number"), Leaf("科技 创新", phrase=True))
    )


def test_minus_excludes() -> None:
    tree, _ = parse("通知 -废止")
    assert leaves(tree) == [Leaf("通知")]


@pytest.mark.parametrize(
    "text", ['"unclosed', "((科技", "科技))", "OR", "AND NOT", "title:", "（）"]
)
def test_malformed_input_degrades_instead_of_raising(text: str) -> None:
    tree, _ = parse(text)
    assert tree is None or all(leaf.text for leaf in leaves(tree))


def test_unclosed_quote_runs_to_the_end() -> None:
    tree, _ = parse('"科技 创新')
    assert tree == Leaf("科技 创新", phrase=True)


def test_overlong_query_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="最多 "):
        parse("科技" * 400)


@pytest.mark.parametrize("text", ["(" * 340 + "科技", "(" * 240 + "科技" + ")" * 240,
                                  "NOT " * 120 + "科技", "(NOT " * 95 + "科技"])
def test_deep_nesting_is_flattened_not_a_recursion_error(text: str) -> None:
    tree, _ = parse(text)
    assert [leaf.text for leaf in leaves(tree)] in (["科技"], [])
