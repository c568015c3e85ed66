"""What a figure was measured on: the machine's load while it ran."""

from __future__ import annotations

import os


def load_average() -> float:
    """Return the one-minute load average (0.0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0
