"""Hypothesis profiles, chosen with HYPOTHESIS_PROFILE: `ci` (the default) and `fuzz` (for `make fuzz`).

CI must not flake: examples are derandomized (the same ones every run), no example database is read or written, and
there is no deadline, since a shared two-core runner makes any timing bound a coin toss. `fuzz` is the long random
search (the fuzz tests run 20 times their CI count, see fuzz_support.budget); its database keeps the failures it
finds so that the next run replays them first.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("fuzz", max_examples=2_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
