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

from filing.pool.lazy import aggregate
from filing.pool.schema import INDUSTRY_PATTERN, INDUSTRY_SECTIONS

if TYPE_CHECKING:
    from filing.model.deal import Assets

DAYS_PER_MONTH = 365.25 / 12

BALANCE_EDGES = (0, 50_000, 100_000, 500_000, 1_000_000, 5_000_000, 10_000_000, 50_000_000, 100_000_000)
MONTH_EDGES = (0, 3, 6, 12, 24, 36, 60, 120)
RATE_EDGES = (0, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10)


def enrich(frame: pl.DataFrame, assets: Assets) -> pl.DataFrame:
    """Add the measures every statistic needs, computed once: float balance, months, affiliation, and
    ``obligor_key``, an integer per obligor id, so that grouping by obligor never hashes strings again."""
    cut_off = pl.lit(assets.cut_off_date)
    affiliates = pl.Series(list(assets.originator_affiliates), dtype=pl.String).implode()
    return frame.lazy().with_columns(
        pl.col("outstanding_balance").cast(pl.Float64).alias("balance"),
        ((pl.col("maturity_date") - cut_off).dt.total_days() / DAYS_PER_MONTH).alias("remaining_term"),
        ((cut_off - pl.col("origination_date")).dt.total_days() / DAYS_PER_MONTH).alias("seasoning"),
        (pl.col("related_party").fill_null(False) | pl.col("obligor_id").is_in(affiliates)
         | pl.col("obligor_uscc").is_in(affiliates).fill_null(False)).alias("affiliated"),
        pl.coalesce("obligor_group", "obligor_id").alias("group_key"),
        pl.col("obligor_id").cast(pl.Categorical(pl.Categories.random())).to_physical().alias("obligor_key"),
    ).collect()


def province(region: pl.Expr) -> pl.Expr:
    """The GB/T 2260 province prefix of a six-digit region code; null for anything else. Applied after grouping
    where it can be: a tape has a few distinct codes, and matching a million of them is the costly part."""
    from filing.model.regions import province_prefixes

    prefix = region.str.slice(0, 2)
    return pl.when(region.str.contains(r"^[0-9]{6}$") & prefix.is_in(sorted(province_prefixes()))).then(prefix)


def section(industry: pl.Expr) -> pl.Expr:
    """The GB/T 4754 section letter of an industry code; null for anything else (see ``province`` on cost)."""
    return pl.when(industry.str.contains(INDUSTRY_PATTERN)).then(industry.str.slice(0, 1))


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


def totals(pool: pl.DataFrame, obligor_count: int, tape_total: Decimal, stated: Decimal, tolerance: Decimal,
           excluded: int) -> Totals:
    balance, original = pl.col("outstanding_balance"), pl.col("original_amount")
    total, original_total, any_original, largest, smallest = aggregate(
        pool, balance.sum(), original.sum(), original.is_not_null().any(), balance.max(), balance.min())
    difference = tape_total - stated
    return Totals(
        asset_count=pool.height, obligor_count=obligor_count, balance=total,
        original_amount=original_total if any_original else None,
        average_balance=(total / pool.height).quantize(Decimal("0.01")) if pool.height else total,
        largest_balance=largest or total, smallest_balance=smallest or total,
        tape_total=tape_total, stated_pool_balance=stated, difference=difference,
        matches_stated=abs(difference) <= tolerance, rows_excluded=excluded,
    )


def weighted_averages(pool: pl.DataFrame) -> WeightedAverages:
    def wa(value: pl.Expr) -> pl.Expr:
        weight = pl.when(value.is_not_null()).then(pl.col("balance"))
        return (value * pl.col("balance")).sum() / weight.sum()

    original_term = (pl.col("maturity_date") - pl.col("origination_date")).dt.total_days() / DAYS_PER_MONTH
    row = aggregate(pool, wa(pl.col("interest_rate")), wa(pl.col("remaining_term")), wa(pl.col("seasoning")),
                    wa(original_term))
    return WeightedAverages(*(None if v is None or v != v else float(v) for v in row))


def _table(grouped: pl.DataFrame, count: int, total: Decimal, labels: dict, by_key: bool
           ) -> tuple[DistributionRow, ...]:
    """Rows of (key, count, balance): in key order (buckets) or by balance descending (categories); unknown last.

    ``labels`` maps a key to (zh, en); bucket keys are integers, shown as '01', '02', ...
    """
    rows = sorted(grouped.iter_rows(), key=lambda r: (r[0] is None, r[0] if by_key else -r[2], str(r[0])))
    return tuple(DistributionRow("unknown" if k is None else f"{k:02d}" if isinstance(k, int) else k,
                                 *labels.get(k, ("未知", "unknown")), n, amount, n / count,
                                 float(amount / total) if total else 0.0)
                 for k, n, amount in rows)


def _number(value: float) -> str:
    value = round(value, 6)
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


def _buckets(value: pl.Expr, edges: Sequence[float], unit: tuple[str, str], scale: float = 1
             ) -> tuple[pl.Expr, dict[int, tuple[str, str]]]:
    """Bucket number (1 for [edge0, edge1), ...; null below the first edge or missing) and its zh/en labels.

    A chain of comparisons costs a quarter of ``search_sorted`` on a literal; NaN lands in the last bucket either way.
    """
    index = pl.when(value < edges[0]).then(None)
    for number, edge in enumerate(edges[1:], start=1):
        index = index.when(value < edge).then(pl.lit(number, pl.Int64))
    index = index.when(value.is_not_null()).then(pl.lit(len(edges), pl.Int64))
    names = [_number(e * scale) for e in edges] + ["∞"]
    labels = {i + 1: (f"[{names[i]}, {names[i + 1]}){unit[0]}", f"[{names[i]}, {names[i + 1]}){unit[1]}")
              for i in range(len(edges))}
    return index, labels


BUCKETS = {"balance": (BALANCE_EDGES, ("", ""), 1), "remaining_term": (MONTH_EDGES, (" 个月", " months"), 1),
           "seasoning": (MONTH_EDGES, (" 个月", " months"), 1), "interest_rate": (RATE_EDGES, ("%", "%"), 100)}


def distributions(pool: pl.DataFrame) -> dict[str, tuple[DistributionRow, ...]]:
    """The distribution tables of §4.1.2: balance, remaining term, seasoning, rate, region, industry, related party.

    The pool is grouped twice, by all four buckets and by the raw codes behind the three categories (a few
    thousand groups at most); each table then sums those groups, which costs far less than seven passes over a
    million rows, and provinces and sections are derived from the few distinct codes.
    """
    from filing.model.regions import province_name, province_prefixes

    buckets = {name: _buckets(pl.col(name), *spec) for name, spec in BUCKETS.items()}
    sums = (pl.len(), pl.col("outstanding_balance").sum())
    by_bucket, by_code = pl.collect_all([
        pool.lazy().group_by(**{name: key for name, (key, _) in buckets.items()}).agg(*sums),
        pool.lazy().group_by("region_code", "industry_code", "affiliated", "related_party").agg(*sums)])
    related = pl.when(pl.col("affiliated")).then(pl.lit("yes")).when(~pl.col("related_party")).then(pl.lit("no"))
    by_category = by_code.select(province(pl.col("region_code")).alias("region"),
                                 section(pl.col("industry_code")).alias("industry"), related.alias("related_party"),
                                 "len", "outstanding_balance")
    labels = {name: labels for name, (_, labels) in buckets.items()} | {
        "region": {p: (province_name(p + "0000", "zh"), province_name(p + "0000", "en")) for p in province_prefixes()},
        "industry": INDUSTRY_SECTIONS,
        "related_party": {"yes": ("关联方", "related party"), "no": ("非关联方", "unrelated")},
    }
    total = pool.get_column("outstanding_balance").sum()
    return {name: _table((by_bucket if name in buckets else by_category).group_by(name)
                         .agg(pl.col("len").sum(), pl.col("outstanding_balance").sum()),
                         pool.height, total, labels[name], by_key=name in buckets)
            for name in labels}


__all__ = ["enrich", "province", "section", "totals", "weighted_averages", "distributions", "Totals",
           "WeightedAverages", "DistributionRow", "DAYS_PER_MONTH"]
