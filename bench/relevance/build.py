"""Generate the relevance evaluation set (``queries.jsonl``) from the sample portal's real items.

Every query carries the URLs of the documents that must be found, judged by the rules in
``README.md`` over the folded (Simplified) text, so republished copies of an item count too.
The generator uses plain jieba and OpenCC, never the project's analyzer, and a fixed seed:
``python -m bench.relevance.build`` always writes the same file.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SEED = 20240505
QUERIES_FILE = Path(__file__).with_name("queries.jsonl")
#: Most documents a query may expect: more would make Recall@10 a measure of ties.
MAX_EXPECTED = 5
#: Queries per type (Traditional twins come on top, one per title and body-pair query).
PER_TYPE = {
    "title_part": 110,
    "body_pair": 110,
    "doc_number": 100,
    "agency_topic": 60,
    "subword": 80,
    "phrase": 80,
    "typo": 60,
}
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_DOC_NUMBER = re.compile(r"^(.+?)〔((?:19|20)\d\d)〕第?(\d{1,5})号$")
_BRACKETS = str.maketrans({c: "〔" for c in "[［（(【﹝"} | {c: "〕" for c in "]］）)】﹞"})
_AGENCY = re.compile(
    r"^(示例市[\u4e00-\u9fff]{1,12}?(?:局|厅|委员会|政府|办公室))(?=关于|转发|印发)"
)
_NUMERALS = re.compile(r"[一二三四五六七八九十百千万第两]")


@dataclass(frozen=True)
class Item:
    """One portal document as the generator sees it: URL and folded (Simplified) text."""

    url: str
    title: str
    body: str
    doc_number: str


def portal_url(site: str, path: str) -> str:
    """Return the canonical URL the evaluation gives a sample portal item."""
    return f"https://{site}.example.gov.cn{path}"


class _Text:
    """Folding and segmentation with plain OpenCC and jieba (what a naive index would use)."""

    def __init__(self) -> None:
        import jieba
        import opencc

        jieba.setLogLevel(60)
        self.jieba = jieba
        self.t2s = opencc.OpenCC("t2s")
        self.s2t = opencc.OpenCC("s2t")

    def fold(self, text: str) -> str:
        return self.t2s.convert(text.translate(_FULLWIDTH))

    def words(self, text: str) -> list[str]:
        return [w for w in self.jieba.lcut(text) if _CJK.fullmatch(w)]

    def search_words(self, text: str) -> set[str]:
        return set(self.jieba.cut_for_search(text))

    def is_word(self, word: str) -> bool:
        return bool(self.jieba.get_FREQ(word))


_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}


def load_items(text: _Text) -> list[Item]:
    """Return the base edition's items, folded, in a stable order."""
    from disclosure_search.sample_portal import load_documents

    items = [
        Item(portal_url(d.site, d.path), text.fold(d.title), text.fold(d.body),
             normalize_doc_number(text, d.doc_number))
        for d in load_documents()
        if d.edition == 0
    ]
    return sorted(items, key=lambda item: item.url)


def normalize_doc_number(text: _Text, raw: str) -> str:
    """Return a 文号 in one form (〔year〕, ASCII digits, Simplified, no 第); "" if not one."""
    value = text.fold(re.sub(r"\s+", "", raw)).translate(_BRACKETS)
    value = re.sub(r"(?<=[^\d〔])((?:19|20)\d\d)年", r"〔\1〕", value)
    match = _DOC_NUMBER.match(value)
    return f"{match[1]}〔{match[2]}〕{match[3]}号" if match else ""


class _Judge:
    """The relevance rules: which items a query's parts pick out."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items

    def in_title(self, *parts: str) -> list[str]:
        return [i.url for i in self.items if all(p in i.title for p in parts)]

    def in_text(self, *parts: str) -> list[str]:
        return [i.url for i in self.items if all(p in i.title or p in i.body for p in parts)]

    def same_title(self, title: str) -> list[str]:
        return [i.url for i in self.items if i.title == title]

    def doc_number(self, norm: str) -> list[str]:
        return [i.url for i in self.items if i.doc_number == norm]


def _ok(expected: list[str], source: str) -> bool:
    return 0 < len(expected) <= MAX_EXPECTED and source in expected


def _title_parts(text: _Text, judge: _Judge, item: Item, rng: random.Random) -> Iterator[dict]:
    words = text.words(item.title)
    if len(words) < 3:
        return
    size = rng.randint(2, min(4, len(words) - 1))
    start = rng.randrange(len(words) - size + 1)
    span = "".join(words[start : start + size])
    if len(span) >= 5 and span in item.title:
        expected = judge.in_title(span)
        if _ok(expected, item.url):
            yield {"type": "title_part", "query": span, "expected": expected}


def _body_pairs(text: _Text, judge: _Judge, item: Item, rng: random.Random) -> Iterator[dict]:
    words = sorted({w for w in text.words(item.body[:3000]) if len(w) >= 2})
    for _ in range(6):
        if len(words) < 2:
            return
        first, second = rng.sample(words, 2)
        expected = judge.in_text(first, second)
        if _ok(expected, item.url):
            yield {"type": "body_pair", "query": f"{first} {second}", "expected": expected}
            return


def _doc_numbers(text: _Text, judge: _Judge, item: Item, rng: random.Random) -> Iterator[dict]:
    match = _DOC_NUMBER.match(item.doc_number)
    if not match:
        return
    prefix, year, serial = match[1], match[2], match[3]
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    variants = {
        "square": f"{prefix}[{year}]{serial}号",
        "round": f"{prefix}（{year}）{serial}号",
        "year": f"{prefix}{year}年{serial}号",
        "fullwidth": f"{prefix}〔{year.translate(wide)}〕{serial.translate(wide)}号",
        "traditional": text.s2t.convert(f"{prefix}〔{year}〕第{serial}号"),
    }
    name = rng.choice(sorted(variants))
    yield {"type": "doc_number", "variant": name, "query": variants[name],
           "expected": judge.doc_number(item.doc_number)}


def _agency_topics(text: _Text, judge: _Judge, item: Item, rng: random.Random) -> Iterator[dict]:
    match = _AGENCY.match(item.title)
    if not match:
        return
    topics = [w for w in text.words(item.title[match.end() :]) if len(w) >= 2 and w != "关于"]
    rng.shuffle(topics)
    for topic in topics[:3]:
        expected = judge.in_title(match[1], topic)
        if _ok(expected, item.url):
            yield {"type": "agency_topic", "query": f"{match[1]} {topic}", "expected": expected}
            return


def _hidden_words(text: _Text, passage: str) -> list[str]:
    """Dictionary words of 2-4 characters inside one longer jieba word that search mode hides."""
    shown = text.search_words(passage)
    hidden = set()
    for token in text.words(passage):
        for size in (2, 3, 4):
            for i in range(len(token) - size + 1):
                sub = token[i : i + size]
                if (sub != token and sub not in shown and text.is_word(sub)
                        and not _NUMERALS.search(sub)):
                    hidden.add(sub)
    return sorted(hidden)


def _subwords(text: _Text, judge: _Judge, item: Item, rng: random.Random) -> Iterator[dict]:
    hidden = _hidden_words(text, item.title) + _hidden_words(text, item.body[:1500])
    rng.shuffle(hidden)
    for word in hidden[:4]:
        expected = judge.in_text(word)
        if _ok(expected, item.url):
            yield {"type": "subword", "query": word, "expected": expected}
            return
        context = [w for w in text.words(item.title) if len(w) >= 2 and w not in word]
        if context:
            other = rng.choice(context)
            expected = judge.in_text(word, other)
            if _ok(expected, item.url):
                yield {"type": "subword", "query": f"{word} {other}", "expected": expected}
                return


def _phrases(text: _Text, judge: _Judge, item: Item, rng: random.Random) -> Iterator[dict]:
    runs = [r for r in _CJK.findall(item.body[:3000]) if len(r) >= 8]
    if not runs:
        return
    words = text.words(rng.choice(runs))
    for _ in range(4):
        size = rng.randint(2, 3)
        if len(words) <= size:
            return
        start = rng.randrange(len(words) - size + 1)
        span = "".join(words[start : start + size])
        expected = judge.in_text(span)
        if 4 <= len(span) <= 10 and _ok(expected, item.url):
            yield {"type": "phrase", "query": f'"{span}"', "expected": expected}
            return


def _typos(text: _Text, judge: _Judge, item: Item, rng: random.Random) -> Iterator[dict]:
    if len(item.title) < 20:
        return
    positions = [i for i, c in enumerate(item.title) if _CJK.match(c) and i > 2]
    pool = "".join(sorted({c for c in item.body[:400] if _CJK.match(c)}))
    if not positions or not pool:
        return
    i = rng.choice(positions)
    swap = rng.choice(pool)
    if swap != item.title[i]:
        typo = item.title[:i] + swap + item.title[i + 1 :]
        yield {"type": "typo", "query": typo, "expected": judge.same_title(item.title)}


Maker = Callable[[_Text, _Judge, Item, random.Random], Iterator[dict]]
_MAKERS: dict[str, Maker] = {
    "title_part": _title_parts,
    "body_pair": _body_pairs,
    "doc_number": _doc_numbers,
    "agency_topic": _agency_topics,
    "subword": _subwords,
    "phrase": _phrases,
    "typo": _typos,
}


def _twin(text: _Text, query: dict) -> dict | None:
    """Return the Traditional-script twin of a Simplified query, if it converts back exactly."""
    traditional = text.s2t.convert(query["query"])
    if traditional == query["query"] or text.fold(traditional) != query["query"]:
        return None
    return {**query, "type": "traditional", "query": traditional, "twin_of": query["id"]}


def build(seed: int = SEED) -> list[dict]:
    """Return the evaluation queries, in a fixed order with ids ``<type>-<n>``."""
    text = _Text()
    items = load_items(text)
    judge = _Judge(items)
    rng = random.Random(seed)
    out: list[dict] = []
    for kind, maker in _MAKERS.items():
        order = items[:]
        rng.shuffle(order)
        made: list[dict] = []
        seen: set[str] = set()
        for item in order:
            for query in maker(text, judge, item, rng):
                if query["query"] not in seen:
                    seen.add(query["query"])
                    made.append({"id": f"{kind}-{len(made) + 1}", **query})
            if len(made) >= PER_TYPE[kind]:
                break
        out.extend(made)
        if kind in ("title_part", "body_pair"):
            twins = [t for q in made if (t := _twin(text, q)) is not None]
            out.extend({**t, "id": f"traditional-{kind}-{n}"} for n, t in enumerate(twins, 1))
    return out


def write(queries: list[dict], path: Path = QUERIES_FILE) -> None:
    """Write the queries as JSON lines."""
    with path.open("w", encoding="utf-8") as fh:
        for query in queries:
            fh.write(json.dumps(query, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Rebuild ``queries.jsonl``; print the count per type."""
    parser = argparse.ArgumentParser(prog="python -m bench.relevance.build", description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=QUERIES_FILE)
    args = parser.parse_args(argv)
    queries = build(args.seed)
    write(queries, args.out)
    counts: dict[str, int] = defaultdict(int)
    for query in queries:
        counts[query["type"]] += 1
    print(f"{len(queries)} queries -> {args.out}: {dict(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
