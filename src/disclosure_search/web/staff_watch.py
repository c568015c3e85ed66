"""Saved expected-items lists (/staff/watch): save once, re-checked after every crawl."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for

from disclosure_search.errors import ChecklistError
from disclosure_search.reports import watchlist
from disclosure_search.reports.checklist import COLUMNS
from disclosure_search.web import auth
from disclosure_search.web.staff_base import (
    actor,
    bp,
    catalog,
    checklist_rows,
    checklist_status,
    checklist_text,
    log_action,
    today,
)


@bp.route("/watch", methods=["GET", "POST"])
@auth.login_required
def watch() -> Any:
    """The saved lists with every item's state; POST saves (or replaces) one by name."""
    path = auth.settings().catalog_path
    error, status, name, text = "", 200, "", ""
    if request.method == "POST":
        name, text = request.form.get("name", ""), checklist_text()
        try:
            checklist_rows(text)  # the site's limit, before anything is checked or saved
            saved = watchlist.save(path, name, text, catalog().iter_documents(), saved_by=actor(),
                                   today=today())
        except ChecklistError as exc:
            log_action("watchlist refused", str(exc))
            error, status = str(exc), checklist_status(exc)
            text = "" if status == 413 else text
        else:
            log_action("watchlist save", f"清单“{saved.name}”，共 {saved.items} 项")
            return redirect(url_for("staff.watch", saved=saved.id) + f"#list-{saved.id}")
    lists = watchlist.lists(path)
    items = watchlist.items(path)
    return render_template("staff/watch.html", lists=lists, items=items, error=error,
                           name=name, text=text, columns=COLUMNS,
                           saved=request.args.get("saved", ""),
                           labels=watchlist.STATE_LABELS), status


@bp.post("/watch/<int:list_id>/delete")
@auth.login_required
def watch_delete(list_id: int) -> Any:
    """Delete one saved list (it is no longer re-checked)."""
    name = watchlist.delete(auth.settings().catalog_path, list_id)
    if name is None:
        abort(404, "没有这个清单，可能已被删除。")
    log_action("watchlist delete", f"清单“{name}”")
    return redirect(url_for("staff.watch"))
