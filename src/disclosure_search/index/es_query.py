"""Turn a parsed query tree and a SearchQuery's filters into Elasticsearch query DSL.

The same clauses as :mod:`disclosure_search.index.compile` builds for Whoosh, over the same
pre-analysed tokens (see :mod:`disclosure_search.index.es_schema`): a word matches when all its
jieba words occur or all its bigrams occur inside words; phrases are ``match_phrase`` over the
whitespace-split tokens; an exact 文号 and an unbroken title run add constant scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from disclosure_search.index import analyzer
from disclosure_search.index.compile import (
    _BIGRAM_FIELDS,
    _PHRASE_FIELDS,
    _WORD_FIELDS,
    AGENCY_FIELDS,
    DOC_NUMBER_SCORE,
    TITLE_RUN_SCORE,
    _unique,
    agency_matches,
    copied_pieces,
)
from disclosure_search.index.query import Leaf, QueryTree
from disclosure_search.index.schema import date_number
from disclosure_search.models import SearchQuery
from disclosure_search.vocabulary.doc_numbers import doc_number_keys, looks_like_doc_number
from disclosure_search.vocabulary.topics import topic_key

Clause = dict[str, Any]
#: Field boosts, as in the Whoosh schema.
BOOSTS = {"title": 3.0, "body": 1.0, "attachments": 0.5, "title_grams": 1.5, "grams": 0.5}
MATCH_NONE: Clause = {"match_none": {}}
MATCH_ALL: Clause = {"match_all": {}}


def _term(field: str, token: str) -> Clause:
    return {"term": {field: {"value": token, "boost": BOOSTS.get(field, 1.0)}}}


def _any(clauses: list[Clause]) -> Clause:
    if not clauses:
        return MATCH_NONE
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses,
                                                          "minimum_should_match": 1}}


def _all(clauses: list[Clause]) -> Clause:
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def _phrase(field: str, tokens: list[str], slop: int = 0) -> Clause:
    if len(tokens) == 1:
        return _term(field, tokens[0])
    return {"match_phrase": {field: {"query": " ".join(tokens), "slop": slop,
                                     "boost": BOOSTS.get(field, 1.0)}}}


def _constant(clause: Clause, score: float) -> Clause:
    return {"constant_score": {"filter": clause, "boost": score}}


def _doc_number(text: str) -> Clause:
    keys = sorted(doc_number_keys(text))
    return {"terms": {"doc_number_norm": keys}} if keys else MATCH_NONE


def _phrase_leaf(leaf: Leaf) -> Clause:
    words = analyzer.words(leaf.text)
    slop = analyzer.stop_gaps(leaf.text)  # a stop word inside leaves a gap in positions
    clauses = [_phrase(f, words, slop) for f in _PHRASE_FIELDS[leaf.scope]] if words else []
    grams = analyzer.bigrams(leaf.text)
    if grams:
        clauses += [_phrase("title_grams", grams), _constant(_phrase("title_grams", grams),
                                                              TITLE_RUN_SCORE)]
    return _any(clauses)


def _leaf(leaf: Leaf) -> Clause:
    if leaf.scope == "doc_number":
        return _doc_number(leaf.text)
    if leaf.phrase:
        return _phrase_leaf(leaf)
    clauses: list[Clause] = []
    words = _unique(analyzer.words(leaf.text))
    grams = _unique(analyzer.bigrams(leaf.text))
    word_fields = _WORD_FIELDS[leaf.scope]
    if grams == words:  # one two-character word: also look for it inside longer words
        word_fields = tuple(dict.fromkeys(word_fields + _BIGRAM_FIELDS[leaf.scope]))
    if words:
        clauses.append(_all([_any([_term(f, w) for f in word_fields]) for w in words]))
    if grams and grams != words:  # sub-word recall: every bigram of the word inside some word
        fields = _BIGRAM_FIELDS[leaf.scope]
        clauses.append(_all([_any([_term(f, g) for f in fields]) for g in grams]))
    if grams:  # reorders what the clauses above match; adds nothing
        clauses.append(_constant(_phrase("title_grams", grams), TITLE_RUN_SCORE))
    if leaf.scope == "all":  # a copied piece: its two-character pieces, matching only
        pieces = copied_pieces(leaf.text)
        if pieces:
            clauses.append({"bool": {"filter": [{"term": {"chars": p}} for p in pieces]}})
    return _any(clauses)


def tree_clause(tree: QueryTree) -> Clause:
    """Return the query DSL for a parsed tree (see :mod:`disclosure_search.index.query`)."""
    if isinstance(tree, Leaf):
        return _leaf(tree)
    if tree.op == "not":
        return {"bool": {"must_not": [tree_clause(tree.children[0])]}}
    children = [tree_clause(child) for child in tree.children]
    if tree.op == "or":
        return _any(children)
    return {"bool": {"must": children}}  # a must_not-only child excludes from everything


def text_clause(text: str, tree: QueryTree | None) -> Clause:
    """Return the query for the whole text; a text shaped like a 文号 also matches it exactly."""
    base = tree_clause(tree) if tree is not None else MATCH_ALL
    if looks_like_doc_number(text):
        return _any([_constant(_doc_number(text), DOC_NUMBER_SCORE), base])
    return base


def filter_clauses(query: SearchQuery, agencies: Iterable[str] = ()) -> list[Clause]:
    """Return the filters ``query`` sets, as :func:`compile.filter_query` does for Whoosh.

    Args:
        query: the search.
        agencies: the agency names in the index; ``query.agency`` selects among them as
            :func:`compile.agency_matches` does.
    """
    out: list[Clause] = [
        {"term": {name: value}}
        for name, value in (("category", query.category), ("source", query.source),
                            ("validity", query.validity))
        if value
    ]
    if query.agency:
        names = agency_matches(query.agency, agencies)
        out.append(_any([{"terms": {f: names}} for f in AGENCY_FIELDS]) if names
                   else MATCH_NONE)
    if query.topic:
        out.append({"term": {"topic_path": topic_key(query.topic)}})
    if query.doc_number:
        out.append(_doc_number(query.doc_number))
    for field, start, end in (
        ("published", query.date_from, query.date_to),
        ("written", query.written_from, query.written_to),
        ("seen", query.since, None),
    ):
        if start or end:  # 0 means "no date": an open start still begins at 1
            bounds = {"gte": date_number(start) if start else 1}
            out.append({"range": {field: bounds | ({"lte": date_number(end)} if end else {})}})
    return out


def search_clause(
    query: SearchQuery, tree: QueryTree | None, agencies: Iterable[str] = ()
) -> Clause:
    """Return the text query with the filters around it (filters never score)."""
    text = text_clause(query.text, tree)
    filters = filter_clauses(query, agencies)
    if not filters:
        return text
    return {"bool": {"must": [text], "filter": filters}}


def sort_clause(query: SearchQuery, tree: QueryTree | None) -> list[Clause]:
    """Return the sort: score with ties by id (larger first), or date with undated last."""
    if tree is not None and query.sort == "relevance":
        return [{"_score": "desc"}, {"id": "desc"}]
    order = "asc" if query.sort == "oldest" else "desc"
    return [{"published": {"order": order, "missing": "_last"}}, {"id": order}]
