"""The pool stage as the rest of the toolkit sees it: tape analytics plus the cash-flow projection of the pool
that passed its checks and the eligibility criteria."""

from __future__ import annotations

import dataclasses

import polars as pl

from filing.model import LoadedDeal
from filing.pool import PoolReport, Progress, analyse_pool
from filing.pool.cashflow import project_cashflows


def analyse(loaded: LoadedDeal, progress: Progress | None = None) -> PoolReport:
    """Analyse the deal's tape and project its cash flows; a tape with blockers, or with no eligible asset, gets no
    projection, since its figures would be wrong or empty."""
    report = analyse_pool(loaded, progress)
    usable = pl.col("passes_checks")
    if "eligible" in report.frame.columns:
        usable = usable & pl.col("eligible").fill_null(False)
    pool = report.frame.filter(usable)
    if report.blockers or pool.is_empty():
        return report
    deal = loaded.deal
    flows = project_cashflows(pool, deal.assets.asset_class, deal.assets.cut_off_date,
                              deal.token.tranches, deal.cashflow, deal.assets.concession_end,
                              pool_currency=deal.assets.currency)
    return dataclasses.replace(report, cashflows=flows)
