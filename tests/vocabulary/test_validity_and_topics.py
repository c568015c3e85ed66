"""有效性 wordings fold to three values; 主题分类 paths split into levels."""

from __future__ import annotations

import pytest

from disclosure_search.vocabulary.topics import topic_key, topic_path
from disclosure_search.vocabulary.validity import fold_validity


@pytest.mark.parametrize(
    ("published", "folded"),
    [("有效", "有效"), ("现行有效", "有效"), ("有 效", "有效"), ("是", "有效"), ("失效", "失效"),
     ("已失效", "失效"), ("部分失效", "失效"), ("否", "失效"), ("废止", "废止"), ("已废止", "废止"),
     ("已廢止", "废止"), ("", ""), ("暂无", "")],
)
def test_validity_wordings_fold_to_three_values(published: str, folded: str) -> None:
    assert fold_validity(published) == folded


@pytest.mark.parametrize(
    ("published", "path"),
    [("综合政务\\其他", ("综合政务", "其他")), ("科技、教育/科技", ("科技、教育", "科技")),
     (" 城乡建设 ＞ 住房 ", ("城乡建设", "住房")), ("综合政务", ("综合政务",)), ("", ())],
)
def test_topic_paths_split_into_levels(published: str, path: tuple[str, ...]) -> None:
    assert topic_path(published) == path
    assert topic_key(published) == "\\".join(path)
