"""The versions `filing --version` prints, in a module of their own so that printing them imports nothing else."""

from __future__ import annotations

from functools import cache

RULEBOOK_VERSION = "2026.12.2"
"""The current rulebook release, printed by `filing --version`; it must be the last of `filing.rules.history`'s
releases (tests/test_rules_history.py)."""


@cache
def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("filing")
    except PackageNotFoundError:  # running from a checkout without installation
        return "0.0.0+checkout"


__all__ = ["RULEBOOK_VERSION", "tool_version"]
