"""The deal's eligibility criteria applied to the tape: what each criterion excludes, and what remains.

An asset whose value for a criterion is missing is counted as failing it: the pool may only hold assets shown to meet
the criteria at the cut-off date (SSE Guideline No. 1 §3.7.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

from filing.pool.lazy import aggregate
from filing.pool.stats import section

if TYPE_CHECKING:
    from filing.model.deal import Eligibility


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    """The field of ``assets.eligibility``."""
    limit: str
    excluded_count: int
    excluded_balance: Decimal


@dataclass(frozen=True)
class EligibilityResult:
    eligible_count: int
    eligible_balance: Decimal
    ineligible_count: int
    ineligible_balance: Decimal
    criteria: tuple[CriterionResult, ...]


def _region_prefix(code: str) -> str:
    """440000 covers the province (44), 440300 the prefecture (4403), 440305 the county itself."""
    return code[:2] if code[2:] == "0000" else code[:4] if code[4:] == "00" else code


def _failing(criteria: Eligibility, pool: pl.DataFrame, obligors: pl.DataFrame) -> dict[str, tuple[str, pl.Expr]]:
    """criterion → (limit as text, expression true where the asset fails it or lacks the value); obligor shares come
    from the obligor table (``concentration.obligors``)."""
    tests: dict[str, tuple[str, pl.Expr]] = {}
    bounds = (("max_remaining_term_months", "remaining_term", "gt"), ("min_seasoning_months", "seasoning", "lt"),
              ("min_outstanding_balance", "outstanding_balance", "lt"),
              ("max_outstanding_balance", "outstanding_balance", "gt"), ("max_interest_rate", "interest_rate", "gt"))
    for name, column, op in bounds:
        limit = getattr(criteria, name)
        if limit is not None:
            value = pl.col(column)
            bound = float(limit) if column != "outstanding_balance" else pl.lit(limit, pl.Decimal(38, 2))
            tests[name] = (str(limit), value > bound if op == "gt" else value < bound)
    if criteria.excluded_industries:
        # judged on the few distinct codes; a code with no section lacks the value, so it fails too
        industries = pool.select(pl.col("industry_code").unique())
        excluded = industries.filter(section(pl.col("industry_code")).is_in(criteria.excluded_industries)
                                     .fill_null(True)).to_series()
        tests["excluded_industries"] = (", ".join(criteria.excluded_industries),
                                        pl.col("industry_code").is_in(excluded.implode()))
    if criteria.excluded_regions:
        prefixes = sorted({_region_prefix(code) for code in criteria.excluded_regions})
        tests["excluded_regions"] = (", ".join(criteria.excluded_regions),
                                     pl.any_horizontal([pl.col("region_code").str.starts_with(p) for p in prefixes]))
    if not criteria.allow_related_parties:
        tests["allow_related_parties"] = ("false", pl.col("affiliated"))
    if criteria.max_obligor_share is not None:
        above = obligors.filter(pl.col("share") > float(criteria.max_obligor_share)).get_column("obligor_key")
        tests["max_obligor_share"] = (str(criteria.max_obligor_share),
                                      pl.col("obligor_key").is_in(above.implode(), nulls_equal=True))
    return tests


def apply_eligibility(pool: pl.DataFrame, criteria: Eligibility, obligors: pl.DataFrame
                      ) -> tuple[EligibilityResult, pl.Series]:
    """Per-criterion exclusions and the eligible mask: one query for the masks, one for every count and sum."""
    tests = _failing(criteria, pool, obligors)
    masks = (pool.lazy().select("outstanding_balance", *[expr.fill_null(True).alias(name)
                                                         for name, (_, expr) in tests.items()])
             .with_columns(eligible=~pl.any_horizontal(list(tests)) if tests else pl.lit(True)).collect())
    balance = pl.col("outstanding_balance")
    groups = [pl.col(name) for name in tests] + [pl.col("eligible"), ~pl.col("eligible")]
    figures = aggregate(masks, *[expr for mask in groups for expr in (mask.sum(), balance.filter(mask).sum())])
    pairs = list(zip(figures[::2], figures[1::2], strict=True))
    excluded = tuple(CriterionResult(name, limit, *pair)
                     for (name, (limit, _)), pair in zip(tests.items(), pairs[:-2], strict=True))
    return EligibilityResult(*pairs[-2], *pairs[-1], excluded), masks.get_column("eligible")


__all__ = ["CriterionResult", "EligibilityResult", "apply_eligibility"]
