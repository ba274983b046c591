"""Turning the tape's text cells into typed canonical columns, and locating every cell that would not parse.

Everything is read as text first so that a bad cell becomes a finding at its row rather than an exception or a
silently guessed type; one vectorised parser per column kind keeps a million rows fast. Most columns of a real tape
are clean, so a column whose every cell parses, or whose few distinct codes are clean, is taken as read and skips the
whitespace and ND tests, which otherwise cost a pass over every cell.
"""

from __future__ import annotations

import polars as pl

from filing.pool.checks import RowCheck, TapeFinding, run_row_checks
from filing.pool.lazy import aggregate
from filing.pool.schema import KINDS, ND_CODES, Kind, TapeSchema

AMOUNT = pl.Decimal(38, 2)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
_TRUE = ("true", "yes", "y", "t", "1", "是", "关联", "关联方")
_FALSE = ("false", "no", "n", "f", "0", "否", "非关联", "非关联方")
_FREQUENCY = {
    1: ("monthly", "month", "m", "1", "月", "按月", "每月", "月付"),
    3: ("quarterly", "quarter", "q", "3", "季", "按季", "每季", "季度", "季付"),
    6: ("semiannual", "semi-annual", "half-yearly", "s", "6", "半年", "每半年", "半年付"),
    12: ("annual", "annually", "yearly", "a", "y", "12", "年", "按年", "每年", "年付"),
}


def _number_text(text: pl.Expr) -> pl.Expr:
    """Thousands separators are common in exported tapes ('1,234.50')."""
    return text.str.replace_all(",", "", literal=True).str.replace_all("，", "", literal=True)


def _date(text: pl.Expr) -> pl.Expr:
    """Without polars' cache of distinct strings: hashing every cell costs more than parsing it."""
    return text.str.to_date(DATE_FORMATS[0], strict=False, cache=False)


def _any_date(text: pl.Expr) -> pl.Expr:
    bare = text.str.replace(r"[ T]00:00:00(\.0+)?$", "")  # spreadsheet datetimes at midnight
    return pl.coalesce([bare.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])


def _month(text: pl.Expr) -> pl.Expr:
    dashed = text.str.replace_all(r"[/.年]", "-").str.strip_chars_end("月日-")
    return pl.coalesce([
        (dashed + "-01").str.to_date("%Y-%m-%d", strict=False),
        (dashed + "01").str.to_date("%Y%m%d", strict=False),
        _any_date(text).dt.truncate("1mo"),
    ])


def _rate(text: pl.Expr, percent_header: bool) -> pl.Expr:
    number = _number_text(text).str.strip_chars_end("%").str.strip_chars().cast(pl.Float64, strict=False)
    percent = text.str.ends_with("%") | pl.lit(percent_header)
    return pl.when(percent).then(number / 100).otherwise(number)


def _lookup(table: dict, dtype: pl.DataType, fold: bool):
    """Spelling → value; the table's keys are lower case, so folding (costly on a million cells) is the fallback."""
    return lambda text: (text.str.to_lowercase() if fold else text).replace_strict(table, default=None,
                                                                                   return_dtype=dtype)


_FLAGS = {**{v: True for v in _TRUE}, **{v: False for v in _FALSE}}
FREQUENCY_MONTHS = {v: months for months, values in _FREQUENCY.items() for v in values}
"""Payment-frequency spellings of raw tapes (lower case) → months; the tape reader and the cash flows share it."""

PARSERS = {
    Kind.text: (lambda t: t, None),
    Kind.code: (lambda t: t.str.to_uppercase(), None),
    Kind.amount: (lambda t: t.cast(AMOUNT, strict=False), lambda t: _number_text(t).cast(AMOUNT, strict=False)),
    Kind.number: (lambda t: t.cast(pl.Float64, strict=False),
                  lambda t: _number_text(t).cast(pl.Float64, strict=False)),
    Kind.date: (_date, _any_date),
    Kind.month: (_month, None),
    Kind.flag: (_lookup(_FLAGS, pl.Boolean, False), _lookup(_FLAGS, pl.Boolean, True)),
    Kind.frequency: (_lookup(FREQUENCY_MONTHS, pl.Int8, False), _lookup(FREQUENCY_MONTHS, pl.Int8, True)),
}
"""kind → (fast parser for the common spelling, tolerant parser tried only on the cells the fast one missed)."""


DTYPES: dict[Kind, pl.DataType] = {
    Kind.text: pl.String(), Kind.code: pl.String(), Kind.amount: AMOUNT, Kind.number: pl.Float64(),
    Kind.rate: pl.Float64(), Kind.date: pl.Date(), Kind.month: pl.Date(), Kind.flag: pl.Boolean(),
    Kind.frequency: pl.Int8(),
}


def _stripped(raw: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Blank cells as null and surrounding spaces removed, touching only the columns that need it: a column with an
    empty cell or one that starts or ends with a space or tab. Copying a million strings per column is the costly
    part, so one cheap pass first finds which do; a cell sorting before "!" is the only kind that can be empty or
    start with a space or tab, so starts are looked at only in columns that have one."""
    low = aggregate(raw, *[(pl.col(c) < "!").any() for c in columns])
    ends = aggregate(raw, *[pl.col(c).str.ends_with(end).any() for c in columns for end in (" ", "\t")])
    suspect = [c for c, found in zip(columns, low, strict=True) if found]
    starts = aggregate(raw, *[(pl.col(c).str.starts_with(" ") | pl.col(c).str.starts_with("\t")
                               | (pl.col(c).str.len_bytes() == 0)).any() for c in suspect]) if suspect else ()
    dirty = {c for c, found in zip(suspect, starts, strict=True) if found}
    dirty |= {c for i, c in enumerate(columns) if ends[2 * i] or ends[2 * i + 1]}
    text = {c: pl.col(c).str.strip_chars() for c in columns if c in dirty}
    return raw.select("row", *columns).with_columns(
        [pl.when(t.str.len_bytes() == 0).then(None).otherwise(t).alias(c) for c, t in text.items()])


def _codes(distinct: dict[str, pl.Series]) -> tuple[dict[str, pl.Series], set[str]]:
    """The distinct values of each code column as parsed, and the columns with some value that upper-casing changes.

    A tape repeats a few codes a million times: finding the distinct ones costs a fraction of copying a million
    upper-cased strings, and the checks then judge each code once (``Tape.codes``).
    """
    cased = {c for c, values in distinct.items() if (values.str.to_uppercase() != values).any()}
    return {c: values.str.to_uppercase().unique() if c in cased else values for c, values in distinct.items()}, cased


def _plain_codes(raw: pl.DataFrame, present: list[str]) -> dict[str, pl.Series]:
    """Code column → its distinct values, for the code columns whose distinct values show nothing to strip or blank
    (no empty value, none starting or ending with a space or tab, no ND code): judging the few distinct codes spares
    those columns the whole-column tests."""
    distinct = {c: raw.get_column(c).drop_nulls().unique() for c in present if KINDS[c] is Kind.code}
    return {c: values for c, values in distinct.items()
            if not (values.str.starts_with(" ") | values.str.ends_with(" ") | values.str.starts_with("\t")
                    | values.str.ends_with("\t") | (values.str.len_bytes() == 0) | values.is_in(ND_CODES)).any()}


def _parser(c: str, tolerant: bool, percent: frozenset[str], cased: set[str]) -> pl.Expr | None:
    """The fast or tolerant parser of column ``c``; code columns are upper-cased only if in ``cased``."""
    kind = KINDS[c]
    if kind is Kind.rate:
        parser = None if tolerant else (lambda t: _rate(t, c in percent))
    elif kind is Kind.code and c not in cased:
        parser = PARSERS[Kind.text][tolerant]
    else:
        parser = PARSERS[kind][tolerant]
    return None if parser is None else parser(pl.col(c)).cast(DTYPES[kind]).alias(c)


def _typed(text: pl.DataFrame, present: list[str], percent: frozenset[str], cased: set[str]) -> pl.DataFrame:
    """Parse with the fast parsers; re-parse with the tolerant ones only the columns where some cell was missed."""
    typed = text.select("row", *[_parser(c, False, percent, cased) for c in present])
    retry = [c for c in present if typed.get_column(c).null_count() > text.get_column(c).null_count()
             and _parser(c, True, percent, cased) is not None]
    if retry:
        tolerant = text.select([_parser(c, True, percent, cased) for c in retry])
        typed = typed.with_columns([pl.coalesce(pl.col(c), tolerant.get_column(c)).alias(c) for c in retry])
    return typed


_STRICT = (Kind.amount, Kind.number, Kind.date, Kind.flag, Kind.frequency)
"""Kinds whose fast parser is a strict cast or lookup: it misses every empty, blank or ND cell and any cell with a
trailing space or tab, and reads a cell with leading spaces (dates only) as it reads the stripped cell."""


def _settled(raw: pl.DataFrame, present: list[str]) -> pl.DataFrame:
    """The strict-kind columns whose every cell the fast parser reads, parsed straight from the raw text: such a
    column has nothing to strip, no blank and no ND cell, so it skips ``_stripped`` and the ND test."""
    strict = [c for c in present if KINDS[c] in _STRICT]
    first = raw.select([_parser(c, False, frozenset(), set()) for c in strict])
    return first.select([c for c in strict if first.get_column(c).null_count() == raw.get_column(c).null_count()])


def parse_columns(raw: pl.DataFrame, schema: TapeSchema, percent_columns: frozenset[str]
                  ) -> tuple[pl.DataFrame, list[TapeFinding], pl.Series, dict[str, dict[str, int]],
                             dict[str, pl.Series]]:
    """Parse the raw text frame (canonical names, plus ``row``) into typed columns.

    Returns the typed frame (every schema column present; absent optional ones all null), the findings (TAPE-10
    required value missing, TAPE-11 unparsable, TAPE-27 ND code used), the per-row failure mask, ND counts and the
    distinct values of each code column present.
    """
    present = [c for c in schema.columns if c in raw.columns]
    settled, plain = _settled(raw, present), _plain_codes(raw, present)
    rest = [c for c in present if c not in settled.columns and c not in plain]
    text = _stripped(raw, rest).with_columns([raw.get_column(c) for c in (*settled.columns, *plain)])
    with_nd = [c for c, found in zip(rest, aggregate(text, *[pl.col(c).is_in(ND_CODES).any() for c in rest]),
                                     strict=True) if found]
    nd = text.select([pl.col(c).is_in(ND_CODES).alias(f"{c}__nd") for c in with_nd])
    blanked = text.with_columns([pl.when(nd.get_column(f"{c}__nd")).then(None).otherwise(pl.col(c)).alias(c)
                                 for c in with_nd])
    codes, cased = _codes(plain | {c: blanked.get_column(c).drop_nulls().unique() for c in rest
                                   if KINDS[c] is Kind.code})
    typed = _typed(blanked, [*rest, *plain], percent_columns, cased).with_columns(settled.get_columns())
    typed = typed.with_columns([pl.lit(None, DTYPES[KINDS[c]]).alias(c) for c in schema.columns if c not in present])
    typed = typed.select("row", *schema.columns)

    findings, failing = run_row_checks(
        pl.concat([text.rename({c: f"{c}__text" for c in present}), nd, typed.select(present)], how="horizontal"),
        _cell_checks(schema, present, text, blanked, typed, nd), shown=text)
    nd_counts = {c: dict(sorted(text.filter(nd.get_column(f"{c}__nd")).get_column(c).value_counts().iter_rows()))
                 for c in with_nd}
    return typed, findings, failing, nd_counts, codes


def _cell_checks(schema: TapeSchema, present: list[str], text: pl.DataFrame, blanked: pl.DataFrame,
                 typed: pl.DataFrame, nd: pl.DataFrame) -> list[RowCheck]:
    """TAPE-10, -11 and -27 for the columns where null counts show some cell fails them; a clean column costs no
    pass over its rows. A cell is blanked when empty or ND, and unparsable when blanked is set but typed is null."""
    checks: list[RowCheck] = []
    for c in present:
        cell = pl.col(f"{c}__text")
        is_nd = pl.col(f"{c}__nd") if f"{c}__nd" in nd.columns else pl.lit(False)
        blanks = blanked.get_column(c).null_count()
        if c in schema.required and blanks:
            checks.append(RowCheck("TAPE-10", c, cell.is_null() | is_nd))
        elif c not in schema.required and blanks > text.get_column(c).null_count():
            checks.append(RowCheck("TAPE-27", c, is_nd))
        if KINDS[c] not in (Kind.text, Kind.code) and typed.get_column(c).null_count() > blanks:
            checks.append(RowCheck("TAPE-11", c, cell.is_not_null() & ~is_nd & pl.col(c).is_null(),
                                   f"expected {_EXPECTED[KINDS[c]][0]}", f"应为{_EXPECTED[KINDS[c]][1]}"))
    return checks


_EXPECTED = {
    Kind.amount: ("an amount such as 1234.56", "金额，如1234.56"), Kind.number: ("a number", "数值"),
    Kind.rate: ("a rate such as 4.35% or 0.0435", "利率，如4.35%或0.0435"),
    Kind.date: ("a date such as 2026-09-30", "日期，如2026-09-30"),
    Kind.month: ("a month such as 2026-09", "月份，如2026-09"),
    Kind.flag: ("yes/no (是/否, Y/N, 1/0)", "是/否（Y/N、1/0）"),
    Kind.frequency: ("monthly, quarterly, semiannual or annual (月/季/半年/年)", "月、季、半年或年"),
}
