"""Toolkit for the CSRC filing of tokenized asset-backed securities issued overseas using domestic assets.

The public API: the stages (`filing.stages`: load, analyse, chain, check, assemble, build) and the types between
them. Names are imported on first use, so that `filing --version` or `filing check` does not pay for the EVM or the
PDF renderer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from filing.model import LoadedDeal
    from filing.pool import PoolReport
    from filing.rules import Verdict

_LAZY = {
    "InputError": "filing.errors", "Problem": "filing.errors",
    "Deal": "filing.model", "LoadedDeal": "filing.model", "load_deal": "filing.model", "json_schema": "filing.model",
    "PoolReport": "filing.pool",
    "Finding": "filing.findings", "Severity": "filing.findings", "Verdict": "filing.findings",
    "CheckReport": "filing.rules", "rulebook": "filing.rules",
    "analyse": "filing.stages", "stages": "filing",
}


def __getattr__(name: str):
    if name == "__version__":
        from filing.version import tool_version

        return tool_version()
    if name == "stages":
        return import_module("filing.stages")
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'filing' has no attribute {name!r}")


def check_deal(loaded: LoadedDeal, pool: PoolReport | None = None, evidence=None, *,
               rulebook_version: str | None = None) -> Verdict:
    """The one verdict over a deal, its pool report and the chain evidence (each when given), under the current
    rulebook or an older release: `stages.check`."""
    from filing.stages import check

    return check(loaded.deal, pool, evidence, rulebook_version=rulebook_version)


def check_pool(loaded: LoadedDeal, pool: PoolReport) -> Verdict:
    """Only the rules that read the pool report: what `filing pool` reports."""
    from filing.stages import check_pool as pool_rules

    return pool_rules(loaded.deal, pool)


__all__ = ["__version__", "check_deal", "check_pool", *_LAZY]
