"""The stages every front end calls: load, analyse, chain, check, assemble, build.

Why one module: `filing check`, `filing build`, the packet's cover page and checklist, `filing review`, `filing diff`,
`filing serve` and the benchmarks must give one deal one answer. Each stage is a typed function; the chain stage
returns evidence, and one `check(deal, pool, evidence)` runs every rule and applies the overrides once. Stages
import the layers below them (model, pool, chain, rules, packet); nothing below imports this module.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from filing.errors import InputError
from filing.findings import Verdict
from filing.model import Deal, LoadedDeal, load_deal
from filing.pool import PoolReport, analyse_pool
from filing.pool.breakeven import breakeven
from filing.pool.cashflow import ProjectionError
from filing.pool.compact import project_compacted
from filing.progress import Progress, within
from filing.rules import Context, rulebook

if TYPE_CHECKING:
    from filing.chain.report import ChainEvidence, ContractReport
    from filing.packet.build import BuildResult
    from filing.packet.data import PacketData
    from filing.pool.outofcore import ScanReport

__all__ = ["load", "analyse", "scan", "chain", "check", "check_pool", "check_scan", "contract", "judge_chain",
           "assemble", "build", "packet_data", "with_cashflows"]


def load(path: str | Path, *, allow_outside_tape: bool = False) -> LoadedDeal:
    """The deal file, validated; InputError names the file, line, column and field of every problem. The tape must
    lie inside the deal's folder unless `allow_outside_tape`."""
    return load_deal(path, allow_outside_tape=allow_outside_tape)


def analyse(loaded: LoadedDeal, progress: Progress | None = None) -> PoolReport:
    """Analyse the deal's tape and project its cash flows; InputError when the tape cannot be read, or when the tape
    or the deal's terms leave nothing to project (a toll road with months of history, notes that mature before the
    cut-off), naming the tape column or the deal field."""
    pool = analyse_pool(loaded, progress)
    try:
        return with_cashflows(pool, loaded.deal)
    except ProjectionError as error:
        file, path = (loaded.tape_path, error.column) if error.column else (loaded.source, error.field)
        raise InputError.single(file, f"the cash flows cannot be projected: {error}", path=path or "") from None


def scan(loaded: LoadedDeal) -> ScanReport:
    """A tape given as a folder of Parquet or CSV files, analysed out of core (`filing.pool.outofcore`): the
    reductions and row checks that need no tape in memory; InputError naming the file that cannot be read."""
    from filing.pool.outofcore import analyse_scan

    return analyse_scan(loaded.tape_path, loaded.deal.assets.cut_off_date)


def with_cashflows(pool: PoolReport, deal: Deal) -> PoolReport:
    """The pool report with the base and stress projections over the assets that pass the checks and are eligible
    (the pool the tokens are sold against); with no such asset there is nothing to project."""
    usable = pl.col("passes_checks")
    if "eligible" in pool.frame.columns:
        usable = usable & pl.col("eligible").fill_null(False)
    count = pool.frame.select(usable.sum()).item() if not pool.frame.is_empty() else 0
    if pool.cashflows is not None or not count:
        return pool
    assets = deal.assets
    try:
        projected, projection = project_compacted(
            pool.frame, assets.asset_class, assets.cut_off_date, deal.token.tranches, deal.cashflow,
            assets.concession_end, pool_currency=assets.currency,
            closing=deal.offering.close_date or deal.offering.launch_date, where=usable)
    except ProjectionError:
        if count < pool.frame.height:
            return pool  # rows the checks set aside broke it (a gap in a toll history): their findings say why
        raise
    history_cdr = pool.history.base_case.cdr if pool.history else None
    return dataclasses.replace(pool, cashflows=projection, breakeven=breakeven(projected, deal, history_cdr))


def chain(loaded: LoadedDeal, *, rpc: str | None = None, addresses: list[str] | None = None, fork: bool = False,
          manifest_sha256: str | None = None, agent: str | None = None,
          progress: Progress | None = None) -> ChainEvidence:
    """What the tokens do on chain: without `rpc` the reference token deployed from the deal on the embedded chain;
    with `rpc` the deployed tokens read-only, or on an anvil fork of it with `fork`. InputError for bad addresses,
    ChainError when the node or anvil cannot be used."""
    from filing.chain import probe_contract  # web3 and the EVM load only when the chain stage runs

    return probe_contract(loaded, rpc=rpc, addresses=addresses, fork=fork, manifest_sha256=manifest_sha256,
                          agent=agent, progress=progress)


def check(deal: Deal, pool: PoolReport | None = None, evidence: ChainEvidence | None = None, *,
          rulebook_version: str | None = None) -> Verdict:
    """Every rule over the deal, its pool report and the chain evidence, with the deal's overrides applied: the one
    verdict. Rules whose stage did not run are listed as not evaluated. `rulebook_version` re-runs an older release
    of the rulebook (KeyError for one never released)."""
    return rulebook(rulebook_version).run(Context(deal, pool, evidence))


def check_pool(deal: Deal, pool: PoolReport) -> Verdict:
    """Only the rules that read the pool report: what `filing pool` reports."""
    return rulebook().run(Context(deal, pool), select=lambda rule: rule.needs_pool)


def check_scan(deal: Deal, scanned: ScanReport) -> Verdict:
    """What `filing pool` reports on a folder tape: the scan's findings through their TAPE rules under the deal's
    overrides; every other pool rule is listed as not evaluated, since its figures were not computed."""
    from filing.pool.outofcore import SCAN_CHECKS

    book = rulebook()
    findings = [book.get(f.code).finding(f"assets.tape[{f.column}]", message=f.message(), message_zh=f.message_zh())
                for f in scanned.findings]
    skipped = [r.code for r in book.rules if r.needs_pool and not r.emitted_by and r.code not in SCAN_CHECKS]
    return book.verdict(findings, deal.overrides, skipped, select=lambda rule: rule.needs_pool)


def judge_chain(deal: Deal, evidence: ChainEvidence) -> ContractReport:
    """The contract report: the chain evidence with the CHAIN rules' findings (overrides applied)."""
    from filing.chain.report import ContractReport

    judged = rulebook().run(Context(deal, chain=evidence), select=lambda rule: rule.needs_chain)
    return ContractReport.of(deal.deal_id, evidence, judged.findings)


def contract(loaded: LoadedDeal, **options: Any) -> ContractReport:
    """The chain stage and its judgement: what `filing contract check` reports (options as for `chain`)."""
    return judge_chain(loaded.deal, chain(loaded, **options))


def assemble(loaded: LoadedDeal, progress: Progress | None = None) -> PacketData:
    """Pool report, chain evidence, the verdict over all of them and the canonical tape, from one loaded deal:
    everything the documents are rendered from, so they can be rebuilt from a packet's `data/` alone."""
    from filing.packet.attachments import read_attachments  # the packet layer loads for build, not for check

    attachments = read_attachments(loaded)  # the deal's files are judged before the pool and chain take minutes
    pool = analyse(loaded, within(progress, "pool"))
    return packet_data(loaded, pool, chain(loaded, progress=within(progress, "chain")), attachments)


def packet_data(loaded: LoadedDeal, pool: PoolReport, evidence: ChainEvidence | None,
                attachments: dict[str, bytes] | None = None) -> PacketData:
    """The packet's data from stages already run: the verdict over pool and chain evidence, both kept, and the
    attachments (read from the deal's folder unless already read)."""
    from filing.packet.attachments import read_attachments
    from filing.packet.data import PacketData, history_parquet, tape_parquet

    return PacketData(deal_json=loaded.canonical_json(), verdict=check(loaded.deal, pool, evidence),
                      rules=tuple(rulebook().facts()),
                      pool=json.loads(json.dumps(pool.to_dict(), default=str)),
                      contract=judge_chain(loaded.deal, evidence) if evidence else None,
                      tape_parquet=tape_parquet(pool), history_parquet=history_parquet(pool),
                      attachments=read_attachments(loaded) if attachments is None else attachments)


def build(loaded: LoadedDeal, out_dir: str | Path, *, progress: Progress | None = None,
          **options: Any) -> BuildResult:
    """Assemble the deal, then write its packet to `out_dir` (options as for `filing.packet.build_from_data`); the
    arguments are judged before the pool, the chain suite and the documents take their minutes."""
    from filing.packet.build import build_from_data, precheck

    start = time.perf_counter()
    precheck(out_dir, **options)
    data = assemble(loaded, progress)
    assembled = time.perf_counter()
    result = build_from_data(data, out_dir, progress=progress, **options)
    result.timings.update(assemble=assembled - start, total=time.perf_counter() - start)
    return result
