"""Cash-flow projection speed: 100,000 leases × 120 months × 5 scenarios through a 3-tranche waterfall.

Prints the median of several runs of ``project_cashflows`` (and of ``to_dict``), the peak memory that tracemalloc
sees (numpy buffers are traced; polars' own Rust allocations are not), and a baseline: a naive per-asset Python
loop over the same schedule and static scenario maths, timed on 1,000 assets in the same run and scaled to 100,000.
Target: ≤ 3 s for the projection. Run: ``.venv/bin/python benchmarks/cashflow_bench.py``.
"""

from __future__ import annotations

import math
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl

from filing.model.deal import Cashflow, Scenario, Tranche
from filing.pool.cashflow import project_cashflows

ASSETS, BASELINE_ASSETS, RUNS = 100_000, 1_000, 5
CUT_OFF = date(2025, 6, 30)
SCENARIOS = Cashflow(senior_fees_rate="0.005", base=Scenario(name="base", cpr="0.05", cdr="0.01", recovery_rate="0.5",
                                                              recovery_lag_months=6),
                     stress=[Scenario(name=f"stress{i}", cpr=str(0.05 * i), cdr=str(0.05 * i), recovery_rate="0.3",
                                      recovery_lag_months=12) for i in range(1, 5)])


def synthetic_tape(count: int, seed: int = 7) -> pl.DataFrame:
    """Leases maturing within 120 months, monthly or quarterly, half with a tape instalment."""
    rng = np.random.default_rng(seed)
    months = rng.integers(1, 121, count)
    balance = np.round(rng.uniform(10_000, 2_000_000, count), 2)
    rate = np.round(rng.uniform(0.03, 0.12, count), 4)
    every = rng.choice([1, 3], count)
    payments = np.ceil(months / every)
    period_rate = rate * every / 12
    level = balance * period_rate / (1 - (1 + period_rate) ** -payments)
    maturity = np.array([np.datetime64(CUT_OFF, "M") + m + 1 for m in months]).astype("datetime64[D]") - 1
    return pl.DataFrame({
        "asset_id": [f"L{i:06d}" for i in range(count)],
        "outstanding_balance": pl.Series(balance).cast(pl.Decimal(38, 2)),
        "maturity_date": maturity,
        "interest_rate": rate,
        "payment_frequency": pl.Series(every, dtype=pl.Int8),
        "installment_amount": pl.Series(np.where(rng.random(count) < 0.5, np.round(level, 2), np.nan))
        .fill_nan(None).cast(pl.Decimal(38, 2)),
        "residual_value": pl.Series(np.zeros(count)).cast(pl.Decimal(38, 2)),
        "currency": ["CNY"] * count,
    })


def tranches(pool_balance: float) -> list[Tranche]:
    shares = (("a", 0.8, "0.035"), ("b", 0.12, "0.055"), ("c", 0.05, "0.08"))
    return [Tranche(id=name, name_en=name, name_zh=name, seniority=i + 1, currency="CNY",
                    principal=Decimal(round(pool_balance * share)), coupon_rate=coupon, payment_frequency_months=3,
                    legal_maturity=date(2036, 6, 30), symbol=name.upper()) for i, (name, share, coupon) in
            enumerate(shares)]


def naive(frame: pl.DataFrame, scenarios: list[Scenario]) -> dict[str, list[float]]:
    """The per-asset loop the vectorised code replaces: each asset, month by month, each scenario (floats)."""
    collections = {s.name: [0.0] * 140 for s in scenarios}
    for row in frame.iter_rows(named=True):
        balance, rate = float(row["outstanding_balance"]), row["interest_rate"]
        every = row["payment_frequency"]
        maturity = (row["maturity_date"].year - CUT_OFF.year) * 12 + row["maturity_date"].month - CUT_OFF.month
        period_rate, payments = rate * every / 12, math.ceil(maturity / every)
        instalment = (float(row["installment_amount"]) if row["installment_amount"] is not None
                      else balance * period_rate / (1 - (1 + period_rate) ** -payments))
        for s in scenarios:
            smm, mdr = 1 - (1 - float(s.cpr)) ** (1 / 12), 1 - (1 - float(s.cdr)) ** (1 / 12)
            scheduled = performing = balance
            out = collections[s.name]
            for k in range(1, maturity + 1):
                due = (maturity - k) % every == 0
                interest = scheduled * period_rate if due else 0.0
                principal = scheduled if k == maturity else (min(max(instalment - interest, 0.0), scheduled)
                                                             if due else 0.0)
                defaulted = performing * mdr
                share = (performing - defaulted) / scheduled
                scheduled -= principal
                prepaid = (performing - defaulted - principal * share) * smm
                performing -= defaulted + principal * share + prepaid
                out[k - 1] += (interest + principal) * share + prepaid
                out[k - 1 + s.recovery_lag_months] += defaulted * float(s.recovery_rate)
    return collections


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    frame = synthetic_tape(ASSETS)
    notes = tranches(float(frame.get_column("outstanding_balance").cast(pl.Float64).sum()))
    run = lambda: project_cashflows(frame, "equipment_lease", CUT_OFF, notes, SCENARIOS)  # noqa: E731
    projection, report = timed(run, RUNS)
    serialise, _ = timed(report.to_dict, RUNS)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    small = frame.head(BASELINE_ASSETS)
    baseline, _ = timed(lambda: naive(small, [SCENARIOS.base, *SCENARIOS.stress]), 3)
    scaled = baseline * ASSETS / BASELINE_ASSETS
    check = project_cashflows(small, "equipment_lease", CUT_OFF, notes, SCENARIOS).scenarios[-1].pool.collections
    reference = naive(small, [SCENARIOS.stress[-1]])["stress4"][:len(check)]
    print(f"assets {ASSETS:,} × {len(report.periods)} months × {len(report.scenarios)} scenarios, 3 tranches")
    print(f"project_cashflows median of {RUNS}: {projection:.3f} s (target ≤ 3 s)")
    print(f"to_dict median of {RUNS}: {serialise:.3f} s")
    print(f"peak traced memory: {peak / 2**20:.1f} MiB; "
          f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")
    print(f"naive per-asset loop: {baseline:.3f} s for {BASELINE_ASSETS:,} assets, scaled {scaled:.1f} s; "
          f"ratio {scaled / projection:.0f}×")
    print(f"naive and vectorised agree on 1,000 assets: {np.allclose(check, reference, rtol=1e-9)}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, polars {pl.__version__}")


if __name__ == "__main__":
    main()
