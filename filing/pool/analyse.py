"""The pool stage: deal + tape → PoolReport (read, validate, eligibility, statistics, concentration)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from filing.assets import spec
from filing.pool import concentration as conc
from filing.pool.checks import TapeFinding
from filing.pool.eligibility import apply_eligibility
from filing.pool.history import read_history
from filing.pool.read import Tape, read_tape
from filing.pool.report import PoolReport, Quality, TapeInfo
from filing.pool.stats import distributions, enrich, totals, weighted_averages
from filing.pool.tollroad import revenue_history
from filing.pool.validate import TOLERANCE, total_finding, validate
from filing.pool.vintage import analyse_history
from filing.progress import Progress, advance

if TYPE_CHECKING:
    from filing.model.deal import Assets, Tranche
    from filing.model.load import LoadedDeal

STEPS = ("read", "validate", "eligibility", "statistics", "concentration")


def _report_step(progress: Progress | None, step: str) -> None:
    advance(progress, step, STEPS.index(step) + 1, len(STEPS))


def analyse_pool(loaded: LoadedDeal, progress: Progress | None = None) -> PoolReport:
    """Read the deal's tape and analyse it against the deal; InputError if the tape cannot be read."""
    assets = loaded.deal.assets
    tape = read_tape(loaded.tape_path, assets.asset_class, assets.tape_sheet)
    history = None
    if assets.history:
        history = read_history(loaded.local_file(assets.history, "assets.history"), assets.cut_off_date)
    _report_step(progress, "read")
    report = analyse_tape(tape, assets, loaded.deal.token.tranches, progress)
    if history is None:
        return report
    return dataclasses.replace(report, history=analyse_history(history), history_frame=history.frame)


def analyse_tape(tape: Tape, assets: Assets, tranches: Sequence[Tranche], progress: Progress | None = None
                 ) -> PoolReport:
    """Analyse an already-read tape; split from ``analyse_pool`` so tests and benchmarks can time the stages."""
    found, failing = validate(tape, assets, tranches)
    passes = ~(tape.failing | failing)
    frame = tape.frame.with_columns(passes.alias("passes_checks"))
    _report_step(progress, "validate")

    if spec(tape.asset_class).tape == "history":
        history = revenue_history(frame, assets.concession_end, [t.legal_maturity for t in tranches])
        for step in STEPS[2:]:
            _report_step(progress, step)
        return _report(tape, assets, found, passes, frame=frame, totals=None, eligibility=None, **_EMPTY_POOL,
                       toll_road=history)

    in_pool = (frame.get_column("outstanding_balance") > 0).fill_null(False)
    pool = enrich(frame, assets)
    whole = in_pool.all()
    if not whole:  # filtering copies every column, so only when some balance is missing or not positive
        pool = pool.filter(in_pool)
    obligors = conc.obligors(pool, list(assets.dishonest_obligors))
    result, eligible = apply_eligibility(pool, assets.eligibility, obligors)
    frame = frame.with_columns(eligible if whole else pl.repeat(None, frame.height, dtype=pl.Boolean, eager=True)
                               .scatter(in_pool.arg_true(), eligible).alias("eligible"))
    _report_step(progress, "eligibility")

    tape_total = tape.frame.get_column("outstanding_balance").sum()
    figures = totals(pool, obligors.height, tape_total, assets.pool_balance, TOLERANCE, tape.rows - pool.height)
    # a group column with no value names no group
    has_groups = "obligor_group" in tape.columns and tape.frame.get_column("obligor_group").null_count() < tape.rows
    sections = _pool_sections(pool, obligors, has_groups=has_groups, progress=progress,
                              creditors=spec(tape.asset_class).dispersion == "creditors")
    return _report(tape, assets, found + total_finding(figures), passes, frame=frame, totals=figures,
                   eligibility=result, **sections, toll_road=None)


def _report(tape: Tape, assets: Assets, found: list[TapeFinding], passes: pl.Series, **parts) -> PoolReport:
    """Assemble the report: tape description, findings in code order, quality score, and the analysed parts."""
    findings = tuple(sorted((*tape.findings, *found), key=lambda f: (f.code, f.column)))
    nd_cells = sum(n for counts in tape.nd_counts.values() for n in counts.values())
    quality = Quality(tape.completeness(), int(passes.sum()), float(passes.mean()), nd_cells)
    info = TapeInfo(tape.path.name, tape.format, tape.encoding, tape.sheet, tape.rows, tape.headers, tape.columns,
                    tape.unrecognised, tape.nd_counts)
    return PoolReport(asset_class=tape.asset_class.value, cut_off_date=assets.cut_off_date,
                      currency=assets.currency, tape=info, findings=findings, quality=quality, **parts)


_EMPTY_POOL = dict(weighted_averages=None, distributions={}, top_assets=(), all_assets_at_most_1pct=None,
                   top_obligors=(), concentration=None, important_providers=(), important_provider_dishonest=None,
                   affiliates=None, dispersion=None)
"""The pool sections of a report with no asset to describe (a toll road, or no positive balance)."""


def _pool_sections(pool: pl.DataFrame, obligors: pl.DataFrame, has_groups: bool, progress: Progress | None,
                   creditors: bool = False) -> dict:
    if pool.height == 0:
        return _EMPTY_POOL
    averages, tables = weighted_averages(pool), distributions(pool)
    _report_step(progress, "statistics")
    providers = conc.important_providers(obligors, has_groups)
    top = conc.top_assets(pool)
    sections = dict(
        weighted_averages=averages, distributions=tables, top_assets=top,
        all_assets_at_most_1pct=top[0].share <= conc.ASSET_TABLE_THRESHOLD, top_obligors=conc.top_obligors(obligors),
        concentration=conc.concentration(obligors, has_groups), important_providers=providers,
        important_provider_dishonest=any(p.dishonest for p in providers),
        affiliates=conc.affiliate_share(pool, obligors),
        dispersion=conc.creditor_dispersion(pool) if creditors else conc.dispersion(obligors))
    _report_step(progress, "concentration")
    return sections


__all__ = ["analyse_pool", "analyse_tape", "Progress", "STEPS"]
