"""The pool's own cash before any note is paid: every asset's contractual schedule from the tape, a toll road's
revenue from its history, and the month grid both are laid on (``filing.pool.cashflow`` explains the method and
applies the scenarios through the waterfall).

Why a module of its own: reading and checking the tape's columns, amortising every asset and fitting a toll road's
seasonal profile are one job (the pool's contractual cash); the projection's timeline, scenarios and notes another.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from filing.assets import spec
from filing.model.deal import AssetClass, Scenario
from filing.pool.parse import FREQUENCY_MONTHS
from filing.pool.schema import ND_CODES


class ProjectionError(ValueError):
    """Why the cash flows cannot be projected, naming the tape ``column`` or else the deal ``field`` at fault, so that
    the caller can point at the right file."""

    def __init__(self, message: str, *, column: str | None = None, field: str | None = None):
        super().__init__(message)
        self.column, self.field = column, field


@dataclass(frozen=True)
class PoolFlows:
    """The pool's cash in one scenario, by month (index k-1 is month k), in the pool currency."""

    collections: np.ndarray
    interest: np.ndarray
    scheduled_principal: np.ndarray
    prepayments: np.ndarray
    defaults: np.ndarray
    recoveries: np.ndarray
    balance: np.ndarray
    """Performing balance at the end of the month."""


def _add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's length; a month's last day stays a month's last day."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, last if (start + timedelta(days=1)).day == 1 else min(start.day, last))


def months_until(cut_off: date, day: date) -> int:
    """The month (k) in which ``day`` falls: the first whose end is on or after it (0 for the cut-off itself)."""
    months = (day.year - cut_off.year) * 12 + day.month - cut_off.month
    return max(months + (_add_months(cut_off, months) < day), 0)


def period_ends(cut_off: date, months: int) -> np.ndarray:
    """Ends of months 0..``months`` (month 0 ends on the cut-off) as datetime64[D]."""
    return np.array([_add_months(cut_off, k) for k in range(months + 1)], dtype="datetime64[D]")


def _column(frame: pl.DataFrame, column: str, required: bool) -> pl.Series | None:
    """A typed column. Raw text (a tape that skipped the reader) is parsed for the spellings this module needs."""
    if column not in frame.columns:
        if required:
            raise ProjectionError(f"column '{column}' is missing from the tape", column=column)
        return None
    series = frame.get_column(column)
    if series.dtype == pl.String:
        text = pl.col(column).str.strip_chars().replace([*ND_CODES, ""], None)
        parsed = frame.select(_parse_text(column, text), text.is_not_null().alias("given"))
        series, unreadable = parsed.to_series(0), parsed.to_series(1) & parsed.to_series(0).is_null()
        if unreadable.any():
            raise ProjectionError(f"column '{column}' has {unreadable.sum()} unreadable value(s)"
                                  f"{_where(frame, unreadable)}", column=column)
    if required and series.null_count():
        raise ProjectionError(f"column '{column}' has {series.null_count()} empty value(s)"
                              f"{_where(frame, series.is_null())}", column=column)
    return series


def _parse_text(column: str, text: pl.Expr) -> pl.Expr:
    if column == "payment_frequency":
        return text.str.to_lowercase().replace_strict(FREQUENCY_MONTHS, default=None, return_dtype=pl.Int64)
    dated = {"maturity_date": text, "period": text.str.slice(0, 7) + "-01"}  # a period is 2024-01 or a day in it
    return (dated[column].str.to_date("%Y-%m-%d", strict=False) if column in dated
            else text.cast(pl.Float64, strict=False))


def _numbers(frame: pl.DataFrame, column: str, missing: float | None = None) -> np.ndarray:
    """Float64 values; ``missing`` fills absent values of an optional column (None: the column is required)."""
    series = _column(frame, column, required=missing is None)
    if series is None:
        return np.full(frame.height, missing)
    values = series.cast(pl.Float64).to_numpy()
    return values if missing is None else np.where(np.isnan(values), missing, values)


def _dates(frame: pl.DataFrame, column: str) -> np.ndarray:
    return _column(frame, column, required=True).cast(pl.Date).to_numpy().astype("datetime64[D]")


def _where(frame: pl.DataFrame, mask: pl.Series | np.ndarray) -> str:
    """The first few offending assets, so the message can be acted on."""
    ids = frame.get_column("asset_id").filter(pl.Series(mask)).head(5).to_list() if "asset_id" in frame.columns else []
    return f" (asset_id {', '.join(map(str, ids))})" if ids else ""


@dataclass(frozen=True)
class Schedule:
    """The pool's contractual cash flows before any default or prepayment: SI_k, SP_k (k = 1..K), S_k (k = 0..K)."""

    interest: np.ndarray
    principal: np.ndarray
    balance: np.ndarray

    def flows(self, scenario: Scenario, ends: np.ndarray) -> tuple[PoolFlows, None]:
        """The scenario applied at pool level with the static approach of the module docstring."""
        months = len(ends) - 1
        smm = 1 - (1 - float(scenario.cpr)) ** (1 / 12)
        mdr = 1 - (1 - float(scenario.cdr)) ** (1 / 12)
        performing = ((1 - mdr) * (1 - smm)) ** np.arange(months)  # q_{k-1}
        survivors = performing * (1 - mdr)
        interest, principal = (np.pad(a, (0, months - len(a))) * survivors for a in (self.interest, self.principal))
        balance = np.pad(self.balance, (0, months + 1 - len(self.balance)))
        defaults = mdr * performing * balance[:-1]
        prepayments = smm * survivors * balance[1:]
        recoveries = np.pad(float(scenario.recovery_rate) * defaults, (scenario.recovery_lag_months, 0))[:months]
        return PoolFlows(
            collections=interest + principal + prepayments + recoveries, interest=interest,
            scheduled_principal=principal, prepayments=prepayments, defaults=defaults, recoveries=recoveries,
            balance=survivors * (1 - smm) * balance[1:]), None


def schedule(frame: pl.DataFrame, asset_class: AssetClass, cut_off: date) -> Schedule:
    """Every asset's contractual schedule from the tape, summed by month."""
    if "asset_id" in frame.columns:
        frame = frame.sort("asset_id")  # the same pool in any row order gives the same sums
    balance = _numbers(frame, "outstanding_balance")
    if (balance <= 0).any():
        raise ProjectionError("column 'outstanding_balance' must be positive" + _where(frame, balance <= 0),
                              column="outstanding_balance")
    maturity = _dates(frame, "maturity_date")
    early = maturity < np.datetime64(cut_off)
    if early.any():
        raise ProjectionError(f"column 'maturity_date' is before the cut-off date {cut_off}" + _where(frame, early),
                              column="maturity_date")
    last = months_until(cut_off, maturity.max().item())
    month = np.maximum(np.searchsorted(period_ends(cut_off, last), maturity), 1)
    rate = _numbers(frame, "interest_rate", missing=0.0)
    if spec(asset_class).cashflow == "bullet":
        return _amortise(balance, rate / 12, np.ones_like(month), month, np.zeros_like(balance))
    every = _frequencies(frame)
    period_rate = rate * every / 12
    level = _level_payment(balance, period_rate, -(-month // every), _numbers(frame, "residual_value", 0.0))
    instalment = _numbers(frame, "installment_amount", missing=np.nan)
    return _amortise(balance, period_rate, every, month, np.where(np.isnan(instalment), level, instalment))


def _frequencies(frame: pl.DataFrame) -> np.ndarray:
    """Months between lease instalments (1, 3, 6 or 12); missing means monthly."""
    series = _column(frame, "payment_frequency", required=False)
    every = np.ones(frame.height, dtype=np.int64) if series is None else series.fill_null(1).to_numpy()
    wrong = ~np.isin(every, (1, 3, 6, 12))
    if wrong.any():
        raise ProjectionError("column 'payment_frequency' must be monthly, quarterly, semiannual or annual"
                              + _where(frame, wrong), column="payment_frequency")
    return every.astype(np.int64)


def _level_payment(balance: np.ndarray, rate: np.ndarray, count: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """The instalment that amortises ``balance`` to ``residual`` in ``count`` payments at ``rate`` per payment."""
    discount = (1 + rate) ** -count.astype(np.float64)
    return np.divide((balance - residual * discount) * rate, 1 - discount, out=(balance - residual) / count,
                     where=rate > 0)


def _amortise(balance: np.ndarray, rate: np.ndarray, every: np.ndarray, month: np.ndarray,
              instalment: np.ndarray) -> Schedule:
    """Pay every asset month by month, all assets at once; the balance left at maturity is paid then."""
    months = int(month.max())
    interest, principal = np.zeros(months), np.zeros(months)
    remaining = balance.copy()
    for k in range(1, months + 1):
        due = (month >= k) & ((month - k) % every == 0)
        paid_interest = np.where(due, remaining * rate, 0.0)
        amortised = np.clip(instalment - paid_interest, 0.0, remaining)
        paid_principal = np.where(month == k, remaining, np.where(due, amortised, 0.0))
        remaining -= paid_principal
        interest[k - 1], principal[k - 1] = paid_interest.sum(), paid_principal.sum()
    return Schedule(interest, principal, np.maximum(balance.sum() - np.concatenate(([0.0], principal.cumsum())), 0))


@dataclass(frozen=True)
class TollHistory:
    """What the history says: the last year's revenue, each calendar month's share of a year (January first), the
    growth per year, and the last history month (in months since January 1970)."""

    level: float
    profile: np.ndarray
    growth: float
    last_month: int
    concession_end: date | None

    def flows(self, scenario: Scenario, ends: np.ndarray) -> tuple[PoolFlows, float]:
        """Monthly revenue, grown, seasonal, haircut and stopped at the concession end (module docstring)."""
        growth = self.growth if scenario.revenue_growth is None else scenario.revenue_growth
        month = ends[1:].astype("datetime64[M]").astype(np.int64)
        years = np.ceil((month - self.last_month) / 12)
        with np.errstate(over="ignore"):  # wild growth overflows to inf, which project_cashflows reports
            revenue = (self.level * self.profile[month % 12] * (1 + growth) ** years
                       * (1 - float(scenario.revenue_haircut)))
        if self.concession_end is not None:
            length = (ends[1:] - ends[:-1]).astype(np.float64)
            revenue *= np.clip((np.datetime64(self.concession_end) - ends[:-1]).astype(np.float64) / length, 0, 1)
        return PoolFlows(revenue, *[np.zeros_like(revenue)] * 6), growth


def toll_history(frame: pl.DataFrame, concession_end: date | None) -> TollHistory:
    period = _dates(frame, "period")
    order = np.argsort(period, kind="stable")
    month, revenue = period[order].astype("datetime64[M]").astype(np.int64), _numbers(frame, "toll_revenue")[order]
    if (np.diff(month) != 1).any():
        raise ProjectionError("column 'period' must list consecutive months, each once (a month repeats or is missing)",
                              column="period")
    years = len(month) // 12
    if years == 0:
        raise ProjectionError(f"column 'period' covers {len(month)} months; the projection needs at least 12",
                              column="period")
    by_year = revenue[len(revenue) - 12 * years:].reshape(years, 12)
    totals = by_year.sum(axis=1)
    if (revenue < 0).any() or (totals == 0).any():
        raise ProjectionError("column 'toll_revenue' must not be negative, nor zero for a whole year of history",
                              column="toll_revenue")
    first_month = month[len(month) - 12 * years]
    profile = np.roll((by_year / totals[:, None]).mean(axis=0), first_month % 12)
    growth = (totals[-1] / totals[0]) ** (1 / (years - 1)) - 1 if years > 1 else 0.0
    return TollHistory(float(totals[-1]), profile, float(growth), int(month[-1]), concession_end)
