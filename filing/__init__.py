"""Toolkit for the CSRC filing of tokenized asset-backed securities issued overseas using domestic assets.

The public API: load a deal, check it against the rulebook; the pool, chain, packet and review stages build on it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

from filing.analysis import analyse
from filing.errors import InputError, Problem
from filing.model import Deal, LoadedDeal, json_schema, load_deal
from filing.pool import PoolReport
from filing.rules import CheckReport, Context, Finding, Severity, rulebook

try:
    __version__ = version("filing")
except PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0.0.0+checkout"


_LAZY = {"check_contract": "filing.chain", "deploy_contracts": "filing.chain"}
"""Public names whose modules pull in web3; imported on first use so that `filing check` does not pay for them."""


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'filing' has no attribute {name!r}")


def check_deal(loaded: LoadedDeal, pool: PoolReport | None = None, rulebook_version: str | None = None) -> CheckReport:
    """Run the rulebook (or an older release of it) over a deal (and its pool report, when the tape was analysed)."""
    return rulebook(rulebook_version).run(Context(loaded.deal, pool))


def check_pool(loaded: LoadedDeal, pool: PoolReport) -> CheckReport:
    """Only the rules that read the pool report: what `filing pool` reports."""
    return rulebook().run(Context(loaded.deal, pool), select=lambda rule: rule.needs_pool)


__all__ = ["__version__", "InputError", "Problem", "Deal", "LoadedDeal", "load_deal", "json_schema", "check_deal",
           "check_pool", "analyse", "PoolReport", "CheckReport", "Finding", "Severity", "rulebook", "check_contract",
           "deploy_contracts"]
