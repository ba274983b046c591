"""Cash-flow projection: checked against an independent month-by-month Decimal reference, hand-computed waterfalls,
toll-road revenue cases and a conservation property."""

from __future__ import annotations

import calendar
import json
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filing.model.deal import Cashflow, Scenario, Tranche
from filing.pool.cashflow import ProjectionError, project_cashflows
from filing.pool.waterfall import Note, run_waterfall

CUT_OFF = date(2024, 12, 31)
BASE = Scenario(name="base")
STRESS = Scenario(name="stress", cpr="0.12", cdr="0.25", recovery_rate="0.4", recovery_lag_months=2)
POOL_COLUMNS = ("interest", "scheduled_principal", "prepayments", "defaults", "recoveries", "collections", "balance")


def month_end(k: int) -> date:
    """End of month k after the 2024-12-31 cut-off."""
    year, month = 2025 + (k - 1) // 12, (k - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


MONTH_ENDS = [month_end(k) for k in range(1, 13)]


def tranche(id: str, seniority: int, principal: str, coupon: str = "0.05", legal: date = date(2030, 12, 31),
            frequency: int = 1, currency: str = "CNY") -> Tranche:
    return Tranche(id=id, name_en=id, name_zh=id, seniority=seniority, principal=principal, currency=currency,
                   coupon_rate=coupon, payment_frequency_months=frequency, legal_maturity=legal,
                   symbol=id.upper())


@dataclass(frozen=True)
class Asset:
    balance: str
    rate: str
    month: int
    """Maturity month after the cut-off."""
    frequency: int = 1
    instalment: str | None = None
    residual: str = "0"


LEASES = [Asset("1000", "0.06", 6, instalment="180"), Asset("900", "0.08", 12, frequency=3, residual="100"),
          Asset("600", "0", 4)]
RECEIVABLES = [Asset("1000", "0", 3), Asset("2500.50", "0.05", 7), Asset("400", "0.1", 1)]


def tape(assets: list[Asset], frequency_text: dict[int, str] | None = None) -> pl.DataFrame:
    """A canonical frame as the tape reader gives it: amounts Decimal(38, 2), dates, frequency in months or text."""
    text = frequency_text or {}
    return pl.DataFrame({
        "asset_id": [f"A{i}" for i in range(len(assets))],
        "outstanding_balance": pl.Series([Decimal(a.balance) for a in assets], dtype=pl.Decimal(38, 2)),
        "maturity_date": [month_end(a.month) for a in assets],
        "interest_rate": [float(a.rate) for a in assets],
        "payment_frequency": [text.get(a.frequency, a.frequency) for a in assets] if text else
        pl.Series([a.frequency for a in assets], dtype=pl.Int8),
        "installment_amount": pl.Series([a.instalment and Decimal(a.instalment) for a in assets],
                                        dtype=pl.Decimal(38, 2)),
        "residual_value": pl.Series([Decimal(a.residual) for a in assets], dtype=pl.Decimal(38, 2)),
        "currency": ["CNY"] * len(assets),
    })


def contractual(asset: Asset, lease: bool) -> list[tuple[Decimal, Decimal]]:
    """One asset's (interest, principal) for months 1..maturity, by hand rules, in Decimal."""
    every = asset.frequency if lease else 1
    rate = Decimal(asset.rate) * every / 12
    balance, residual = Decimal(asset.balance), Decimal(asset.residual)
    payments = math.ceil(asset.month / every)
    if not lease:
        instalment = Decimal(0)
    elif asset.instalment:
        instalment = Decimal(asset.instalment)
    elif rate:
        discount = (1 + rate) ** -payments
        instalment = (balance - residual * discount) * rate / (1 - discount)
    else:
        instalment = (balance - residual) / payments
    flows = []
    for k in range(1, asset.month + 1):
        if (asset.month - k) % every:
            flows.append((Decimal(0), Decimal(0)))
            continue
        interest = balance * rate
        principal = balance if k == asset.month else min(max(instalment - interest, Decimal(0)), balance)
        balance -= principal
        flows.append((interest, principal))
    return flows


def reference(assets: list[Asset], lease: bool, scenario: Scenario, months: int) -> dict[str, list[Decimal]]:
    """Each asset month by month: defaults on the performing balance first, survivors pay their share of the
    schedule, then prepayments; recoveries arrive after the lag. Summed over the assets."""
    out = {name: [Decimal(0)] * months for name in POOL_COLUMNS}
    smm = 1 - (1 - scenario.cpr) ** (Decimal(1) / 12)
    mdr = 1 - (1 - scenario.cdr) ** (Decimal(1) / 12)
    for asset in assets:
        scheduled = performing = Decimal(asset.balance)
        for k, (interest, principal) in enumerate(contractual(asset, lease), start=1):
            defaulted = performing * mdr
            alive = performing - defaulted
            share = alive / scheduled
            scheduled -= principal
            paid_principal = principal * share
            prepaid = (alive - paid_principal) * smm
            performing = alive - paid_principal - prepaid
            row = {"interest": interest * share, "scheduled_principal": paid_principal, "prepayments": prepaid,
                   "defaults": defaulted, "balance": performing}
            for name, value in row.items():
                out[name][k - 1] += value
            out["recoveries"][k - 1 + scenario.recovery_lag_months] += defaulted * scenario.recovery_rate
    for k in range(months):
        out["collections"][k] = sum(out[n][k] for n in ("interest", "scheduled_principal", "prepayments",
                                                          "recoveries"))
    return out


def project(frame: pl.DataFrame, asset_class: str, tranches: list[Tranche] | None = None, fees: str = "0",
            stress: list[Scenario] = (STRESS,), **options):
    return project_cashflows(frame, asset_class, CUT_OFF, tranches or [tranche("a", 1, "1000")],
                             Cashflow(senior_fees_rate=fees, base=BASE, stress=list(stress)), **options)


@pytest.mark.parametrize("scenario", [BASE, STRESS], ids=["base", "stress"])
@pytest.mark.parametrize("assets,asset_class", [(LEASES, "equipment_lease"), (RECEIVABLES, "trade_receivables")],
                         ids=["leases", "receivables"])
def test_pool_flows_match_the_decimal_reference(assets, asset_class, scenario):
    report = project(tape(assets), asset_class).to_dict()
    monthly = report["scenarios"][scenario.name]["monthly"]
    expected = reference(assets, asset_class == "equipment_lease", scenario, len(report["periods"]))
    for name in POOL_COLUMNS:
        got = [Decimal(v) for v in monthly[name]]
        assert all(abs(g - e) <= Decimal("0.01") for g, e in zip(got, expected[name], strict=True)), name


def test_receivables_by_hand():
    report = project(tape(RECEIVABLES[:2]), "trade_receivables").to_dict()
    base = report["scenarios"]["base"]["monthly"]
    assert base["scheduled_principal"][:8] == ["0.00", "0.00", "1000.00", "0.00", "0.00", "0.00", "2500.50", "0.00"]
    assert base["interest"][0] == "10.42" and base["interest"][3] == "10.42"  # 2500.50 × 5% / 12
    assert report["periods"][:3] == ["2025-01-31", "2025-02-28", "2025-03-31"]


def test_month_end_cut_off_gives_month_ends():
    frame = tape(RECEIVABLES[:1]).with_columns(maturity_date=pl.lit(date(2025, 7, 31)))
    report = project_cashflows(frame, "trade_receivables", date(2025, 6, 30), [tranche("a", 1, "500")],
                               Cashflow(base=BASE))
    assert report.periods[:3] == (date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30))
    assert report.scenarios[0].pool.scheduled_principal[0] == 1000


def test_lease_frequency_text_is_normalised():
    months = project(tape(LEASES), "equipment_lease").to_dict()
    for words in ({1: "M", 3: "Q"}, {1: "monthly", 3: "quarterly"}, {1: "月", 3: "季"}):
        assert project(tape(LEASES, words), "equipment_lease").to_dict() == months


def test_stress_loses_principal_only_through_defaults():
    report = project(tape(LEASES), "equipment_lease")
    stress = report.scenarios[1].pool
    paid = stress.defaults.sum() + stress.scheduled_principal.sum() + stress.prepayments.sum()
    assert paid == pytest.approx(2500) and stress.balance[-1] == pytest.approx(0)
    assert stress.recoveries.sum() == pytest.approx(0.4 * stress.defaults.sum())


def test_senior_is_paid_before_junior_and_junior_takes_the_loss():
    wf = run_waterfall([100.0, 0.0], [Note("a", 60, 0, 1, date(2030, 1, 1)), Note("b", 60, 0, 1, date(2030, 1, 1))],
                       0.0, MONTH_ENDS[:2])
    senior, junior = wf.tranches
    assert list(senior.principal_paid) == [60, 0] and list(junior.principal_paid) == [40, 0]
    assert senior.loss == 0 and junior.loss == 20 and not junior.repaid_in_full


def test_interest_shortfall_accrues_and_is_paid_later():
    wf = run_waterfall([5.0, 30.0, 0.0], [Note("a", 1000, 0.12, 1, date(2030, 1, 1))], 0.0, MONTH_ENDS[:3])
    a = wf.tranches[0]
    assert list(a.interest_paid[:2]) == [5, 15] and list(a.interest_shortfall[:2]) == [5, 0]
    assert a.principal_paid[1] == 15 and a.coverage[0] == 0.5


def test_quarterly_notes_wait_for_their_distribution_date():
    wf = run_waterfall([10.0] * 6, [Note("a", 1000, 0.12, 3, date(2030, 1, 1))], 0.01, MONTH_ENDS[:6])
    assert list(wf.available) == [0, 0, 30, 0, 0, 30]
    fees = 0.01 / 12 * 1000 * 3
    assert wf.fees_paid[2] == pytest.approx(fees) and wf.tranches[0].interest_paid[2] == pytest.approx(30 - fees)
    assert wf.tranches[0].interest_shortfall[2] == pytest.approx(fees)  # fees first: interest falls short


def test_high_defaults_hit_the_junior_and_push_coverage_below_one():
    notes = [tranche("a", 1, "1500", "0.04", month_end(12), 3), tranche("b", 2, "700", "0.08", month_end(15), 3)]
    harsh = Scenario(name="harsh", cdr="0.9", recovery_rate="0.2", recovery_lag_months=6)
    report = project(tape(LEASES), "equipment_lease", notes, fees="0.01", stress=[harsh])
    summary = report.summary
    assert summary["base"]["tranches"]["b"]["loss"] == "0.00"
    assert summary["base"]["tranches"]["a"]["repaid_in_full"] and summary["base"]["senior_min_dscr"] >= 1
    hit = summary["harsh"]
    assert Decimal(hit["tranches"]["b"]["loss"]) > 0 and not hit["tranches"]["b"]["repaid_in_full"]
    assert hit["tranches"]["b"]["min_coverage"] < 1 and hit["senior_min_dscr"] < 1
    assert Decimal(hit["tranches"]["b"]["loss"]) > Decimal(hit["tranches"]["a"]["loss"])


def toll_history(values: list[float], start: str = "2023-01") -> pl.DataFrame:
    year, month = map(int, start.split("-"))
    periods = [f"{year + (month - 1 + i) // 12}-{(month - 1 + i) % 12 + 1:02d}" for i in range(len(values))]
    return pl.DataFrame({"period": periods, "traffic_volume": [1.0] * len(values), "toll_revenue": values})


def test_flat_toll_history_with_no_growth_reproduces_its_level():
    flat = Scenario(name="base", revenue_growth=0)
    report = project_cashflows(toll_history([100.0] * 24), "toll_road_income", CUT_OFF, [tranche("a", 1, "500")],
                               Cashflow(base=flat))
    assert set(report.to_dict()["scenarios"]["base"]["monthly"]["collections"]) == {"100.00"}


def test_toll_profile_and_historical_growth():
    season = [80.0, 70, 90, 100, 110, 120, 130, 120, 100, 90, 80, 110]
    report = project(toll_history(season + [1.1 * v for v in season]), "toll_road_income",
                     stress=[Scenario(name="haircut", revenue_haircut="0.2", revenue_growth=0)])
    base, cut = (s.pool.collections for s in report.scenarios)
    assert report.scenarios[0].revenue_growth == pytest.approx(0.1)
    assert base[:12] == pytest.approx([1.21 * v for v in season])  # last year's level, one more year of growth
    assert base[12:24] == pytest.approx([1.331 * v for v in season])
    assert cut[:12] == pytest.approx([0.88 * v for v in season])


def test_concession_end_stops_revenue():
    report = project(toll_history([100.0] * 12), "toll_road_income", concession_end=date(2025, 6, 15))
    collections = report.to_dict()["scenarios"]["base"]["monthly"]["collections"]
    assert collections[:7] == ["100.00"] * 5 + ["50.00", "0.00"] and set(collections[6:]) == {"0.00"}


@pytest.mark.parametrize("frame,column", [
    (tape(LEASES).clear(), "no rows"),
    (tape(LEASES).with_columns(maturity_date=pl.lit(date(2024, 6, 30))), "maturity_date"),
    (tape(LEASES).with_columns(outstanding_balance=pl.lit(0)), "outstanding_balance"),
    (tape(LEASES).drop("outstanding_balance"), "outstanding_balance"),
    (tape(LEASES).with_columns(payment_frequency=pl.lit("fortnightly")), "payment_frequency"),
])
def test_bad_tapes_name_the_column(frame, column):
    with pytest.raises(ValueError, match=column):
        project(frame, "equipment_lease")


def test_short_or_gappy_toll_history_is_refused():
    for frame in (toll_history([1.0] * 11), toll_history([1.0] * 24).filter(pl.col("period") != "2023-05")):
        with pytest.raises(ValueError, match="period"):
            project(frame, "toll_road_income")


def test_foreign_currency_tranche_uses_fx_rate_and_says_so():
    usd = [tranche("a", 1, "100", currency="USD")]
    assumed = project(tape(LEASES), "equipment_lease", usd)
    assert any("assumed" in note["text"] and "USD" in note["text"] for note in assumed.assumptions)
    given_rate = project(tape(LEASES), "equipment_lease", usd, fx_rate=7.0)
    assert given_rate.scenarios[0].waterfall.tranches[0].principal_paid.sum() == pytest.approx(700)
    deal_rate = project_cashflows(tape(LEASES), "equipment_lease", CUT_OFF, usd,
                                  Cashflow(base=BASE, fx_to_pool={"USD": "7.1"}), fx_rate=7.0)
    assert deal_rate.scenarios[0].waterfall.tranches[0].principal_paid.sum() == pytest.approx(710)
    assert [a["text"] for a in deal_rate.assumptions] == [
        "tranche a in USD converted at 7.1 CNY per USD (given)",
        "FX stress: the base case with each token currency 10% dearer against CNY"]
    assert deal_rate.assumptions[0]["key"] == "assumption_fx_given"


def test_report_is_deterministic_json_whatever_the_row_order():
    frame = tape(LEASES)
    first = json.dumps(project(frame, "equipment_lease").to_dict())
    assert json.dumps(project(frame.reverse(), "equipment_lease").to_dict()) == first


rates = st.decimals(min_value=0, max_value=1, places=3)


@settings(max_examples=60, deadline=None)
@given(
    assets=st.lists(st.builds(Asset, balance=st.sampled_from(["1", "250.5", "1000", "99999.99"]),
                              rate=st.sampled_from(["0", "0.05", "0.2"]), month=st.integers(1, 30),
                              frequency=st.sampled_from([1, 3, 6]), residual=st.sampled_from(["0", "10"])),
                    min_size=1, max_size=5),
    scenario=st.builds(Scenario, name=st.just("s"), cpr=rates, cdr=rates, recovery_rate=rates,
                       recovery_lag_months=st.integers(0, 6)),
    shares=st.lists(st.integers(1, 100), min_size=1, max_size=3),
    coupons=st.lists(st.sampled_from(["0", "0.03", "0.15"]), min_size=3, max_size=3),
    frequencies=st.lists(st.sampled_from([1, 3, 6]), min_size=3, max_size=3),
    fees=st.sampled_from(["0", "0.005", "0.05"]),
    legal=st.integers(1, 40),
)
def test_cash_is_conserved_and_balances_stay_non_negative(assets, scenario, shares, coupons, frequencies, fees, legal):
    notes = [tranche(f"t{i}", i + 1, str(share * 10), coupons[i], month_end(legal + i), frequencies[i])
             for i, share in enumerate(shares)]
    report = project_cashflows(tape(assets), "equipment_lease", CUT_OFF, notes,
                               Cashflow(senior_fees_rate=fees, base=scenario))
    result = report.scenarios[0]
    paid = result.waterfall.fees_paid.sum() + result.waterfall.residual.sum() + sum(
        t.interest_paid.sum() + t.principal_paid.sum() for t in result.waterfall.tranches)
    assert paid == pytest.approx(result.pool.collections.sum(), rel=1e-12, abs=1e-9)
    assert (result.pool.balance >= -1e-9).all()
    for t, note in zip(result.waterfall.tranches, notes, strict=True):
        assert (t.balance >= 0).all() and (t.interest_shortfall >= 0).all()
        assert t.principal_paid.sum() + t.loss == pytest.approx(float(note.principal))


def test_nothing_is_paid_before_the_closing_and_collections_wait_for_it():
    closing = date(2025, 2, 10)  # in month 2; a quarterly note pays at the ends of months 5, 8, ...
    notes = [tranche("a", 1, "2000", "0.06", date(2026, 12, 31), 3)]
    report = project(tape(RECEIVABLES), "trade_receivables", notes, closing=closing)
    paid = report.scenarios[0].waterfall
    a = paid.tranches[0]
    assert report.closing == closing and report.to_dict()["closing"] == "2025-02-10"
    before = [p for p in report.periods if p < date(2025, 5, 31)]
    assert not (a.interest_paid[:len(before)].any() or a.principal_paid[:len(before)].any())
    assert not paid.fees_paid[:len(before)].any()
    paying = [report.periods[i] for i in (a.interest_paid + a.principal_paid).nonzero()[0]]
    assert paying[0] == date(2025, 5, 31) and all((p.month - 2) % 3 == 0 for p in paying[:-1])


def test_one_tranche_schedule_recomputed_by_hand():
    """A single quarterly note of 2,000 at 6% issued on 10 February 2025 over a pool paying 400 at the end of
    April (1), 1,000 in March (2) and 2,500.50 in July (7) with interest: the reference walks the months in Decimal,
    accruing from the closing (19 of February's 28 days), paying on the ends of May, August, ... and checks every
    payment the engine makes."""
    closing = date(2025, 2, 10)
    notes = [tranche("a", 1, "2000", "0.06", date(2026, 12, 31), 3)]
    report = project(tape(RECEIVABLES), "trade_receivables", notes, closing=closing)
    collections = [Decimal(v) for v in report.to_dict()["scenarios"]["base"]["monthly"]["collections"]]
    balance, accrued, account = Decimal(2000), Decimal(0), Decimal(0)
    expected_interest, expected_principal = [], []
    for k, cash in enumerate(collections, start=1):
        account += cash
        share = Decimal(0) if k < 2 else Decimal(18) / Decimal(28) if k == 2 else Decimal(1)  # 10 Feb → 28 Feb
        accrued += balance * Decimal("0.06") / 12 * share
        interest = principal = Decimal(0)
        if (k > 2 and (k - 2) % 3 == 0) or k == len(collections):
            interest, accrued = min(account, accrued), Decimal(0)
            account -= interest
            principal = min(account, balance)
            account, balance = account - principal, balance - principal
        expected_interest.append(interest)
        expected_principal.append(principal)
    a = report.scenarios[0].waterfall.tranches[0]
    for got, want in ((a.interest_paid, expected_interest), (a.principal_paid, expected_principal)):
        assert [float(v) for v in got] == pytest.approx([float(v) for v in want], abs=0.02)  # cents of the input
    assert a.repaid_on == date(2025, 8, 31) and a.wal_years == pytest.approx(
        float(sum(p * (k - 2) for k, p in enumerate(expected_principal, start=1)) / 2000 / 12), abs=1e-5)


def test_revolving_period_buys_assets_and_defers_principal():
    notes = [tranche("a", 1, "3000", "0.05", date(2027, 12, 31), 1)]
    cashflow = Cashflow(base=BASE, revolving_until=date(2025, 9, 30))
    report = project_cashflows(tape(RECEIVABLES), "trade_receivables", CUT_OFF, notes, cashflow)
    result = report.scenarios[0]
    paid = result.waterfall
    assert paid.purchases[:9].sum() > 0 and not paid.purchases[9:].any()
    assert not paid.tranches[0].principal_paid[:9].any() and paid.tranches[0].repaid_in_full
    assert report.revolving_until == date(2025, 9, 30)
    spent = paid.fees_paid.sum() + paid.residual.sum() + paid.purchases.sum() + sum(
        t.interest_paid.sum() + t.principal_paid.sum() for t in paid.tranches)
    assert spent == pytest.approx(result.pool.collections.sum())  # the bought assets' cash is in the pool columns
    assert result.pool.balance[8] > 3000 * 0.9  # the pool is kept up during the revolving period
    with pytest.raises(ProjectionError, match="revolving"):
        project_cashflows(toll_history([100.0] * 24), "toll_road_income", CUT_OFF, notes, cashflow)


def test_fx_stress_is_added_for_a_foreign_currency_note_and_costs_the_pool_more():
    usd = [tranche("a", 1, "300", "0.05", date(2026, 12, 31), 1, currency="USD")]
    report = project_cashflows(tape(RECEIVABLES), "trade_receivables", CUT_OFF, usd,
                               Cashflow(base=BASE, fx_to_pool={"USD": "7"}))
    names = [s.scenario.name for s in report.scenarios]
    assert names == ["base", "fx-stress"] and report.scenarios[1].scenario.label_zh == "汇率压力情景"
    base, fx = (s.waterfall.tranches[0] for s in report.scenarios)
    assert fx.principal_paid.sum() + fx.loss == pytest.approx(2100 * 1.1)
    assert fx.min_coverage < base.min_coverage
    stated = Scenario(name="usd-up", fx_shock="0.2")
    again = project_cashflows(tape(RECEIVABLES), "trade_receivables", CUT_OFF, usd,
                              Cashflow(base=BASE, stress=[stated], fx_to_pool={"USD": "7"}))
    assert [s.scenario.name for s in again.scenarios] == ["base", "usd-up"]
