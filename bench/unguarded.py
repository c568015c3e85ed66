"""``disclosure-search`` with the extraction and fetch guards taken out, for ``bench.guards``.

    python -m bench.unguarded --config FILE crawl --full

The same code as the product, with three things replaced before the command runs:

- attachments are read in this process (no worker process, no time or memory budget);
- HTML trees are walked without their depth and element count checked first;
- a request has no deadline watchdog (no timer thread per request).

What is left is the normal path as it was before the guards: the difference in time and CPU
seconds between this and ``python -m disclosure_search`` is what the guards cost.
"""

from __future__ import annotations

import sys
from typing import Any

from disclosure_search import cli
from disclosure_search.crawl import fetch
from disclosure_search.errors import ExtractError
from disclosure_search.extract import calls, html, tree, worker


def _in_process(self: worker.ExtractWorker, func: Any, *args: Any) -> Any:
    try:
        return func(*args)
    except ExtractError:
        raise
    except Exception as exc:  # what the worker reports as the item's failure
        raise ExtractError(f"{type(exc).__name__}: {exc}") from None


def _unchecked(root: tree.Element) -> None:
    pass


class _NoWatchdog:
    fired = False

    def __init__(self, conn: object, seconds: float) -> None:
        pass

    def cancel(self) -> None:
        pass


def unguard() -> None:
    """Replace the guards (see the module docstring)."""
    worker.ExtractWorker.call = _in_process
    worker.ExtractWorker.close = lambda self: None
    for module in (tree, html, calls):  # each imported the check by name
        assert hasattr(module, "check_shape"), module
        module.check_shape = _unchecked
    fetch._Watchdog = _NoWatchdog


if __name__ == "__main__":
    unguard()
    sys.exit(cli.main(sys.argv[1:]))
