"""The deal's eligibility criteria applied to the tape: what each criterion excludes, and what remains.

An asset whose value for a criterion is missing is counted as failing it: the pool may only hold assets shown to meet
the criteria at the cut-off date (SSE Guideline No. 1 §3.7.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

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


def _failing(criteria: Eligibility) -> dict[str, tuple[str, pl.Expr]]:
    """criterion → (limit as text, expression true where the asset fails it or lacks the value)."""
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
        tests["excluded_industries"] = (", ".join(criteria.excluded_industries),
                                        pl.col("section").is_in(criteria.excluded_industries))
    if criteria.excluded_regions:
        prefixes = sorted({_region_prefix(code) for code in criteria.excluded_regions})
        tests["excluded_regions"] = (", ".join(criteria.excluded_regions),
                                     pl.any_horizontal([pl.col("region_code").str.starts_with(p) for p in prefixes]))
    if not criteria.allow_related_parties:
        tests["allow_related_parties"] = ("false", pl.col("affiliated"))
    if criteria.max_obligor_share is not None:
        share = pl.col("balance").sum().over("obligor_id") / pl.col("balance").sum()
        tests["max_obligor_share"] = (str(criteria.max_obligor_share), share > float(criteria.max_obligor_share))
    return tests


def apply_eligibility(pool: pl.DataFrame, criteria: Eligibility) -> tuple[EligibilityResult, pl.Series]:
    """Per-criterion exclusions and the eligible mask (one pass over the pool)."""
    tests = _failing(criteria)
    masks = pool.select("outstanding_balance", *[expr.fill_null(True).alias(name) for name, (_, expr) in tests.items()])
    results = []
    for name, (limit, _) in tests.items():
        excluded = masks.filter(name).get_column("outstanding_balance")
        results.append(CriterionResult(name, limit, excluded.len(), excluded.sum()))
    eligible = (masks.select(~pl.any_horizontal(list(tests))).to_series() if tests
                else pl.Series([True] * pool.height, dtype=pl.Boolean))
    balances = pool.get_column("outstanding_balance")
    return EligibilityResult(int(eligible.sum()), balances.filter(eligible).sum(),
                             int((~eligible).sum()), balances.filter(~eligible).sum(),
                             tuple(results)), eligible.rename("eligible")


__all__ = ["CriterionResult", "EligibilityResult", "apply_eligibility"]
