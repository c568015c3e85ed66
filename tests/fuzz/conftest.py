"""Hypothesis profiles for the fuzz targets: CI runs a fixed, bounded budget.

CI (default): derandomized, a few dozen examples per target, no example database.
A person looking for crashes runs the long profile, random and much larger::

    HYPOTHESIS_PROFILE=fuzz-long python -m pytest -q tests/fuzz

Each crash found there becomes a fixed case in the target's ``@example`` list.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz-ci", derandomize=True, max_examples=40, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "fuzz-long", max_examples=5_000, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci"))
