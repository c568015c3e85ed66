"""Map published category labels (信息分类, 主题分类, column names) to report categories."""

from __future__ import annotations

import re
from collections.abc import Mapping

from disclosure_search.models import CATEGORIES
from disclosure_search.vocabulary.folding import to_simplified

OTHER = "其他"

#: Exact labels (after removing spaces and punctuation) and the category they mean.
DEFAULT_CATEGORY_LABELS: dict[str, str] = {
    "规范性文件": "规范性文件",
    "行政规范性文件": "规范性文件",
    "其他文件": "其他文件",
    "政策文件": "其他文件",
    "政策法规": "其他文件",
    "法规文件": "其他文件",
    "文件": "其他文件",
    "政策解读": "政策解读",
    "文件解读": "政策解读",
    "图解": "政策解读",
    "规划计划": "规划计划",
    "计划规划": "规划计划",
    "发展规划": "规划计划",
    "计划总结": "规划计划",
    "工作动态": "政务信息",
    "政务动态": "政务信息",
    "工作信息": "政务信息",
    "政务信息": "政务信息",
    "通知公告": "公告公示",
    "公告公示": "公告公示",
    "通知": "公告公示",
    "公告": "公告公示",
    "公示": "公告公示",
    "统计信息": "统计数据",
    "统计数据": "统计数据",
    "人事任免": "人事信息",
    "人事信息": "人事信息",
    "人事招聘": "人事信息",
    "财政预决算": "部门预决算",
    "部门预决算": "部门预决算",
    "预决算": "部门预决算",
    "建议提案": "建议提案办理",
    "建议提案办理": "建议提案办理",
    "其他": OTHER,
}

#: Keywords tried in order when no exact label matches; earlier entries win.
DEFAULT_CATEGORY_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("解读", "政策解读"),
    ("规范性文件", "规范性文件"),
    ("建议", "建议提案办理"),
    ("提案", "建议提案办理"),
    ("预算", "部门预决算"),
    ("决算", "部门预决算"),
    ("三公", "部门预决算"),
    ("人事", "人事信息"),
    ("任免", "人事信息"),
    ("招聘", "人事信息"),
    ("统计", "统计数据"),
    ("规划", "规划计划"),
    ("计划", "规划计划"),
    ("公告", "公告公示"),
    ("公示", "公告公示"),
    ("通知", "公告公示"),
    ("招标", "公告公示"),
    ("采购", "公告公示"),
    ("动态", "政务信息"),
    ("要闻", "政务信息"),
    ("新闻", "政务信息"),
    ("政务信息", "政务信息"),
    ("法规", "其他文件"),
    ("政策", "其他文件"),
    ("文件", "其他文件"),
)

_NOISE = re.compile(r"[\s\u200b\ufeff:：、，,·•\-—_|｜/\\>＞»›]+")
_SEPARATORS = re.compile(r"\s*[/\\>＞»›|｜]\s*|\s+[-—]\s+")


def _clean(label: str) -> str:
    return _NOISE.sub("", to_simplified(label))


def normalize_category(label: str, extra: Mapping[str, str] | None = None) -> str:
    """Return the report category (one of ``models.CATEGORIES``) for a published label.

    Args:
        label: 信息分类 / 主题分类 value or a column name, e.g. "通知公告" or
            "政策文件/规范性文件"; Traditional script is accepted.
        extra: more exact label -> category pairs (from configuration); they win over
            the defaults.

    Returns:
        The category, or "其他" when the label means nothing known.
    """
    labels = {**DEFAULT_CATEGORY_LABELS, **{_clean(k): v for k, v in (extra or {}).items()}}
    # A path such as "政策文件 > 规范性文件" is most specific at its end.
    parts = [_clean(part) for part in _SEPARATORS.split(label or "")]
    for part in reversed([p for p in parts if p]):
        if part in labels and labels[part] in CATEGORIES:
            return labels[part]
    whole = _clean(label or "")
    for keyword, category in DEFAULT_CATEGORY_KEYWORDS:
        if keyword in whole:
            return category
    return OTHER
