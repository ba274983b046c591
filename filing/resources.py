"""Where packaged files live (inside the wheel, filing/_bundled, or in a checkout at the repository's top level)
and which version of the tool this is."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _resource(*parts: str) -> Path:
    bundled = _PACKAGE.joinpath("_bundled", *parts)
    return bundled if bundled.exists() else _CHECKOUT.joinpath(*parts)


def templates_dir() -> Path:
    return _resource("templates")


def artifacts_dir() -> Path:
    return _resource("contracts", "artifacts")


@cache
def tool_version() -> str:
    """The installed package's version; a checkout run without installation says so."""
    try:
        return version("filing")
    except PackageNotFoundError:
        return "0.0.0+checkout"
