"""Breakeven default rates: a hand-computed one-asset reference, the example deals, and the property that a higher
default rate never improves any tranche (so the solver's first failing rate is the breakeven)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from deal_edits import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from filing import load_deal
from filing.model.deal import AssetClass, Deal, Scenario, Tranche
from filing.pool.breakeven import breakeven, failure
from filing.pool.cashflow import project_cashflows

DEAL = load_deal(EXAMPLES / "trade-receivables" / "deal.yaml").deal
CUT_OFF = DEAL.assets.cut_off_date


def tranche(tid: str, principal: float, coupon: float, seniority: int, legal: date = date(2029, 9, 30)) -> Tranche:
    return DEAL.token.tranches[0].model_copy(update={
        "id": tid, "principal": Decimal(str(principal)), "coupon_rate": Decimal(str(coupon)), "currency": "CNY",
        "seniority": seniority, "payment_frequency_months": 1, "legal_maturity": legal})


def pool(balances: list[float], months: list[int], rates: list[float]) -> pl.DataFrame:
    maturities = [date(CUT_OFF.year + (CUT_OFF.month + m - 1) // 12, (CUT_OFF.month + m - 1) % 12 + 1, 28)
                  for m in months]
    return pl.DataFrame({"asset_id": [f"A{i}" for i in range(len(balances))], "outstanding_balance": balances,
                         "maturity_date": maturities, "interest_rate": rates, "currency": ["CNY"] * len(balances)})


def deal_with(tranches: list[Tranche], scenarios: list[Scenario]) -> Deal:
    cashflow = DEAL.cashflow.model_copy(update={"senior_fees_rate": Decimal(0), "fx_to_pool": {},
                                                "revolving_until": None,  # the example revolves; the references don't
                                                "base": scenarios[0], "stress": scenarios[1:]})
    return DEAL.model_copy(update={"token": DEAL.token.model_copy(update={"tranches": tranches}),
                                   "cashflow": cashflow})


def test_hand_computed_breakeven():
    """One bullet receivable of 1,000 due in month 12, no interest, no recovery, one zero-coupon note of 900.

    Defaults take MDR = 1 − (1 − CDR)^(1/12) of the performing balance every month, so 1,000 × (1 − CDR) is collected
    at maturity: the note loses principal once 1,000 × (1 − CDR) < 900, i.e. CDR > 1 − 900/1,000 = 10%. It never
    misses interest (there is none). With a 200 subordinated note behind it, that note breaks at any default."""
    frame = pool([1000.0], [12], [0.0])
    base = Scenario(name="base", cdr=Decimal("0.02"))
    report = breakeven(frame, deal_with([tranche("A", 900, 0, 1), tranche("B", 100, 0, 2)], [base]), 0.025)
    senior, junior = report.rows
    assert senior.tranche == "A" and senior.failure == "principal"
    assert senior.cdr == pytest.approx(0.10, abs=0.0002)
    assert senior.multiple_of_base == pytest.approx(5.0, abs=0.01)
    assert senior.multiple_of_history == pytest.approx(4.0, abs=0.01)
    assert junior.cdr == pytest.approx(0.0001, abs=0.0001)  # 1,000 × (1 − CDR) < 1,000 as soon as CDR > 0


def test_interest_failure_and_prepayment_scenarios():
    """A junior note whose coupon (14% on 500: 5.83 a month) exceeds the pool's interest (3% on 2,000: 5.00) misses
    interest even without defaults when nothing prepays: breakeven 0. Each distinct CPR is a prepayment scenario,
    and a note the pool covers even if everything defaults at once (full recovery) has no breakeven."""
    frame = pool([1000.0, 1000.0], [6, 18], [0.03, 0.03])
    scenarios = [Scenario(name="base", cdr=Decimal("0.01")), Scenario(name="fast", cpr=Decimal("0.2")),
                 Scenario(name="stress", cdr=Decimal("0.05"), recovery_rate=Decimal("1"))]
    rows = breakeven(frame, deal_with([tranche("A", 1000, 0, 1), tranche("B", 500, 0.14, 2)], scenarios)).rows
    assert [(r.cpr, r.scenarios, r.tranche) for r in rows] == [
        (0.0, ("base", "stress"), "A"), (0.0, ("base", "stress"), "B"), (0.2, ("fast",), "A"), (0.2, ("fast",), "B")]
    assert all(r.failure == "principal" and 0 < r.cdr < 1 for r in rows if r.tranche == "A")
    b_slow, b_fast = (r for r in rows if r.tranche == "B")
    assert (b_slow.cdr, b_slow.failure, b_slow.multiple_of_base) == (0.0, "interest", 0.0)
    # at 20% CPR prepayments bring cash early, which pays B's interest before A's principal: B holds until defaults
    # eat into its principal
    assert b_fast.failure == "principal" and 0 < b_fast.cdr < 1
    held = breakeven(frame, deal_with([tranche("A", 10, 0, 1)], [Scenario(name="base", recovery_rate=Decimal(1))]))
    assert held.rows[0].cdr is None and held.rows[0].failure is None


def test_examples_have_breakevens_above_their_base_case():
    from filing import analyse

    report = analyse(load_deal(EXAMPLES / "trade-receivables" / "deal.yaml"))
    assert report.breakeven is not None and report.history is not None
    by_cpr = {}
    for row in report.breakeven.rows:
        assert row.cdr is not None and row.multiple_of_base > 1
        by_cpr.setdefault(row.cpr, []).append(row.cdr)
    assert all(rates == sorted(rates, reverse=True) for rates in by_cpr.values())  # A ≥ B ≥ C
    assert report.to_dict()["breakeven"]["rows"][0]["tranche"] == "A"
    toll = analyse(load_deal(EXAMPLES / "toll-road" / "deal.yaml"))
    assert toll.breakeven is None


@settings(max_examples=40, deadline=None)
@given(balances=st.lists(st.floats(100, 10_000), min_size=1, max_size=4),
       months=st.lists(st.integers(1, 36), min_size=4, max_size=4),
       rates=st.lists(st.floats(0, 0.12), min_size=4, max_size=4),
       shares=st.lists(st.floats(0.05, 0.6), min_size=1, max_size=3),
       coupons=st.lists(st.floats(0, 0.1), min_size=3, max_size=3),
       cpr=st.floats(0, 0.4), recovery=st.floats(0, 0.9), lag=st.integers(0, 12),
       cdrs=st.lists(st.floats(0, 1), min_size=2, max_size=6, unique=True))
def test_higher_default_rate_never_improves_a_tranche(balances, months, rates, shares, coupons, cpr, recovery, lag,
                                                      cdrs):
    n = len(balances)
    frame = pool(balances, months[:n], rates[:n])
    total = sum(balances)
    notes = [tranche(f"T{i}", round(total * s, 2), coupons[i], i + 1) for i, s in enumerate(shares)]
    cdrs = sorted(cdrs)
    scenarios = [Scenario(name=f"s{i}", cpr=cpr, cdr=c, recovery_rate=recovery, recovery_lag_months=lag)
                 for i, c in enumerate(cdrs)]
    cashflow = DEAL.cashflow.model_copy(update={"senior_fees_rate": Decimal("0.002"), "fx_to_pool": {},
                                                "base": scenarios[0], "stress": scenarios[1:]})
    report = project_cashflows(frame, AssetClass.trade_receivables, CUT_OFF, notes, cashflow, pool_currency="CNY")
    for lower, higher in zip(report.scenarios, report.scenarios[1:], strict=False):
        for before, after in zip(lower.waterfall.tranches, higher.waterfall.tranches, strict=True):
            assert after.loss >= before.loss - 0.01, (before.id, lower.scenario.cdr, higher.scenario.cdr)
            assert not (failure(before) and not failure(after)), (before.id, lower.scenario.cdr, higher.scenario.cdr)


def test_compacted_receivables_project_the_same_pool():
    """The projection and the solver run on receivables summed by maturity date, rate and currency; the pool's flows,
    the report's cash flows and the breakevens are those of the asset-by-asset projection."""
    import numpy as np

    from filing import analyse
    from filing.pool import compact as module

    loaded = load_deal(EXAMPLES / "trade-receivables" / "deal.yaml")
    report = analyse(loaded)
    frame = report.frame.filter(pl.col("passes_checks") & pl.col("eligible"))
    small = module.compact(frame, AssetClass.trade_receivables)
    assert small.height < frame.height / 10
    usable = pl.col("passes_checks") & pl.col("eligible")
    assert module.compact(report.frame, AssetClass.trade_receivables, usable).equals(small)
    args = (AssetClass.trade_receivables, CUT_OFF, DEAL.token.tranches, DEAL.cashflow)
    whole, compacted = (project_cashflows(f, *args, pool_currency="CNY") for f in (frame, small))
    for a, b in zip(whole.scenarios, compacted.scenarios, strict=True):
        assert np.allclose(a.pool.collections, b.pool.collections, rtol=1e-12, atol=1e-6)
        assert np.allclose(a.pool.defaults, b.pool.defaults, rtol=1e-12, atol=1e-6)
    assert whole.to_dict() == compacted.to_dict()
    assert breakeven(frame, loaded.deal, report.history.base_case.cdr) == report.breakeven


def test_a_projection_error_names_the_real_asset():
    """The compacted projection's errors come from the asset-by-asset projection, naming the tape's asset ids."""
    from filing.pool.cashflow import ProjectionError
    from filing.pool.compact import project_compacted

    frame = pool([1000.0, 500.0], [6, 12], [0.0, 0.0]).with_columns(
        pl.when(pl.col("asset_id") == "A1").then(pl.lit(date(2026, 1, 31))).otherwise(pl.col("maturity_date"))
        .alias("maturity_date"))
    with pytest.raises(ProjectionError, match=r"asset_id A1\)"):
        project_compacted(frame, AssetClass.trade_receivables, CUT_OFF, [tranche("A", 900, 0, 1)], DEAL.cashflow,
                          pool_currency="CNY")
