"""有效性 wordings fold to three values; 主题分类 paths split into levels, 主题词 into words."""

from __future__ import annotations

import pytest

from disclosure_search.vocabulary.topics import subject_words, topic_key, topic_path
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


@pytest.mark.parametrize(
    ("published", "words"),
    [("科技 计划 通知", ("科技", "计划", "通知")),
     ("发改经体, 国家发展改革委, 国家能源局, 售电公司", ("发改经体", "国家发展改革委", "国家能源局",
                                                       "售电公司")),
     ("盐业；体制\u3000改革、方案", ("盐业", "体制", "改革", "方案")),
     ("通知 通知", ("通知",)), ("", ()), (" ， ", ())],
)
def test_subject_keywords_split_into_words(published: str, words: tuple[str, ...]) -> None:
    assert subject_words(published) == words
