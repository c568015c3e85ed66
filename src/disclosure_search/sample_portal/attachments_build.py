"""Choose which sample items carry attachments and write them from real text (build time only)."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

from disclosure_search.sample_portal import files, plan
from disclosure_search.sample_portal.pools import Pools
from disclosure_search.vocabulary.folding import converter

#: How many files of each kind the portal carries.
COUNTS: dict[str, int] = {"pdf": 40, "docx": 30, "xlsx": 20, "zip": 2}

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}

Item = dict[str, Any]


def add_attachments(items: list[Item], pools: Pools, folder: Path) -> dict[str, int]:
    """Attach real-text files to randomly chosen items and write them into ``folder``.

    Args:
        items: both sites' items (changed in place: ``attachments`` filled).
        pools: the build's pools (random source, real passages and policy rows).
        folder: where the files go (created).

    Returns:
        How many files of each kind were written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = pools.rng
    eligible = [i for i in items if i["edition"] == 0 and i["role"] not in ("removed", "gone")]
    tables = [i for i in eligible if i["category"] in ("部门预决算", "统计数据")]
    for kind, count in COUNTS.items():
        chosen = rng.sample(eligible, count)
        if kind == "xlsx":
            chosen = (tables + [i for i in chosen if i not in tables])[:count]
        for item in chosen:
            n = len(item["attachments"]) + 1
            data, text = _render(kind, item, pools)
            att = _place(item, kind, n, rng)
            (folder / att["file"]).write_bytes(data)
            att["text"] = text
            item["attachments"].append(att)
    return {kind: count for kind, count in COUNTS.items()}


def _render(kind: str, item: Item, pools: Pools) -> tuple[bytes, str]:
    """Return a file of ``kind`` for ``item`` and the real text it carries."""
    title = item["title"]
    if kind == "xlsx":
        header, rows = _catalog_rows(pools, item["year"])
        text = "\n".join("\t".join(str(c) for c in row) for row in rows)
        return files.make_xlsx(title, header, rows), text
    limit = {"pdf": 900, "docx": 1800, "zip": 1000}[kind]
    text = pools.passage(limit=limit)
    if item["script"] == "t":
        text = converter("s2t")(text)
    if kind == "pdf":
        return files.make_pdf(title, text), text
    if kind == "docx":
        return files.make_docx(title, text), text
    return files.make_zip([("说明.txt", text)]), text


def _catalog_rows(pools: Pools, year: int) -> tuple[list[str], list[list[str | int]]]:
    """A small real table: 12 documents of ``year`` with their 文号 and both dates."""
    rows = pools.by_year.get(year) or pools.by_year[2018]
    picked = pools.rng.sample(rows, 12)
    header = ["序号", "文件名称", "发文字号", "成文日期", "发布日期"]
    body: list[list[str | int]] = [
        [n, plan.rewrite_places(r.title), plan.rewrite_doc_number(r.doc_number),
         r.written_date, r.published_date]
        for n, r in enumerate(picked, 1)
    ]
    return header, body


def _place(item: Item, kind: str, n: int, rng: random.Random) -> Item:
    """Decide an attachment's URL path, file name and link text, in the site's URL style."""
    short = item["title"][:40]
    name = f"附件{n}：{short}.{kind}" if n > 1 else f"{short}.{kind}"
    if item["site"] == "kjj":
        day = item["published_date"].replace("-", "")
        stem = f"P0{day}{rng.randrange(10**11, 10**12)}"
        path = f"/xxgk/{item['column']}/{day[:6]}/{stem}.{kind}"
    else:
        stem = hashlib.sha1(f"{item['key']}/{n}".encode()).hexdigest()
        path = f"/attach/0/{stem}.{kind}"
    return {"path": path, "name": name, "media_type": MEDIA_TYPES[kind], "file": f"{stem}.{kind}",
            "text": ""}
