"""Published category labels map to the annual report's categories."""

from __future__ import annotations

import pytest

from disclosure_search.extract.categories import normalize_category
from disclosure_search.models import CATEGORIES


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("通知公告", "公告公示"),
        ("政策法规", "其他文件"),
        ("规范性文件", "规范性文件"),
        ("工作动态", "政务信息"),
        ("政策解读", "政策解读"),
        ("文件解读", "政策解读"),
        ("人事任免", "人事信息"),
        ("财政预决算", "部门预决算"),
        ("计划规划", "规划计划"),
        ("统计信息", "统计数据"),
        ("建议提案", "建议提案办理"),
        ("政策文件/规范性文件", "规范性文件"),
        ("規範性文件", "规范性文件"),
        ("科技、教育\\通知", "公告公示"),
        ("人大建议办理", "建议提案办理"),
    ],
)
def test_known_labels(label: str, category: str) -> None:
    assert normalize_category(label) == category


@pytest.mark.parametrize("label", ["", "xyz", "年度报告"])
def test_unknown_is_other(label: str) -> None:
    assert normalize_category(label) == "其他"


def test_extra_mapping_wins() -> None:
    assert normalize_category("年度报告", {"年度报告": "政务信息"}) == "政务信息"


def test_every_result_is_a_report_category() -> None:
    for label in ("通知", "招标采购", "三公经费", "发展规划", "任免"):
        assert normalize_category(label) in CATEGORIES
