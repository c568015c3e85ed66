"""Hostile files and pages built in the test: zip bombs under the ratio limit, deep nesting.

Each is what a portal could really serve (or a broken CMS produce); none is stored in the
project, they are made on demand.
"""

from __future__ import annotations

import io
import os
import zipfile
from functools import lru_cache

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"'
    b'/></Relationships>')
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@lru_cache(maxsize=4)
def paragraph_bomb(unpacked_mb: int, padding_kb: int) -> bytes:
    """A DOCX whose document.xml is ``unpacked_mb`` MB of empty paragraphs (``<w:p/>``).

    ``padding_kb`` of random bytes, stored, keep the packed/unpacked ratio under a ratio
    limit, as in a real attack that a ratio check alone lets through.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + _W + b"><w:body>")
            block = b"<w:p/>" * (1024 * 1024 // 6)
            for _ in range(unpacked_mb):
                member.write(block)
            member.write(b"</w:body></w:document>")
        archive.writestr(zipfile.ZipInfo("word/media/padding.bin"), os.urandom(padding_kb * 1024))
    return out.getvalue()


def nested_page(depth: int, title: str, body: str) -> str:
    """A detail page whose text sits ``depth`` ``<div>`` elements deep."""
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"{'<div>' * depth}<h1>{title}</h1><p>{body}</p>{'</div>' * depth}</body></html>")
