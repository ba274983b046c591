"""Where packaged files live: inside the wheel (filing/_bundled) or, in a checkout, at the repository's top level."""

from __future__ import annotations

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

