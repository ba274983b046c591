"""Static-pool analytics from a history: cumulative default and loss curves per vintage, CPR/CDR and recovery
estimates, and the base-case assumptions they give, with the reasoning stated in both languages.

The rates follow the projection's own conventions (``filing.pool.cashflow``), so a base case read here means the
same thing when it is projected. For vintage v in month m, with B the performing balance at the start of the month
(the original amount in the origination month, else the previous month's ``outstanding_balance``), D defaults, P
prepayments and E the balance at the end:

    MDR = D / B          SMM = P / (E + P)   (prepayments take a share of what survives defaults and schedule)

Pooled over every vintage-month, balance-weighted: MDR = ΣD / ΣB, SMM = ΣP / Σ(E + P); annualised CDR = 1 − (1 −
MDR)^12 and CPR = 1 − (1 − SMM)^12. Recovery lag = the recovery-weighted mean of (mean month on book of a vintage's
recoveries − that of its defaults), rounded to whole months; recovery rate = Σ recoveries ÷ Σ defaults old enough to
have recovered (at least the lag before the vintage's last reported month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from filing.pool.history import History


@dataclass(frozen=True)
class VintageCurve:
    vintage: date
    original_amount: float
    months: int
    """Months reported, the origination month included."""
    cumulative_default: tuple[float, ...]
    """Cumulative defaults ÷ original amount at the end of each month on book (0, 1, …)."""
    cumulative_loss: tuple[float, ...]
    """Cumulative (defaults − recoveries) ÷ original amount."""
    cumulative_prepayment: tuple[float, ...]


@dataclass(frozen=True)
class Estimates:
    vintage_months: int
    mdr: float
    cdr: float
    smm: float
    cpr: float
    recovery_rate: float | None
    """None when no default is old enough to have recovered."""
    recovery_lag_months: int | None


@dataclass(frozen=True)
class BaseCase:
    """The assumptions the history supports, and why, for the pool report and the cash-flow document."""

    cdr: float
    cpr: float
    recovery_rate: float
    recovery_lag_months: int
    explanation_en: str
    explanation_zh: str


@dataclass(frozen=True)
class HistoryReport:
    file: str
    format: str
    rows: int
    vintages: int
    first_vintage: date
    last_period: date
    years_covered: float
    """From the first vintage's origination month to the last reported month, inclusive, in years of 12 months."""
    estimates: Estimates
    base_case: BaseCase
    curves: tuple[VintageCurve, ...]


def analyse_history(history: History) -> HistoryReport:
    """Curves, estimates and the base case of a validated history (deterministic: same file, same report)."""
    frame = history.frame.with_columns(
        pl.col("outstanding_balance").shift(1).over("vintage").fill_null(pl.col("original_amount")).alias("begin"))
    estimates = estimate(frame)
    first, last = frame.get_column("vintage").min(), frame.get_column("period").max()
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    return HistoryReport(history.path.name, history.format, frame.height, frame.get_column("vintage").n_unique(),
                         first, last, span / 12, estimates, base_case(estimates, span), curves(frame))


def estimate(frame: pl.DataFrame) -> Estimates:
    """The pooled rates of the module docstring over a frame with ``begin`` added."""
    live = frame.filter(pl.col("begin") > 0)
    defaults, begin, prepaid, survived = live.select(
        pl.col("defaults").sum(), pl.col("begin").sum(), pl.col("prepayments").sum(),
        (pl.col("outstanding_balance") + pl.col("prepayments")).sum()).row(0)
    mdr = defaults / begin if begin else 0.0
    smm = prepaid / survived if survived else 0.0
    lag = _recovery_lag(frame)
    return Estimates(live.height, mdr, 1 - (1 - mdr) ** 12, smm, 1 - (1 - smm) ** 12, _recovery_rate(frame, lag),
                     lag)


def _recovery_lag(frame: pl.DataFrame) -> int | None:
    per = (frame.group_by("vintage")
           .agg(((pl.col("mob") * pl.col("recoveries")).sum() / pl.col("recoveries").sum()
                 - (pl.col("mob") * pl.col("defaults")).sum() / pl.col("defaults").sum()).alias("gap"),
                pl.col("recoveries").sum().alias("weight"))
           .filter((pl.col("weight") > 0) & pl.col("gap").is_finite()))
    weight = per.get_column("weight").sum()
    if not weight:
        return None
    return max(round(float((per.get_column("gap") * per.get_column("weight")).sum() / weight)), 0)


def _recovery_rate(frame: pl.DataFrame, lag: int | None) -> float | None:
    if lag is None:
        return None
    old = frame.filter(pl.col("mob") <= pl.col("mob").max().over("vintage") - lag).get_column("defaults").sum()
    return min(float(frame.get_column("recoveries").sum() / old), 1.0) if old else None


def base_case(found: Estimates, span: int) -> BaseCase:
    """The estimates as assumptions: rates rounded up (defaults) or down (prepayments, recoveries) to 0.1%, so the
    base case is never kinder than the history; no recovery is assumed when the history shows none."""
    cdr = _round(found.cdr, up=True)
    cpr = _round(found.cpr, up=False)
    rate = _round(found.recovery_rate, up=False) if found.recovery_rate is not None else 0.0
    lag = found.recovery_lag_months or 0
    years = f"{span / 12:.1f}"
    explanation_en = (
        f"From {found.vintage_months:,} vintage-months over {years} years: monthly defaults averaged "
        f"{found.mdr:.4%} of the performing balance (CDR {found.cdr:.2%} a year) and prepayments {found.smm:.4%} of "
        f"the surviving balance (CPR {found.cpr:.2%}); "
        + (f"recoveries came {lag} month(s) after defaults on average and returned {found.recovery_rate:.1%} of "
           "the defaults old enough to have recovered. " if found.recovery_rate is not None else
           "no recovery is recorded, so none is assumed. ")
        + f"Base case: CDR {cdr:.1%}, CPR {cpr:.1%}, recovery {rate:.1%} after {lag} month(s) (defaults rounded "
          "up, prepayments and recoveries rounded down to 0.1%).")
    explanation_zh = (
        f"根据{years}年共{found.vintage_months:,}个批次月度数据：月度违约金额平均为期初正常余额的{found.mdr:.4%}"
        f"（年化违约率{found.cdr:.2%}），提前还款金额平均为存续余额的{found.smm:.4%}（年化早偿率{found.cpr:.2%}）；"
        + (f"违约后平均{lag}个月取得回收，回收金额为已满回收期违约金额的{found.recovery_rate:.1%}。"
           if found.recovery_rate is not None else "历史数据未记录回收，故不假设回收。")
        + f"基准情景：年化违约率{cdr:.1%}，年化早偿率{cpr:.1%}，违约后{lag}个月回收{rate:.1%}"
          "（违约率向上取整、早偿率与回收率向下取整至0.1%）。")
    return BaseCase(cdr, cpr, rate, lag, explanation_en, explanation_zh)


def _round(value: float, up: bool) -> float:
    steps = value * 1000
    whole = round(steps)
    if abs(steps - whole) > 1e-9:
        whole = int(-(-steps // 1)) if up else int(steps // 1)
    return whole / 1000


def curves(frame: pl.DataFrame) -> tuple[VintageCurve, ...]:
    cumulative = frame.sort("vintage", "mob").group_by("vintage", maintain_order=True).agg(
        pl.col("original_amount").first(), pl.len().alias("months"),
        (pl.col("defaults").cum_sum() / pl.col("original_amount").first()).alias("d"),
        ((pl.col("defaults") - pl.col("recoveries")).cum_sum() / pl.col("original_amount").first()).alias("l"),
        (pl.col("prepayments").cum_sum() / pl.col("original_amount").first()).alias("p"))
    return tuple(VintageCurve(v, amount, months, tuple(d), tuple(loss), tuple(p))
                 for v, amount, months, d, loss, p in cumulative.iter_rows())


__all__ = ["HistoryReport", "VintageCurve", "Estimates", "BaseCase", "analyse_history", "estimate", "base_case",
           "curves"]
