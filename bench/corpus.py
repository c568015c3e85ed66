"""Deterministic benchmark documents cut from real government text, and the benchmark cache.

With ``--corpus DIR`` (a folder with ``laws/`` Markdown and ``gov_work_reports/national.jsonl``)
the texts are cut into document-sized pieces (~5.5 KB); without it the sample portal's bundled
documents are used. Past the natural pieces, documents are recombined from consecutive
paragraphs at seeded positions, so any N is reachable and the same N always gives the same
documents. Categories, sources, agencies, dates and 文号 are assigned from a fixed seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from disclosure_search.models import CATEGORIES, Document

#: Target size of one document's body, in UTF-8 bytes.
TARGET_BYTES = 5_600
SEED = 20240601
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def save_results(name: str, figures: object) -> Path:
    """Write a benchmark's figures to ``results/<name>.json`` (gitignored); return the path."""
    out = RESULTS_DIR / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    return out
SOURCES = ("kjj", "city", "fgw", "jyj")
AGENCIES = (
    "市科技局",
    "市人民政府办公厅",
    "市发展和改革委员会",
    "市教育局",
    "市财政局",
    "市司法局",
)
PREFIXES = ("洪科发", "洪府办发", "洪发改", "洪教字", "洪财预", "洪司通")
_HEADING = re.compile(r"^#+\s*")


@dataclass(frozen=True)
class Text:
    """One source text: its title and paragraphs."""

    title: str
    paragraphs: tuple[str, ...]


def _law_texts(corpus: Path) -> Iterator[Text]:
    for path in sorted((corpus / "laws").rglob("*.md")):
        lines = path.read_text("utf-8").splitlines()
        paragraphs = tuple(p for p in (_HEADING.sub("", line).strip() for line in lines) if p)
        title = re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", path.stem)
        if paragraphs:
            yield Text(title, paragraphs)


def _report_texts(corpus: Path) -> Iterator[Text]:
    path = corpus / "gov_work_reports" / "national.jsonl"
    if not path.exists():
        return
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        paragraphs = tuple(p.strip() for p in record["content"].splitlines() if p.strip())
        yield Text(record["title"], paragraphs)


def _portal_texts() -> list[Text]:
    try:
        from disclosure_search.sample_portal.data import load_documents
    except ImportError as exc:
        raise SystemExit(
            "no --corpus given and the bundled sample portal's documents are not available "
            f"({exc}); pass --corpus DIR with a laws/ folder"
        ) from exc
    texts = []
    for doc in load_documents():
        paragraphs = tuple(p.strip() for p in doc.body.splitlines() if p.strip())
        if paragraphs:
            texts.append(Text(doc.title, paragraphs))
    return texts


def load_texts(corpus: Path | None) -> list[Text]:
    """Return the source texts: the corpus folder's laws and reports, or the portal's items."""
    if corpus is None:
        return _portal_texts()
    if not (corpus / "laws").is_dir():
        raise SystemExit(f"{corpus} has no laws/ folder; pass the real-document corpus folder")
    return [*_law_texts(corpus), *_report_texts(corpus)]


def _pieces(text: Text) -> Iterator[tuple[str, str]]:
    """Cut one text into (title, body) pieces of about TARGET_BYTES."""
    part, current, size = 1, [], 0
    for paragraph in text.paragraphs:
        current.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 1
        if size >= TARGET_BYTES:
            yield f"{text.title}（第{part}部分）", "\n".join(current)
            part, current, size = part + 1, [], 0
    if current and (size >= TARGET_BYTES // 3 or part == 1):
        yield f"{text.title}（第{part}部分）", "\n".join(current)


def _recombined(texts: list[Text], rng: random.Random, number: int) -> tuple[str, str]:
    """Return a document of consecutive paragraphs from a seeded position in a seeded text."""
    text = texts[rng.randrange(len(texts))]
    start = rng.randrange(len(text.paragraphs))
    chosen, size, i = [], 0, start
    while size < TARGET_BYTES:
        paragraph = text.paragraphs[i % len(text.paragraphs)]
        chosen.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 1
        i += 1
    return f"{text.title}（选编{number}）", "\n".join(chosen)


def _document(i: int, title: str, body: str, rng: random.Random) -> Document:
    published = date(2010, 1, 1) + timedelta(days=rng.randrange(16 * 365))
    with_number = rng.random() < 0.4
    prefix = rng.randrange(len(PREFIXES))
    return Document(
        id=f"b{i:07d}",
        source=SOURCES[rng.randrange(len(SOURCES))],
        url=f"https://bench.example.gov.cn/{published:%Y%m}/t{published:%Y%m%d}_{i}.html",
        title=title,
        body=body,
        category=CATEGORIES[rng.randrange(len(CATEGORIES))],
        doc_number=f"{PREFIXES[prefix]}〔{published.year}〕{i % 300 + 1}号" if with_number else "",
        agency=AGENCIES[prefix],
        published_date=published,
        **_status(i, published),
    )


def _status(i: int, published: date) -> dict[str, object]:
    """成文日期 a few days before publication, and a 有效性 on most documents (own seed per
    document, so the other fields stay those of earlier runs)."""
    rng = random.Random(i)
    validity = rng.choice(("有效", "有效", "有效", "失效", "废止", ""))
    return {"written_date": published - timedelta(days=rng.randrange(30)), "validity": validity}


def iter_documents(count: int, corpus: Path | None, seed: int = SEED) -> Iterator[Document]:
    """Yield ``count`` benchmark documents, the same ones for the same arguments.

    Args:
        count: how many documents.
        corpus: the real-document corpus folder, or None for the sample portal's text.
        seed: the seed for order, recombination and metadata.
    """
    texts = load_texts(corpus)
    rng = random.Random(seed)
    natural = [piece for text in texts for piece in _pieces(text)]
    rng.shuffle(natural)
    for i in range(count):
        if i < len(natural):
            title, body = natural[i]
        else:
            title, body = _recombined(texts, rng, i)
        yield _document(i, title, body, rng)


def document_to_json(doc: Document) -> str:
    """Return one benchmark document as a JSON line."""
    return json.dumps(
        {
            "id": doc.id,
            "source": doc.source,
            "url": doc.url,
            "title": doc.title,
            "body": doc.body,
            "category": doc.category,
            "doc_number": doc.doc_number,
            "agency": doc.agency,
            "published_date": doc.published_date.isoformat() if doc.published_date else None,
            "written_date": doc.written_date.isoformat() if doc.written_date else None,
            "validity": doc.validity,
        },
        ensure_ascii=False,
    )


def document_from_json(line: str) -> Document:
    """Return the Document of a line written by :func:`document_to_json`."""
    record = json.loads(line)
    for name in ("published_date", "written_date"):
        value = record.get(name)
        record[name] = date.fromisoformat(value) if value else None
    return Document(**record)


def corpus_key(count: int, corpus: Path | None) -> str:
    """Return a short key naming the documents for ``count`` and ``corpus`` (cache folder names)."""
    origin = str(corpus.resolve()) if corpus else "sample-portal"
    # "|status": documents carry 成文日期 and 有效性 since schema version 3
    digest = hashlib.sha256(f"{origin}|{SEED}|{TARGET_BYTES}|status".encode()).hexdigest()[:8]
    return f"{count}-{digest}"


def documents_file(count: int, corpus: Path | None) -> Path:
    """Return the cached JSON-lines file of the benchmark documents, writing it if missing."""
    path = RESULTS_DIR / "cache" / f"docs-{corpus_key(count, corpus)}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            for doc in iter_documents(count, corpus):
                out.write(document_to_json(doc) + "\n")
        partial.replace(path)
    return path


def read_documents(path: Path) -> Iterator[Document]:
    """Yield the documents of a file written by :func:`documents_file`."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield document_from_json(line)


def main(argv: list[str] | None = None) -> int:
    """Write N benchmark documents as JSON lines to stdout (or report the cached file)."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--tiny", action="store_true", help="300 documents")
    parser.add_argument("--corpus", type=Path, help="the real-document corpus folder")
    args = parser.parse_args(argv)
    count = 300 if args.tiny else args.docs
    path = documents_file(count, args.corpus)
    size = path.stat().st_size
    print(f"{count} documents, {size / 1e6:.1f} MB of JSON lines: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
