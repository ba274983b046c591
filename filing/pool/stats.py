"""Pool overview figures (SSE Guideline No. 1 §4.1.2): totals, weighted averages and distribution tables.

Months are days / (365.25 / 12) as of the cut-off date, so term and seasoning do not depend on month lengths; money is
summed as exact Decimal, shares and averages are floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

from filing.pool.schema import INDUSTRY_PATTERN, INDUSTRY_SECTIONS

if TYPE_CHECKING:
    from filing.model.deal import Assets

DAYS_PER_MONTH = 365.25 / 12

BALANCE_EDGES = (0, 50_000, 100_000, 500_000, 1_000_000, 5_000_000, 10_000_000, 50_000_000, 100_000_000)
MONTH_EDGES = (0, 3, 6, 12, 24, 36, 60, 120)
RATE_EDGES = (0, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10)


def enrich(frame: pl.DataFrame, assets: Assets) -> pl.DataFrame:
    """Add the measures every statistic needs, computed once: float balance, months, affiliation, province, section."""
    from filing.model.regions import province_prefixes

    cut_off = pl.lit(assets.cut_off_date)
    affiliates = pl.Series(list(assets.originator_affiliates), dtype=pl.String).implode()
    region = pl.col("region_code")
    industry = pl.col("industry_code")
    return frame.with_columns(
        pl.col("outstanding_balance").cast(pl.Float64).alias("balance"),
        ((pl.col("maturity_date") - cut_off).dt.total_days() / DAYS_PER_MONTH).alias("remaining_term"),
        ((cut_off - pl.col("origination_date")).dt.total_days() / DAYS_PER_MONTH).alias("seasoning"),
        (pl.col("related_party").fill_null(False) | pl.col("obligor_id").is_in(affiliates)
         | pl.col("obligor_uscc").is_in(affiliates).fill_null(False)).alias("affiliated"),
        pl.when(region.str.contains(r"^[0-9]{6}$") & region.str.slice(0, 2).is_in(sorted(province_prefixes())))
        .then(region.str.slice(0, 2)).alias("province"),
        pl.when(industry.str.contains(INDUSTRY_PATTERN)).then(industry.str.slice(0, 1)).alias("section"),
        pl.coalesce("obligor_group", "obligor_id").alias("group_key"),
    )


@dataclass(frozen=True)
class Totals:
    asset_count: int
    obligor_count: int
    balance: Decimal
    """Outstanding balance of the assets analysed (positive balances)."""
    original_amount: Decimal | None
    average_balance: Decimal
    largest_balance: Decimal
    smallest_balance: Decimal
    tape_total: Decimal
    """Sum of every parsed balance on the tape, the figure compared with the stated pool balance."""
    stated_pool_balance: Decimal
    difference: Decimal
    matches_stated: bool
    rows_excluded: int
    """Rows left out of the statistics because their balance is missing, zero or negative."""


@dataclass(frozen=True)
class WeightedAverages:
    """Balance-weighted, over the assets that have the value; months as of the cut-off date."""

    interest_rate: float | None
    remaining_term_months: float | None
    seasoning_months: float | None
    original_term_months: float | None


@dataclass(frozen=True)
class DistributionRow:
    key: str
    label_zh: str
    label_en: str
    count: int
    balance: Decimal
    count_share: float
    balance_share: float


def totals(pool: pl.DataFrame, tape_total: Decimal, stated: Decimal, tolerance: Decimal, excluded: int) -> Totals:
    balance = pool.get_column("outstanding_balance")
    original = pool.get_column("original_amount")
    total = balance.sum()
    difference = tape_total - stated
    return Totals(
        asset_count=pool.height, obligor_count=pool.get_column("obligor_id").n_unique(), balance=total,
        original_amount=original.sum() if original.null_count() < original.len() else None,
        average_balance=(total / pool.height).quantize(Decimal("0.01")) if pool.height else total,
        largest_balance=balance.max() or total, smallest_balance=balance.min() or total,
        tape_total=tape_total, stated_pool_balance=stated, difference=difference,
        matches_stated=abs(difference) <= tolerance, rows_excluded=excluded,
    )


def weighted_averages(pool: pl.DataFrame) -> WeightedAverages:
    def wa(value: pl.Expr) -> pl.Expr:
        weight = pl.when(value.is_not_null()).then(pl.col("balance"))
        return (value * pl.col("balance")).sum() / weight.sum()

    original_term = (pl.col("maturity_date") - pl.col("origination_date")).dt.total_days() / DAYS_PER_MONTH
    row = pool.select(wa(pl.col("interest_rate")), wa(pl.col("remaining_term")), wa(pl.col("seasoning")),
                      wa(original_term)).row(0)
    return WeightedAverages(*(None if v is None or v != v else float(v) for v in row))


def _table(pool: pl.DataFrame, key: pl.Expr, labels: dict[str, tuple[str, str]], order: Sequence[str] | None
           ) -> tuple[DistributionRow, ...]:
    """Count and balance per key; in ``order`` if given, else by balance descending; unknown keys last."""
    total_count, total_balance = pool.height, pool.get_column("balance").sum()
    grouped = (pool.group_by(key.fill_null("unknown").alias("key"))
               .agg(pl.len().alias("count"), pl.col("outstanding_balance").sum().alias("amount"),
                    pl.col("balance").sum().alias("weight"))
               .sort(["weight", "key"], descending=[True, False]))
    rows = {r["key"]: r for r in grouped.iter_rows(named=True)}
    keys = [k for k in (order or rows) if k in rows and k != "unknown"] + (["unknown"] if "unknown" in rows else [])
    return tuple(DistributionRow(k, *labels.get(k, ("未知", "unknown")), rows[k]["count"], rows[k]["amount"],
                                 rows[k]["count"] / total_count, rows[k]["weight"] / total_balance if total_balance
                                 else 0.0) for k in keys)


def _number(value: float) -> str:
    value = round(value, 6)
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


def _buckets(value: pl.Expr, edges: Sequence[float], unit: tuple[str, str], scale: float = 1
             ) -> tuple[pl.Expr, dict[str, tuple[str, str]], list[str]]:
    """Bucket key (01 for the first edge at or below the value, ...) and labels '[lower, upper) unit'."""
    key = pl.sum_horizontal([(value >= edge).cast(pl.Int32) for edge in edges]).cast(pl.String).str.zfill(2)
    key = pl.when(value.is_null() | (value < edges[0])).then(None).otherwise(key)
    names = [_number(e * scale) for e in edges] + ["∞"]
    labels = {f"{i + 1:02d}": tuple(f"[{names[i]}, {names[i + 1]}){u}" for u in unit) for i in range(len(edges))}
    return key, labels, list(labels)


def distributions(pool: pl.DataFrame) -> dict[str, tuple[DistributionRow, ...]]:
    """The distribution tables of §4.1.2: balance, remaining term, seasoning, rate, region, industry, related party."""
    from filing.model.regions import province_name, province_prefixes

    regions = {p: (province_name(p + "0000", "zh"), province_name(p + "0000", "en")) for p in province_prefixes()}
    tables = {}
    for name, column, edges, unit, scale in (
            ("balance", "balance", BALANCE_EDGES, ("", ""), 1),
            ("remaining_term", "remaining_term", MONTH_EDGES, (" 个月", " months"), 1),
            ("seasoning", "seasoning", MONTH_EDGES, (" 个月", " months"), 1),
            ("interest_rate", "interest_rate", RATE_EDGES, ("%", "%"), 100)):
        key, labels, order = _buckets(pl.col(column), edges, unit, scale)
        tables[name] = _table(pool, key, labels, order)
    tables["region"] = _table(pool, pl.col("province"), regions, None)
    tables["industry"] = _table(pool, pl.col("section"), INDUSTRY_SECTIONS, None)
    related = {"yes": ("关联方", "related party"), "no": ("非关联方", "unrelated")}
    flag = pl.when(pl.col("affiliated")).then(pl.lit("yes")).when(~pl.col("related_party")).then(pl.lit("no"))
    tables["related_party"] = _table(pool, flag, related, ["yes", "no"])
    return tables


__all__ = ["enrich", "totals", "weighted_averages", "distributions", "Totals", "WeightedAverages",
           "DistributionRow", "DAYS_PER_MONTH"]
