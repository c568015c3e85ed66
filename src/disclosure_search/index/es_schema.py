"""The Elasticsearch mapping and the Document -> pre-analysed source it indexes.

The product's own analysis (fold, jieba words, bigrams, sub-word grams) produces the tokens;
they are sent as space-separated text that Elasticsearch only splits (``whitespace``
analyzer), so both engines index the same terms at the same positions. A stop word is sent
as :data:`STOP_MARK`, which keeps its position gap (``"清洁生产"`` does not match 清洁和生产)
and is never searched. The fields a result shows travel unanalysed in ``shown``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from disclosure_search.index import analyzer
from disclosure_search.index.schema import SCHEMA_VERSION, document_fields
from disclosure_search.models import Document

#: Token standing in for a stop word; analysis never produces it (not CJK, not a-z0-9).
STOP_MARK = "\u2205"
#: Fields holding analysed tokens (kept out of ``_source``: the archive has the text).
TOKEN_FIELDS = ("title", "body", "attachments", "agency_words", "subject", "title_grams",
                "grams", "chars")
#: Fields shown in a result, as :func:`disclosure_search.index.hits.hit` reads them.
SHOWN = ("id", "title", "excerpt", "attachment_excerpt", "doc_number", "category", "source",
         "agency", "issuing_agency", "published", "written", "validity", "topic_raw",
         "first_seen", "url")
_KEYWORDS = ("id", "doc_number_norm", "category", "source", "agency", "issuer", "year",
             "validity", "topic", "fingerprint")
_NUMBERS = ("published", "written", "seen")


def _text(positions: bool, norms: bool) -> dict[str, Any]:
    return {"type": "text", "analyzer": "whitespace", "norms": norms,
            "index_options": "positions" if positions else "freqs"}


def mapping() -> dict[str, Any]:
    """Return the index mapping: token fields, keyword filters and facets, the date number."""
    properties: dict[str, Any] = {
        "title": _text(positions=True, norms=True),
        "body": _text(positions=True, norms=True),
        "attachments": _text(positions=False, norms=False),
        "agency_words": _text(positions=False, norms=False),
        "subject": _text(positions=False, norms=False),
        "topic_path": {"type": "keyword"},
        "title_grams": _text(positions=True, norms=False),
        "grams": _text(positions=False, norms=False),
        "chars": {"type": "text", "analyzer": "whitespace", "norms": False,
                  "index_options": "docs"},
        **{name: {"type": "integer"} for name in _NUMBERS},
        "shown": {"type": "object", "enabled": False},
    }
    properties.update({name: {"type": "keyword"} for name in _KEYWORDS})
    return {
        "dynamic": "strict",
        "_source": {"excludes": list(TOKEN_FIELDS)},
        "_meta": {"schema_version": SCHEMA_VERSION},
        "properties": properties,
    }


def _positioned(text: str) -> str:
    """Words of ``text`` with :data:`STOP_MARK` where stop words were (positions kept)."""
    out: list[str] = []
    last = -1
    for word, _, _, position in analyzer.iter_word_positions(text):
        out.extend([STOP_MARK] * (position - last - 1))
        out.append(word)
        last = position
    return " ".join(out)


def _tokens(tokens: Iterator[analyzer.Token]) -> str:
    return " ".join(token for token, _, _ in tokens)


def source(doc: Document) -> dict[str, Any]:
    """Return what is sent to Elasticsearch for ``doc`` (analysed here, in this process)."""
    values = document_fields(doc)
    body = values.get("body", "")
    out: dict[str, Any] = {
        "title": _positioned(doc.title),
        "body": _positioned(body),
        "attachments": _tokens(analyzer.iter_words(values.get("attachments", ""))),
        "agency_words": _tokens(analyzer.iter_words(values.get("agency_words", ""))),
        "subject": _tokens(analyzer.iter_words(values.get("subject", ""))),
        "title_grams": _tokens(analyzer.iter_bigrams(doc.title)),
        "grams": _tokens(analyzer.iter_subgrams(body)),
        "chars": " ".join(sorted(analyzer.chargram_set(values.get("chars", "")))),
        "shown": {name: values.get(name, "") for name in SHOWN},
    }
    out.update({name: values[name] for name in _KEYWORDS + _NUMBERS if values.get(name)})
    if values.get("topic_path"):
        out["topic_path"] = values["topic_path"].split(",")
    return out
