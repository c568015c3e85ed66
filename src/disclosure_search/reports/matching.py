"""Match checklist rows to archived documents, tolerating script, 文号 and punctuation variants."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from disclosure_search.models import Document
from disclosure_search.reports.checklist import ChecklistRow
from disclosure_search.vocabulary.doc_numbers import (
    doc_number_keys,
    document_doc_number_keys,
)
from disclosure_search.vocabulary.folding import to_simplified

#: Titles at least this similar (0..1) count as the same item.
SIMILARITY_THRESHOLD = 0.85
#: Two candidates whose scores differ by less than this are equally good: ambiguous.
TIE_MARGIN = 0.005
#: How many candidates sharing the most title bigrams are scored precisely.
_SHORTLIST = 25

Outcome = Literal["matched", "ambiguous", "none"]

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def plain_title(title: str) -> str:
    """Return ``title`` without spaces, punctuation or width differences, ASCII lowercased."""
    text = unicodedata.normalize("NFKC", title).lower()
    return _NOT_WORD.sub("", text)


def folded_title(title: str) -> str:
    """Return :func:`plain_title` with Traditional characters mapped to Simplified."""
    return to_simplified(plain_title(title))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


@dataclass(frozen=True)
class Match:
    """How a row was matched: the document(s) and the reason in words staff can read."""

    outcome: Outcome
    documents: tuple[Document, ...] = ()
    reason: str = ""
    score: float = 0.0

    @property
    def document(self) -> Document | None:
        """The matched document when exactly one was found."""
        return self.documents[0] if self.outcome == "matched" else None


class DocumentMatcher:
    """Indexes documents once by 文号 and title so that many rows can be matched quickly."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents = list(documents)
        self._by_number: dict[str, list[Document]] = defaultdict(list)
        self._by_raw: dict[str, list[Document]] = defaultdict(list)
        self._by_plain: dict[str, list[Document]] = defaultdict(list)
        self._by_folded: dict[str, list[Document]] = defaultdict(list)
        self._by_bigram: dict[str, list[int]] = defaultdict(list)
        self._folded: list[str] = []
        self._folded_by_id: dict[str, str] = {}
        for position, doc in enumerate(self.documents):
            for number in document_doc_number_keys(doc.doc_number, doc.doc_number_norm):
                self._by_number[number].append(doc)
            folded = folded_title(doc.title)
            self._folded.append(folded)
            self._folded_by_id[doc.id] = folded
            self._by_raw[doc.title.strip()].append(doc)
            self._by_plain[plain_title(doc.title)].append(doc)
            self._by_folded[folded].append(doc)
            for gram in _bigrams(folded):
                self._by_bigram[gram].append(position)

    def match(self, row: ChecklistRow) -> Match:
        """Return the best match for ``row``: by 文号 first, then by title.

        A 文号 shared by several documents is settled by title; a row whose 文号 is
        found nowhere is still matched by title (staff often mistype numbers).
        """
        if row.doc_number:
            keys = doc_number_keys(row.doc_number)
            candidates = [doc for key in sorted(keys) for doc in self._by_number.get(key, [])]
            found = self._scoped(candidates, row)
            if len(found) == 1:
                return Match("matched", (found[0],), "文号一致", 1.0)
            if found:
                return self._best_by_title(found, row, prefix="文号一致，")
            return _note_number_mismatch(self._match_title(row), keys)
        return self._match_title(row)

    def _scoped(self, docs: Sequence[Document], row: ChecklistRow) -> list[Document]:
        """Keep the row's source when it names one; prefer its category when that narrows."""
        if row.source:
            docs = [d for d in docs if d.source == row.source]
        if row.category and len(docs) > 1:
            same = [d for d in docs if row.category in {d.category, d.category_raw}]
            docs = same or docs
        return _unique(docs)

    def _match_title(self, row: ChecklistRow) -> Match:
        exact = (
            (self._by_raw.get(row.title.strip(), []), "标题一致"),
            (self._by_plain.get(plain_title(row.title), []), "标题一致（忽略空格和标点）"),
            (self._by_folded.get(folded_title(row.title), []), "标题一致（繁简转换后）"),
        )
        for docs, reason in exact:
            found = self._scoped(docs, row)
            if len(found) == 1:
                return Match("matched", (found[0],), reason, 1.0)
            if len(found) > 1:
                return Match("ambiguous", tuple(found), f"{reason}，但有 {len(found)} 份文件", 1.0)
        return self._best_by_title(self._shortlist(row), row)

    def _shortlist(self, row: ChecklistRow) -> list[Document]:
        grams = _bigrams(folded_title(row.title))
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self._by_bigram.get(gram, ()))
        need = max(1, len(grams) // 3)
        return [self.documents[p] for p, n in shared.most_common(_SHORTLIST) if n >= need]

    def _best_by_title(self, docs: Sequence[Document], row: ChecklistRow,
                       prefix: str = "") -> Match:
        target = folded_title(row.title)
        threshold = 0.0 if prefix else SIMILARITY_THRESHOLD
        scored = sorted(self._similar(target, self._scoped(docs, row), threshold),
                        key=lambda pair: -pair[0])
        scored = [(s, d) for s, d in scored if s >= threshold]
        if not scored:
            return Match("none", reason="未找到文号或标题相符的文件")
        best, doc = scored[0]
        ties = [d for s, d in scored if best - s < TIE_MARGIN]
        label = f"{prefix}标题相似度 {best:.2f}"
        if len(ties) > 1:
            return Match("ambiguous", tuple(ties), f"{label}，有 {len(ties)} 份同样相符", best)
        return Match("matched", (doc,), label, best)


    def _similar(self, target: str, docs: Sequence[Document],
                 threshold: float) -> Iterator[tuple[float, Document]]:
        """(similarity, document) of ``docs``, skipping those that cannot reach ``threshold``.

        Titles are folded once per matcher, and difflib's cheap upper bound rules most
        candidates out before the full comparison: a 100,000-row checklist stays fast.
        """
        best = 0.0
        for doc in docs:
            folded = self._folded_by_id.get(doc.id) or folded_title(doc.title)
            if not target or not folded:
                yield 0.0, doc
                continue
            matcher = difflib.SequenceMatcher(None, target, folded, autojunk=False)
            floor = max(threshold, best - TIE_MARGIN)
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            score = matcher.ratio()
            best = max(best, score)
            yield score, doc


def _note_number_mismatch(match: Match, keys: set[str]) -> Match:
    doc = match.document
    if doc is None or not doc.doc_number:
        return match
    if keys & document_doc_number_keys(doc.doc_number, doc.doc_number_norm):
        return match
    reason = f"{match.reason}；文号不一致（页面为 {doc.doc_number}）"
    return Match(match.outcome, match.documents, reason, match.score)


def _unique(docs: Sequence[Document]) -> list[Document]:
    seen: dict[str, Document] = {}
    for doc in docs:
        seen.setdefault(doc.id, doc)
    return list(seen.values())
