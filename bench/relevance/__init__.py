"""Search quality: a generated evaluation set and the harness that scores the search against it."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the relevance evaluation (see :mod:`bench.relevance.harness`)."""
    from bench.relevance.harness import main as run

    return run(argv)
