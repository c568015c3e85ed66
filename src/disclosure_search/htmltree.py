"""The product's one HTML parser: a page's bytes or text to an ``lxml.html`` tree, once.

The crawler parses every HTML page it fetches with it, and extraction reads the same tree
(handed on when both run in one process, parsed here from the archive otherwise). lxml.html
was chosen by measurement (``python -m bench.html_parsers``; figures in
``extract/README.md``): it builds a tree some 20 times faster than BeautifulSoup on lxml,
in C, in less than half the memory. Where libxml2's tree builder does worse than an HTML5
parser it is helped here: an XML declaration in front of an XHTML page (lxml refuses it in
text), and anything after an explicit ``</body>`` or ``</html>`` (libxml2 2.14 drops it;
browsers and BeautifulSoup keep it in the body).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from disclosure_search.encoding import decode_as, decode_html

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# Only the explicit end tags: libxml2 then closes body and html at the end of the text,
# so what follows them stays in the body as in a browser.
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)


def parse_text(text: str, base_url: str | None = None) -> lxml.html.HtmlElement:
    """Parse a page's text into its ``<html>`` element; an empty page gives an empty tree.

    Args:
        text: the page as text (decoded once, see :func:`read_page`).
        base_url: the page's URL, kept on the tree.

    Returns:
        The root element; never raises on broken markup.
    """
    text = _DOCUMENT_END.sub("", _XML_DECLARATION.sub("", text, count=1))
    try:
        return lxml.html.document_fromstring(text or "<html></html>", base_url=base_url)
    except (etree.ParserError, ValueError):  # nothing but whitespace or comments
        return lxml.html.document_fromstring("<html></html>", base_url=base_url)


def read_page(
    body: bytes, content_type: str | None = None, charset: str | None = None,
    base_url: str | None = None,
) -> tuple[lxml.html.HtmlElement, str]:
    """Decode an HTML body and parse it, once.

    Args:
        body: the response body as received.
        content_type: its Content-Type header value, if any.
        charset: the charset the page was decoded with when first read (the catalog keeps
            it); None to find it (``encoding.decode_html``).
        base_url: the page's URL.

    Returns:
        (root element, the charset the text was decoded with).
    """
    if charset:
        text = decode_as(body, charset, content_type)
    else:
        text, charset = decode_html(body, content_type)
    return parse_text(text, base_url), charset
