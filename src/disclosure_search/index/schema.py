"""The Whoosh schema, its analyzers, and the mapping from a Document to pre-analysed fields."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from whoosh import fields, formats
from whoosh.analysis import Token, Tokenizer
from whoosh.system import pack_uint

from disclosure_search.index import analyzer
from disclosure_search.models import Document
from disclosure_search.vocabulary.doc_numbers import document_doc_number_keys
from disclosure_search.vocabulary.topics import TOPIC_SEPARATOR, subject_words, topic_path
from disclosure_search.vocabulary.validity import fold_validity

#: Characters of body text kept in the index for snippets (the archive has the full text).
EXCERPT_CHARS = 12_000
#: Characters of attachment text kept for snippets when the body has no match.
ATTACHMENT_EXCERPT_CHARS = 3_000
#: Bump when the schema or the analysis changes: an index built by another version is rebuilt.
SCHEMA_VERSION = 8
_SKIP_EMPTY = frozenset({
    "agency", "issuer", "year", "category", "source", "doc_number_norm", "validity", "topic",
    "topic_path", "fingerprint",
})



class _OffsetTokenizer(Tokenizer):
    """A Whoosh tokenizer over one of the analyzer's token generators (true offsets)."""

    def __init__(
        self,
        generate: Callable[[str], Iterator[analyzer.Token]],
        positioned: Callable[[str], Iterator[tuple[str, int, int, int]]] | None = None,
    ) -> None:
        self.generate = generate
        self.positioned = positioned

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _OffsetTokenizer) and other.generate is self.generate

    def __hash__(self) -> int:
        return hash(self.generate)

    def tuples(self, value: str) -> Iterator[tuple[str, int, int, int]]:
        """Return ``(text, start, end, position)`` of each token, without Token objects."""
        if self.positioned is not None:
            return self.positioned(value)
        return ((t, s, e, i) for i, (t, s, e) in enumerate(self.generate(value)))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, start, end, index in self.tuples(value):
            pos = start_pos + index
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class TokenPositions(formats.Positions):
    """Whoosh's positions format, counting the tokenizer's tuples directly (same postings).

    Whoosh's own ``word_values`` fills and reads a Token object per word; indexing the body
    spends most of its time there.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        """Yield ``(word, frequency, weight, encoded positions)`` of each distinct word."""
        if not isinstance(analyzer, _OffsetTokenizer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for text, _, _, position in analyzer.tuples(value):
            positions[text].append(position)
        boost, encode = self.field_boost, self.encode
        for word, found in positions.items():
            yield word, len(found), float(len(found)) * boost, encode(found)


class TokenFrequency(formats.Frequency):
    """Whoosh's frequency format, counting the tokenizer's tuples directly (same postings)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        """Yield ``(word, frequency, weight, encoded frequency)`` of each distinct word."""
        if not isinstance(analyzer, _OffsetTokenizer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        counts = Counter(text for text, _, _, _ in analyzer.tuples(value))
        boost = self.field_boost
        for word, count in counts.items():
            yield word, count, float(count) * boost, pack_uint(count)


def _text(
    analyzer: _OffsetTokenizer,
    *,
    phrase: bool = True,
    field_boost: float = 1.0,
    stored: bool = False,
) -> fields.TEXT:
    """A TEXT field whose format reads the analyzer's tuples (see :class:`TokenPositions`)."""
    field = fields.TEXT(analyzer=analyzer, phrase=phrase, field_boost=field_boost, stored=stored)
    kind = TokenPositions if phrase else TokenFrequency
    field.format = kind(field_boost=field_boost)
    return field


class CharGrams(fields.FieldType):
    """Every two-character piece of the text's letter-and-digit runs: matching only.

    Postings carry no frequencies or positions (existence), and the field is never scored:
    it makes any copied piece of a title, body or attachment find its document, while
    ranking stays with the word fields. Terms are computed in one pass with a set
    (:func:`analyzer.chargram_set`), not token by token.
    """

    def __init__(self) -> None:
        self.analyzer = _OffsetTokenizer(analyzer.iter_bigrams)
        self.format = formats.Existence()
        self.stored = False
        self.unique = False
        self.scorable = False
        self.set_sortable(False)

    def index(self, value: str, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for gram in analyzer.chargram_set(value):
            yield gram.encode("utf-8"), 1, 1.0, b""


def words_tokenizer() -> _OffsetTokenizer:
    """Return the Whoosh tokenizer for jieba word fields."""
    return _OffsetTokenizer(analyzer.iter_words, analyzer.iter_word_positions)


def bigram_tokenizer() -> _OffsetTokenizer:
    """Return the Whoosh tokenizer for character-bigram fields."""
    return _OffsetTokenizer(analyzer.iter_bigrams)


def subgram_tokenizer() -> _OffsetTokenizer:
    """Return the Whoosh tokenizer for the bigrams inside long words."""
    return _OffsetTokenizer(analyzer.iter_subgrams)


def build_schema() -> fields.Schema:
    """Return the index schema.

    Word fields hold jieba search-mode words; title and body keep positions for quoted
    phrases. ``title_grams`` holds every bigram of the title (exact phrase matching on
    titles); ``grams`` holds the bigrams inside the body's long words (sub-word recall).
    ``agency`` is the (normalised) 发布机构 as one value (facet, filter), ``issuer`` the
    (normalised) 发文机关 when it differs from it (the agency facet and filter count and
    find a document under both names), ``agency_words`` both as words, so a query naming
    either finds its documents; ``issuing_agency`` is the 发文机关 stored for display;
    ``subject`` holds the 主题词 as words. ``validity`` is folded
    to 有效/失效/废止; ``topic`` is the first level of the 主题分类 (facet) and ``topic_path``
    every prefix of its path (filter). ``written`` and ``seen`` are the 成文日期 and the day
    the archive first saw the document, as YYYYMMDD numbers.
    ``chars`` holds every two-character piece of title, body and attachments (copied pieces).
    """
    words = words_tokenizer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=_text(words, stored=True, field_boost=3.0),
        body=_text(words),
        attachments=_text(words, phrase=False, field_boost=0.5),
        title_grams=_text(bigram_tokenizer(), field_boost=1.5),
        grams=_text(subgram_tokenizer(), phrase=False, field_boost=0.5),
        chars=CharGrams(),
        excerpt=fields.STORED(),
        attachment_excerpt=fields.STORED(),
        doc_number=fields.STORED(),
        doc_number_norm=fields.KEYWORD(lowercase=False, scorable=False),
        category=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True, sortable=True),
        agency=fields.ID(stored=True, sortable=True),
        issuer=fields.ID(sortable=True),
        agency_words=_text(words, phrase=False, field_boost=0.5),
        issuing_agency=fields.STORED(),
        subject=_text(words, phrase=False),
        published=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        written=fields.NUMERIC(int, bits=32, stored=True, signed=False),
        seen=fields.NUMERIC(int, bits=32, signed=False),
        year=fields.ID(sortable=True),
        validity=fields.ID(stored=True, sortable=True),
        topic=fields.ID(sortable=True),
        topic_path=fields.KEYWORD(lowercase=False, scorable=False, commas=True),
        topic_raw=fields.STORED(),
        first_seen=fields.STORED(),
        url=fields.STORED(),
        # the catalog's digest of the content indexed, committed with it: what the index
        # holds can always be compared with the catalog, whatever was interrupted
        fingerprint=fields.ID(sortable=True),
    )


def date_number(value: date | None) -> int:
    """Return a date as the sortable number YYYYMMDD; 0 when there is none."""
    return value.year * 10_000 + value.month * 100 + value.day if value else 0


def number_date(value: int | None) -> date | None:
    """Return the date of a YYYYMMDD number made by :func:`date_number` (None for 0)."""
    if not value:
        return None
    return date(value // 10_000, value // 100 % 100, value % 100)


def doc_number_terms(doc: Document) -> list[str]:
    """Return the exact-match terms of a document's 文号 (published form and normalised)."""
    return sorted(document_doc_number_keys(doc.doc_number, doc.doc_number_norm))


def issuer(doc: Document) -> str:
    """The 发文机关 as a name of its own: "" when the page names none or it is the 发布机构."""
    return doc.issuing_agency if doc.issuing_agency != doc.agency else ""


def agency_words(doc: Document) -> str:
    """The text of the agency words field: the 发布机构, and the 发文机关 when it differs."""
    other = issuer(doc)
    return f"{doc.agency}\n{other}" if other else doc.agency


def topic_prefixes(path: tuple[str, ...]) -> str:
    """Return every prefix of a 主题分类 path joined by :data:`TOPIC_SEPARATOR`, comma-separated."""
    return ",".join(TOPIC_SEPARATOR.join(path[: n + 1]) for n in range(len(path)))


def document_fields(doc: Document) -> dict[str, Any]:
    """Return the field values of ``doc`` for Whoosh's ``add_document``.

    Values are plain strings (picklable): the analysis runs in whichever process writes,
    which is what lets a multi-process writer spread jieba over the CPUs. Empty keyword
    values are left out, so they count in no facet.
    """
    attachment_text = "\n".join(a.text for a in doc.attachments if a.text)
    first_seen: datetime | None = doc.first_seen
    path = topic_path(doc.topic)
    values = {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "attachments": attachment_text,
        "title_grams": doc.title,
        "grams": doc.body,
        "chars": "\n".join((doc.title, doc.body, attachment_text)),
        "excerpt": doc.body[:EXCERPT_CHARS],
        "attachment_excerpt": attachment_text[:ATTACHMENT_EXCERPT_CHARS],
        "doc_number": doc.doc_number,
        "doc_number_norm": doc_number_terms(doc),
        "category": doc.category or "其他",
        "source": doc.source,
        "agency": doc.agency,
        "issuer": issuer(doc),
        "agency_words": agency_words(doc),
        "issuing_agency": doc.issuing_agency,
        "subject": " ".join(subject_words(doc.subject)),
        "published": date_number(doc.published_date),
        "written": date_number(doc.written_date),
        "seen": date_number(first_seen.date()) if first_seen else 0,
        "year": str(doc.published_date.year) if doc.published_date else "",
        "validity": fold_validity(doc.validity),
        "topic": path[0] if path else "",
        "topic_path": topic_prefixes(path),
        "topic_raw": doc.topic,
        "first_seen": first_seen.isoformat() if first_seen else "",
        "url": doc.url,
        "fingerprint": doc.fingerprint,
    }
    return {k: v for k, v in values.items() if v or k not in _SKIP_EMPTY}
