"""Fuzz targets, one per parser of untrusted input: whatever the bytes, each either answers
or raises its own documented error, never anything else (and never hangs or recurses).

Inputs are built from real material (saved pages, real attachments, the sample config and
checklist) and mutated, so the fuzzer spends its budget near the formats' real shapes.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from disclosure_search.config import load_settings
from disclosure_search.errors import ChecklistError, ConfigError, ExtractError, QueryError
from disclosure_search.extract.attachments import attachment_text
from disclosure_search.extract.html import extract_document
from disclosure_search.index import compile as qc
from disclosure_search.index.query import parse
from disclosure_search.reports.checklist import parse_checklist
from disclosure_search.sample_portal.files import make_docx, make_xlsx

PAGES = sorted((Path(__file__).parents[1] / "extract" / "pages").glob("*.html"))
PAGE = PAGES[0].read_text(encoding="utf-8", errors="replace")
TAGS = ["<div>", "</div>", "<table>", "<tr>", "<td>", "</td>", "<p>", "<h1>", "</h1>",
        "<a href='./P0.pdf'>", "</a>", "<meta name='PubDate' content='2020-01-01'>",
        "<title>", "</title>", "<script>", "<!--", "-->", "文号：", "发布日期：", "<br/>",
        "&amp;", "&#x4e2d;", "\x00", "<![CDATA[", "]]>", "<", ">"]
DOCX = make_docx("关于印发项目管理办法的通知", "为规范项目管理，现印发本办法。\n第一条 总则")
XLSX = make_xlsx("名单", ["序号", "单位"], [[1, "中医医院"], [2, "科技局"]])
CONFIG = """data_dir = "data"
timezone = "Asia/Shanghai"
[crawl]
requests_per_second = 2.0
[[sources]]
id = "kjj"
name = "南昌市科技局"
start_urls = ["https://kjj.example.gov.cn/xxgk/"]
[sources.categories]
"https://kjj.example.gov.cn/xxgk/gfxwj/" = "规范性文件"
"""
CHECKLIST = ("title,doc_number,category,due_date,source\n"
             "关于印发办法的通知,洪科发〔2018〕12号,规范性文件,2018-03-01,kjj\n")


def _splice(base: str, cut: int, insert: str) -> str:
    cut %= len(base) + 1
    return base[:cut] + insert + base[cut:]


@given(st.integers(0, len(PAGE)), st.lists(st.sampled_from(TAGS) | st.text(max_size=8),
                                            max_size=60).map("".join))
@example(0, "<div>" * 5_000)
@example(0, "<table>" * 300 + "文号：" * 50)
def test_html_extractor(cut: int, insert: str) -> None:
    with contextlib.suppress(ExtractError):
        extract_document(_splice(PAGE, cut, insert), "http://x/a/t1.html", source="kjj")


def _mutate(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in flips:
        out[position % len(out)] = value
    return bytes(out)


def _rezip(data: bytes, member: str, mutate: bytes) -> bytes:
    """The same container with one member's bytes replaced (valid zip, hostile XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename,
                            mutate if info.filename == member else source.read(info.filename))
    return out.getvalue()


FLIPS = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=20)


BASES = {"docx": (DOCX, "word/document.xml"), "xlsx": (XLSX, "xl/worksheets/sheet1.xml")}


@given(st.sampled_from(sorted(BASES)),
       FLIPS, st.binary(max_size=200) | st.sampled_from([b"<a>" * 400, b"<w:p/>" * 1000]))
@example("docx", [], b"<?xml version='1.0'?><!DOCTYPE a "
         b"[<!ENTITY e 'x'>]><a>&e;&e;</a>")  # found: AttributeError inside python-docx
@example("xlsx", [], b"\x00")  # found: expat ParseError
@example("docx", [(49, 0)], b"")  # found: zlib.error from a damaged deflate stream
@settings(max_examples=max(1, settings.default.max_examples // 4))  # each parse is slow
def test_attachment_readers(kind: str, flips: list[tuple[int, int]], member: bytes) -> None:
    data, part = BASES[kind]
    name = f"x.{kind}"
    for candidate in (_mutate(data, flips), _rezip(data, part, member)):
        with contextlib.suppress(ExtractError):
            attachment_text(candidate, f"http://x/{name}")


@given(st.binary(max_size=2_000).map(lambda b: b"%PDF-1.4\n" + b))
@example(b"%PDF-1.4\n")
def test_pdf_reader(data: bytes) -> None:
    with contextlib.suppress(ExtractError):
        attachment_text(data, "http://x/a.pdf")


@given(st.lists(st.sampled_from(["(", ")", "（", "）", '"', "“", "「", "OR", "AND", "NOT", "-",
                                 "title:", "文号:", " ", "科技", "洪科发〔2018〕12号", "：", "*"])
                | st.text(max_size=3), max_size=120).map("".join))
@example("(" * 340 + "科技")
@example("NOT " * 120 + "科技")
def test_query_parser(text: str) -> None:
    try:
        tree, _explicit = parse(text)
    except QueryError:
        return
    qc.text_query(text, tree)


@given(st.integers(0, len(CONFIG)), st.text(max_size=40))
@example(0, "[crawl]\ntimeout_s = -1\n")
@example(len(CONFIG), "[[sources]]\nid = 3\n")
def test_config_loader(cut: int, insert: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "disclosure-search.toml"
        path.write_text(_splice(CONFIG, cut, insert), encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(ConfigError):
            load_settings(path, environ={})


@given(st.integers(0, len(CHECKLIST)), st.text(max_size=40), st.booleans())
@example(0, "\ufeff", False)
@example(5, '"', True)
def test_checklist_reader(cut: int, insert: str, as_bytes: bool) -> None:
    text = _splice(CHECKLIST, cut, insert)
    with contextlib.suppress(ChecklistError):
        parse_checklist(text.encode("utf-8", "surrogatepass") if as_bytes else text)
