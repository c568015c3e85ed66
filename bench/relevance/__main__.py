"""Run the relevance evaluation: ``python -m bench.relevance [--tiny]``."""

from __future__ import annotations

import sys

from bench.relevance.harness import main

if __name__ == "__main__":
    sys.exit(main())
