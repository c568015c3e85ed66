"""A result hit built from the fields an index keeps for display, with its snippet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from disclosure_search.index import snippets
from disclosure_search.index.schema import number_date
from disclosure_search.models import SearchHit


def hit(
    stored: dict[str, Any], score: float | None, pattern: Any, with_snippet: bool
) -> SearchHit:
    """Return the hit for a document's shown fields; the snippet is cut when asked for."""
    title = stored.get("title", "")
    first_seen = stored.get("first_seen") or None
    snippet = ""
    if with_snippet:
        # not the title: the result list shows it already, marked
        texts = (stored.get("excerpt", ""), stored.get("attachment_excerpt", ""))
        snippet = snippets.snippet(texts, pattern)
    return SearchHit(
        id=stored["id"],
        title=title,
        url=stored.get("url", ""),
        source=stored.get("source", ""),
        category=stored.get("category", ""),
        doc_number=stored.get("doc_number", ""),
        agency=stored.get("agency", ""),
        issuing_agency=stored.get("issuing_agency", ""),
        published_date=number_date(stored.get("published")),
        written_date=number_date(stored.get("written")),
        validity=stored.get("validity", ""),
        topic=stored.get("topic_raw", ""),
        first_seen=datetime.fromisoformat(first_seen) if first_seen else None,
        snippet=snippet,
        score=float(score or 0.0),
        title_html=snippets.highlight_all(title, pattern),
    )
