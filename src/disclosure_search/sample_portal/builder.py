"""Assemble the sample portal's items from the real corpus and write them, with attachments.

Deterministic: one fixed seed drives every choice, so a rebuild from the same corpus writes
byte-identical files. Titles, 文号 and dates come from ``policy_metadata``; bodies are real
passages of laws, government work reports and docs50 documents, with real place names
rewritten to the sample city (示例市).
"""

from __future__ import annotations

import json
import logging
import lzma
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from disclosure_search.sample_portal import attachments_build, plan
from disclosure_search.sample_portal.corpus import (
    FullText,
    PolicyRow,
    read_full_texts,
    read_passages,
    read_policy_rows,
)
from disclosure_search.sample_portal.data import ITEMS_FILE, document_from_json, document_to_json

logger = logging.getLogger(__name__)

SEED = 20181231
KJJ_AGENCY = "示例市科技局"
CITY_AGENCY = "示例市人民政府办公厅"
TRADITIONAL_SHARE = 0.05
GBK_SHARE = 0.30

Item = dict[str, Any]


@dataclass
class Pools:
    """The real material still unused: policy rows per year and body passages."""

    rng: random.Random
    by_year: dict[int, list[PolicyRow]]
    passages: list[str]
    used: set[str] = field(default_factory=set)
    next_passage: int = 0
    serial: int = 0

    def take(self, year: int, category: str) -> PolicyRow:
        """Take an unused row published in ``year``, fitting ``category`` where one is left."""
        rows = self.by_year[year]
        fresh = (r for r in rows if r.title not in self.used)
        picked = next((r for r in fresh if plan.fits(r, category)), None)
        if picked is None:
            picked = next(r for r in rows if r.title not in self.used)
        self.used.add(picked.title)
        return picked

    def passage(self, limit: int | None = None) -> str:
        """Return the next real passage (places rewritten), cut at a paragraph under ``limit``."""
        text = self.passages[self.next_passage % len(self.passages)]
        self.next_passage += 1
        text = plan.rewrite_places(text)
        if limit is not None and len(text) > limit:
            cut = text.rfind("\n", 0, limit)
            text = text[: cut if cut > limit // 3 else limit]
        return text

    def number(self) -> int:
        """Return a fresh, increasing 7-digit article number."""
        self.serial += self.rng.randint(1, 40)
        return 2_100_000 + self.serial


def build(corpus: Path, out_dir: Path) -> dict[str, int]:
    """Build both sites' items and attachments from ``corpus`` into ``out_dir``.

    Args:
        corpus: the real-document corpus folder (laws/, gov_work_reports/, policy_metadata/).
        out_dir: the data folder to (re)write: ``items.jsonl.xz`` and ``attachments/``.

    Returns:
        Counts of what was written, for the build tool's summary.
    """
    rng = random.Random(SEED)
    rows = read_policy_rows(corpus)
    by_year: dict[int, list[PolicyRow]] = {}
    for row in rows:
        by_year.setdefault(int(row.published_date[:4]), []).append(row)
    for year_rows in by_year.values():
        rng.shuffle(year_rows)
    passages = read_passages(corpus, rng)
    rng.shuffle(passages)
    pools = Pools(rng=rng, by_year=by_year, passages=passages)
    kjj = bureau_items(pools)
    assign_roles(kjj, pools)
    city = city_items(pools, read_full_texts(corpus), kjj)
    items = kjj + city
    assign_scripts(items, rng)
    if out_dir.exists():
        shutil.rmtree(out_dir / "attachments", ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = attachments_build.add_attachments(items, pools, out_dir / "attachments")
    assign_encodings(kjj, rng)
    write_items(items, out_dir / ITEMS_FILE)
    counts.update(kjj=len(kjj), city=len(city))
    logger.info("wrote %d bureau and %d city items to %s", len(kjj), len(city), out_dir)
    return counts


def bureau_items(pools: Pools) -> list[Item]:
    """Make the bureau's items: the 2018 report counts, other years, and edition-1 news."""
    plans = [(2018, plan.KJJ_2018), *sorted(plan.KJJ_OTHER_YEARS.items())]
    items = [
        bureau_item(pools, pools.take(year, cat), cat)
        for year, counts in plans
        for cat, n in counts.items()
        for _ in range(n)
    ]
    for _ in range(5):
        item = bureau_item(pools, pools.take(2021, "政务信息"), "政务信息")
        item["edition"] = 1
        items.append(item)
    return items


def bureau_item(pools: Pools, row: PolicyRow, category: str) -> Item:
    """Turn one real policy row into a bureau (TRS) item with a real passage as body."""
    rng = pools.rng
    title = plan.rewrite_places(row.title)
    doc_number = plan.rewrite_doc_number(row.doc_number)
    prefix = plan.agency_prefix(title)
    if prefix and rng.random() < 0.7:
        title = KJJ_AGENCY + title[len(prefix) :]
        doc_number = re.sub(r"^[^〔\[（(\d]+", "示科发", doc_number) if doc_number else ""
    day = row.published_date.replace("-", "")
    number = pools.number()
    column = plan.KJJ_COLUMNS[category]
    validity = "有效" if category in ("规范性文件", "其他文件") or rng.random() < 0.6 else ""
    return _item(
        key=f"kjj-{number}",
        site="kjj",
        path=f"/xxgk/{column}/{day[:6]}/t{day}_{number}.html",
        column=column,
        title=title,
        body=pools.passage(),
        category=category,
        doc_number=doc_number,
        index_number=f"MB1A0001X/{row.published_date[:4]}-{number % 100000:05d}",
        agency=KJJ_AGENCY,
        written_date=row.written_date,
        published_date=row.published_date,
        pub_time=f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
        validity=validity,
    )


def _item(**fields: Any) -> Item:
    """Fill the defaults of an item record (see PortalDocument)."""
    base: Item = {"script": "s", "encoding": "utf-8", "pubdate_meta": True, "edition": 0,
                  "role": "", "revision": {}, "republished_from": "", "attachments": []}
    base.update(fields)
    base["year"] = int(base["published_date"][:4])  # build-time only; not written
    return base


def assign_roles(kjj: list[Item], pools: Pools) -> None:
    """Mark the bureau items that editions change: edited, silently edited, removed, gone."""
    rng = pools.rng
    base = [i for i in kjj if i["edition"] == 0]
    edited = rng.choice([i for i in base if i["year"] == 2018 and i["category"] == "公告公示"
                         and re.search(r"\d+号$", i["doc_number"])])
    edited["role"] = "edited"
    edited["revision"] = {
        "title": edited["title"] + "（修订）",
        "body": edited["body"] + "\n" + pools.passage(limit=800),
        "doc_number": re.sub(
            r"(\d+)号$", lambda m: f"{int(m.group(1)) + 1}号", edited["doc_number"]
        ),
    }
    zwxx = [i for i in base if i["category"] == "政务信息" and not i["role"]]
    silent = rng.choice([i for i in zwxx if i["year"] == 2018])
    paragraphs = silent["body"].split("\n")
    paragraphs[-1] = pools.passage(limit=600).split("\n")[0]
    silent["role"] = "silent"
    silent["revision"] = {"body": "\n".join(paragraphs)}
    removed, gone = rng.sample([i for i in zwxx if i["year"] == 2019], 2)
    removed["role"] = "removed"
    gone["role"] = "gone"


def city_items(pools: Pools, full_texts: list[FullText], kjj: list[Item]) -> list[Item]:
    """Make the city portal's items: policy rows, whole real documents, republished bureau items."""
    items = [
        city_item(pools, pools.take(year, cat), cat)
        for year in plan.CITY_YEARS
        for cat, n in plan.CITY_PER_YEAR.items()
        for _ in range(n)
    ]
    items.extend(city_full_text(pools, ft) for ft in full_texts if ft.published_date[:4] >= "2000")
    items.extend(republished(pools, kjj))
    items.sort(key=lambda i: (i["published_date"], i["key"]))
    return items


def city_item(pools: Pools, row: PolicyRow, category: str, body: str | None = None) -> Item:
    """Turn one real policy row into a city (Hanweb) item."""
    rng = pools.rng
    title = plan.rewrite_places(row.title)
    number = pools.number() + 2_000_000
    column = plan.CITY_COLUMNS[category]
    y, m, d = (int(p) for p in row.published_date.split("-"))
    return _item(
        key=f"city-{number}",
        site="city",
        path=f"/art/{y}/{m}/{d}/art_{column}_{number}.html",
        column=f"col{column}",
        title=title,
        body=body if body is not None else pools.passage(),
        category=category,
        doc_number=plan.rewrite_doc_number(row.doc_number),
        index_number=f"11000000C/{y}-{number % 100000:05d}",
        agency=plan.agency_prefix(title) or CITY_AGENCY,
        written_date=row.written_date,
        published_date=row.published_date,
        pub_time=f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}",
        pubdate_meta=rng.random() < 0.6,
    )


_DOC_NUMBER_IN_BODY = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d{1,4}号")


def city_full_text(pools: Pools, text: FullText) -> Item:
    """Turn a whole real document (docs50) into a city item with its own title and body."""
    body = plan.rewrite_places(text.body)
    found = _DOC_NUMBER_IN_BODY.search(body[:400])
    row = PolicyRow(url="", title=text.title, written_date=text.written_date,
                    published_date=text.published_date,
                    doc_number=found.group(0) if found else "")
    category = next((c for c in ("政策解读", "规划计划", "人事信息", "公告公示", "规范性文件")
                     if plan.fits(row, c)), "政务信息")
    return city_item(pools, row, category, body=body)


_PUNCT_VARIANTS = str.maketrans({"〔": "[", "〕": "]", "《": "“", "》": "”", "（": "(", "）": ")"})


def republished(pools: Pools, kjj: list[Item]) -> list[Item]:
    """Copy 30 bureau items to the city portal; a third in Traditional, a third re-punctuated."""
    rng = pools.rng
    candidates = [i for i in kjj if i["edition"] == 0 and not i["role"] and i["doc_number"]
                  and i["year"] in (2018, 2019) and i["category"] != "部门预决算"]
    out = []
    for n, source in enumerate(rng.sample(candidates, plan.CITY_REPUBLISHED)):
        published = date.fromisoformat(source["published_date"]) + timedelta(rng.randint(0, 6))
        row = PolicyRow(url="", title=source["title"], written_date=source["written_date"],
                        published_date=published.isoformat(), doc_number=source["doc_number"])
        item = city_item(pools, row, source["category"], body=source["body"])
        item.update(agency=KJJ_AGENCY, republished_from=source["key"])
        if n % 3 == 1:
            _to_traditional(item)
        elif n % 3 == 2:
            item["title"] = item["title"].translate(_PUNCT_VARIANTS)
            item["doc_number"] = item["doc_number"].translate(_PUNCT_VARIANTS)
        out.append(item)
    return out


def _to_traditional(item: Item) -> None:
    """Convert an item's text fields to Traditional script (OpenCC s2t)."""
    convert = _s2t()
    for key in ("title", "body", "doc_number", "agency"):
        item[key] = convert(item[key])
    item["script"] = "t"


def _s2t() -> Any:
    """Return OpenCC's Simplified-to-Traditional converter function."""
    import opencc

    return opencc.OpenCC("s2t").convert


def assign_scripts(items: list[Item], rng: random.Random) -> None:
    """Publish about 5% of the items in Traditional script, as some real pages are."""
    for item in items:
        if rng.random() < TRADITIONAL_SHARE and not item["role"] and item["script"] == "s":
            _to_traditional(item)


def assign_encodings(kjj: list[Item], rng: random.Random) -> None:
    """Serve ~30% of bureau pages as GBK (meta charset only), one with a lying meta charset."""
    for item in kjj:
        texts = [item["title"], item["body"], item["agency"], item["doc_number"]]
        texts += [a["name"] for a in item["attachments"]]
        if rng.random() < GBK_SHARE and _gbk_ok(texts):
            item["encoding"] = "gbk"
    liar = next(i for i in kjj if i["encoding"] == "gbk" and i["category"] == "政务信息"
                and i["year"] == 2018 and not i["role"])
    liar["encoding"] = "gbk-lying"


def _gbk_ok(texts: list[str]) -> bool:
    """Whether every text encodes in GBK (real GBK pages cannot carry other characters)."""
    try:
        for text in texts:
            text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def write_items(items: list[Item], path: Path) -> None:
    """Validate every item and write them as xz-compressed JSON lines, keys in field order."""
    lines = []
    for item in items:
        item.pop("year", None)
        doc = document_from_json(item)
        lines.append(json.dumps(document_to_json(doc), ensure_ascii=False, sort_keys=False))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(lzma.compress(data, preset=6))
