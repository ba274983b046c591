"""The tape checks' stable codes and the finding they produce, located by column and file row.

Row numbers are the rows as the user sees them in the file or sheet: the header is row 1, the first data row is row 2.
A finding lists at most ten of them with their asset ids (a servicer fixing the tape searches by id) and the total
count, so a million-row tape with 50,000 bad rows still reads as one line per problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

Severity = Literal["blocker", "warning", "info"]

TAPE_CHECKS: dict[str, tuple[str, str, Severity, str]] = {
    # code: (title_en, title_zh, severity, why)
    "TAPE-01": ("Tape cannot be opened", "资产清单无法打开", "blocker",
                "The pool cannot be described without its tape (file missing, unreadable or not a table)."),
    "TAPE-02": ("Text encoding is neither UTF-8 nor GB18030", "文本编码既非UTF-8也非GB18030", "blocker",
                "Guessing an encoding silently garbles obligor names; the file must be saved in a known encoding."),
    "TAPE-03": ("Tape has no data rows", "资产清单无数据行", "blocker",
                "An empty tape describes no pool."),
    "TAPE-04": ("Required columns missing", "缺少必备列", "blocker",
                "Pool statistics required by SSE Guideline No. 1 §4.1.2 cannot be computed without them."),
    "TAPE-05": ("Two headers map to the same column", "多个表头对应同一列", "blocker",
                "The tool would have to choose one of them silently."),
    "TAPE-06": ("Malformed row (more fields than the header)", "行格式错误（字段多于表头）", "blocker",
                "Values would shift into the wrong columns."),
    "TAPE-10": ("Required value missing", "必备字段缺失", "blocker",
                "A blank or ND code in a required field leaves the asset undescribed."),
    "TAPE-11": ("Value cannot be read as its type", "字段值无法解析", "blocker",
                "An unparsable amount, date, rate, flag or frequency drops out of every total and average."),
    "TAPE-12": ("Balance or instalment not positive", "余额或租金不为正", "blocker",
                "An asset with no positive balance is not part of a pool."),
    "TAPE-13": ("Maturity on or before origination", "到期日不晚于起始日", "blocker",
                "The dates are inconsistent, so term and seasoning are meaningless."),
    "TAPE-14": ("Duplicate asset id", "资产编号重复", "blocker",
                "The asset is counted twice and the pool must identify each asset (SSE Guideline No. 2 §2.1)."),
    "TAPE-15": ("Obligor USCC malformed", "债务人统一社会信用代码格式错误", "blocker",
                "The obligor cannot be identified or checked against dishonest-entity lists (GB 32100-2015)."),
    "TAPE-16": ("Obligor USCC check digit wrong", "债务人统一社会信用代码校验位错误", "warning",
                "Usually a typing error; a few real codes fail, so it is a warning to confirm against the licence."),
    "TAPE-17": ("Unknown region code", "行政区划代码无效", "warning",
                "The regional distribution needs a real GB/T 2260 province prefix."),
    "TAPE-18": ("Industry is not a GB/T 4754 section", "行业不是国民经济行业分类（GB/T 4754）门类", "warning",
                "The industry distribution needs a section letter A-T."),
    "TAPE-19": ("Asset currency differs from the deal currency", "资产币种与交易币种不一致", "blocker",
                "Pool totals would add different currencies."),
    "TAPE-20": ("Tape total differs from the stated pool balance", "资产清单合计与披露的资产池余额不一致", "blocker",
                "The offering documents must describe the pool that is on the tape."),
    "TAPE-21": ("Row dated after the cut-off date", "数据晚于基准日", "blocker",
                "An asset originated (or a month reported) after the cut-off cannot be in the pool at the cut-off."),
    "TAPE-22": ("Asset matured on or before the cut-off date", "资产在基准日前已到期", "warning",
                "A matured asset with a balance is overdue or defaulted, not performing."),
    "TAPE-23": ("Outstanding balance exceeds original amount", "未偿余额超过初始金额", "warning",
                "A receivable or lease does not grow after origination; the figures are likely swapped."),
    "TAPE-24": ("Interest rate outside 0-100%", "利率不在0-100%之间", "warning",
                "Probably a percentage written as a fraction or vice versa; write 4.35% or 0.0435."),
    "TAPE-25": ("Obligor id with conflicting name or USCC", "同一债务人编号对应不同名称或代码", "warning",
                "Obligor concentration is computed by obligor id; conflicting details suggest two obligors share one."),
    "TAPE-26": ("Tape currency differs from a tranche currency", "资产币种与证券币种不一致", "info",
                "Not a tape defect but a fact of the structure: the FX risk must be hedged or disclosed."),
    "TAPE-27": ("ND code used in an optional field", "可选字段使用ND代码", "info",
                "Counted in the completeness score, as the EU templates do."),
    "TAPE-28": ("Columns not recognised", "无法识别的列", "info",
                "They are ignored; rename them if they carry a canonical field."),
    "TAPE-29": ("Negative amount or count", "金额或数量为负", "blocker",
                "Original amounts, residual values, revenue and traffic cannot be negative."),
    "TAPE-30": ("Month reported twice", "月份重复", "blocker",
                "Revenue for the month would be counted twice."),
    "TAPE-31": ("Months missing from the revenue history", "收入历史缺少月份", "warning",
                "Growth and volatility over a history with gaps misstate the cash flow (SSE No. 1 §3.7.6)."),
    "TAPE-32": ("Residual value exceeds original amount", "残值超过初始金额", "warning",
                "A lease whose residual exceeds its amount is mis-keyed or not a finance lease."),
}
"""Every tape check: (title_en, title_zh, severity, why). TAPE-01..06 are raised as InputError (exit code 2)."""

MAX_ROWS_LISTED = 10


@dataclass(frozen=True)
class TapeFinding:
    """One problem on the tape: which check, which column, where (first rows) and how often."""

    code: str
    column: str
    count: int
    rows: tuple[int, ...] = ()
    examples: tuple[str, ...] = ()
    """The offending values at ``rows`` (as written in the file), to show what to fix."""
    detail: str = ""
    asset_ids: tuple[str, ...] = ()
    """The ``asset_id`` of each listed row that has one, in the same order."""
    detail_zh: str = ""
    """``detail`` in Chinese, for the governing text."""

    @property
    def severity(self) -> Severity:
        return TAPE_CHECKS[self.code][2]

    @property
    def title(self) -> str:
        return TAPE_CHECKS[self.code][0]

    def message(self) -> str:
        """What is wrong and on which rows; the finding it becomes names the code and the column."""
        more = " …" if self.count > len(self.rows) else ""
        where = f" in {self.count:,} row(s): {', '.join(map(str, self.rows))}{more}" if self.rows else ""
        ids = f" (asset_id {', '.join(self.asset_ids)}{more})" if self.asset_ids else ""
        return f"{self.title}{where}{ids}" + (f"; {self.detail}" if self.detail else "")

    def message_zh(self) -> str:
        more = "等" if self.count > len(self.rows) else ""
        where = f"，共{self.count:,}行：第{'、'.join(map(str, self.rows))}行{more}" if self.rows else ""
        ids = f"（资产编号{'、'.join(self.asset_ids)}{more}）" if self.asset_ids else ""
        detail = self.detail_zh or self.detail
        return f"{TAPE_CHECKS[self.code][1]}{where}{ids}" + (f"；{detail}" if detail else "")


@dataclass(frozen=True)
class RowCheck:
    """A vectorised check: ``failing`` is a boolean expression true on the rows that fail it."""

    code: str
    column: str
    failing: pl.Expr
    detail: str = ""
    detail_zh: str = ""


def run_row_checks(frame: pl.DataFrame, checks: list[RowCheck], shown: pl.DataFrame | None = None
                   ) -> tuple[list[TapeFinding], pl.Series]:
    """Evaluate every check in one pass; return the findings and a mask of rows failing any non-info check.

    ``shown`` supplies the values quoted as examples (the raw text, when ``frame`` holds parsed values).
    """
    if not checks:
        return [], pl.repeat(False, frame.height, eager=True).alias("failing")
    blocking = [str(i) for i, c in enumerate(checks) if TAPE_CHECKS[c.code][2] != "info"]
    masks = (frame.lazy().select([c.failing.fill_null(False).alias(str(i)) for i, c in enumerate(checks)])
             .with_columns((pl.any_horizontal(blocking) if blocking else pl.lit(False)).alias("failing")).collect())
    counts = masks.drop("failing").sum().row(0)
    shown = frame if shown is None else shown
    ids = shown if "asset_id" in shown.columns else frame
    findings: list[TapeFinding] = []
    for i, (check, count) in enumerate(zip(checks, counts, strict=True)):
        if not count:
            continue
        first = masks.get_column(str(i)).arg_true().head(MAX_ROWS_LISTED)
        examples = (shown.get_column(check.column).gather(first).cast(pl.String).fill_null("")
                    if check.column in shown.columns else pl.Series([], dtype=pl.String))
        listed = (ids.get_column("asset_id").gather(first).drop_nulls().cast(pl.String).to_list()
                  if "asset_id" in ids.columns else [])
        findings.append(TapeFinding(check.code, check.column, int(count),
                                    tuple(frame.get_column("row").gather(first).to_list()),
                                    tuple(examples.to_list()), check.detail, tuple(listed), check.detail_zh))
    return findings, masks.get_column("failing")


__all__ = ["TAPE_CHECKS", "Severity", "TapeFinding", "RowCheck", "run_row_checks", "MAX_ROWS_LISTED"]
