"""What the two sample sites hold: counts per year and category, columns, title choice."""

from __future__ import annotations

import re

from disclosure_search.sample_portal.corpus import PolicyRow

#: The bureau's 2018 counts, exactly as its 2018 annual disclosure report states them.
KJJ_2018: dict[str, int] = {
    "政务信息": 420,
    "公告公示": 121,
    "规范性文件": 7,
    "部门预决算": 4,
    "其他文件": 3,
    "规划计划": 2,
    "人事信息": 2,
    "政策解读": 1,
    "统计数据": 1,
}

#: The bureau's items in other years, so that year filters matter.
KJJ_OTHER_YEARS: dict[int, dict[str, int]] = {
    2017: {"政务信息": 45, "公告公示": 15, "规范性文件": 3, "部门预决算": 2, "其他文件": 2,
           "规划计划": 1, "人事信息": 1, "统计数据": 1},
    2019: {"政务信息": 28, "公告公示": 10, "规范性文件": 2, "部门预决算": 2, "政策解读": 1,
           "规划计划": 1, "其他文件": 1},
    2020: {"政务信息": 14, "公告公示": 6, "规范性文件": 1, "部门预决算": 2, "人事信息": 1},
}

#: The city portal's items per year (besides whole real documents and republished items).
CITY_PER_YEAR: dict[str, int] = {
    "政务信息": 45, "公告公示": 25, "规范性文件": 12, "其他文件": 15, "政策解读": 8,
    "规划计划": 5, "统计数据": 5, "人事信息": 6, "部门预决算": 3,
}
CITY_YEARS: tuple[int, ...] = (2016, 2017, 2018, 2019, 2020, 2021)
CITY_REPUBLISHED = 30

#: Bureau (TRS) column slugs under /xxgk/, one per category.
KJJ_COLUMNS: dict[str, str] = {
    "政务信息": "zwxx", "公告公示": "tzgg", "规范性文件": "gfxwj", "部门预决算": "bmyjs",
    "其他文件": "qtwj", "规划计划": "ghjh", "人事信息": "rsxx", "政策解读": "zcjd",
    "统计数据": "tjsj",
}

#: City (Hanweb) column ids, /col/col<id>/index.html, one per category.
CITY_COLUMNS: dict[str, int] = {
    "政务信息": 1201, "公告公示": 1202, "规范性文件": 1203, "其他文件": 1204, "政策解读": 1205,
    "规划计划": 1206, "统计数据": 1207, "人事信息": 1208, "部门预决算": 1209,
}

#: Title words that make a real title fit a category; 政务信息 takes any title.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "规范性文件": ("办法", "规定", "细则", "实施意见", "若干措施"),
    "其他文件": ("通知", "决定", "批复"),
    "政策解读": ("解读", "问答"),
    "规划计划": ("规划", "计划", "工作要点"),
    "统计数据": ("统计", "公报", "监测"),
    "人事信息": ("任职", "任免", "免职", "同志", "招聘", "录用"),
    "部门预决算": ("预算", "决算", "三公", "经费"),
    "公告公示": ("公告", "公示", "通告", "名单", "公布"),
}

#: Place names in real titles and bodies, rewritten to the sample city (longest first).
_PLACES: tuple[str, ...] = (
    "上海市", "河南省", "广东省", "云南省", "四川省", "海南省", "重庆市", "北京市", "山西省",
    "辽宁省", "湖北省", "宁夏回族自治区", "郑州市", "广州市", "深圳市", "昆明市", "成都市",
    "海口市", "太原市", "沈阳市", "武汉市", "银川市", "山东省", "江苏省", "浙江省", "福建省",
    "江西省", "安徽省", "湖南省", "河北省", "陕西省", "甘肃省", "贵州省", "吉林省", "天津市",
)
_BARE_PLACES: tuple[str, ...] = (
    "上海", "河南", "广东", "云南", "四川", "海南", "重庆", "北京", "山西", "辽宁", "湖北",
    "宁夏", "沪", "豫", "粤", "滇", "琼", "渝", "晋", "辽", "鄂",
)
_PLACE_RE = re.compile("|".join(_PLACES))
_BARE_RE = re.compile("|".join(p for p in _BARE_PLACES if len(p) > 1))
_DOC_ABBREV = re.compile(r"^[沪豫粤云川琼渝晋辽鄂宁京滇]")
_AGENCY_PREFIX = re.compile(r"^(.{2,24}?(?:人民政府办公厅|人民政府|办公厅|委员会|局|厅|委|办))关于")


def rewrite_places(text: str) -> str:
    """Rename the real provinces and cities that a text names to the sample city 示例市."""
    return _BARE_RE.sub("示例", _PLACE_RE.sub("示例市", text))


def rewrite_doc_number(doc_number: str) -> str:
    """Replace a 文号's place abbreviation (沪, 粤, 渝...) with the sample city's 示."""
    return _DOC_ABBREV.sub("示", doc_number)


def agency_prefix(title: str) -> str:
    """Return the issuing body a title starts with (``X关于...`` gives ``X``), or ''."""
    match = _AGENCY_PREFIX.match(title)
    return match.group(1) if match else ""


def fits(row: PolicyRow, category: str) -> bool:
    """Whether a real title reads like an item of ``category``."""
    words = CATEGORY_WORDS.get(category)
    if not words:
        return True
    if category in ("规范性文件", "其他文件") and not row.doc_number:
        return False
    return any(w in row.title for w in words)
