"""A pool report in a few lines of text, for `filing pool` in a terminal; the JSON carries everything else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from filing import i18n
from filing.pool.report import PoolReport

if TYPE_CHECKING:
    from filing.pool.outofcore import ScanReport


def pool_summary(report: PoolReport) -> Iterator[str]:
    tape = report.tape
    encoding = f", encoding {tape.encoding}" if tape.encoding else ""
    yield f"tape       {tape.file} ({tape.format}{encoding}), {tape.rows:,} rows"
    quality = report.quality
    yield (f"quality    completeness {quality.completeness:.1%}, rows passing all checks {quality.rows_passing:,} "
           f"({quality.rows_passing_share:.1%}), ND cells {quality.nd_cells:,}")
    if report.totals:
        totals = report.totals
        state = "matches" if totals.matches_stated else "DIFFERS FROM"
        yield (f"pool       {totals.asset_count:,} assets, {totals.obligor_count:,} obligors, balance "
               f"{totals.balance:,.2f} {report.currency} ({state} the stated {totals.stated_pool_balance:,.2f})")
    if report.weighted_averages:
        averages = report.weighted_averages
        parts = [f"rate {averages.interest_rate:.2%}" if averages.interest_rate is not None else None,
                 f"remaining term {averages.remaining_term_months:.1f} months"
                 if averages.remaining_term_months is not None else None,
                 f"seasoning {averages.seasoning_months:.1f} months" if averages.seasoning_months is not None else None]
        yield "averages   " + ", ".join(p for p in parts if p)
    if report.eligibility:
        eligibility = report.eligibility
        yield (f"eligible   {eligibility.eligible_count:,} assets, {eligibility.eligible_balance:,.2f}; ineligible "
               f"{eligibility.ineligible_count:,}, {eligibility.ineligible_balance:,.2f}")
    if report.concentration:
        c = report.concentration
        yield (f"obligors   top-1 {c.top1_share:.1%}, top-5 {c.top5_share:.1%}, top-10 {c.top10_share:.1%}, "
               f"HHI {c.hhi:.4f}")
    for provider in report.important_providers:
        yield f"important  {provider.name}: {provider.share:.1%} ({provider.basis})"
    if report.toll_road:
        toll = report.toll_road
        cagr = f"{toll.cagr:.2%}" if toll.cagr is not None else "n/a"
        yield (f"history    {toll.months} months ({toll.first_period} to {toll.last_period}), "
               f"{toll.years_covered:.1f} years, CAGR {cagr}")
    if report.history:
        found, base = report.history.estimates, report.history.base_case
        yield (f"history    {report.history.vintages} vintages over {report.history.years_covered:.1f} years: CDR "
               f"{found.cdr:.2%}, CPR {found.cpr:.2%}; base case CDR {base.cdr:.1%}, CPR {base.cpr:.1%}, recovery "
               f"{base.recovery_rate:.1%} after {base.recovery_lag_months} month(s)")
    for row in report.breakeven.rows if report.breakeven else ():
        held = f"CDR {row.cdr:.2%} ({row.failure})" if row.cdr is not None else "holds at CDR 100%"
        yield f"breakeven  tranche {row.tranche} at CPR {row.cpr:.1%}: {held}"
    if report.cashflows:
        for name, summary in report.cashflows.summary.items():
            tranches = ", ".join(
                f"{tranche} cov {figures['min_coverage']} {'repaid' if figures['repaid_in_full'] else 'NOT repaid'}"
                for tranche, figures in summary["tranches"].items())
            yield f"scenario   {name}: {tranches}"


def scan_summary(report: ScanReport, folder: str, currency: str, lang: str) -> Iterator[str]:
    """An out-of-core scan in a few lines, in the run's language, ending with what it did not compute."""
    from filing.pool.outofcore import NOT_COMPUTED

    def say(key: str, **params: object) -> str:
        return i18n.text(key, lang, **params)

    yield say("scan.tape", folder=folder, files=report.files, rows=report.rows)
    yield say("scan.pool", obligors=report.obligors, balance=report.balance, currency=currency)
    none = say("scan.none")
    yield say("scan.averages", rate=none if report.weighted_rate is None else f"{report.weighted_rate:.2%}",
              months=none if report.weighted_remaining_months is None else f"{report.weighted_remaining_months:.1f}")
    separator = "、" if lang == "zh" else "; "
    if report.top_obligors:
        yield say("scan.top", obligors=separator.join(f"{o} {share:.1%}" for o, share in report.top_obligors[:5]))
    yield say("scan.not_computed", figures=separator.join(say(f"scan.figure.{name}") for name in NOT_COMPUTED))
