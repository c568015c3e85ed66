"""What a long publication check costs: one ``POST /api/check`` request, and the CLI's check.

A catalog of ``--docs`` benchmark documents is written to a temporary data folder with one
staff account; checklists of each ``--rows`` size are made from those documents (three rows
in four name a document by its title, a third of those with its 文号; the fourth names a
title no document has). Each list is sent to ``POST /api/check`` through the real Flask app
(the test client, in this process, HTTP Basic) and checked as ``disclosure-search check``
does; wall time, process CPU seconds and the answer's status are printed.

Two row shapes: ``full`` rows (whole titles, ~120 bytes; 100,000 of them are past the web's
2 MB request cap) and ``short`` rows (the first six characters of a title, so 100,000 rows
fit in one request: the case that held a request for minutes).

    python -m bench.check_rows [--docs 5000] [--rows 10000 100000] [--no-cli] [--tiny]

Run it with ``PYTHONPATH=OTHER/src`` to measure another checkout's code the same way.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.corpus import iter_documents, save_results
from bench.machine import load_average
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings, SourceSettings, WebSettings
from disclosure_search.models import Document
from disclosure_search.reports.check import check_documents
from disclosure_search.reports.checklist import parse_checklist
from disclosure_search.web import accounts
from disclosure_search.web.app import create_app

PASSWORD = "bench password 1234"


def checklist(docs: list[Document], rows: int, shape: str) -> bytes:
    """A checklist CSV of ``rows`` rows drawn from ``docs`` (see the module docstring)."""
    lines = ["title,doc_number"]
    for n in range(rows):
        doc = docs[n % len(docs)]
        title = doc.title if n % 4 else doc.title[::-1]  # reversed: no document has it
        if shape == "short":
            title = title[:6]
        number = doc.doc_number if n % 3 == 1 and shape == "full" else ""
        lines.append(f'"{title}",{number}')
    return ("\n".join(lines) + "\n").encode("utf-8")


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run ``work``; (wall seconds, process CPU seconds, its result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main(argv: list[str] | None = None) -> int:
    """Print wall and CPU time of each check; exit 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.check_rows", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--no-cli", action="store_true", help="time the web request only")
    parser.add_argument("--tiny", action="store_true", help="200 documents, 500 rows (CI)")
    args = parser.parse_args(argv)
    docs_count, sizes = (200, [500]) if args.tiny else (args.docs, args.rows)
    docs = list(iter_documents(docs_count, args.corpus))
    figures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), web=WebSettings(secret_key="bench"), sources=(
            SourceSettings(id="kjj", name="科技局", start_urls=("https://bench.example.gov.cn/",)),))
        with Catalog.open(settings.catalog_path) as catalog:
            for doc in docs:
                catalog.upsert_document(doc, None)
        accounts.add_user(settings, "clerk", PASSWORD)
        app = create_app(settings, test_config={"TESTING": True})
        client = app.test_client()
        creds = base64.b64encode(f"clerk:{PASSWORD}".encode()).decode()
        headers = {"Authorization": f"Basic {creds}", "Content-Type": "text/csv"}
        for shape in ("full", "short"):
            for rows in sizes:
                body = checklist(docs, rows, shape)
                load = load_average()
                wall, cpu, response = timed(lambda b=body: client.post(  # type: ignore[misc]
                    "/api/check", data=b, headers=headers))
                cli_wall, cli_cpu = 0.0, 0.0
                if not args.no_cli:
                    cli_wall, cli_cpu, _ = timed(lambda b=body: check_documents(  # type: ignore[misc]
                        docs, parse_checklist(b), date.today()))
                answer = response.get_json() or {}
                said = answer.get("error", f"{answer.get('total')} rows checked")
                print(f"{shape:5} {rows:7,} rows {len(body) / 1e6:5.1f} MB: /api/check "
                      f"{response.status_code} in {wall:6.2f} s ({cpu:6.2f} CPU s) — {said[:70]}"
                      f"; CLI check {cli_wall:6.2f} s ({cli_cpu:6.2f} CPU s); load {load:.1f}",
                      flush=True)
                figures.append({"shape": shape, "rows": rows, "bytes": len(body),
                                "status": response.status_code, "web_s": wall, "web_cpu": cpu,
                                "cli_s": cli_wall, "cli_cpu": cli_cpu, "load": load})
        app.extensions["disclosure_search"].close()
    if not args.tiny:
        save_results(f"check-rows-{docs_count}", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
