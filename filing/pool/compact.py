"""A pool of receivables projected as the few hundred groups it is made of, for the same cash flows.

A receivable's projection is linear in its balance (interest at rate / 12 on it each month, all of it at maturity;
``filing.pool.cashflow``), so receivables that share a maturity date, a rate and a currency project as one asset of
their summed balance. A million-row tape has a few hundred such groups: the projection's per-asset schedule, most of
its cost, shrinks accordingly, and the breakeven solver's repeated projections cost next to nothing. Leases carry
per-asset instalments, frequencies and residuals and are projected as they are.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from filing.assets import spec
from filing.model.deal import AssetClass, Cashflow, Tranche
from filing.pool.cashflow import CashflowReport, ProjectionError, project_cashflows


def compact(frame: pl.DataFrame, asset_class: AssetClass) -> pl.DataFrame:
    """Receivables summed by maturity date, rate and currency, numbered in that order; any other pool unchanged."""
    if spec(asset_class).cashflow != "bullet":
        return frame
    keys = [c for c in ("maturity_date", "interest_rate", "currency") if c in frame.columns]
    grouped = (frame.lazy().group_by(keys).agg(pl.col("outstanding_balance").sum())  # streaming: a third of the
               .sort(keys, nulls_last=True).with_row_index("asset_id").collect(engine="streaming"))  # eager CPU
    return grouped.with_columns(pl.col("asset_id").cast(pl.String).str.zfill(9))


def project_compacted(frame: pl.DataFrame, asset_class: AssetClass | str, cut_off: date, tranches: list[Tranche],
                      cashflow: Cashflow, concession_end: date | None = None, *, pool_currency: str | None = None,
                      closing: date | None = None) -> CashflowReport:
    """``project_cashflows`` over the compacted pool; a projection error is raised by the asset-by-asset projection
    instead, so that its message names real asset ids."""
    asset_class = AssetClass(asset_class)
    try:
        return project_cashflows(compact(frame, asset_class), asset_class, cut_off, tranches, cashflow,
                                 concession_end, pool_currency=pool_currency, closing=closing)
    except ProjectionError:
        return project_cashflows(frame, asset_class, cut_off, tranches, cashflow, concession_end,
                                 pool_currency=pool_currency, closing=closing)


__all__ = ["compact", "project_compacted"]
