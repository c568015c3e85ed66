"""Build the bundled sample portal's data (items and attachments) from the real-document corpus.

Usage: python tools/build_sample_portal.py --corpus DIR [--out DIR]

Deterministic: rerunning on the same corpus writes byte-identical files, on any machine (the
PDFs name Adobe's standard Chinese font rather than embedding one that is installed).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from disclosure_search.sample_portal.builder import build
from disclosure_search.sample_portal.data import DATA_DIR


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the build, print a one-line summary; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path, help="the real-document corpus")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="data folder to write")
    args = parser.parse_args(argv)
    if not (args.corpus / "policy_metadata").is_dir():
        parser.error(f"{args.corpus} has no policy_metadata/ folder; pass the corpus folder")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = build(args.corpus, args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"wrote {args.out}: {summary}; {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
