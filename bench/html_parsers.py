"""Which HTML library the product parses pages with: speed on real pages, robustness on bad ones.

The pages: every HTML page a crawl of the sample portal gets (bureau, city portal and the
layouts site), the saved real pages of ``tests/extract/pages``, and with ``--corpus DIR`` the
article HTML of the real bureau site in ``DIR/bureau_bjzyj/detail_records.json``. Each is
decoded once (as the crawler does) and parsed by each candidate ``--rounds`` times, taking
turns; per page the fastest round counts. Then a set of hostile pages (broken markup, GBK
text, an XML declaration, deep nesting, NUL bytes, an unclosed comment, ...) says what each
candidate makes of them: an error, or a tree that still holds the text after the damage.

    python -m bench.html_parsers [--corpus DIR] [--rounds 5] [--tiny]
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import lxml.html
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from bench.corpus import save_results
from bench.machine import load_average
from disclosure_search.config import CrawlSettings, SourceSettings
from disclosure_search.crawl.contracts import RecordResult
from disclosure_search.crawl.crawler import Crawler
from disclosure_search.encoding import decode_html
from disclosure_search.htmltree import parse_text
from disclosure_search.jobs.page_reader import PageExtractor
from disclosure_search.models import FetchedPage
from disclosure_search.sample_portal import SamplePortal
from disclosure_search.sample_portal.layouts import LAYOUTS

HERE = Path(__file__).resolve().parents[1]
Parse = Callable[[str], object]


def _lxml(text: str) -> object:
    return lxml.html.document_fromstring(text)


def _soup_lxml(text: str) -> object:
    return BeautifulSoup(text, "lxml")


def _soup_stdlib(text: str) -> object:
    return BeautifulSoup(text, "html.parser")


CANDIDATES: dict[str, Parse] = {
    "htmltree (lxml.html, helped)": parse_text,  # the product's: the chosen one
    "lxml.html": _lxml,
    "BeautifulSoup(lxml)": _soup_lxml,
    "BeautifulSoup(html.parser)": _soup_stdlib,
}


class _Pages:
    """A crawl sink that keeps the HTML pages (and a state that knows nothing)."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, bytes, str]] = []
        self._lock = threading.Lock()

    def record(self, page: FetchedPage, kind: str, source: str,
               reading: object = None) -> RecordResult:
        ctype = page.header("Content-Type") or ""
        if page.status == 200 and "html" in ctype.lower() and kind != "attachment":
            with self._lock:
                self.pages.append((page.url, page.body, ctype))
        return RecordResult(len(self.pages), "new")

    def record_failure(self, url: str, reason: str, source: str) -> None:
        """Failures do not matter here."""

    def validators(self, url: str) -> None:
        return None

    def is_known(self, url: str) -> bool:
        return False


def portal_pages(tiny: bool) -> list[tuple[str, str]]:
    """(url, text) of every HTML page a full crawl of the sample portal's sites gets."""
    sink = _Pages()
    settings = CrawlSettings(requests_per_second=1000.0, obey_robots=False,
                             fetch_attachments=False)
    with SamplePortal(layouts=True) as portal:
        starts = [portal.start_url("kjj"), portal.start_url("city")]
        starts += [portal.start_url("layouts", name) for name in LAYOUTS]
        for n, start in enumerate(starts[:1] if tiny else starts):
            source = SourceSettings(id=f"s{n}", name="", start_urls=(start,))
            reader = PageExtractor().for_source(source)
            Crawler(settings, source, sink, sink, full=True,  # type: ignore[arg-type]
                    reader=reader).run()
    kept = sink.pages[:150] if tiny else sink.pages
    return [(url, decode_html(body, ctype)[0]) for url, body, ctype in kept]


def saved_pages() -> list[tuple[str, str]]:
    """The real pages saved beside the extraction tests."""
    folder = HERE / "tests" / "extract" / "pages"
    return [(p.name, decode_html(p.read_bytes(), None)[0]) for p in sorted(folder.glob("*.html"))]


def corpus_pages(corpus: Path | None) -> list[tuple[str, str]]:
    """The article HTML of a real bureau site as crawled (``bureau_bjzyj``), when given."""
    if corpus is None:
        return []
    records = json.loads((corpus / "bureau_bjzyj" / "detail_records.json").read_text("utf-8"))
    return [(r.get("urlsource", str(n)), r.get("article") or "")
            for n, r in enumerate(records) if r.get("article")]


def timings(pages: list[tuple[str, str]], rounds: int) -> dict[str, list[float]]:
    """Per candidate, the fastest of ``rounds`` parses of each page, in milliseconds."""
    best: dict[str, list[float]] = {name: [float("inf")] * len(pages) for name in CANDIDATES}
    for _ in range(rounds):
        for name, parse in CANDIDATES.items():  # candidates take turns within each round
            for n, (_url, text) in enumerate(pages):
                started = time.perf_counter()
                parse(text)
                best[name][n] = min(best[name][n], (time.perf_counter() - started) * 1000)
    return best


def _nested(depth: int) -> str:
    deep = "<div>" * depth + "深处" + "</div>" * depth
    return "<html><body>" + deep + "<p>之后</p></body></html>"


#: (name, page text, a text the tree must still hold after the damage)
HOSTILE: list[tuple[str, str, str]] = [
    ("unclosed tags", "<html><body><div><p>第一段<p>第二段<table><tr><td>索引号<td>000"
     "<div>之后</body>", "之后"),
    ("stray end tags", "<html><body></div></span></table><p>正文</p></html></html><p>之后</p>",
     "之后"),
    ("broken attributes", '<html><body><a href="x.html title=\'a>链接</a><p class=>之后</p>',
     "之后"),
    ("tables nested in p", "<p><table><tr><td><p><table><tr><td>格</table></p>之后", "之后"),
    ("unclosed comment", "<html><body><p>正文</p><!-- 注释 <p>之后</p></body></html>", "正文"),
    ("NUL bytes", "<html><body><p>正\x00文</p><p>之后</p></body></html>", "之后"),
    ("XML declaration (XHTML)", '<?xml version="1.0" encoding="gb2312"?>\n<!DOCTYPE html PUBLIC'
     ' "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-'
     'transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>之后</p></body>'
     "</html>", "之后"),
    ("GBK page decoded", "<html><head><meta charset=gbk></head><body><p>"
     + "关于印发科技创新券管理办法的通知".encode("gbk").decode("gb18030")
     + "之后</p></body></html>", "之后"),
    ("BOM and whitespace", "\ufeff  \n<html><body><p>之后</p></body></html>", "之后"),
    ("only text", "之后", "之后"),
    ("nested 300 deep", _nested(300), "之后"),
    ("nested 5000 deep", _nested(5000), "之后"),
    ("100,000 elements", "<html><body>" + "<span>字</span>" * 100_000 + "<p>之后</p></body></html>",
     "之后"),
]


def _text(tree: object) -> str:
    if isinstance(tree, BeautifulSoup):
        return tree.get_text()
    return str(tree.text_content())  # type: ignore[attr-defined]


def robustness(tiny: bool = False) -> dict[str, dict[str, str]]:
    """Per hostile page and candidate: "ok (N ms)", "lost the text after it", or the error."""
    out: dict[str, dict[str, str]] = {}
    for name, text, must in HOSTILE[:-1] if tiny else HOSTILE:
        row = {}
        for candidate, parse in CANDIDATES.items():
            started = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
                    tree = parse(text)
                held = must in _text(tree)
            except (Exception, RecursionError) as exc:  # what breaks is the finding
                row[candidate] = f"error: {type(exc).__name__}: {str(exc)[:60]}"
                continue
            ms = (time.perf_counter() - started) * 1000
            row[candidate] = f"ok ({ms:.1f} ms)" if held else f"lost {must!r} ({ms:.1f} ms)"
        out[name] = row
    return out


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 3),
            "total_ms": round(sum(ordered), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.html_parsers", description=__doc__)
    parser.add_argument("--corpus", type=Path, help="the real-document corpus folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tiny", action="store_true",
                        help="150 pages of one site, one round, no 100,000-element page (CI)")
    args = parser.parse_args(argv)
    groups = {"sample portal": portal_pages(args.tiny), "saved real pages": saved_pages(),
              "corpus articles": corpus_pages(args.corpus)}
    load_before = load_average()
    figures: dict[str, object] = {"load_before": load_before}
    for group, pages in groups.items():
        if not pages:
            continue
        size = sum(len(text.encode("utf-8")) for _, text in pages) / len(pages) / 1024
        best = timings(pages, 1 if args.tiny else args.rounds)
        figures[group] = {"pages": len(pages), "mean_kb": round(size, 1),
                          **{name: _summary(values) for name, values in best.items()}}
        print(f"{group}: {len(pages)} pages, mean {size:.1f} KB")
        for name, values in best.items():
            print(f"  {name:30} {_summary(values)}")
    figures["robustness"] = robustness(args.tiny)
    for name, row in figures["robustness"].items():  # type: ignore[union-attr]
        print(f"{name}: " + "; ".join(f"{k}: {v}" for k, v in row.items()))
    figures["load_after"] = load_average()
    print(f"load average {load_before:.1f} before, {figures['load_after']:.1f} after")
    save_results("html_parsers", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
