"""Metadata label names (索引号, 发布机构, 成文日期, ...): every wording, in both scripts.

Detail pages put a metadata table above the body; sites word its labels many ways and some
print them in Traditional script. This module is the one list: the extractor reads fields by
it (and so alone decides what a document is; the crawl does not read labels).
"""

from __future__ import annotations

from functools import lru_cache

from disclosure_search.vocabulary.folding import converter, to_simplified

#: Field -> labels that mean it, most trusted first (Simplified; Traditional forms are derived).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("标题", "名称", "文件名称", "信息名称", "文件标题", "公文标题", "题名"),
    "index_number": ("索引号", "索取号", "信息索引号", "索引"),
    "category": (
        "信息分类", "主题分类", "公开类别", "信息类别", "所属分类", "所属类别",
        "组配分类", "分类", "类别", "所属栏目", "栏目",
    ),
    "agency": (
        "发布机构", "发文机关", "发布单位", "发文单位", "发文机构", "制发机关", "成文单位",
        "公开主体", "公开单位", "发布主体", "信息来源", "文章来源", "来源",
    ),
    "written_date": (
        "成文日期", "生成日期", "印发日期", "发文日期", "签发日期", "成文时间", "生成时间",
        "印发时间",
    ),
    "doc_number": ("文号", "发文字号", "发文文号", "文件编号", "发文号"),
    "published_date": (
        "发布日期", "发布时间", "公开日期", "公开时间", "发表日期", "发表时间", "日期", "时间",
    ),
    "validity": ("有效性", "时效性", "效力状态", "有效状态", "是否有效", "时效"),
    "subject": ("主题词", "关键词", "关键字"),
}  # fmt: skip

# Labels pages really use in Traditional script that OpenCC's s2t does not produce.
_EXTRA_TRADITIONAL = {"資訊分類": "category", "發布機構": "agency", "發布日期": "published_date",
                      "發布時間": "published_date", "發布單位": "agency"}  # fmt: skip
#: Labels naming the issuing authority (发文机关) only, not who published the page (发布机构):
#: they also count as ``agency`` when a page has no publisher label.
ISSUING_AGENCY_LABELS = frozenset({"发文机关", "制发机关", "发文机构", "发文单位", "成文单位"})
#: 主题分类 (a subject classification path) and 主题词 (subject keywords).
TOPIC_LABELS = frozenset({"主题分类"})
SUBJECT_LABELS = frozenset({"主题词"})


@lru_cache(maxsize=1)
def label_table() -> dict[str, str]:
    """Return every known label spelling (spaces removed) -> its field name."""
    converters = [converter(name) for name in ("s2t", "s2tw", "s2hk")]
    table: dict[str, str] = {}
    for field, labels in FIELD_LABELS.items():
        for label in labels:
            table.setdefault(label, field)
            for convert in converters:
                table.setdefault(convert(label), field)
    for label, field in _EXTRA_TRADITIONAL.items():
        table.setdefault(label, field)
    return table


@lru_cache(maxsize=4096)
def simplified_label(label: str) -> str:
    """A label in Simplified script (發布機構 -> 发布机构)."""
    return to_simplified(label)
