"""Turning the tape's text cells into typed canonical columns, and locating every cell that would not parse.

Everything is read as text first so that a bad cell becomes a finding at its row rather than an exception or a
silently guessed type; one vectorised parser per column kind keeps a million rows fast.
"""

from __future__ import annotations

import polars as pl

from filing.pool.checks import RowCheck, TapeFinding, run_row_checks
from filing.pool.schema import KINDS, ND_CODES, Kind, TapeSchema

AMOUNT = pl.Decimal(38, 2)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
_TRUE = ("true", "yes", "y", "t", "1", "是", "关联", "关联方")
_FALSE = ("false", "no", "n", "f", "0", "否", "非关联", "非关联方")
_FREQUENCY = {
    1: ("monthly", "month", "m", "1", "月", "按月", "每月", "月付"),
    3: ("quarterly", "quarter", "q", "3", "季", "按季", "每季", "季度", "季付"),
    6: ("semiannual", "semi-annual", "half-yearly", "s", "6", "半年", "每半年", "半年付"),
    12: ("annual", "annually", "yearly", "a", "12", "年", "按年", "每年", "年付"),
}


def _number_text(text: pl.Expr) -> pl.Expr:
    """Thousands separators are common in exported tapes ('1,234.50')."""
    return text.str.replace_all(",", "", literal=True)


def _date(text: pl.Expr) -> pl.Expr:
    bare = text.str.replace(r"[ T]00:00:00(\.0+)?$", "")  # spreadsheet datetimes at midnight
    return pl.coalesce([bare.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])


def _month(text: pl.Expr) -> pl.Expr:
    dashed = text.str.replace_all(r"[/.年]", "-").str.strip_chars_end("月日-")
    return pl.coalesce([
        (dashed + "-01").str.to_date("%Y-%m-%d", strict=False),
        (dashed + "01").str.to_date("%Y%m%d", strict=False),
        _date(text).dt.truncate("1mo"),
    ])


def _rate(text: pl.Expr, percent_header: bool) -> pl.Expr:
    number = _number_text(text).str.strip_chars_end("%").str.strip_chars().cast(pl.Float64, strict=False)
    percent = text.str.ends_with("%") | pl.lit(percent_header)
    return pl.when(percent).then(number / 100).otherwise(number)


def _lookup(text: pl.Expr, table: dict, dtype: pl.DataType) -> pl.Expr:
    return text.str.to_lowercase().replace_strict(table, default=None, return_dtype=dtype)


def parser(kind: Kind, percent_header: bool = False):
    """The expression that parses a stripped, non-ND text column of this kind (null where it cannot)."""
    return {
        Kind.text: lambda t: t,
        Kind.code: lambda t: t.str.to_uppercase(),
        Kind.amount: lambda t: _number_text(t).cast(AMOUNT, strict=False),
        Kind.number: lambda t: _number_text(t).cast(pl.Float64, strict=False),
        Kind.rate: lambda t: _rate(t, percent_header),
        Kind.date: _date,
        Kind.month: _month,
        Kind.flag: lambda t: _lookup(t, {**{v: True for v in _TRUE}, **{v: False for v in _FALSE}}, pl.Boolean),
        Kind.frequency: lambda t: _lookup(t, {v: m for m, vs in _FREQUENCY.items() for v in vs}, pl.Int8),
    }[kind]


DTYPES: dict[Kind, pl.DataType] = {
    Kind.text: pl.String(), Kind.code: pl.String(), Kind.amount: AMOUNT, Kind.number: pl.Float64(),
    Kind.rate: pl.Float64(), Kind.date: pl.Date(), Kind.month: pl.Date(), Kind.flag: pl.Boolean(),
    Kind.frequency: pl.Int8(),
}


def parse_columns(raw: pl.DataFrame, schema: TapeSchema, percent_columns: frozenset[str]
                  ) -> tuple[pl.DataFrame, list[TapeFinding], pl.Series, dict[str, dict[str, int]]]:
    """Parse the raw text frame (canonical names, plus ``row``) into typed columns.

    Returns the typed frame (every schema column present; absent optional ones all null), the findings (TAPE-10
    required value missing, TAPE-11 unparsable, TAPE-27 ND code used), the per-row failure mask and ND counts.
    """
    text = raw.select("row", *[pl.col(c).str.strip_chars().replace("", None).alias(c)
                               for c in schema.columns if c in raw.columns])
    present = [c for c in schema.columns if c in text.columns]
    typed = text.select("row", *[
        parser(KINDS[c], c in percent_columns)(pl.when(pl.col(c).is_in(ND_CODES)).then(None).otherwise(pl.col(c)))
        .cast(DTYPES[KINDS[c]]).alias(c) for c in present])
    typed = typed.with_columns([pl.lit(None, DTYPES[KINDS[c]]).alias(c) for c in schema.columns if c not in present])
    typed = typed.select("row", *schema.columns)

    both = pl.concat([text.rename({c: f"{c}__text" for c in present}), typed.select(present)], how="horizontal")
    checks: list[RowCheck] = []
    for c in present:
        cell = pl.col(f"{c}__text")
        if c in schema.required:
            checks.append(RowCheck("TAPE-10", c, cell.is_null() | cell.is_in(ND_CODES)))
        else:
            checks.append(RowCheck("TAPE-27", c, cell.is_in(ND_CODES)))
        if KINDS[c] not in (Kind.text, Kind.code):
            checks.append(RowCheck("TAPE-11", c, cell.is_not_null() & ~cell.is_in(ND_CODES) & pl.col(c).is_null(),
                                   f"expected {_EXPECTED[KINDS[c]]}"))
    findings, failing = run_row_checks(both, checks, shown=text)
    counts = text.select([(pl.col(c) == code).sum().alias(f"{c}|{code}") for c in present for code in ND_CODES])
    nd_counts: dict[str, dict[str, int]] = {}
    for key, n in counts.row(0, named=True).items():
        if n:
            column, code = key.split("|")
            nd_counts.setdefault(column, {})[code] = n
    return typed, findings, failing, nd_counts


_EXPECTED = {
    Kind.amount: "an amount such as 1234.56", Kind.number: "a number", Kind.rate: "a rate such as 4.35% or 0.0435",
    Kind.date: "a date such as 2026-09-30", Kind.month: "a month such as 2026-09",
    Kind.flag: "yes/no (是/否, Y/N, 1/0)", Kind.frequency: "monthly, quarterly, semiannual or annual (月/季/半年/年)",
}
