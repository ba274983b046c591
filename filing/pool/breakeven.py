"""Breakeven default rates: for each tranche and prepayment scenario, the lowest constant annual default rate (CDR)
at which the tranche first loses principal (not repaid in full by its legal maturity) or misses interest (a shortfall
on a payment date), found by a solver over the deal's own projection and waterfall (``project_cashflows``).

The solver is bisection generalised to many points per step: every step evaluates 15 rates inside each tranche's
bracket [highest rate known to pass, lowest known to fail], all in one projection call (the pool's schedule is built
once per call, each rate is a scenario), and keeps the sub-bracket where passing first turns into failing. Four
steps narrow [0, 1] to 16⁻⁴ ≈ 0.0015%; the reported rate is the bracket's failing end, rounded up to 0.01%, so it
is a rate at which the tranche was seen to fail. A tranche that fails without defaults breaks even at 0; one that
survives the whole pool defaulting in the first month (CDR 100%) has no breakeven. Defaults recover at the deal's
base-case recovery rate and lag; each distinct CPR among the deal's scenarios is one prepayment scenario.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from filing.assets import spec
from filing.model.deal import Deal
from filing.pool.cashflow import project_cashflows
from filing.pool.waterfall import TrancheResult

POINTS = 15
STEPS = 4
CENT = 0.005
"""Amounts below half a cent are rounding, not a loss."""
Key = tuple[float, str]
"""(CPR, tranche id)."""


@dataclass(frozen=True)
class Breakeven:
    tranche: str
    cpr: float
    scenarios: tuple[str, ...]
    """The deal's scenarios with this CPR."""
    cdr: float | None
    """Lowest CDR found to break the tranche; None if it holds even when the whole pool defaults at once."""
    failure: str | None
    """What breaks first at that rate: "principal" or "interest"."""
    multiple_of_base: float | None
    """``cdr`` ÷ the deal's base-case CDR (None when that is 0)."""
    multiple_of_history: float | None
    """``cdr`` ÷ the base-case CDR derived from the static-pool history, when there is one."""


@dataclass(frozen=True)
class BreakevenReport:
    base_cdr: float
    history_cdr: float | None
    recovery_rate: float
    recovery_lag_months: int
    rows: tuple[Breakeven, ...]
    """Prepayment scenarios in CPR order, tranches in payment order within each."""


def failure(result: TrancheResult) -> str | None:
    """"principal" if the tranche is not repaid in full by its legal maturity, "interest" if it missed interest on a
    payment date, else None."""
    if not result.repaid_in_full or result.loss > CENT:
        return "principal"
    return "interest" if result.interest_shortfall.max(initial=0.0) > CENT else None


def breakeven(frame: pl.DataFrame, deal: Deal, history_cdr: float | None = None) -> BreakevenReport | None:
    """The breakeven table of the pool in ``frame`` under ``deal``; None for a toll road (no defaults to vary).
    ``frame`` is the pool as the base case projected it: compacted, for receivables (``filing.pool.compact``)."""
    assets, cashflow = deal.assets, deal.cashflow
    if spec(assets.asset_class).cashflow == "revenue" or frame.is_empty():
        return None
    base = cashflow.base
    scenarios = [base, *cashflow.stress]
    prepayments = sorted({float(s.cpr) for s in scenarios})

    def run(rates: Sequence[tuple[float, float]]) -> list[dict[str, str | None]]:
        """Each (cpr, cdr) through the waterfall: tranche id → failure, one dict per rate. A rate asked for twice
        (the first step's brackets of one CPR are all [0, 1]) is projected once: each run judges every tranche."""
        unique = list(dict.fromkeys(rates))
        trials = [base.model_copy(update={"name": f"t{i}", "cpr": cpr, "cdr": cdr})
                  for i, (cpr, cdr) in enumerate(unique)]
        plan = cashflow.model_copy(update={"base": trials[0], "stress": trials[1:]})
        report = project_cashflows(frame, assets.asset_class, assets.cut_off_date, deal.token.tranches, plan,
                                   assets.concession_end, pool_currency=assets.currency,
                                   closing=deal.offering.close_date or deal.offering.launch_date)
        # the trials only: the projection may add its own FX stress after them
        outcomes = {rate: {t.id: failure(t) for t in result.waterfall.tranches}
                    for rate, result in zip(unique, report.scenarios, strict=False)}
        return [outcomes[rate] for rate in rates]

    ends = run([(cpr, cdr) for cpr in prepayments for cdr in (0.0, 1.0)])
    tranches = list(ends[0])
    brackets: dict[Key, tuple[float, float]] = {}
    found: dict[Key, tuple[float | None, str | None]] = {}
    for i, cpr in enumerate(prepayments):
        for tranche in tranches:
            at_zero, at_one = ends[2 * i][tranche], ends[2 * i + 1][tranche]
            if at_zero:
                found[cpr, tranche] = (0.0, at_zero)
            elif not at_one:
                found[cpr, tranche] = (None, None)
            else:
                brackets[cpr, tranche] = (0.0, 1.0)
    kinds = {key: ends[2 * prepayments.index(key[0]) + 1][key[1]] for key in brackets}
    found |= _refine(run, brackets, kinds)
    base_cdr = float(base.cdr)
    rows = []
    for cpr in prepayments:
        names = tuple(s.name for s in scenarios if float(s.cpr) == cpr)
        for tranche in tranches:
            cdr, kind = found[cpr, tranche]
            rows.append(Breakeven(tranche, cpr, names, cdr, kind, _multiple(cdr, base_cdr),
                                  _multiple(cdr, history_cdr)))
    return BreakevenReport(base_cdr, history_cdr, float(base.recovery_rate), base.recovery_lag_months, tuple(rows))


def _refine(run: Callable[[Sequence[tuple[float, float]]], list[dict[str, str | None]]],
            brackets: dict[Key, tuple[float, float]], kinds: dict[Key, str | None]
            ) -> dict[Key, tuple[float, str | None]]:
    """The module docstring's steps: each narrows every bracket to the sub-bracket where passing first turns into
    failing, all brackets' points in one projection call; the rate is the failing end, rounded up to 0.01%."""
    for _ in range(STEPS):
        keys = list(brackets)
        grids = [np.linspace(*brackets[key], POINTS + 2)[1:-1] for key in keys]
        outcomes = run([(key[0], float(cdr)) for key, grid in zip(keys, grids, strict=True) for cdr in grid]
                       ) if keys else []
        for n, (key, grid) in enumerate(zip(keys, grids, strict=True)):
            lo, hi = brackets[key]
            seen = outcomes[n * POINTS:(n + 1) * POINTS]
            first = next((j for j, outcome in enumerate(seen) if outcome[key[1]]), None)
            if first is None:
                brackets[key] = (float(grid[-1]), hi)
            else:
                brackets[key] = (float(grid[first - 1]) if first else lo, float(grid[first]))
                kinds[key] = seen[first][key[1]]
    return {key: (math.ceil(hi * 10_000 - 1e-9) / 10_000, kinds[key]) for key, (_, hi) in brackets.items()}


def _multiple(cdr: float | None, of: float | None) -> float | None:
    return None if cdr is None or not of else cdr / of


__all__ = ["Breakeven", "BreakevenReport", "breakeven", "failure"]
