"""Read the real-document corpus (laws, work reports, policy metadata) the sample portal uses.

Only the build tool uses this module; the portal itself serves the files the build wrote.
"""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

#: Law folders whose passages read like the body of an administrative document.
LAW_GROUPS: tuple[str, ...] = ("行政法规", "部门规章", "经济法", "行政法", "社会法", "DLC")

_INFO_END = "<!-- INFO END -->"


@dataclass(frozen=True)
class PolicyRow:
    """One real policy document's facts: title, 成文日期, 发布日期 and 发文字号 (may be empty)."""

    url: str
    title: str
    written_date: str
    published_date: str
    doc_number: str


@dataclass(frozen=True)
class FullText:
    """A real document with its own title and body (docs50), usable as a whole item."""

    title: str
    written_date: str
    published_date: str
    body: str


def read_policy_rows(corpus: Path) -> list[PolicyRow]:
    """Join ``dates.csv`` with ``docnumbers.csv`` by URL.

    Args:
        corpus: the corpus folder (holding ``policy_metadata/``).

    Returns:
        Rows with a title and a 发布日期, in file order.
    """
    folder = corpus / "policy_metadata"
    numbers: dict[str, str] = {}
    with (folder / "docnumbers.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            numbers[row["url"]] = _clean_doc_number(row["doc_number"])
    rows: list[PolicyRow] = []
    seen: set[str] = set()
    with (folder / "dates.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            title = " ".join(row["title"].split())
            if not title or not row["pub_date"] or title in seen:
                continue
            seen.add(title)
            rows.append(
                PolicyRow(
                    url=row["url"],
                    title=title,
                    written_date=row["issue_date"].strip(),
                    published_date=row["pub_date"].strip(),
                    doc_number=numbers.get(row["url"], ""),
                )
            )
    return rows


def _clean_doc_number(raw: str) -> str:
    """Strip the ``发文字号：`` label and stray spaces the pages print around a 文号."""
    text = raw.split("：", 1)[-1] if "：" in raw else raw
    text = re.sub(r"\s+(?=[〔\[（(])", "", text.strip())
    return text if re.search(r"\d", text) and len(text) <= 30 else ""


def read_full_texts(corpus: Path) -> list[FullText]:
    """Return the docs50 documents whose body is long enough to stand as a page."""
    out: list[FullText] = []
    path = corpus / "policy_metadata" / "docs50.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = _drop_page_chrome(rec.get("Body") or "")
            if len(body) < 400:
                continue
            out.append(
                FullText(
                    title=" ".join(rec["Title"].split()),
                    written_date=rec.get("Date") or "",
                    published_date=rec.get("Publishing date") or "",
                    body=body,
                )
            )
    return out


def _drop_page_chrome(body: str) -> str:
    """Remove the font-size widget line that scraped bodies carry (字号：大 中 小)."""
    lines = [ln.strip() for ln in body.splitlines()]
    return "\n".join(ln for ln in lines if ln and not ln.startswith("字号："))


def read_passages(corpus: Path, rng: random.Random, laws: int = 260) -> list[str]:
    """Cut real laws and government work reports into document-sized passages.

    Args:
        corpus: the corpus folder.
        rng: the build's seeded random source (which laws are used).
        laws: how many law files to sample.

    Returns:
        Passages of about 350-2,600 characters, paragraphs kept whole.
    """
    passages: list[str] = []
    for path in _sample_law_files(corpus, rng, laws):
        text = path.read_text(encoding="utf-8")
        body = text.split(_INFO_END, 1)[-1]
        passages.extend(cut_passages(_paragraphs(body), rng))
    with (corpus / "gov_work_reports" / "national.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if (rec.get("year") or 0) and int(rec["year"]) >= 1978:
                passages.extend(cut_passages(_paragraphs(rec["content"]), rng))
    return passages


def _sample_law_files(corpus: Path, rng: random.Random, count: int) -> list[Path]:
    """Pick ``count`` law files from the administrative groups, in a reproducible order."""
    paths: list[str] = []
    with (corpus / "laws" / "index.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            top = row["path"].split("/", 1)[0]
            if top in LAW_GROUPS and int(row["chars"] or 0) >= 1500:
                paths.append(row["path"])
    paths.sort()
    chosen = rng.sample(paths, min(count, len(paths)))
    return [corpus / "laws" / p for p in chosen if (corpus / "laws" / p).is_file()]


def _paragraphs(text: str) -> list[str]:
    """Split text into non-empty paragraphs without Markdown heading marks."""
    out = []
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line and not line.startswith("<!--"):
            out.append(line)
    return out


def cut_passages(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Group consecutive paragraphs into passages of a random target size (350-2,600 chars)."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    target = rng.randint(350, 2600)
    for para in paragraphs:
        current.append(para)
        size += len(para)
        if size >= target:
            out.append("\n".join(current))
            current, size, target = [], 0, rng.randint(350, 2600)
    if size >= 350:
        out.append("\n".join(current))
    return out
