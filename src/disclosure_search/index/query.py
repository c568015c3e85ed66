"""Parse what people type into a small query tree; malformed syntax degrades to plain words.

Syntax: words are ANDed; ``"quoted phrases"`` (also “…” and 「…」) match exactly; ``OR``,
``AND``, ``NOT`` (upper case) and a leading ``-`` combine; parentheses group; the prefixes
``title:``/``标题:`` and ``doc_number:``/``文号:`` limit a word or phrase to one field. An
unclosed quote runs to the end, unbalanced parentheses and dangling operators are ignored,
and parentheses or NOTs nested deeper than :data:`MAX_NESTING` are ignored too (their
contents join the enclosing group), so no query can exhaust the parser's recursion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from disclosure_search.errors import QueryError

#: Longest query text accepted, in characters.
MAX_QUERY_CHARS = 500
#: Deepest grouping kept; deeper parentheses and NOTs are flattened into their parent.
MAX_NESTING = 16

_FIELDS = {"title": "title", "标题": "title", "doc_number": "doc_number", "文号": "doc_number"}
_TOKEN = re.compile(
    r"""(?P<field>(?:title|标题|doc_number|文号)[:：])
      | (?P<quote>"[^"]*"?|“[^”]*”?|「[^」]*」?)
      | (?P<open>[(（])
      | (?P<close>[)）])
      | (?P<word>[^\s"“”「」()（）]+)""",
    re.VERBOSE,
)
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Leaf:
    """A word or phrase, in one field scope: ``all``, ``title`` or ``doc_number``."""

    text: str
    phrase: bool = False
    scope: str = "all"


@dataclass(frozen=True)
class Node:
    """An operator over children: ``and``, ``or`` or ``not`` (one child)."""

    op: str
    children: tuple[Leaf | Node, ...]


QueryTree = Leaf | Node


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "word"
        value = match.group()
        if kind == "quote":
            value = value[1:-1] if len(value) > 1 and value[-1] in '"”」' else value[1:]
        elif kind == "word" and value in _OPERATORS:
            kind = value
        elif kind == "word" and value.startswith("-") and len(value) > 1:
            tokens.append(("NOT", "NOT"))
            value = value[1:]
        tokens.append((kind, value))
    return tokens


class _Parser:
    """Recursive descent over the lexed tokens; never raises on odd input."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.explicit = any(kind in _OPERATORS for kind, _ in tokens)

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse_or(self) -> QueryTree | None:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.pos += 1
            parts.append(self.parse_and())
        return _combine("or", parts)

    def parse_and(self) -> QueryTree | None:
        parts: list[QueryTree | None] = []
        while self.peek() not in (None, "OR", "close"):
            if self.peek() == "AND":
                self.pos += 1
                continue
            parts.append(self.parse_unary())
        return _combine("and", parts)

    def parse_unary(self) -> QueryTree | None:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind in ("NOT", "open") and self.depth >= MAX_NESTING:
            return None  # too deep: the operator or bracket is dropped, its words stay
        if kind == "NOT":
            self.depth += 1
            inner = self.parse_unary() if self.peek() not in (None, "OR", "close") else None
            self.depth -= 1
            return Node("not", (inner,)) if inner else None
        if kind == "open":
            self.depth += 1
            inner = self.parse_or()
            self.depth -= 1
            if self.peek() == "close":
                self.pos += 1
            return inner
        if kind == "field":
            return self.parse_field(_FIELDS[value[:-1]])
        if kind in ("word", "quote"):
            return Leaf(value.strip(), phrase=kind == "quote") if value.strip() else None
        return None  # a stray closing parenthesis

    def parse_field(self, scope: str) -> QueryTree | None:
        if self.peek() not in ("word", "quote"):
            return None
        kind, value = self.tokens[self.pos]
        self.pos += 1
        return Leaf(value.strip(), phrase=kind == "quote", scope=scope) if value.strip() else None


def _combine(op: str, parts: list[QueryTree | None]) -> QueryTree | None:
    kept = tuple(p for p in parts if p is not None)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else Node(op, kept)


def parse(text: str) -> tuple[QueryTree | None, bool]:
    """Parse query text into a tree.

    Args:
        text: the query as typed.

    Returns:
        ``(tree, explicit)``: the tree (None when nothing searchable is left) and whether
        the text used explicit operators (then no OR fallback is tried).

    Raises:
        QueryError: the text is longer than :data:`MAX_QUERY_CHARS`.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"检索词有 {len(text)} 个字，最多 {MAX_QUERY_CHARS} 个")
    parser = _Parser(_lex(text))
    parts: list[QueryTree | None] = []
    while parser.peek() is not None:
        parts.append(parser.parse_or())
        if parser.peek() == "close":  # unbalanced ")" at top level: skip it
            parser.pos += 1
    return _combine("and", parts), parser.explicit


def leaves(tree: QueryTree | None, *, positive: bool = True) -> list[Leaf]:
    """Return the leaves of ``tree`` that a match must contain (not those under NOT)."""
    if tree is None:
        return []
    if isinstance(tree, Leaf):
        return [tree] if positive else []
    if tree.op == "not":
        return []
    return [leaf for child in tree.children for leaf in leaves(child, positive=positive)]


def as_any(tree: QueryTree) -> QueryTree:
    """Return the OR fallback of a plain AND-of-words tree (used when AND finds nothing)."""
    if isinstance(tree, Node) and tree.op == "and":
        return Node("or", tree.children)
    return tree
