"""Toolkit for the CSRC filing of tokenized asset-backed securities issued overseas using domestic assets.

The public API: load a deal, check it against the rulebook; the pool, chain, packet and review stages build on it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from filing.model import LoadedDeal
    from filing.pool import PoolReport
    from filing.rules import CheckReport

_LAZY = {
    "analyse": "filing.analysis", "InputError": "filing.errors", "Problem": "filing.errors", "Deal": "filing.model",
    "LoadedDeal": "filing.model", "json_schema": "filing.model", "load_deal": "filing.model",
    "PoolReport": "filing.pool", "CheckReport": "filing.rules", "Context": "filing.rules", "Finding": "filing.rules",
    "Severity": "filing.rules", "rulebook": "filing.rules", "check_contract": "filing.chain",
    "deploy_contracts": "filing.chain",
}
"""Public names and the module each comes from, imported on first use: `filing --version` needs none of them, and
`filing check` never pays for the chain stage (web3) or the packet (WeasyPrint)."""


def __getattr__(name: str):
    if name == "__version__":
        from filing.version import tool_version

        return tool_version()
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'filing' has no attribute {name!r}")


def check_deal(loaded: LoadedDeal, pool: PoolReport | None = None) -> CheckReport:
    """Run the rulebook over a deal (and its pool report, when the tape was analysed)."""
    from filing.rules import Context, rulebook

    return rulebook().run(Context(loaded.deal, pool))


def check_pool(loaded: LoadedDeal, pool: PoolReport) -> CheckReport:
    """Only the rules that read the pool report: what `filing pool` reports."""
    from filing.rules import Context, rulebook

    return rulebook().run(Context(loaded.deal, pool), select=lambda rule: rule.needs_pool)


__all__ = ["__version__", "InputError", "Problem", "Deal", "LoadedDeal", "load_deal", "json_schema", "check_deal",
           "check_pool", "analyse", "PoolReport", "CheckReport", "Finding", "Severity", "rulebook", "check_contract",
           "deploy_contracts"]
