"""Reading a static-pool history file: monthly vintages with their balances, defaults, recoveries and prepayments.

One row per vintage (origination month) and reporting month. Each vintage starts in its origination month and runs
month by month without gaps; ``outstanding_balance`` is the performing balance at the month's end, so the month's
scheduled principal is what the balance identity leaves: begin − defaults − prepayments − end (never negative). The
file is CSV (UTF-8 or GB18030), XLSX or Parquet with English or Chinese headers, read like the tape; its size and
row count are checked before it is read whole, and every bad cell or vintage is reported by file row and column.
"""

from __future__ import annotations

import dataclasses
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from filing.errors import InputError, Problem, one_line
from filing.pool.read import read_text_table
from filing.pool.schema import header_key

MAX_HISTORY_BYTES = 64 * 1024 * 1024
MAX_HISTORY_ROWS = 200_000
"""A static pool has a few thousand vintage-months; these bounds stop a wrong file before it costs memory."""
MAX_PROBLEMS = 20
AMOUNTS = ("original_amount", "outstanding_balance", "defaults", "recoveries", "prepayments")
MONTHS = ("vintage", "period")

_ALIASES: dict[str, tuple[str, ...]] = {
    "vintage": ("vintage", "cohort", "originationmonth", "发放月份", "起始月份", "资产发放月份", "批次", "静态池"),
    "period": ("period", "reportmonth", "month", "报告月份", "观察月份", "期间", "月份"),
    "original_amount": ("originalamount", "originations", "originalbalance", "发放金额", "初始金额", "初始本金"),
    "outstanding_balance": ("outstandingbalance", "balance", "endingbalance", "期末余额", "未偿本金余额", "剩余本金"),
    "defaults": ("defaults", "defaultamount", "违约金额", "当期违约金额", "违约"),
    "recoveries": ("recoveries", "recoveryamount", "回收金额", "违约回收金额", "回收"),
    "prepayments": ("prepayments", "prepaymentamount", "提前还款金额", "早偿金额", "提前还款"),
}
ALIASES = {header_key(name): column for column, names in _ALIASES.items() for name in (column, *names)}
"""Normalised header → history column."""

_MONTH = r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})(?:\s*月)?(?:[-/.]\d{1,2}(?:[ T].*)?)?\s*$"


@dataclass(frozen=True)
class History:
    """A validated history: one row per vintage-month in vintage, period order, with the file row of each."""

    path: Path
    format: str
    frame: pl.DataFrame
    """vintage, period (first days of months), mob (months on book, 0 in the origination month), the amounts, row."""


def read_history(path: str | Path, cut_off: date, where: str = "assets.history") -> History:
    """Read and validate a history file; InputError listing every bad cell and vintage, located by row and column."""
    path = Path(path)
    try:
        _check_size(path)
        raw, fmt, _, _ = read_text_table(path, None)
    except InputError as error:  # every problem of the file as a whole points at the deal field that names it
        raise InputError([dataclasses.replace(p, path=p.path or where) for p in error.problems]) from None
    if raw.height > MAX_HISTORY_ROWS:
        raise _error(path, f"the history has {raw.height:,} rows, more than the {MAX_HISTORY_ROWS:,} allowed",
                     f"历史数据共{raw.height:,}行，超过上限{MAX_HISTORY_ROWS:,}行", path=where)
    columns = _map_headers(path, tuple(raw.columns), where)
    frame = raw.select([pl.col(header).alias(column) for column, header in columns.items()])
    frame = frame.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))
    if frame.height == 0:
        raise _error(path, "the history has a header but no data rows", "历史数据只有表头，没有数据行", line=2)
    index = {column: list(raw.columns).index(header) + 1 for column, header in columns.items()}
    typed, problems = _parse(path, frame, index)
    if not problems:
        typed, problems = _check_vintages(path, typed, index, cut_off)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            shown.append(Problem(str(path), f"… and {more:,} more problem(s)", message_zh=f"……另有{more:,}处问题"))
        raise InputError(shown)
    return History(path, fmt, typed)


def _check_size(path: Path) -> None:
    """The file's bytes, and a Parquet file's row count from its footer, before anything is read whole."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block the read or never end
            raise _error(path, "cannot open the history file: not a regular file (a folder, pipe or device)",
                         "无法打开历史数据文件：不是普通文件（文件夹、管道或设备）")
        size = info.st_size
    except OSError as error:
        raise _error(path, f"cannot open the history file: {error.strerror}",
                     f"无法打开历史数据文件：{error.strerror}") from None
    if size > MAX_HISTORY_BYTES:
        raise _error(path, f"the history file has {size:,} bytes, more than the {MAX_HISTORY_BYTES:,} allowed",
                     f"历史数据文件为{size:,}字节，超过上限{MAX_HISTORY_BYTES:,}字节")
    with path.open("rb") as handle:
        parquet = handle.read(4) == b"PAR1"
    if parquet:
        try:
            rows = pl.scan_parquet(path).select(pl.len()).collect().item()
        except (pl.exceptions.PolarsError, OSError) as error:
            raise _error(path, f"not a readable Parquet file: {str(error).splitlines()[0]}",
                         "不是可读取的Parquet文件") from None
        if rows > MAX_HISTORY_ROWS:
            raise _error(path, f"the history has {rows:,} rows, more than the {MAX_HISTORY_ROWS:,} allowed",
                         f"历史数据共{rows:,}行，超过上限{MAX_HISTORY_ROWS:,}行")


def _map_headers(path: Path, headers: tuple[str, ...], where: str) -> dict[str, str]:
    columns: dict[str, str] = {}
    for number, header in enumerate(headers, start=1):
        column = ALIASES.get(header_key(header))
        if column is None:
            continue
        if column in columns:
            raise _error(path, f"headers {columns[column]!r} and {header!r} both mean {column}; keep one",
                         f"表头“{columns[column]}”与“{header}”均表示{column}，请保留其一", line=1, column=number)
        columns[column] = header
    missing = [c for c in _ALIASES if c not in columns]
    if missing:
        raise _error(path, f"missing column(s) {', '.join(missing)}; headers found: "
                           f"{', '.join(map(one_line, headers[:20]))}",
                     f"缺少列：{'、'.join(missing)}", line=1, path=where)
    return columns


def _parse(path: Path, frame: pl.DataFrame, index: dict[str, int]) -> tuple[pl.DataFrame, list[Problem]]:
    """Months and amounts from text; a blank or unreadable cell is a problem at its row and column."""
    text = frame.with_columns(pl.col(c).str.strip_chars() for c in (*MONTHS, *AMOUNTS))
    month = {c: pl.col(c).str.extract_groups(_MONTH) for c in MONTHS}
    typed = text.with_columns(
        *[pl.date(month[c].struct.field("1").cast(pl.Int32, strict=False),
                  month[c].struct.field("2").cast(pl.Int8, strict=False)
                  .pipe(lambda m: pl.when(m.is_between(1, 12)).then(m)), 1).alias(c) for c in MONTHS],
        *[pl.col(c).str.replace_all(",", "").cast(pl.Float64, strict=False).alias(c) for c in AMOUNTS])
    problems = []
    for column in (*MONTHS, *AMOUNTS):
        bad = typed.get_column(column).is_null() | ~typed.get_column(column).cast(pl.Float64).is_finite() \
            if column in AMOUNTS else typed.get_column(column).is_null()
        for row, value in text.filter(bad).select("row", column).head(MAX_PROBLEMS + 1).iter_rows():
            kind = "a month such as 2024-01" if column in MONTHS else "an amount such as 1234.56"
            kind_zh = "月份，如2024-01" if column in MONTHS else "金额，如1234.56"
            shown = f"{one_line(value)!r}" if value else "blank"
            problems.append(Problem(str(path), f"{column}: {shown} is not {kind}",
                                    message_zh=f"{column}：{'空白' if not value else one_line(value)}不是{kind_zh}",
                                    line=row, column=index[column]))
    negative = pl.any_horizontal(pl.col(c) < 0 for c in AMOUNTS)
    for row, *values in typed.filter(negative).select("row", *AMOUNTS).head(MAX_PROBLEMS + 1).iter_rows():
        column = next(c for c, v in zip(AMOUNTS, values, strict=True) if v is not None and v < 0)
        problems.append(Problem(str(path), f"{column} is negative", message_zh=f"{column}为负数", line=row,
                                column=index[column]))
    return typed, problems


def _check_vintages(path: Path, frame: pl.DataFrame, index: dict[str, int], cut_off: date
                    ) -> tuple[pl.DataFrame, list[Problem]]:
    """Each vintage starts in its origination month, runs without gaps or repeats to no later than the cut-off,
    keeps one original amount, and its balance never rises (the derived scheduled principal is never negative)."""
    frame = frame.sort("vintage", "period", "row").with_columns(
        ((pl.col("period").dt.year() - pl.col("vintage").dt.year()) * 12
         + pl.col("period").dt.month().cast(pl.Int32) - pl.col("vintage").dt.month().cast(pl.Int32)).alias("mob"))
    by = pl.col("mob").shift(1).over("vintage")
    begin = pl.col("outstanding_balance").shift(1).over("vintage").fill_null(pl.col("original_amount"))
    scheduled = begin - pl.col("defaults") - pl.col("prepayments") - pl.col("outstanding_balance")
    tolerance = 0.005 + 1e-9 * pl.col("original_amount")
    checks = [
        ("period", pl.col("period") > pl.lit(cut_off), f"the month is after the cut-off date {cut_off}",
         f"月份晚于基准日{cut_off}"),
        ("vintage", pl.col("mob") < 0, "the reporting month is before the vintage's origination month",
         "报告月份早于该批次的发放月份"),
        ("period", (pl.col("mob") == by), "the vintage reports this month twice", "该批次重复报告同一月份"),
        ("period", by.is_null() & (pl.col("mob") > 0),
         "the vintage's first row is not its origination month", "该批次的首行不是其发放月份"),
        ("period", by.is_not_null() & (pl.col("mob") > by + 1), "months are missing before this one",
         "该月份之前缺少月份"),
        ("original_amount", pl.col("original_amount") <= 0, "the original amount is not positive", "发放金额不为正"),
        ("original_amount", pl.col("original_amount") != pl.col("original_amount").first().over("vintage"),
         "the vintage's original amount differs from its first row's", "该批次的发放金额与首行不一致"),
        ("outstanding_balance", scheduled < -tolerance,
         "the balance rises: it exceeds the previous balance less defaults and prepayments",
         "期末余额大于上月余额减去违约与提前还款金额，余额不应增加"),
    ]
    failing = frame.lazy().select("row", "vintage", *[e.fill_null(False).alias(str(i))
                                                     for i, (_, e, _, _) in enumerate(checks)]).collect()
    problems = []
    for i, (column, _, message, message_zh) in enumerate(checks):
        for row, vintage in failing.filter(pl.col(str(i))).select("row", "vintage").head(MAX_PROBLEMS + 1).iter_rows():
            problems.append(Problem(str(path), f"vintage {vintage:%Y-%m}: {message}",
                                    message_zh=f"批次{vintage:%Y-%m}：{message_zh}", line=row, column=index[column]))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return frame.select("vintage", "period", "mob", *AMOUNTS, "row"), problems


def _error(file: Path, message: str, message_zh: str, **where) -> InputError:
    return InputError([Problem(str(file), message, message_zh=message_zh, **where)])


__all__ = ["History", "read_history", "ALIASES", "MAX_HISTORY_BYTES", "MAX_HISTORY_ROWS"]
