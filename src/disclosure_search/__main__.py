"""Entry point for ``python -m disclosure_search``."""

from disclosure_search.cli import main

raise SystemExit(main())
