"""The versions `filing --version` prints, in a module of their own so that printing them imports nothing else."""

from __future__ import annotations

from functools import cache

RULEBOOK_VERSION = "2026.12.1"
"""The current rulebook release; `filing.rules.history` records it and every earlier one."""


@cache
def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("filing")
    except PackageNotFoundError:  # running from a checkout without installation
        return "0.0.0+checkout"


__all__ = ["RULEBOOK_VERSION", "tool_version"]
