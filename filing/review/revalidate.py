"""Re-validation: re-run today's stages on the packet's own data and compare with what the packet recorded.

Why re-run rather than trust ``findings.json``: the recorded results are the filer's claim. Loading the embedded deal
with the current model, analysing the embedded tape and running the current rulebook shows whether the claim still
holds, and when the model or the rulebook changed since the build, which fields and findings moved. The deal goes
through ``load_deal`` itself so that a bad field is located exactly as it would be in the deal file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from filing import stages
from filing.errors import InputError, Problem
from filing.findings import Severity, Verdict
from filing.model.load import LoadedDeal
from filing.packet.data import ANALYSIS_COLUMNS, DATA_FILES
from filing.pool import PoolReport
from filing.pool.limits import check_tape_limits
from filing.review.diff import Change, changes, records
from filing.review.findings_check import compare_findings, compare_rules, shown
from filing.review.packet import OpenedPacket
from filing.review.report import Check, Issue, check
from filing.rules import rulebook
from filing.write import scratch_folder

CONTAINER_FIELDS = ("tape.file", "tape.format", "tape.encoding", "tape.sheet", "tape.headers", "tape.columns",
                    "tape.unrecognised", "history.file", "history.format")
"""Pool-report fields describing the original tape file (name, format, encoding, headers), which the packet
replaces by its Parquet copy; every other figure must come out the same."""
MAX_ISSUES = 40


@dataclass(frozen=True)
class Revalidation:
    checks: list[Check]
    loaded: LoadedDeal | None
    report: Verdict | None
    """The current rulebook's verdict on the packet's deal, tape and recorded chain evidence."""


def revalidate(packet: OpenedPacket) -> Revalidation:
    """The deal, pool, findings and rules checks, in that order; each later one needs what the earlier produced.

    Fails closed: the data was written by whoever made the packet, and an error no check anticipated fails the
    review with the error named, as a rule that cannot be evaluated does, instead of stopping it."""
    try:
        return _revalidate(packet)
    except Exception as error:  # noqa: BLE001 - reported as a failed check
        return Revalidation([check("revalidation", [], [Issue("data/", f"the packet's data could not be re-validated: "
                                                                       f"{type(error).__name__}: {error}")])],
                            None, None)


def _revalidate(packet: OpenedPacket) -> Revalidation:
    deal_check, loaded = _check_deal(packet)
    pool_check, pool = _check_pool(packet, loaded)
    findings_check, report = _check_findings(packet, loaded, pool)
    return Revalidation([deal_check, pool_check, findings_check, _check_rules(report)], loaded, report)


def _located(problems: list[Problem], root: Path) -> list[Issue]:
    """InputError problems with the packet-relative file name, field path, line and column."""
    issues = []
    for problem in problems:
        name = Path(problem.file)
        where = name.relative_to(root).as_posix() if name.is_relative_to(root) else problem.file
        place = f"{where}:{problem.line}" + (f":{problem.column}" if problem.column else "") if problem.line else where
        issues.append(Issue(problem.path or where, f"{place}: {problem.message}"))
    return issues


def _changed(kind: str, found: list[Change]) -> list[Issue]:
    issues = [Issue(c.path, f"{kind} {c.path}: recorded {'nothing' if c.kind == 'added' else shown(c.old)}, "
                            f"re-run gives {'nothing' if c.kind == 'removed' else shown(c.new)}")
              for c in found[:MAX_ISSUES]]
    if len(found) > MAX_ISSUES:
        issues.append(Issue("", f"... and {len(found) - MAX_ISSUES} more changed {kind} value(s)"))
    return issues


def _check_deal(packet: OpenedPacket) -> tuple[Check, LoadedDeal | None]:
    path, root, manifest = packet.deal, packet.root, packet.manifest
    if path is None:
        return check("deal", [], [Issue(DATA_FILES["deal"], "the packet holds no deal")]), None
    try:
        loaded = stages.load(path)
    except InputError as error:
        return check("deal", ["data/deal.json does not load under the current model"],
                     _located(error.problems, root)), None
    stored = path.read_bytes()
    digest = hashlib.sha256(stored).hexdigest()
    evidence = [f"deal {loaded.deal.deal_id} loads under the current model (schema {loaded.deal.schema_version})",
                f"data/deal.json SHA-256 {digest}"]
    issues = []
    if loaded.canonical_json().encode() != stored:
        try:
            moved = changes(json.loads(stored), json.loads(loaded.canonical_json()))
        except ValueError:
            moved = []
        issues += _changed("deal field", moved) or [Issue(DATA_FILES["deal"], "is not in canonical JSON form")]
    recorded = (manifest.data.get("deal") or {}).get("sha256") if manifest else None
    if manifest is not None and recorded != digest:
        issues.append(Issue(DATA_FILES["deal"], f"the manifest records the deal hash {recorded}, the file's is "
                                                f"{digest}"))
    return check("deal", evidence, issues), loaded


def _check_pool(packet: OpenedPacket, loaded: LoadedDeal | None) -> tuple[Check, PoolReport | None]:
    tape, recorded, unreadable = packet.tape, packet.pool, packet.issues.get("pool")
    if unreadable is not None:
        return check("pool", [], [unreadable]), None
    if tape is None and recorded is None:
        return check("pool", ["the packet holds no tape and no pool report"], []), None
    if loaded is None:
        return check("pool", [], [Issue(DATA_FILES["tape"], "not re-run: the deal does not load")]), None
    if tape is None or recorded is None:
        missing = DATA_FILES["tape"] if tape is None else DATA_FILES["pool"]
        return check("pool", [], [Issue(missing, "is missing, so the pool report cannot be compared")]), None
    try:
        report = _analyse_packet_tape(loaded, tape, packet.history)
    except InputError as error:
        return check("pool", ["the packet's tape could not be analysed"],
                     _located(error.problems, packet.root)), None
    fresh = json.loads(json.dumps(report.to_dict(), default=str))
    moved = [c for c in changes(recorded, fresh) if not c.path.startswith(CONTAINER_FIELDS)]
    evidence = [f"{report.tape.rows:,} tape rows re-analysed from {DATA_FILES['tape']}",
                f"{len(moved)} pool figure(s) differ from {DATA_FILES['pool']}"]
    return check("pool", evidence, _changed("pool figure", moved)), report


def _analyse_packet_tape(loaded: LoadedDeal, tape: Path, history: Path | None) -> PoolReport:
    """The pool stage as the packet builder runs it (analysis, then cash flows), on the packet's tape with the
    columns the stage itself added removed first."""
    check_tape_limits(tape, "parquet")
    try:
        frame = pl.read_parquet(tape)
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise InputError.single(tape, f"not a readable Parquet tape: {str(error).splitlines()[0]}") from None
    with scratch_folder("filing-review-tape-") as folder:
        copy = Path(folder) / "tape.parquet"
        frame.drop([c for c in ANALYSIS_COLUMNS if c in frame.columns]).write_parquet(copy)
        assets = loaded.deal.assets.model_copy(update={"tape": str(copy), "tape_sheet": None})
        if assets.history is not None:  # without its copy (or with a link) the re-run fails as a missing file would
            copied = history.absolute() if history else Path(folder) / "missing-history"
            assets = assets.model_copy(update={"history": str(copied)})
        deal = loaded.deal.model_copy(update={"assets": assets})
        return stages.analyse(LoadedDeal(deal, loaded.source, allow_outside_tape=True))  # our copy, in a temp folder


def _check_findings(packet: OpenedPacket, loaded: LoadedDeal | None, pool: PoolReport | None
                    ) -> tuple[Check, Verdict | None]:
    """The rulebook over the packet's deal, tape and recorded chain evidence, against data/findings.json."""
    recorded, unreadable = packet.findings_json, packet.issues.get("findings")
    if loaded is None:
        return check("findings", [], [Issue(DATA_FILES["findings"], "not re-run: the deal does not load")]), None
    evidence_record = packet.contract.evidence if packet.contract else None
    evidence_issue = packet.issues.get("contract")
    report = stages.check(loaded.deal, pool, evidence_record)
    evidence = [f"rulebook {report.rulebook_version} re-run: {len(report.findings)} finding(s)"
                + ("" if pool is not None else " (without the pool report, which could not be re-run)")
                + ("" if evidence_record is not None else " (without chain evidence)")]
    issues = [evidence_issue] if evidence_issue else []
    if not isinstance(recorded, dict) or not isinstance(recorded.get("findings"), list):
        missing = unreadable or Issue(DATA_FILES["findings"], "is missing or not a findings report")
        return check("findings", evidence, issues + [missing]), report
    evidence.append(f"{DATA_FILES['findings']} records {len(recorded['findings'])} finding(s) under rulebook "
                    f"{recorded.get('rulebook_version')}")
    issues += compare_findings(records(recorded, "findings"), [f.to_dict() for f in report.findings])
    issues += compare_rules(records(recorded, "rules"), rulebook().facts())
    if recorded.get("not_evaluated") != list(report.not_evaluated):
        issues.append(Issue(DATA_FILES["findings"], f"rules not evaluated: recorded {recorded.get('not_evaluated')},"
                                                    f" re-run {list(report.not_evaluated)}"))
    return check("findings", evidence, issues), report


def _check_rules(report: Verdict | None) -> Check:
    """The deal's own verdict today, re-judged from the packet's data (deal, tape, chain evidence): blockers fail,
    warnings warn. The findings themselves are listed in the report, so this check names only their codes."""
    if report is None:
        return check("rules", [], [Issue(DATA_FILES["findings"], "the rulebook could not be run")])
    blockers, warnings = report.codes(Severity.blocker), report.codes(Severity.warning)
    evidence = [f"{report.count(Severity.blocker)} blocker(s), {report.count(Severity.warning)} warning(s), "
                f"{report.overridden} overridden under rulebook {report.rulebook_version}"]
    if blockers:
        issue = f"{report.count(Severity.blocker)} blocker(s) under the current rulebook: {', '.join(blockers)}"
        return check("rules", evidence, [Issue(DATA_FILES["deal"], issue)])
    if warnings:
        issue = f"{report.count(Severity.warning)} warning(s) under the current rulebook: {', '.join(warnings)}"
        return check("rules", evidence, [Issue(DATA_FILES["deal"], issue)], warn=True)
    return check("rules", evidence, [])
