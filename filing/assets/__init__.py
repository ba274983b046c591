"""Asset classes in one place: each module of this package describes one class in a ``SPEC`` (its tape columns with
their header aliases, where its cash flow comes from, which disclosures apply, what ``filing init`` writes), and this
registry collects them.

Why: a class used to be a branch in the reader, the checks, the cash-flow projection, the rules and the scaffold;
now those read the class's spec, so a new class is one module here plus its example and tests. The package sits
the deal model (which takes ``AssetClass`` from here), so it imports nothing else of ``filing``.
"""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum

from filing.assets.spec import AssetSpec, Column, Kind, RowCheckSpec

SPECS: dict[str, AssetSpec] = {}
"""Class name → its spec, in name order."""

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _spec = getattr(importlib.import_module(f"{__name__}.{_module.name}"), "SPEC", None)
    if isinstance(_spec, AssetSpec):
        SPECS[_spec.name] = _spec

AssetClass = StrEnum("AssetClass", [(name, name) for name in SPECS])  # type: ignore[misc]
"""The registered asset classes, as the deal file names them (``assets.asset_class``)."""


def spec(asset_class: str) -> AssetSpec:
    """The spec of a class (an ``AssetClass`` or its name); KeyError names the known classes."""
    try:
        return SPECS[str(asset_class)]
    except KeyError:
        raise KeyError(f"unknown asset class {asset_class!r}; use one of {', '.join(SPECS)}") from None


def _catalogue() -> tuple[dict[str, Kind], dict[str, tuple[str, ...]]]:
    """Every column's kind and aliases across the classes; a column or alias that two classes define differently
    would make a header mean different things, so it fails here, at import, rather than on some tape."""
    kinds: dict[str, Kind] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    for item in SPECS.values():
        for column in item.columns:
            if kinds.setdefault(column.name, column.kind) != column.kind \
                    or aliases.setdefault(column.name, column.aliases) != column.aliases:
                raise ValueError(f"asset class {item.name}: column {column.name} differs from another class's")
    return kinds, aliases


KINDS, ALIASES = _catalogue()
"""Canonical column → how it is parsed; canonical column → the header spellings that mean it."""

ASSET_CLASS_LABELS: dict[str, dict[str, str]] = {
    f"asset_class_{name}": {"zh": item.label_zh, "en": item.label_en} for name, item in SPECS.items()}
"""The classes' names as glossary entries, for the documents."""

__all__ = ["ASSET_CLASS_LABELS", "AssetClass", "AssetSpec", "Column", "Kind", "RowCheckSpec", "SPECS", "KINDS",
           "ALIASES", "spec"]
