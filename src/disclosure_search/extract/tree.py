"""Reading a page's lxml tree the way extraction needs: visible text, strings, parts, selectors.

Text inside ``script``, ``style``, ``template`` and ruby annotations (``rt``, ``rp``) is not
visible text, and comments are not text: the same strings a reader of the page sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from lxml import etree
from lxml.html import HtmlElement as Element  # the element type of every page tree

from disclosure_search.errors import ExtractError

HIDDEN = frozenset({"script", "style", "template", "rt", "rp"})
_NOT_HIDDEN = " or ".join(f"ancestor::{tag}" for tag in sorted(HIDDEN))
_VISIBLE_TEXT = etree.XPath(f"descendant::text()[not({_NOT_HIDDEN})]")
_STRINGS = etree.XPath("descendant::text() | descendant::comment()")
#: Pages nested deeper than this are refused: the tree walks of extraction would take
#: quadratic time. Real disclosure pages nest 10-40 deep; libxml2 stops at 256.
MAX_DEPTH = 200
#: Pages with more elements than this are refused before extraction walks them. Real detail
#: pages have a few thousand.
MAX_ELEMENTS = 100_000


def check_shape(root: Element) -> None:
    """Refuse a page too deep or too large to walk (ExtractError); C-speed counting."""
    elements = sum(1 for _ in root.iter(etree.Element))
    if _deeper_than(root, MAX_DEPTH):
        raise ExtractError(f"page refused: its elements nest more than {MAX_DEPTH} deep")
    if elements > MAX_ELEMENTS:
        raise ExtractError(f"page refused: {elements} elements (more than {MAX_ELEMENTS})")


@cache
def _depth_probe(depth: int) -> etree.XPath:
    return etree.XPath("boolean(" + "/*" * depth + ")")


def _deeper_than(root: Element, depth: int) -> bool:
    """True when an element lies more than ``depth`` levels below the document node."""
    return bool(_depth_probe(depth + 1)(root.getroottree()))


def is_element(node: object) -> bool:
    """True for an element (not a comment or processing instruction)."""
    return isinstance(getattr(node, "tag", None), str)


def text_of(node: Element, separator: str = "", *, strip: bool = False) -> str:
    """The visible text under ``node``, its text nodes joined by ``separator``.

    Args:
        node: an element; a ``script`` or ``style`` element gives its own code.
        separator: put between text nodes.
        strip: strip each text node and leave out the empty ones.
    """
    if node.tag in HIDDEN:
        parts: Iterable[str] = node.itertext()
    else:
        parts = _VISIBLE_TEXT(node)
    if strip:
        parts = [p.strip() for p in parts if p.strip()]
    return separator.join(parts)


def strings(root: Element) -> Iterator[tuple[str, Element | None]]:
    """Every text node and comment under ``root`` in document order, with its parent element."""
    for node in _STRINGS(root):
        if isinstance(node, str):
            parent = node.getparent()  # type: ignore[attr-defined]
            if node.is_tail and parent is not None:  # type: ignore[attr-defined]
                parent = parent.getparent()
            yield str(node), parent
        elif node.text:
            yield node.text, node.getparent()


def own_strings(node: Element) -> list[str]:
    """The text nodes (and comments) directly inside ``node``, in order."""
    out = [node.text] if node.text else []
    for child in node:
        if not is_element(child) and child.text:
            out.append(child.text)
        if child.tail:
            out.append(child.tail)
    return out


def elements(root: Element, *names: str) -> Iterator[Element]:
    """The elements under ``root`` (not ``root`` itself), of ``names`` or all, in order."""
    for node in root.iterdescendants(*names) if names else root.iterdescendants():
        if is_element(node):
            yield node


def first(root: Element, *names: str) -> Element | None:
    """The first element under ``root`` of ``names``."""
    return next(elements(root, *names), None)


def inside(node: Element, container: Element) -> bool:
    """True when ``node`` lies under ``container`` (not ``container`` itself)."""
    return any(parent is container for parent in node.iterancestors())


def attached(node: Element, root: Element) -> bool:
    """True when ``node`` is still in ``root``'s tree (not dropped with some ancestor)."""
    return node is root or inside(node, root)


def next_element(node: Element) -> Element | None:
    """The next sibling that is an element."""
    sibling = node.getnext()
    while sibling is not None and not is_element(sibling):
        sibling = sibling.getnext()
    return sibling


def classes(node: Element) -> str:
    """The element's class names joined by one space."""
    return " ".join((node.get("class") or "").split())


@cache
def _selector(selector: str) -> etree.XPath:
    """XPath of a simple CSS selector: ``.class``, ``#id`` or a tag name."""
    if selector.startswith("."):
        test = f"contains(concat(' ', normalize-space(@class), ' '), ' {selector[1:]} ')"
        return etree.XPath(f"descendant-or-self::*[{test}]")
    if selector.startswith("#"):
        return etree.XPath(f"descendant-or-self::*[@id='{selector[1:]}']")
    return etree.XPath(f"descendant-or-self::{selector}")


def select(root: Element, selector: str, *, itself: bool = True) -> list[Element]:
    """Elements matching a simple CSS selector in ``root``'s tree (``root`` itself too,
    unless ``itself`` is False), in document order."""
    found: list[Element] = _selector(selector)(root)
    return found if itself else [node for node in found if node is not root]


def matches(node: Element, selector: str) -> bool:
    """True when ``node`` itself matches a simple CSS selector."""
    if selector.startswith("."):
        return selector[1:] in (node.get("class") or "").split()
    if selector.startswith("#"):
        return node.get("id") == selector[1:]
    return node.tag == selector


def drop(node: Element) -> None:
    """Remove ``node`` and everything under it; the text after it stays where it was."""
    if node.getparent() is not None:
        node.drop_tree()
