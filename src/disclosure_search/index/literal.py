"""A piece copied from a document ranks that document first: the as-typed re-ranking."""

from __future__ import annotations

from typing import Any

from disclosure_search.index import analyzer
from disclosure_search.index.engine import Engine
from disclosure_search.index.query import Leaf

#: Score added to a document whose stored text holds a one-word query as typed (a piece
#: copied from it), checked among the best :data:`LITERAL_WINDOW` by score.
LITERAL_SCORE = 50.0
LITERAL_WINDOW = 50
#: Shorter words are everyday words, ranked by the word fields alone.
LITERAL_MIN_CHARS = 4


def copied_piece(tree: Any) -> str:
    """The query as one copied piece of text (one plain word of 4+ characters), or ""."""
    plain = isinstance(tree, Leaf) and not tree.phrase and tree.scope == "all"
    return tree.text if plain and len(tree.text) >= LITERAL_MIN_CHARS else ""


def literal_first(
    engine: Engine, top: list[tuple[int, float]], piece: str
) -> list[tuple[int, float]]:
    """Rerank: documents whose stored title or excerpts hold ``piece`` as typed come first.

    The ``chars`` field finds every document holding all two-character pieces of a copied
    piece, anywhere; the one that holds it unbroken is the one it was copied from.
    """
    folded = analyzer.fold(piece)
    ids = engine.column("id")
    scored = []
    for docnum, score in top:
        stored = engine.searcher.stored_fields(docnum)
        texts = (stored.get("title", ""), stored.get("excerpt", ""),
                 stored.get("attachment_excerpt", ""))
        if any(piece in t or folded in t for t in texts):
            score += LITERAL_SCORE
        scored.append((score, ids[docnum], docnum))
    scored.sort(reverse=True)
    return [(docnum, score) for score, _, docnum in scored]
