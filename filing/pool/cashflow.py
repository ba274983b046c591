"""Cash-flow projection and stress tests of the pool, paid through the notes by ``filing.pool.waterfall`` (SSE
Guideline No. 1 §3.7.6 and §5: cash flow by period, stress scenarios, coverage multiples; No. 2: static default rates).

Periods. Month k (k = 1..N) ends on ``cut_off + k months`` (day clipped to the month's length; a cut-off on a month's
last day gives month ends); a date falls in the first month whose end is on or after it. N reaches the last asset
cash flow plus the longest recovery lag, the concession end and the last legal maturity.

Closing and revolving. The notes are issued at ``closing`` (the offering's close): nothing accrues or is paid before
it, and what the pool collects from the cut-off to the closing waits for the first distribution date
(``filing.pool.waterfall``). With ``cashflow.revolving_until``, distribution dates up to that month spend the cash
left after fees and interest on new assets that pay like the original pool per unit of balance (its scenario
collections divided by its cut-off balance); the pool columns then include what those assets pay.

FX stress. A scenario's ``fx_shock`` converts the tranches not in the pool currency at ``rate × (1 + fx_shock)``.
When some tranche is in another currency and no scenario has a shock, an ``fx-stress`` scenario is added: the base
case with a 10% shock, stated in ``assumptions``.

Amortising pools. Every asset's contractual schedule is built from the tape with numpy, one step per month over all
assets at once. Receivables pay ``interest_rate / 12`` on their balance monthly (none without a rate) and the whole
``outstanding_balance`` in the month of ``maturity_date`` (bullet). Leases pay an instalment every 1, 3, 6 or 12
months (``payment_frequency``, missing: monthly) counted back from ``maturity_date``: interest ``balance × rate ×
months / 12``, the rest of ``installment_amount`` as principal; without an instalment, the level payment that takes
``outstanding_balance`` down to ``residual_value`` over the remaining instalments. The balance left at maturity (the
residual value) is paid with the last instalment, so scheduled principal adds up to the cut-off balance. The first
instalment after the cut-off is counted in full. The schedules add up to pool scheduled interest SI_k, principal SP_k
and balance S_k. Each scenario is applied to the pool with the static approach: SMM = 1-(1-CPR)^(1/12), MDR =
1-(1-CDR)^(1/12); defaults come first, on the performing balance at the start of the month, the survivors pay their
scheduled amounts, then prepayments take a share of what remains. With q_k = ((1-MDR)(1-SMM))^k:

    defaults_k = MDR × q_{k-1} × S_{k-1}         recoveries_k = recovery_rate × defaults_{k - recovery_lag_months}
    interest_k = SI_k × q_{k-1} × (1-MDR)        scheduled_principal_k = SP_k × q_{k-1} × (1-MDR)
    balance_k  = q_k × S_k                       prepayments_k = SMM × q_{k-1} × (1-MDR) × S_k
    collections_k = interest + scheduled principal + prepayments + recoveries

so defaults, scheduled principal and prepayments add up to the cut-off balance. Revenue haircut and growth do not apply.

Toll-road income. The history (``period``, ``toll_revenue``; at least 12 consecutive months) is cut into 12-month
years counted back from its last month (an incomplete first year is left out). The seasonal profile is each calendar
month's share of its year, averaged over the years; the level is the last year's revenue. Month k earns level ×
profile(calendar month of k's end) × (1 + g)^ceil(h / 12) × (1 - revenue_haircut), h being the months since the last
history month and g ``revenue_growth`` (default: the historical growth per year between the first and last years; 0
with one year). The month in which ``concession_end`` falls is pro-rated by days; nothing is earned after it. CPR,
CDR and recoveries do not apply: collections are the revenue, the other pool columns 0.

Numbers. Everything is computed in float64 numpy, in the pool currency; a tranche in another currency is converted at
``cashflow.fx_to_pool`` or else ``fx_rate`` (pool currency per unit of tranche currency; 1.0, stated in ``assumptions``,
when neither gives a rate). ``CashflowReport.to_dict`` gives money as Decimal strings rounded half-up to cents and
ratios as floats rounded to 4 places, so identical inputs give identical JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
import polars as pl

from filing.assets import spec
from filing.model.deal import AssetClass, Cashflow, Scenario, Tranche
from filing.pool.sources import (
    PoolFlows,
    ProjectionError,
    Schedule,
    TollHistory,
    months_until,
    period_ends,
    schedule,
    toll_history,
)
from filing.pool.waterfall import Note, Revolving, Waterfall, assumption, notes_in_pool_currency, run_waterfall


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario: the pool's cash and how the waterfall paid it out."""

    scenario: Scenario
    pool: PoolFlows
    waterfall: Waterfall
    revenue_growth: float | None
    """Annual revenue growth applied (toll-road income only)."""

    def summary(self) -> dict:
        """The figures a stress-test table shows: per-tranche coverage, repayment and loss, and the pool totals."""
        return {
            "senior_min_dscr": ratio(self.waterfall.tranches[0].min_coverage),
            "revenue_growth": ratio(self.revenue_growth),
            "totals": {name: money(values.sum()) for name, values in self._columns().items() if name != "balance"},
            "tranches": {t.id: {
                "min_coverage": ratio(t.min_coverage), "repaid_in_full": t.repaid_in_full,
                "repaid_on": t.repaid_on and t.repaid_on.isoformat(), "legal_maturity": t.legal_maturity.isoformat(),
                "loss": money(t.loss), "interest_shortfall": money(t.interest_shortfall[-1]),
                "wal_years": ratio(t.wal_years),
            } for t in self.waterfall.tranches},
        }

    def monthly(self) -> dict:
        """The monthly table, one compact list per column."""
        return {
            **{name: [money(v) for v in values.tolist()] for name, values in self._columns().items()},
            "tranches": {t.id: {
                **{name: [money(v) for v in getattr(t, name).tolist()]
                   for name in ("interest_paid", "principal_paid", "balance", "interest_shortfall")},
                "coverage": [ratio(v) for v in t.coverage.tolist()],
            } for t in self.waterfall.tranches},
        }

    def _columns(self) -> dict[str, np.ndarray]:
        pool, paid = self.pool, self.waterfall
        return {"collections": pool.collections, "interest": pool.interest,
                "scheduled_principal": pool.scheduled_principal, "prepayments": pool.prepayments,
                "defaults": pool.defaults, "recoveries": pool.recoveries, "balance": pool.balance,
                "fees_paid": paid.fees_paid, "residual": paid.residual, "purchases": paid.purchases,
                "tranche_interest_paid": sum(t.interest_paid for t in paid.tranches),
                "tranche_principal_paid": sum(t.principal_paid for t in paid.tranches)}


@dataclass(frozen=True)
class CashflowReport:
    """Projected cash flows of the pool and the notes under the base and every stress scenario."""

    asset_class: AssetClass
    cut_off: date
    currency: str
    """The pool currency, in which every amount is stated."""
    periods: tuple[date, ...]
    """End of each month k = 1..N."""
    scenarios: tuple[ScenarioResult, ...]
    """Base first, then the stress scenarios in the deal's order."""
    assumptions: tuple[dict, ...]
    """Choices the deal file did not state that the projection had to make (pool currency, FX rates, FX stress), as
    ``{"key", "params", "text"}``."""
    closing: date | None = None
    """The day the notes are issued; nothing is paid before it."""
    revolving_until: date | None = None
    """End of the last month of the revolving period."""

    @property
    def summary(self) -> dict[str, dict]:
        return {s.scenario.name: s.summary() for s in self.scenarios}

    def to_dict(self) -> dict:
        """JSON-ready: money as Decimal strings to the cent, ratios to 4 places, keys sorted."""
        return _sorted({
            "asset_class": self.asset_class.value, "cut_off": self.cut_off.isoformat(), "currency": self.currency,
            "assumptions": list(self.assumptions), "periods": [p.isoformat() for p in self.periods],
            "closing": (self.closing or self.cut_off).isoformat(),
            "revolving_until": self.revolving_until and self.revolving_until.isoformat(),
            "scenarios": {s.scenario.name: {
                "assumptions": s.scenario.model_dump(mode="json"), "summary": s.summary(), "monthly": s.monthly(),
            } for s in self.scenarios},
        })


def project_cashflows(frame: pl.DataFrame, asset_class: AssetClass | str, cut_off: date, tranches: list[Tranche],
                      cashflow: Cashflow, concession_end: date | None = None, *, pool_currency: str | None = None,
                      fx_rate: float | None = None, closing: date | None = None) -> CashflowReport:
    """Project the pool's monthly cash from ``cut_off`` and pay it through ``tranches`` in every scenario.

    ``frame`` has the canonical tape columns of ``asset_class``; ``pool_currency`` defaults to its ``currency``
    column; ``closing`` is the day the notes are issued (default: the cut-off). Bad inputs raise ProjectionError
    naming the column or field.
    """
    asset_class = AssetClass(asset_class)
    if frame.height == 0:
        raise ProjectionError("the tape has no rows: there is nothing to project", field="assets.tape")
    if not tranches:
        raise ProjectionError("there are no notes to pay", field="token.tranches")
    closing = closing or cut_off
    if closing < cut_off:
        raise ProjectionError(f"the closing date {closing} is before the cut-off date {cut_off}",
                              field="offering.close_date")
    legal_end = max(t.legal_maturity for t in tranches)
    if legal_end <= closing:
        raise ProjectionError(f"the last legal maturity, {legal_end}, is not after the closing date {closing}",
                              field="token.tranches")
    currency, notes, assumptions = notes_in_pool_currency(
        tranches, _pool_currency(frame, pool_currency), cashflow.fx_to_pool, fx_rate)
    scenarios = _scenarios(cashflow, notes, tranches, currency, assumptions)
    revolving_end = _revolving_months(cashflow, asset_class, cut_off, closing)
    source: Schedule | TollHistory
    if spec(asset_class).cashflow == "revenue":
        source = toll_history(frame, concession_end)
        pool_end = months_until(cut_off, concession_end) if concession_end else 0
    else:
        source = schedule(frame, asset_class, cut_off)
        pool_end = revolving_end + len(source.interest) + max(s.recovery_lag_months for s in scenarios)
    ends = period_ends(cut_off, max(pool_end, months_until(cut_off, legal_end)))
    periods = tuple(d.item() for d in ends[1:])
    issue = months_until(cut_off, closing)
    first_fraction = float((ends[issue] - np.datetime64(closing)) / (ends[issue] - ends[issue - 1])) if issue else 1.0
    results = []
    for scenario in scenarios:
        pool, growth = source.flows(scenario, ends)
        if growth is not None and not np.isfinite(pool.collections.sum()):  # the report's totals must be numbers
            raise ProjectionError(f"the projected revenue overflows: the history's growth of {growth:.3g} a year "
                                  "compounds past any amount", column="toll_revenue")
        revolving = Revolving(revolving_end, _unit(pool, source)) if revolving_end else None
        waterfall = run_waterfall(pool.collections, _shocked(notes, tranches, currency, scenario),
                                  float(cashflow.senior_fees_rate), periods, issue_month=issue,
                                  first_fraction=first_fraction, revolving=revolving)
        if revolving is not None:
            pool = _replenished(pool, revolving.unit, waterfall.purchases, source)
        results.append(ScenarioResult(scenario, pool, waterfall, growth))
    return CashflowReport(asset_class, cut_off, currency, periods, tuple(results), tuple(assumptions), closing,
                          periods[revolving_end - 1] if revolving_end else None)


FX_SHOCK = Decimal("0.10")
"""The token currency's rise against the pool currency in the stress added when the deal states none (an
assumption the documents state, not a rule)."""


def _scenarios(cashflow: Cashflow, notes: list[Note], tranches: list[Tranche], currency: str,
               assumptions: list[dict]) -> tuple[Scenario, ...]:
    """Base, the deal's stresses and, when a tranche is in another currency than the pool and no scenario shocks
    the rate, an FX stress: the base case with the tokens' currency 10% dearer."""
    scenarios = (cashflow.base, *cashflow.stress)
    if len({s.name for s in scenarios}) < len(scenarios):
        names = ", ".join(s.name for s in scenarios)
        raise ProjectionError(f"scenario names repeat ({names}); make them unique", field="cashflow")
    foreign = any(t.currency != currency for t in tranches)
    if foreign and not any(s.fx_shock for s in scenarios) and "fx-stress" not in {s.name for s in scenarios}:
        scenarios += (cashflow.base.model_copy(update={
            "name": "fx-stress", "fx_shock": FX_SHOCK, "label_zh": "汇率压力情景", "label_en": "FX stress"}),)
        assumptions.append(assumption("assumption_fx_stress", f"FX stress: the base case with each token currency "
                                      f"{FX_SHOCK:.0%} dearer against {currency}", shock=f"{FX_SHOCK:.0%}",
                                      currency=currency))
    return scenarios


def _shocked(notes: list[Note], tranches: list[Tranche], currency: str, scenario: Scenario) -> list[Note]:
    """The notes in the pool currency at the scenario's FX shock (tranches in the pool currency unchanged)."""
    if not scenario.fx_shock:
        return notes
    foreign = {t.id for t in tranches if t.currency != currency}
    factor = 1 + float(scenario.fx_shock)
    return [replace(n, principal=n.principal * factor) if n.id in foreign else n for n in notes]


def _revolving_months(cashflow: Cashflow, asset_class: AssetClass, cut_off: date, closing: date) -> int:
    """The last month of the revolving period (0: none)."""
    until = cashflow.revolving_until
    if until is None:
        return 0
    if spec(asset_class).cashflow == "revenue":
        raise ProjectionError("an income right projected from its revenue does not revolve: remove "
                              "cashflow.revolving_until",
                              field="cashflow.revolving_until")
    if until <= closing:
        raise ProjectionError(f"the revolving period ends on {until}, not after the closing date {closing}",
                              field="cashflow.revolving_until")
    return months_until(cut_off, until)


def _unit(pool: PoolFlows, source: Schedule | TollHistory) -> np.ndarray:
    """Collections of one unit of balance k+1 months after it is bought: the pool's own pattern from the cut-off."""
    return pool.collections / source.balance[0]


def _replenished(pool: PoolFlows, unit: np.ndarray, purchases: np.ndarray, source: Schedule) -> PoolFlows:
    """The pool with the assets bought in the revolving period, each paying like the original pool."""
    months, start = len(purchases), source.balance[0]

    def bought(values: np.ndarray, lag: int) -> np.ndarray:
        return values + np.convolve(purchases, np.concatenate((np.zeros(lag), values / start)))[:months]

    balance = pool.balance + np.convolve(purchases, np.concatenate(([1.0], pool.balance / start)))[:months]
    return PoolFlows(bought(pool.collections, 1), bought(pool.interest, 1), bought(pool.scheduled_principal, 1),
                     bought(pool.prepayments, 1), bought(pool.defaults, 1), bought(pool.recoveries, 1), balance)


_EVERY_FLOAT = Context(prec=400)
"""Enough digits to quantize any finite float to the cent (the default 28 fail on a toll road's wild growth)."""


def money(value: float) -> str:
    """Half-up to the cent from the exact binary value, so the same float always gives the same string."""
    cents = Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP, _EVERY_FLOAT)
    return str(cents.copy_abs() if cents == 0 else cents)


def ratio(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 4)


def _sorted(value: object) -> object:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    return [_sorted(v) for v in value] if isinstance(value, list) else value


def _pool_currency(frame: pl.DataFrame, given: str | None) -> str | None:
    if given or "currency" not in frame.columns:
        return given and given.upper()
    found = sorted(frame.get_column("currency").drop_nulls().unique().to_list())
    if len(found) > 1:
        raise ProjectionError(f"column 'currency' mixes {', '.join(found)}: project one currency at a time",
                              column="currency")
    return found[0] if found else None

