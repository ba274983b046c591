"""The pool stage as the rest of the toolkit sees it: tape analytics plus the cash-flow projection of the pool
that passed its checks and the eligibility criteria. The build, the check and the review all run this one stage."""

from __future__ import annotations

import dataclasses

import polars as pl

from filing.errors import InputError
from filing.model import Deal, LoadedDeal
from filing.pool import PoolReport, Progress, analyse_pool
from filing.pool.cashflow import ProjectionError, project_cashflows


def analyse(loaded: LoadedDeal, progress: Progress | None = None) -> PoolReport:
    """Analyse the deal's tape and project its cash flows; InputError when the tape cannot be read, or when the tape
    or the deal's terms leave nothing to project (a toll road with months of history, notes that mature before the
    cut-off), naming the tape column or the deal field."""
    pool = analyse_pool(loaded, progress)
    try:
        return with_cashflows(pool, loaded.deal)
    except ProjectionError as error:
        file, path = (loaded.tape_path, error.column) if error.column else (loaded.source, error.field)
        raise InputError.single(file, f"the cash flows cannot be projected: {error}", path=path or "") from None


def with_cashflows(pool: PoolReport, deal: Deal) -> PoolReport:
    """The pool report with the base and stress projections over the assets that pass the checks and are eligible
    (the pool the tokens are sold against); with no such asset there is nothing to project."""
    usable = pl.col("passes_checks")
    if "eligible" in pool.frame.columns:
        usable = usable & pl.col("eligible").fill_null(False)
    frame = pool.frame.filter(usable) if not pool.frame.is_empty() else pool.frame
    if pool.cashflows is not None or frame.is_empty():
        return pool
    try:
        projection = project_cashflows(frame, deal.assets.asset_class, deal.assets.cut_off_date, deal.token.tranches,
                                       deal.cashflow, deal.assets.concession_end, pool_currency=deal.assets.currency,
                                       closing=deal.offering.close_date or deal.offering.launch_date)
    except ProjectionError:
        if frame.height < pool.frame.height:
            return pool  # rows the checks set aside broke it (a gap in a toll history): their findings say why
        raise
    return dataclasses.replace(pool, cashflows=projection)
