"""Search quality: a generated evaluation set and the harness that scores the search against it."""

from __future__ import annotations

from bench.relevance.harness import main

__all__ = ["main"]
