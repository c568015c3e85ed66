"""HTML-safe highlighted snippets, found by locating the query's terms in folded text.

Whoosh's highlighter re-analyses the whole stored text of every hit with jieba; here the
query's terms (already folded) are located with one regular expression over the folded text,
which has the same length as the original, so offsets map back one to one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from disclosure_search.vocabulary.folding import fold

#: Characters of text shown in a snippet.
SNIPPET_CHARS = 160


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Return one regex matching any of ``terms`` (folded), longest first; None if no terms."""
    unique = sorted({t for t in terms if t}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(t) for t in unique))


def _matches(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int, str]]:
    if pattern is None or not text:
        return []
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(fold(text))]


def _best_window(matches: list[tuple[int, int, str]], size: int) -> int:
    """Return the start of the window of ``size`` characters with the most distinct terms."""
    best_start, best_score = matches[0][0], -1
    for i, (start, _, _) in enumerate(matches[:200]):  # bounded: long texts repeat terms
        inside = [term for _, e, term in matches[i : i + 50] if e <= start + size]
        score = len(set(inside)) * 1000 + len(inside)
        if score > best_score:
            best_start, best_score = start, score
    return best_start


def mark(text: str, matches: list[tuple[int, int, str]]) -> str:
    """Return ``text`` HTML-escaped with each ``(start, end, term)`` span wrapped in <mark>."""
    out: list[str] = []
    cursor = 0
    for start, end, _ in matches:
        if start < cursor:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def highlight_all(text: str, pattern: re.Pattern[str] | None) -> str:
    """Return the whole of a short text (a title) escaped, with every match marked."""
    return mark(text, _matches(text, pattern))


def snippet(
    texts: Iterable[str], pattern: re.Pattern[str] | None, size: int = SNIPPET_CHARS
) -> str:
    """Return an HTML-safe fragment of the first text that contains a match.

    Args:
        texts: candidate texts in order of preference (body excerpt, attachment text, title).
        pattern: from :func:`term_pattern`.
        size: characters of text in the fragment.

    Returns:
        Escaped text with matches in ``<mark>``, "…" where it was cut; the start of the
        first non-empty text when nothing matches; "" when all texts are empty.
    """
    candidates = [t for t in texts if t]
    for text in candidates:
        matches = _matches(text, pattern)
        if not matches:
            continue
        start = max(0, _best_window(matches, size) - size // 4)
        end = min(len(text), start + size)
        inside = [(s - start, e - start, t) for s, e, t in matches if s >= start and e <= end]
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        return prefix + mark(_squash(text[start:end]), inside) + suffix
    if not candidates:
        return ""
    text = candidates[0]
    return html.escape(_squash(text[:size])) + ("…" if len(text) > size else "")


def _squash(text: str) -> str:
    """Replace line breaks and tabs by spaces (same length, so offsets still hold)."""
    return re.sub(r"[\r\n\t]", " ", text)
