"""Turn a parsed query tree and a SearchQuery's filters into Whoosh query objects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from whoosh import query as wq

from disclosure_search.errors import QueryError
from disclosure_search.index import analyzer
from disclosure_search.index.matching import Reorder
from disclosure_search.index.query import Leaf, Node, QueryTree, leaves, parse
from disclosure_search.index.schema import date_number
from disclosure_search.models import SearchQuery
from disclosure_search.vocabulary.doc_numbers import doc_number_keys, looks_like_doc_number
from disclosure_search.vocabulary.topics import topic_key

#: Score added to an exact 文号 match, so that it ranks above any text match.
DOC_NUMBER_SCORE = 1_000_000.0
#: Score added per query word or phrase found as one unbroken run in a title: a title typed
#: partly (若干意见的通知) ranks above titles that merely contain its words apart.
TITLE_RUN_SCORE = 25.0

#: Where an agency filter looks: the 发布机构, and the 发文机关 where it differs.
AGENCY_FIELDS = ("agency", "issuer")
_WORD_FIELDS = {"all": ("title", "body", "attachments", "agency_words", "subject"),
                "title": ("title",)}
# where a bigram inside a word can be: a two-character word, or the sub-word field
_BIGRAM_FIELDS = {"all": ("title_grams", "body", "grams"), "title": ("title_grams",)}
_PHRASE_FIELDS = {"all": ("title", "body"), "title": ("title",)}


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _doc_number_query(text: str) -> wq.Query:
    keys = sorted(doc_number_keys(text))
    if not keys:
        return wq.NullQuery
    return wq.Or([wq.Term("doc_number_norm", key) for key in keys])


def _phrase(field: str, tokens: list[str], slop: int = 1) -> wq.Query:
    if len(tokens) == 1:
        return wq.Term(field, tokens[0])
    return wq.Phrase(field, tokens, slop=slop)


def _title_run(grams: list[str]) -> wq.Query:
    """A bonus for titles holding the text unbroken (its bigrams in sequence)."""
    return Reorder(_phrase("title_grams", grams), TITLE_RUN_SCORE)


def _phrase_query(leaf: Leaf) -> wq.Query:
    """Words in sequence in the title or body, or the title's bigrams in sequence."""
    words = analyzer.words(leaf.text)
    slop = 1 + analyzer.stop_gaps(leaf.text)  # stop words inside leave gaps in positions
    clauses = [_phrase(f, words, slop) for f in _PHRASE_FIELDS[leaf.scope]] if words else []
    grams = analyzer.bigrams(leaf.text)
    if grams:
        clauses += [_phrase("title_grams", grams), _title_run(grams)]
    return wq.Or(clauses) if clauses else wq.NullQuery


def _leaf_query(leaf: Leaf) -> wq.Query:
    if leaf.scope == "doc_number":
        return _doc_number_query(leaf.text)
    if leaf.phrase:
        return _phrase_query(leaf)
    clauses: list[wq.Query] = []
    words = _unique(analyzer.words(leaf.text))
    grams = _unique(analyzer.bigrams(leaf.text))
    word_fields = _WORD_FIELDS[leaf.scope]
    if grams == words:  # one two-character word: also look for it inside longer words
        word_fields = tuple(dict.fromkeys(word_fields + _BIGRAM_FIELDS[leaf.scope]))
    if words:
        per_word = [wq.Or([wq.Term(f, w) for f in word_fields]) for w in words]
        clauses.append(wq.And(per_word))
    # sub-word recall: every bigram of the word inside some word (农业 in 中国农业发展银行)
    if grams and grams != words:
        fields = _BIGRAM_FIELDS[leaf.scope]
        clauses.append(wq.And([wq.Or([wq.Term(f, g) for f in fields]) for g in grams]))
    if grams:  # matches only what the clauses above match; it changes the order, not the set
        clauses.append(_title_run(grams))
    if leaf.scope == "all":
        clauses.append(_piece_query(leaf.text))
    return wq.Or(clauses) if clauses else wq.NullQuery


def _piece_query(text: str) -> wq.Query:
    """A copied piece: every two-character piece of its runs in ``chars`` (match only).

    This is what finds a piece that starts or ends inside a word, cuts through a number or
    holds a one-character word (``014年全省粮食生``, ``子镇人民政府``); it adds no score.
    """
    pieces = copied_pieces(text)
    if not pieces:
        return wq.NullQuery
    return wq.ConstantScoreQuery(wq.And([wq.Term("chars", p) for p in pieces]), 0.0)


def copied_pieces(text: str) -> list[str]:
    """Return the distinct two-character pieces of a copied piece's runs, in order."""
    return _unique([gram for run in analyzer.chargram_runs(text) for gram in run])


def tree_query(tree: QueryTree) -> wq.Query:
    """Return the Whoosh query for a parsed tree (see :mod:`disclosure_search.index.query`)."""
    if isinstance(tree, Leaf):
        return _leaf_query(tree)
    if tree.op == "not":
        return wq.Not(tree_query(tree.children[0]))
    children = [tree_query(child) for child in tree.children]
    if tree.op == "or":
        return wq.Or(children)
    if all(isinstance(c, wq.Not) for c in children):  # only exclusions: exclude from everything
        children.insert(0, wq.Every())
    return wq.And(children)


def text_query(text: str, tree: QueryTree | None) -> wq.Query:
    """Return the query for the whole text; a text shaped like a 文号 also matches it exactly.

    Args:
        text: the query as typed.
        tree: its parse (None: nothing searchable, which matches every document).

    Returns:
        A Whoosh query; exact 文号 matches score :data:`DOC_NUMBER_SCORE` above the rest.
    """
    base = tree_query(tree) if tree is not None else wq.Every()
    if looks_like_doc_number(text):
        exact = wq.ConstantScoreQuery(_doc_number_query(text), DOC_NUMBER_SCORE)
        return wq.Or([exact, base])
    return base


def filter_query(query: SearchQuery, agencies: Iterable[str] = ()) -> wq.Query | None:
    """Return the filter of every restriction ``query`` sets, or None when it sets none.

    Args:
        query: the search; see :class:`~disclosure_search.models.SearchQuery` for what each
            filter means.
        agencies: the agency names in the index (发布机构 and 发文机关); ``query.agency``
            keeps the documents either of whose names contains it (script and width folded).
    """
    terms: list[wq.Query] = [
        wq.Term(name, value)
        for name, value in (
            ("category", query.category),
            ("source", query.source),
            ("validity", query.validity),
        )
        if value
    ]
    if query.agency:
        names = agency_matches(query.agency, agencies)
        terms.append(wq.Or([wq.Term(f, a) for a in names for f in AGENCY_FIELDS])
                     if names else wq.NullQuery)
    if query.topic:
        terms.append(wq.Term("topic_path", topic_key(query.topic)))
    if query.doc_number:
        terms.append(_doc_number_query(query.doc_number))
    for field, start, end in (
        ("published", query.date_from, query.date_to),
        ("written", query.written_from, query.written_to),
        ("seen", query.since, None),
    ):
        if start or end:  # 0 means "no date": an open start still begins at 1
            terms.append(wq.NumericRange(
                field, date_number(start) if start else 1, date_number(end) if end else None))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)


def agency_matches(text: str, agencies: Iterable[str]) -> list[str]:
    """Return the agencies an ``agency`` filter selects (script and width folded).

    A whole name selects that agency only (a facet link for 示例市人民政府 must not bring in
    示例市人民政府办公厅); part of a name selects every agency containing it (科技局).
    """
    wanted = analyzer.fold(text)
    folded = {name: analyzer.fold(name) for name in agencies}
    exact = sorted(name for name, f in folded.items() if f == wanted)
    return exact or sorted(name for name, f in folded.items() if wanted in f)


def parsed(query: SearchQuery) -> tuple[QueryTree | None, bool]:
    """Check a query's paging, parse its text and limit it to its scope (either engine).

    Returns the tree and whether an operator was typed (see :func:`query.parse`).
    """
    if query.page < 1 or query.per_page < 1:
        raise QueryError("page 和 per_page 至少为 1")
    tree, explicit = parse(query.text)
    return scoped(tree, query.scope), explicit


def scoped(tree: QueryTree | None, scope: str) -> QueryTree | None:
    """Return ``tree`` with its unscoped words limited to ``scope`` (``in=title``)."""
    if tree is None or scope == "all":
        return tree
    if isinstance(tree, Leaf):
        return replace(tree, scope=scope) if tree.scope == "all" else tree
    return Node(tree.op, tuple(scoped(child, scope) or child for child in tree.children))


def highlight_terms(tree: QueryTree | None) -> list[str]:
    """Return the folded strings to mark in snippets: each word or phrase and its jieba words."""
    terms: list[str] = []
    for leaf in leaves(tree):
        if leaf.scope == "doc_number":
            continue
        folded = analyzer.fold(leaf.text)
        terms.append(folded)
        if not leaf.phrase:
            terms.extend(w for w in analyzer.words(leaf.text) if len(w) > 1)
    return _unique(terms)
