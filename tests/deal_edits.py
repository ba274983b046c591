"""Helpers to derive test deals from the compliant examples by editing fields at model paths."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from filing.model.load import LoadedDeal, _plain, read_document, validate_deal

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TRADE_RECEIVABLES = EXAMPLES / "trade-receivables" / "deal.yaml"
DELETE = object()
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def example_tree(path: Path = TRADE_RECEIVABLES) -> dict[str, Any]:
    return _plain(read_document(path), str(path))


def edited(changes: dict[str, Any], path: Path = TRADE_RECEIVABLES) -> LoadedDeal:
    """The example deal with each `model.path[0].field` set to a value (or removed with DELETE), validated."""
    tree = copy.deepcopy(example_tree(path))
    for where, value in changes.items():
        steps = [int(index) if index else name for name, index in _STEP.findall(where)]
        parent = tree
        for step in steps[:-1]:
            parent = parent[step]
        if value is DELETE:
            del parent[steps[-1]]
        elif isinstance(parent, list) and steps[-1] == len(parent):
            parent.append(value)
        else:
            parent[steps[-1]] = value
    return LoadedDeal(validate_deal(tree, path), path, allow_outside_tape=True)  # tests point the tape at tmp files
