"""The real material a sample-portal build draws from, and what it has used so far."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from disclosure_search.sample_portal import plan
from disclosure_search.sample_portal.corpus import PolicyRow


@dataclass
class Pools:
    """The real material still unused: policy rows per year and body passages."""

    rng: random.Random
    by_year: dict[int, list[PolicyRow]]
    passages: list[str]
    used: set[str] = field(default_factory=set)
    next_passage: int = 0
    serial: int = 0

    def take(self, year: int, category: str) -> PolicyRow:
        """Take an unused row published in ``year``, fitting ``category`` where one is left."""
        rows = self.by_year[year]
        fresh = (r for r in rows if r.title not in self.used)
        picked = next((r for r in fresh if plan.fits(r, category)), None)
        if picked is None:
            picked = next(r for r in rows if r.title not in self.used)
        self.used.add(picked.title)
        return picked

    def passage(self, limit: int | None = None) -> str:
        """Return the next real passage (places rewritten), cut at a paragraph under ``limit``."""
        text = self.passages[self.next_passage % len(self.passages)]
        self.next_passage += 1
        text = plan.rewrite_places(text)
        if limit is not None and len(text) > limit:
            cut = text.rfind("\n", 0, limit)
            text = text[: cut if cut > limit // 3 else limit]
        return text

    def number(self) -> int:
        """Return a fresh, increasing 7-digit article number."""
        self.serial += self.rng.randint(1, 40)
        return 2_100_000 + self.serial
