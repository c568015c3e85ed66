"""Find label/value pairs (索引号, 发布机构, 成文日期, ...) in a page and name their fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from disclosure_search.extract.tree import (
    Element,
    elements,
    is_element,
    next_element,
    strings,
    text_of,
)
from disclosure_search.vocabulary.labels import FIELD_LABELS, label_table, simplified_label

_SPACE = re.compile(r"[\s\u200b\ufeff\u00a0\u3000]+")
_COLON = "：:"
_MAX_LABEL = 8
_MAX_VALUE = 300
_SEPARATOR_CHARS = "|｜丨/,，;；、【】[]()（）"
# A "value" that opens with its own short label ("字号：大 中 小") is the next pair, not a value.
_ANOTHER_PAIR = re.compile(r"^[\u4e00-\u9fff\s]{1,8}[：:]")


@dataclass(frozen=True)
class LabelPair:
    """One label and its value as found in the page, and the label element (if any)."""

    label: str
    value: str
    element: Element | None = None


@lru_cache(maxsize=1)
def inline_label_pattern() -> re.Pattern[str]:
    """A known label (letters may be spaced out) followed by a colon, at a boundary."""
    labels = sorted(label_table(), key=len, reverse=True)
    spaced = "|".join(r"[\s\u3000]*".join(re.escape(ch) for ch in label) for label in labels)
    boundary = rf"(?:^|(?<=[\s\u3000{re.escape(_SEPARATOR_CHARS)}]))"
    return re.compile(rf"{boundary}({spaced})[\s\u3000]*[{_COLON}]")


def clean_text(text: str) -> str:
    """Collapse runs of whitespace (including full-width and zero-width) to one space."""
    return _SPACE.sub(" ", text).strip()


def as_label(text: str) -> str | None:
    """Return the canonical label spelling if ``text`` is nothing but a known label."""
    key = _SPACE.sub("", text).rstrip(_COLON)
    if not key or len(key) > _MAX_LABEL:
        return None
    return key if key in label_table() else None


def _clean_value(text: str) -> str:
    value = clean_text(text).lstrip(_COLON + " ")
    return value if len(value) <= _MAX_VALUE else ""


def _next_value(element: Element) -> str:
    """The text right after a label element: a following text node or sibling element."""
    following: list[str | Element] = [element.tail] if element.tail else []
    sibling = element.getnext()
    while sibling is not None:
        if is_element(sibling):
            following.append(sibling)
        elif sibling.text:  # a comment: BeautifulSoup read its text as a string too
            following.append(sibling.text)
        if sibling.tail:
            following.append(sibling.tail)
        sibling = sibling.getnext()
    for item in following:
        value = _clean_value(item if isinstance(item, str) else text_of(item, " "))
        if value:
            return "" if as_label(value) or _ANOTHER_PAIR.match(value) else value
    return ""


def _element_pairs(root: Element) -> Iterator[LabelPair]:
    for element in chain([root], elements(root)):
        if element.tag in {"script", "style", "a", "option", "title"}:
            continue
        text = text_of(element)
        if len(text) > 40:
            continue
        label = as_label(text)
        if label is None:
            continue
        value = _next_value(element)
        if value:
            yield LabelPair(label, value, element)


def _split_inline(text: str) -> Iterator[tuple[str, str]]:
    matches = list(inline_label_pattern().finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = _clean_value(text[match.end() : end]).strip(_SEPARATOR_CHARS + " ")
        label = _SPACE.sub("", match.group(1))
        if value and not as_label(value):
            yield label, value


def _inline_pairs(root: Element) -> Iterator[LabelPair]:
    for text, parent in strings(root):
        if parent is None or parent.tag in {"script", "style", "title"}:
            continue
        if len(text.strip()) > _MAX_VALUE * 2 or not any(c in text for c in _COLON):
            continue
        for label, value in _split_inline(text):
            yield LabelPair(label, value, None)


def _cells(row: Element) -> list[Element]:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _header_row_pairs(root: Element) -> Iterator[LabelPair]:
    """Tables whose first row holds only labels and whose next row holds the values."""
    for row in elements(root, "tr"):
        cells = _cells(row)
        if len(cells) < 2 or not all(as_label(text_of(cell)) for cell in cells):
            continue
        following = next_element(row)
        while following is not None and following.tag != "tr":
            following = next_element(following)
        values = _cells(following) if following is not None else []
        if len(values) != len(cells):
            continue
        for cell, value_cell in zip(cells, values, strict=True):
            value = _clean_value(text_of(value_cell, " "))
            label = as_label(text_of(cell))
            if value and label:
                yield LabelPair(label, value, cell)


def find_label_pairs(root: Element) -> list[LabelPair]:
    """Return every label/value pair in the page, structured ones first.

    Recognises label and value in neighbouring cells (``td``/``th``), ``dt``/``dd``,
    sibling spans or divs, a label element followed by a text node, label rows above
    value rows, and "label：value" (several per line allowed) inside one text node.

    Args:
        root: the parsed page or part of it.

    Returns:
        Pairs in document order within each kind; labels have spaces removed.
    """
    pairs = list(_element_pairs(root))
    pairs.extend(_header_row_pairs(root))
    pairs.extend(_inline_pairs(root))
    return pairs


def map_fields(pairs: Iterable[LabelPair]) -> dict[str, str]:
    """Return field -> value, choosing per field the most trusted label present.

    Args:
        pairs: label/value pairs, e.g. from :func:`find_label_pairs`.

    Returns:
        Keys among ``FIELD_LABELS`` (title, index_number, category, agency, written_date,
        doc_number, published_date, validity, subject), and for each one found
        ``<field>_label`` naming the label it came from as published.
    """
    table = label_table()
    by_label: dict[str, str] = {}
    for pair in pairs:
        by_label.setdefault(pair.label, pair.value)
    ranked: dict[str, tuple[int, str, str]] = {}
    for label, value in by_label.items():
        field = table[label]
        simplified = simplified_label(label)
        rank = FIELD_LABELS[field].index(simplified) if simplified in FIELD_LABELS[field] else 99
        if field not in ranked or rank < ranked[field][0]:
            ranked[field] = (rank, value, label)
    fields = {field: value for field, (_, value, _) in ranked.items()}
    fields.update({f"{field}_label": label for field, (_, _, label) in ranked.items()})
    return fields
