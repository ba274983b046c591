"""Pool analytics: read a tape, check it, apply the eligibility criteria and describe the pool for the filing.

The public names load on first use, so that importing one submodule (the rulebook reads ``filing.pool.checks``)
does not import the whole stage."""

from __future__ import annotations

from importlib import import_module

_LAZY = {"analyse_pool": "analyse", "analyse_tape": "analyse", "Progress": "analyse", "STEPS": "analyse",
         "TAPE_CHECKS": "checks", "TapeFinding": "checks", "read_tape": "read", "Tape": "read",
         "PoolReport": "report", "SCHEMAS": "schema"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"filing.pool.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'filing.pool' has no attribute {name!r}")


__all__ = ["analyse_pool", "analyse_tape", "read_tape", "Tape", "PoolReport", "TapeFinding", "TAPE_CHECKS",
           "SCHEMAS", "Progress", "STEPS"]
