"""The documents blueprint: a document, its captures as archived (sandboxed), and version diffs."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Response, abort, jsonify, render_template, request

from disclosure_search.models import Capture, Document, Version
from disclosure_search.web import present
from disclosure_search.web.captured import rewrite_archived_html
from disclosure_search.web.context import resources, settings
from disclosure_search.web.diff import diff_texts, inline_diff
from disclosure_search.web.errors import wants_json
from disclosure_search.web.security import ARCHIVE_CSP

bp = Blueprint("documents", __name__)

_DOC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> Any:
    """A document: metadata, dates, body, attachments, captures and versions.

    Errors: 404 when no document has this id.
    """
    doc = load_document(doc_id)
    catalog = resources().catalog()
    captures = catalog.captures_for_document(doc.id)
    versions = catalog.versions(doc.id)
    if wants_json():
        return jsonify(present.document_json(doc, captures, versions))
    fields = [(label, _field_text(doc, name)) for name, label in present.FIELD_LABELS]
    return render_template(
        "document.html", doc=doc, fields=[(k, v) for k, v in fields if v],
        captures=list(enumerate(captures, 1)), versions=versions,
    )


@bp.get("/doc/<doc_id>/captures/<int:number>")
def capture(doc_id: str, number: int) -> Any:
    """The page of ours around a capture: a banner and the sandboxed archived copy.

    Errors: 404 when the document or its capture number ``number`` (1 = oldest) is unknown.
    """
    doc = load_document(doc_id)
    found = load_capture(doc.id, number)
    if wants_json():
        return jsonify({"ok": True, "document": doc.id,
                        **present.capture_json(doc.id, number, found)})
    return render_template(
        "capture.html", doc=doc, number=number, capture=found, is_html=_is_html(found, None),
    )


@bp.get("/doc/<doc_id>/captures/<int:number>/raw")
def capture_raw(doc_id: str, number: int) -> Response:
    """The archived response body: HTML decoded to UTF-8 in a CSP sandbox, else a download.

    Errors: 404 when the document or capture is unknown.
    """
    doc = load_document(doc_id)
    found = load_capture(doc.id, number)
    page = resources().catalog().read_page(found)
    content_type = found.content_type or page.header("Content-Type")
    if not _is_html(found, page.body):
        return _download(page.body, found.url)
    from disclosure_search.encoding import decode_html

    text, _charset = decode_html(page.body, content_type)
    html = rewrite_archived_html(text, page.final_url or found.url)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = ARCHIVE_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/doc/<doc_id>/diff")
def diff(doc_id: str) -> Any:
    """What changed between two versions (``from``/``to`` numbers; default the last two).

    Errors: 404 for an unknown document or one with a single version; 400 for bad numbers.
    """
    doc = load_document(doc_id)
    versions = resources().catalog().versions(doc.id)
    if len(versions) < 2:
        abort(404, "该文档只有一个版本，没有可比较的变化。")
    by_number = {v.number: v for v in versions}
    old = by_number.get(_version_arg("from", versions[-2].number))
    new = by_number.get(_version_arg("to", versions[-1].number))
    if old is None or new is None:
        abort(400, f"版本号应为以下之一：{', '.join(str(n) for n in by_number)}。")
    rows = diff_texts(old.body, new.body)
    if wants_json():
        return jsonify({"ok": True, "document": doc.id, "from": old.number, "to": new.number,
                        "title": inline_diff(old.title, new.title),
                        "metadata": _metadata_changes(old, new),
                        "body": [{"kind": r.kind, "parts": r.parts} for r in rows]})
    return render_template(
        "diff.html", doc=doc, old=old, new=new, rows=rows, versions=versions,
        title_parts=inline_diff(old.title, new.title) if old.title != new.title else (),
        metadata=_metadata_changes(old, new),
    )


def load_document(doc_id: str) -> Document:
    """The document with this id, or abort(404) with a plain message."""
    doc = None
    if _DOC_ID.fullmatch(doc_id):
        doc = resources().catalog().document(doc_id)
    if doc is None:
        abort(404, "没有找到该文档，它可能从未被收录。请检查链接或重新检索。")
    return doc


def load_capture(doc_id: str, number: int) -> Capture:
    """Capture number ``number`` (1 = oldest) of a document, or abort(404)."""
    captures = resources().catalog().captures_for_document(doc_id)
    if not 1 <= number <= len(captures):
        abort(404, f"该文档共有 {len(captures)} 个存档副本，没有第 {number} 个。")
    return captures[number - 1]


def _is_html(found: Capture, body: bytes | None) -> bool:
    content_type = (found.content_type or "").split(";")[0].strip().lower()
    if content_type:
        return content_type in _HTML_TYPES
    if found.kind in {"detail", "list"}:
        return True
    return body is not None and b"<html" in body[:2048].lower()


def _download(body: bytes, url: str) -> Response:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "attachment"
    name = re.sub(r'[\\/"\r\n;]', "_", name)[:150]
    response = Response(body, mimetype="application/octet-stream")
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{_rfc5987(name)}"
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _rfc5987(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _version_arg(name: str, default: int) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or len(value) > 9:
        abort(400, f"参数 {name} 应为版本号（正整数）。")
    return int(value)


def _metadata_changes(old: Version, new: Version) -> list[tuple[str, str, str]]:
    keys = sorted(set(old.metadata) | set(new.metadata))
    return [
        (key, old.metadata.get(key, ""), new.metadata.get(key, ""))
        for key in keys
        if old.metadata.get(key, "") != new.metadata.get(key, "")
    ]


def _field_text(doc: Document, name: str) -> str:
    value = getattr(doc, name)
    if name == "source":
        return {s.id: s.name for s in settings().sources}.get(value, value)
    if name == "category_raw" and value == doc.category:
        return ""
    return present.iso(value) or "" if not isinstance(value, str) else value
