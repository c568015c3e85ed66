"""Progress display for long work: a live line on a terminal, sparse lines in logs."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Shows how far a long job has got, without flooding a log file.

    On a terminal the same line is rewritten at most ten times a second; elsewhere (CI, cron
    mail) one line is written every ``every`` steps or ``interval_s`` seconds.
    """

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        stream: TextIO | None = None,
        every: int = 100,
        interval_s: float = 10.0,
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = every
        self.interval_s = interval_s
        self.count = 0
        self.started = time.monotonic()
        self._last_write = 0.0
        self._last_count = 0

    def step(self, detail: str = "", n: int = 1) -> None:
        """Count ``n`` more units of work; ``detail`` says what was just done."""
        self.count += n
        now = time.monotonic()
        if self.tty:
            if now - self._last_write >= 0.1:
                self._write(detail, end="\r")
                self._last_write = now
        elif (self.count - self._last_count >= self.every
              or now - self._last_write >= self.interval_s):
            self._write(detail, end="\n")
            self._last_write = now
            self._last_count = self.count

    def done(self) -> float:
        """Finish the line; returns the seconds elapsed."""
        elapsed = time.monotonic() - self.started
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.flush()
        return elapsed

    def _write(self, detail: str, end: str) -> None:
        elapsed = time.monotonic() - self.started
        of = f"/{self.total}" if self.total else ""
        rate = self.count / elapsed if elapsed > 0 else 0.0
        text = f"{self.label}: {self.count}{of} ({rate:.1f}/s) {detail}"
        if self.tty:
            text = text[:150]
            self.stream.write("\r\033[K" + text + end)
        else:
            self.stream.write(text + end)
        self.stream.flush()
