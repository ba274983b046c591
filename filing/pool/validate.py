"""Content checks on a parsed tape, each a vectorised expression located by column and file row.

They run after parsing, so every check sees typed values; checks that only need distinct values (USCCs, region codes)
evaluate those once and test membership, which keeps a million-row tape to a few passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

from filing.assets import spec
from filing.pool.checks import RowCheck, TapeFinding, run_row_checks
from filing.pool.read import Tape
from filing.pool.schema import INDUSTRY_PATTERN
from filing.pool.stats import Totals
from filing.pool.uscc import uscc_status

if TYPE_CHECKING:
    from filing.model.deal import Assets, Tranche

TOLERANCE = Decimal("0.01")
"""Largest difference, in the currency unit, accepted between the tape total and the stated pool balance."""


def validate(tape: Tape, assets: Assets, tranches: Sequence[Tranche]) -> tuple[list[TapeFinding], pl.Series]:
    """Run the content checks; return findings and a mask of rows failing any blocker or warning check."""
    frame, kind = tape.frame, spec(tape.asset_class)
    own = [RowCheck(c.code, c.column, c.failing, c.detail, c.detail_zh) for c in kind.row_checks(assets.cut_off_date)]
    if kind.tape == "history":
        findings, failing = run_row_checks(frame, own)
        findings += _missing_months(frame)
        return findings, failing
    findings, failing = run_row_checks(frame, _pool_checks(frame, tape.codes, assets) + own)
    findings += _tranche_currency(assets.currency, tranches)
    return findings, failing


def _pool_checks(frame: pl.DataFrame, codes: dict[str, pl.Series], assets: Assets) -> list[RowCheck]:
    """The row checks of a pool tape; code checks judge the distinct codes (``Tape.codes``) and test membership."""
    def distinct(column: str) -> pl.Series:
        return codes.get(column, pl.Series(column, [], dtype=pl.String))

    balance, cut_off = pl.col("outstanding_balance"), assets.cut_off_date
    industries = distinct("industry_code")
    checks = [
        RowCheck("TAPE-12", "outstanding_balance", balance <= 0),
        RowCheck("TAPE-29", "original_amount", pl.col("original_amount") < 0),
        RowCheck("TAPE-13", "maturity_date", pl.col("maturity_date") <= pl.col("origination_date")),
        RowCheck("TAPE-14", "asset_id", pl.lit(duplicated(frame.get_column("asset_id")))),
        *(check for column in frame.columns if column.endswith("_uscc")
          for check in _uscc_checks(distinct(column), column)),
        RowCheck("TAPE-17", "region_code", pl.col("region_code").is_in(_bad_regions(distinct("region_code")))),
        RowCheck("TAPE-18", "industry_code", pl.col("industry_code").is_in(
            industries.filter(~industries.str.contains(INDUSTRY_PATTERN)).implode())),
        RowCheck("TAPE-19", "currency", pl.col("currency") != assets.currency,
                 f"the deal currency is {assets.currency}", f"交易币种为{assets.currency}"),
        RowCheck("TAPE-21", "origination_date", pl.col("origination_date") > cut_off, *cut_off_detail(cut_off)),
        RowCheck("TAPE-22", "maturity_date", (pl.col("maturity_date") <= cut_off) & (balance > 0),
                 *cut_off_detail(cut_off)),
        RowCheck("TAPE-23", "outstanding_balance", balance > pl.col("original_amount")),
        RowCheck("TAPE-24", "interest_rate", (pl.col("interest_rate") < 0) | (pl.col("interest_rate") > 1)),
        RowCheck("TAPE-25", "obligor_id", pl.col("obligor_id").is_not_null()
                 & pl.col("obligor_id").hash().is_in(_conflicting_obligors(frame))),
    ]
    return checks


def _uscc_checks(codes: pl.Series, column: str) -> list[RowCheck]:
    """TAPE-15 and TAPE-16 on a USCC column (every column named ``*_uscc``: the obligor's, a supplier's)."""
    status = uscc_status(codes)
    malformed = status.filter(~pl.col("well_formed")).get_column("uscc").implode()
    wrong_digit = status.filter(~pl.col("check_ok")).get_column("uscc").implode()
    return [RowCheck("TAPE-15", column, pl.col(column).is_in(malformed),
                     "a USCC has 18 characters from 0-9 and A-Y without I, O, S, V, Z; positions 3-8 are digits",
                     "统一社会信用代码为18位，由数字0-9及除I、O、S、V、Z外的大写字母组成，第3至8位为数字"),
            RowCheck("TAPE-16", column, pl.col(column).is_in(wrong_digit))]


def cut_off_detail(cut_off: date) -> tuple[str, str]:
    """The detail of a finding about the cut-off date, in English and Chinese."""
    return f"the cut-off date is {cut_off.isoformat()}", f"基准日为{cut_off.isoformat()}"


def _bad_regions(codes: pl.Series) -> pl.Series:
    """Distinct region codes that GB/T 2260 does not allow (checked once each, with the model's validator)."""
    from filing.model.regions import validate_region_code

    def invalid(code: str) -> bool:
        try:
            validate_region_code(code)
        except ValueError:
            return True
        return False

    return pl.Series([c for c in codes.drop_nulls().unique().sort().to_list() if invalid(c)],
                     dtype=pl.String).implode()


def duplicated(values: pl.Series) -> pl.Series:
    """True on non-null values that occur more than once.

    ``is_duplicated`` hashes every string into a table (~0.3 s for a million distinct ids); sorting their 64-bit
    hashes finds the few candidates in a sixth of that, and the candidates are then compared as strings, so a hash
    collision cannot produce a false finding.
    """
    hashed = values.hash()
    ordered = hashed.sort()
    repeated = ordered.filter(ordered == ordered.shift(1)).unique()
    candidates = hashed.is_in(repeated.implode()) & values.is_not_null()
    if not candidates.any():
        return candidates
    return candidates.scatter(candidates.arg_true(), values.filter(candidates).is_duplicated())


def _conflicting_obligors(frame: pl.DataFrame) -> pl.Series:
    """Hashes of the obligor ids that carry more than one name or USCC (64-bit hashes are ample for a tape; carrying
    the id strings through the grouping would cost as much again)."""
    return (frame.lazy()
            .select(pl.col("obligor_id").hash().alias("key"), pl.col("obligor_name").hash().alias("name"),
                    pl.when(pl.col("obligor_uscc").is_not_null()).then(pl.col("obligor_uscc").hash()).alias("uscc"))
            .group_by("key").agg((pl.col("name").min() != pl.col("name").max()).alias("n"),
                                 (pl.col("uscc").min() != pl.col("uscc").max()).alias("u"))
            .filter(pl.col("n") | pl.col("u")).collect().get_column("key").implode())


def total_finding(totals: Totals) -> list[TapeFinding]:
    """TAPE-20 from the pool totals, so the tape is summed once."""
    if totals.matches_stated:
        return []
    return [TapeFinding("TAPE-20", "outstanding_balance", 1,
                        detail=f"tape total {totals.tape_total:,.2f}, stated pool_balance "
                               f"{totals.stated_pool_balance:,.2f}, difference {totals.difference:,.2f} "
                               f"(tolerance {TOLERANCE})",
                        detail_zh=f"资产清单合计{totals.tape_total:,.2f}，披露的资产池余额{totals.stated_pool_balance:,.2f}，"
                                  f"差额{totals.difference:,.2f}（容差{TOLERANCE}）")]


def _tranche_currency(currency: str, tranches: Sequence[Tranche]) -> list[TapeFinding]:
    other = sorted(f"{t.id} ({t.currency})" for t in tranches if t.currency != currency)
    if not other:
        return []
    return [TapeFinding("TAPE-26", "currency", len(other), examples=tuple(other),
                        detail=f"assets are in {currency}; tranches {', '.join(other)}",
                        detail_zh=f"资产币种为{currency}；证券{'、'.join(other)}")]


def _missing_months(frame: pl.DataFrame) -> list[TapeFinding]:
    periods = frame.get_column("period").drop_nulls().unique()
    if periods.len() < 2:
        return []
    expected = pl.date_range(periods.min(), periods.max(), "1mo", eager=True)
    missing = expected.filter(~expected.is_in(periods.implode()))
    if missing.len() == 0:
        return []
    shown = tuple(d.strftime("%Y-%m") for d in missing.head(5).to_list())
    return [TapeFinding("TAPE-31", "period", missing.len(), examples=shown,
                        detail=f"{missing.len()} month(s) missing, first: {', '.join(shown)}",
                        detail_zh=f"缺少{missing.len()}个月份，首先缺少：{'、'.join(shown)}")]


__all__ = ["validate", "total_finding", "cut_off_detail", "TOLERANCE"]
