"""Find a detail page's main text and render it as plain text, paragraphs kept as lines."""

from __future__ import annotations

import re
from collections.abc import Iterable

from disclosure_search.extract.tree import (
    HIDDEN,
    Element,
    classes,
    drop,
    elements,
    first,
    inside,
    is_element,
    matches,
    own_strings,
    select,
    text_of,
)

# Containers content systems put the article in, most specific first (TRS, Hanweb, gkmlpt, ...).
KNOWN_CONTAINERS: tuple[str, ...] = (
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    ".zoom",
    "#Zoom",
    "#UCAP-CONTENT",
    ".article-content",
    ".article_content",
    ".arti_content",
    ".art_con",
    ".artContent",
    ".pages_content",
    ".content_text",
    ".news_content",
    ".wz_content",
    "#mainText",
    ".main-txt",
    ".bt_content",
)
GENERIC_CONTAINERS: tuple[str, ...] = ("article", "#content", ".content", ".article", "main")

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "form", "nav", "header",
              "footer", "aside", "select", "button", "input", "object", "embed")  # fmt: skip
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|header|head_top|topbar|top-bar|footer|foot|bottom|"
    r"breadcrumb|crumbs?|position|location|dqwz|share|bdshare|related|relevant|xgwz|xgxx|"
    r"print|close|fontsize|font-size|zihao|toolbar|tools|sidebar|side|copyright|pagination|"
    r"page-bar|pager|search|login|qrcode|ewm)(?:$|[\s_-])",
    re.IGNORECASE,
)
_NOISE_LINE = re.compile(
    r"^(?:[【\[]?\s*(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回顶部|收藏|分享|保存|"
    r"打印文章|关闭文章)\s*[】\]]?\s*)+$|^字号[:：]?\s*(?:[【\[]?\s*[大中小]\s*[】\]]?\s*)+$|"
    r"^分享到[:：]?.*$|^当前位置[:：].*$|^扫一扫.*$",
)
_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
           "section", "article", "dl", "dt", "dd", "ul", "ol", "blockquote", "pre", "hr",
           "center", "tbody", "thead"}  # fmt: skip
_CELLS = {"td", "th"}
_SPACES = re.compile(r"[ \t\u00a0\u3000\u200b\ufeff]+")
_MIN_PARAGRAPH = 15


def _attr_text(tag: Element) -> str:
    return f"{classes(tag)} {tag.get('id') or ''}"


def strip_boilerplate(root: Element) -> None:
    """Remove scripts, navigation, headers, footers, share and print widgets in place."""
    for tag in list(elements(root, *_DROP_TAGS)):
        drop(tag)
    for tag in list(elements(root)):
        if tag.tag in {"html", "body"} or not _in_tree(tag, root):
            continue
        if _BOILERPLATE.search(_attr_text(tag)) and not _is_known_container(tag):
            drop(tag)


def _in_tree(tag: Element, root: Element) -> bool:
    return tag is root or inside(tag, root)


def _is_known_container(tag: Element) -> bool:
    """True for an article container (or an ancestor of one) that a class name made look
    like boilerplate, e.g. ``<div class="content print">``."""
    return any(matches(tag, sel) or select(tag, sel, itself=False) for sel in KNOWN_CONTAINERS)


def _outermost(tags: Iterable[Element]) -> Element | None:
    """Of the candidates not nested in another candidate, the one with the most text."""
    found = list({id(tag): tag for tag in tags}.values())
    tops = [t for t in found if not any(o is not t and inside(t, o) for o in found)]
    if not tops:
        return None
    return max(tops, key=lambda tag: len(text_of(tag, strip=True)))


def _link_density(tag: Element) -> float:
    text = len(text_of(tag, strip=True)) or 1
    linked = sum(len(text_of(a, strip=True)) for a in elements(tag, "a"))
    return linked / text


def _densest(root: Element) -> Element | None:
    """The element holding most non-link paragraph text (a simple text-density vote)."""
    scores: dict[int, tuple[float, Element]] = {}
    for block in elements(root, "p", "div", "td", "li", "span", "font"):
        own = "".join(own_strings(block)).strip()
        if len(own) < _MIN_PARAGRAPH or any(a.tag == "a" for a in block.iterancestors()):
            continue
        parent = block if block.tag in {"div", "td"} else block.getparent()
        for weight, holder in ((1.0, parent), (0.5, parent.getparent() if parent is not None
                                                 else None)):
            if holder is not None:
                score = scores.get(id(holder), (0.0, holder))[0] + weight * len(own)
                scores[id(holder)] = (score, holder)
    if not scores:
        return None
    best = max(scores.values(), key=lambda item: item[0])[1]
    return best if _link_density(best) < 0.5 else None


def find_main(root: Element) -> Element | None:
    """Return the element holding the article text, or None when there is none.

    Known content-system containers win; then generic ones (``article``, ``#content``);
    then the element with the most non-link paragraph text.
    """
    for selectors in (KNOWN_CONTAINERS, GENERIC_CONTAINERS):
        candidates = [tag for sel in selectors for tag in select(root, sel)]
        candidates = [t for t in candidates
                      if text_of(t, strip=True) or first(t, "img") is not None]
        if selectors is KNOWN_CONTAINERS and candidates:
            return _outermost(candidates)
        if candidates:
            best = _outermost(candidates)
            if best is not None and _link_density(best) < 0.5:
                return best
    return _densest(root)


def _walk(node: Element, out: list[str], hidden: bool) -> None:
    if node.text and not hidden:
        out.append(node.text)
    for child in node:
        if is_element(child):
            block = child.tag in _BLOCKS
            if block:
                out.append("\n")
            elif child.tag in _CELLS:
                out.append(" ")
            _walk(child, out, hidden or child.tag in HIDDEN)
            if block:
                out.append("\n")
        if child.tail and not hidden:
            out.append(child.tail)


def render_text(node: Element) -> str:
    """Return the visible text of ``node``: one line per paragraph, spaces collapsed."""
    parts: list[str] = []
    _walk(node, parts, node.tag in HIDDEN)
    lines = []
    for raw in "".join(parts).replace("\r", "\n").split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if line and not _NOISE_LINE.match(line):
            lines.append(line)
    return "\n".join(lines)
