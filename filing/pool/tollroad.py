"""A toll-road income right's revenue history: coverage, annual totals, growth and volatility (SSE No. 1 §3.7.6).

Calendar-year growth is shown only between complete years; CAGR uses trailing-twelve-month windows ending at the
last reported month, so a history that ends in September still yields whole years. Volatility is given both raw
(coefficient of variation of monthly revenue, which includes seasonality) and as the spread of same-month
year-on-year growth, which removes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from filing.pool.stats import DAYS_PER_MONTH


@dataclass(frozen=True)
class AnnualRevenue:
    year: int
    months: int
    revenue: Decimal
    traffic: float | None
    growth: float | None
    """Against the previous calendar year, when both are complete."""


@dataclass(frozen=True)
class TrailingYear:
    end_period: str
    revenue: Decimal
    growth: float | None


@dataclass(frozen=True)
class TollRoadHistory:
    months: int
    first_period: str
    last_period: str
    years_covered: float
    annual: tuple[AnnualRevenue, ...]
    trailing_years: tuple[TrailingYear, ...]
    cagr: float | None
    monthly_mean: float
    monthly_cv: float | None
    yoy_growth_std: float | None
    concession_end: date | None
    last_legal_maturity: date | None
    concession_covers_notes: bool | None
    concession_margin_months: float | None
    """Months from the last tranche legal maturity to the concession end (negative: the notes outlive the road)."""


def _growth(current: Decimal, previous: Decimal) -> float | None:
    return float(current / previous) - 1 if previous else None


def revenue_history(frame: pl.DataFrame, concession_end: date | None, legal_maturities: Sequence[date]
                    ) -> TollRoadHistory:
    months = (frame.filter(pl.col("period").is_not_null() & pl.col("toll_revenue").is_not_null())
              .unique("period", keep="first").sort("period"))
    periods = months.get_column("period")
    annual_frame = (months.group_by(pl.col("period").dt.year().alias("year"))
                    .agg(pl.len().alias("months"), pl.col("toll_revenue").sum(),
                         pl.col("traffic_volume").sum().alias("traffic"),
                         pl.col("traffic_volume").is_not_null().any().alias("has_traffic"))
                    .sort("year"))
    annual: list[AnnualRevenue] = []
    for r in annual_frame.iter_rows(named=True):
        before = annual[-1] if annual else None
        complete = before is not None and before.year == r["year"] - 1 and before.months == 12 and r["months"] == 12
        annual.append(AnnualRevenue(r["year"], r["months"], r["toll_revenue"],
                                    float(r["traffic"]) if r["has_traffic"] else None,
                                    _growth(r["toll_revenue"], before.revenue) if complete else None))

    revenue = months.get_column("toll_revenue").to_list()
    trailing: list[TrailingYear] = []
    for end in range(len(revenue), 11, -12):  # newest window first, then reversed
        trailing.append(TrailingYear(periods[end - 1].strftime("%Y-%m"), sum(revenue[end - 12:end], Decimal(0)), None))
    trailing.reverse()
    trailing = [TrailingYear(t.end_period, t.revenue, _growth(t.revenue, trailing[i - 1].revenue) if i else None)
                for i, t in enumerate(trailing)]
    cagr = (float(trailing[-1].revenue / trailing[0].revenue) ** (1 / (len(trailing) - 1)) - 1
            if len(trailing) >= 2 and trailing[0].revenue else None)

    floats = months.get_column("toll_revenue").cast(pl.Float64)
    mean = float(floats.mean()) if floats.len() else 0.0
    std = floats.std()
    consecutive = months.with_columns(pl.col("period").dt.offset_by("12mo").alias("next_year"))
    yoy = consecutive.join(months, left_on="next_year", right_on="period", suffix="_later").select(
        (pl.col("toll_revenue_later").cast(pl.Float64) / pl.col("toll_revenue").cast(pl.Float64) - 1).alias("g"))
    yoy_std = yoy.get_column("g").std() if yoy.height >= 2 else None

    last_maturity = max(legal_maturities, default=None)
    margin = ((concession_end - last_maturity).days / DAYS_PER_MONTH
              if concession_end is not None and last_maturity is not None else None)
    return TollRoadHistory(
        months=months.height, first_period=periods[0].strftime("%Y-%m") if len(periods) else "",
        last_period=periods[-1].strftime("%Y-%m") if len(periods) else "", years_covered=months.height / 12,
        annual=tuple(annual), trailing_years=tuple(trailing), cagr=cagr, monthly_mean=mean,
        monthly_cv=float(std) / mean if std is not None and mean else None,
        yoy_growth_std=float(yoy_std) if yoy_std is not None else None,
        concession_end=concession_end, last_legal_maturity=last_maturity,
        concession_covers_notes=None if margin is None else margin >= 0, concession_margin_months=margin)


__all__ = ["AnnualRevenue", "TrailingYear", "TollRoadHistory", "revenue_history"]
