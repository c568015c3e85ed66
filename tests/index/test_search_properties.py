"""Property tests: search never fails because of what was indexed or what was typed.

Documents with any field empty, whitespace-only, huge, in odd scripts, with only attachments
or no date, and odd queries, go through the real Whoosh backend with incremental updates and
deletes. Every search must return a well-formed result; a document found before an unrelated
update is still found after it; the total equals the ids got by paging to the end.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from disclosure_search.errors import QueryError
from disclosure_search.index.backend import SearchBackend, open_backend
from disclosure_search.index.query import MAX_QUERY_CHARS
from disclosure_search.models import Attachment, Document, SearchQuery

#: Real text from published documents (titles, a 文号, body lines, one in Traditional script).
REAL = (
    "北京市密云区人民政府关于印发京沈铁路客运专线密云段施工震损、噪声污染补偿暂行规定的通知",
    "密政发〔2016〕20号",
    "河南寨镇、巨各庄镇、大城子镇人民政府，区住建委：",
    "第二条　本规定适用于本项目施工过程中因爆破、机械、车辆震动造成房屋损坏的",
    "广东省人民政府关于佛山历史文化名城保护规划（2020—2035年）的批复",
    "渝府发〔2023〕15号",
    "本報告依據《中華人民共和國政府資訊公開條例》編製。",
    "详见附件",
)
BLANK = ("", " ", "\u3000", "\n\t \r\n", "\u200b", "\xa0\xa0")
ODD = (
    "\x00\x01\x7f",
    "مرحبا بالعالم",
    "Ελληνικά κείμενα",
    "🙂📄🏛️",
    "e\u0301\u0301\u0301",
    "ＡＢＣ１２３",
    "ｶﾀｶﾅ ひらがな",
    "〔〕【】《》「」『』",
    "\ud7ff\ue000\uffff",
)
OPERATORS = ('"', "“", "”", "「", "」", "(", ")", "（", "）", "-", ":", "：", "*", "?", "~",
             "^", "\\", "/", "AND", "OR", "NOT", "title:", "文号:", "标题:", "doc_number:")
QUERY_ALPHABET = st.sampled_from(
    list("科技发展银行政府2020年abcXYZ0123456789。，、；！？\"'()[]{}<>|&*+-_=~^%$#@ \u3000")
    + list(OPERATORS)
)


def _texts() -> st.SearchStrategy[str]:
    pieces = st.one_of(
        st.sampled_from(REAL),
        st.sampled_from(BLANK),
        st.sampled_from(ODD),
        st.text(max_size=40),
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=30),
    )
    joined = st.lists(pieces, max_size=4).map("".join)
    huge = st.sampled_from(REAL).map(lambda s: (s + "\n") * 400)
    return st.one_of(joined, joined, joined, huge)


@st.composite
def documents(draw: st.DrawFn, doc_id: str) -> Document:
    """A document with any field possibly empty, odd or huge."""
    attachments = draw(st.lists(
        st.builds(Attachment, url=st.just(f"https://x/{doc_id}.docx"), name=_texts(),
                  text=_texts()),
        max_size=2,
    ))
    maybe = st.one_of(st.just(""), _texts())
    return Document(
        id=doc_id,
        source=draw(st.sampled_from(["kjj", "rmzf", ""])),
        url=f"https://kjj.example.gov.cn/{doc_id}.html",
        title=draw(_texts()),
        body=draw(_texts()),
        category=draw(st.sampled_from(["规范性文件", "其他", "", " "])),
        doc_number=draw(st.one_of(st.sampled_from(["", "密政发〔2016〕20号", "〔〕号"]), maybe)),
        agency=draw(maybe),
        published_date=draw(st.one_of(st.none(), st.dates(date(1949, 1, 1), date(2099, 12, 31)))),
        attachments=tuple(attachments),
    )


def _queries(docs: list[Document]) -> st.SearchStrategy[str]:
    own = [t for d in docs for t in (d.title, d.body) if t]
    pieces = st.sampled_from(own).flatmap(_piece_of) if own else st.just("")
    return st.one_of(
        st.sampled_from(OPERATORS),
        st.lists(QUERY_ALPHABET, max_size=30).map("".join),
        st.lists(QUERY_ALPHABET, max_size=12).map(" ".join),
        st.sampled_from(REAL + BLANK + ODD),
        st.text(max_size=20),
        st.integers(MAX_QUERY_CHARS - 2, MAX_QUERY_CHARS + 2).map(lambda n: "科" * n),
        pieces,
    )


def _piece_of(text: str) -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, len(text) - 1), st.integers(1, 12)).map(
        lambda se: text[se[0]:se[0] + se[1]]
    )


def _all_ids(backend: SearchBackend, text: str, per_page: int = 7) -> list[str]:
    """Page through every result of ``text``; check each page is well formed."""
    known = backend.ids()
    first = backend.search(SearchQuery(text=text, per_page=per_page))
    total = first.total
    assert isinstance(total, int) and total >= 0
    ids: list[str] = []
    page = 1
    result = first
    while True:
        assert result.total == total
        assert len(result.hits) == min(per_page, max(0, total - (page - 1) * per_page))
        for hit in result.hits:
            assert hit.id in known and isinstance(hit.title, str) and isinstance(hit.snippet, str)
        for counts in result.facets.values():
            assert all(isinstance(n, int) and 0 < n <= total for n in counts.values())
        ids.extend(hit.id for hit in result.hits)
        if not result.hits:
            break
        page += 1
        result = backend.search(SearchQuery(text=text, per_page=per_page, page=page))
    assert len(ids) == len(set(ids)) == total, (text, ids, total)
    return ids


def _search_or_refuse(backend: SearchBackend, text: str) -> list[str] | None:
    """Search; only an over-long query may be refused, and with a QueryError."""
    try:
        return _all_ids(backend, text)
    except QueryError:
        assert len(text) > MAX_QUERY_CHARS
        return None


@given(data=st.data(), count=st.integers(1, 6))
def test_any_documents_and_queries_give_well_formed_results(
    data: st.DataObject, count: int
) -> None:
    docs = [data.draw(documents(f"d{n}"), label=f"doc {n}") for n in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        backend = open_backend(Path(folder) / "ix", writable=True)
        try:
            backend.upsert(docs)
            assert backend.ids() == {d.id for d in docs}
            for _ in range(4):
                _search_or_refuse(backend, data.draw(_queries(docs), label="query"))
            assert len(_all_ids(backend, "")) == len(docs)  # browsing lists every document
        finally:
            backend.close()


@given(data=st.data(), count=st.integers(2, 5))
def test_unrelated_updates_and_deletes_keep_a_document_findable(
    data: st.DataObject, count: int
) -> None:
    docs = [data.draw(documents(f"d{n}"), label=f"doc {n}") for n in range(count)]
    target = docs[0]
    with tempfile.TemporaryDirectory() as folder:
        backend = open_backend(Path(folder) / "ix", writable=True)
        try:
            backend.upsert(docs)
            queries = [data.draw(_queries([target]), label="query") for _ in range(3)]
            before = {q: _search_or_refuse(backend, q) for q in queries}
            changed = data.draw(documents(f"d{data.draw(st.integers(1, count))}"), label="update")
            backend.upsert([changed])
            backend.delete([f"d{data.draw(st.integers(1, count))}"])
            for query, found in before.items():
                after = _search_or_refuse(backend, query)
                if found is not None and target.id in found:
                    assert after is not None and target.id in after, query
        finally:
            backend.close()
