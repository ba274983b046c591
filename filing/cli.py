"""The `filing` command: a thin shell that parses arguments, calls the library and prints; no logic of its own."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

import filing
from filing import scaffold
from filing.errors import InputError
from filing.pool.summary import pool_summary
from filing.rules import CheckReport, Severity

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Check, analyse and build the CSRC filing of a tokenized ABS deal.")
rules_app = typer.Typer(no_args_is_help=True, help="The rulebook: list the rules, or explain one.")
app.add_typer(rules_app, name="rules")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="text for people, json for programs")]
DealArgument = Annotated[Path, typer.Argument(help="the deal file (YAML or JSON)")]


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _input_failed(error: InputError, fmt: Format) -> NoReturn:
    """Exit code 2: the input could not be read; every problem is named with its place."""
    if fmt is Format.json:
        _print_json({"ok": False, "errors": [p.as_dict() for p in error.problems],
                     "findings": [{"rule": "INPUT", "severity": "blocker", "path": p.path,
                                   "message": f"{p.location()}: {p.message}"} for p in error.problems]})
    else:
        for problem in error.problems:
            err.print(f"[bold red]error[/] {problem}", markup=True, highlight=False)
        err.print(f"{len(error.problems)} problem(s); fix the file and run the command again.")
    raise typer.Exit(2)


def _load(path: Path, fmt: Format) -> filing.LoadedDeal:
    try:
        return filing.load_deal(path)
    except InputError as error:
        _input_failed(error, fmt)


SEVERITY_STYLE = {Severity.blocker: "bold red", Severity.warning: "yellow", Severity.info: "cyan"}


def _print_report(report: CheckReport, title: str) -> None:
    """Findings grouped by severity, each with its rule, path, message and citation, then a one-line verdict."""
    for severity in Severity:
        rows = [f for f in report.findings if f.severity is severity]
        if rows:
            out.print(f"\n[{SEVERITY_STYLE[severity]}]{severity.value.upper()}S ({len(rows)})[/]")
        for finding in rows:
            out.print(" " * 2 + f"[bold]{finding.rule}[/]  [cyan]{escape(finding.path)}[/]")
            out.print(" " * 4 + escape(finding.message))
            if finding.overridden_by:
                out.print(" " * 4 + f"[magenta]overridden[/]: {escape(finding.overridden_by.reason)} "
                                  f"({escape(finding.overridden_by.approved_by)})")
            out.print(" " * 4 + f"[dim]{escape(f'{finding.source} [{finding.confidence}]')}[/]")
    blockers, warnings = report.count(Severity.blocker), report.count(Severity.warning)
    verdict = "[bold green]PASS[/]" if report.ok else "[bold red]FAIL[/]"
    overridden = sum(1 for f in report.findings if f.overridden_by)
    out.print(f"\n{verdict} {escape(title)}: {blockers} blocker(s), {warnings} warning(s), {overridden} overridden; "
              f"rulebook {report.rulebook_version}")


def _analyse(loaded: filing.LoadedDeal, fmt: Format) -> filing.PoolReport:
    """The pool stage with a progress bar on stderr (hidden when stderr is not a terminal)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), console=err, transient=True) as bar:
        task = bar.add_task("pool", total=None)
        try:
            return filing.analyse(loaded, lambda step, done, total: bar.update(
                task, description=f"pool: {step}", completed=done, total=total))
        except InputError as error:
            _input_failed(error, fmt)


@app.command()
def check(deal: DealArgument, fmt: FormatOption = Format.text) -> None:
    """Check a deal against the rulebook (and its tape's pool analytics): blockers, warnings and citations."""
    loaded = _load(deal, fmt)
    report = filing.check_deal(loaded, _analyse(loaded, fmt))
    if fmt is Format.json:
        _print_json(report.to_dict() | {"deal": loaded.deal.deal_id, "deal_sha256": loaded.sha256()})
    else:
        _print_report(report, loaded.deal.deal_id)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def pool(deal: DealArgument, fmt: FormatOption = Format.text) -> None:
    """Analyse the deal's data tape: checks, statistics, concentration, cash flows and stress."""
    loaded = _load(deal, fmt)
    analysed = _analyse(loaded, fmt)
    report = filing.check_pool(loaded, analysed)
    if fmt is Format.json:
        _print_json(report.to_dict() | {"pool": analysed.to_dict()})
    else:
        for line in pool_summary(analysed):
            out.print(escape(line))
        _print_report(report, f"{loaded.deal.deal_id} pool")
    raise typer.Exit(0 if report.ok else 1)


@rules_app.command("list")
def rules_list(fmt: FormatOption = Format.text) -> None:
    """List every rule with its severity and confidence."""
    rules = filing.rulebook().rules
    if fmt is Format.json:
        _print_json({"ok": True, "findings": [], "rules": [r.explain() for r in rules]})
        return
    table = Table(expand=True)
    for column in ("code", "severity", "confidence", "title"):
        table.add_column(column, overflow="fold")
    for item in rules:
        table.add_row(item.code, item.severity.value, item.confidence.value, f"{item.title} / {item.title_zh}")
    out.print(table)


@rules_app.command("explain")
def rules_explain(code: Annotated[str, typer.Argument(help="a rule code such as CN-N42-02")],
                  fmt: FormatOption = Format.text) -> None:
    """Print one rule's text, source and confidence."""
    try:
        item = filing.rulebook().get(code)
    except KeyError:
        err.print(f"error: no rule '{code}'; `filing rules list` shows the codes")
        raise typer.Exit(2) from None
    if fmt is Format.json:
        _print_json({"ok": True, "findings": [], "rule": item.explain()})
        return
    out.print(f"[bold]{item.code}[/]  {item.title}\n        {item.title_zh}\n")
    out.print(f"severity:   {item.severity.value}\nconfidence: {item.confidence.value}\nsource:     {item.source}\n")
    out.print(item.doc)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the deal file (for editor autocompletion and validation)."""
    _print_json(filing.json_schema())


@app.command()
def init(asset_class: Annotated[str, typer.Argument(help="toll_road_income, trade_receivables or equipment_lease")],
         directory: Annotated[Path, typer.Argument(help="a new or empty folder for the deal")]) -> None:
    """Scaffold a deal: deal.yaml with comments, and a tape template with the canonical headers."""
    try:
        written = scaffold.create(asset_class, directory)
    except InputError as error:
        _input_failed(error, Format.text)
    for path in written:
        err.print(f"wrote {path}")


# -- filing contract: the chain stage (filing.chain) ----------------------------------------------------------

contract_app = typer.Typer(no_args_is_help=True,
                           help="The token contracts: deploy the reference token, or check a token against the deal.")
app.add_typer(contract_app, name="contract")


def _chain_failed(error: Exception, fmt: Format, code: int) -> NoReturn:
    """A node that cannot be used (exit 2) or a deployment the chain refused (exit 1), said once, without a trace."""
    message = f"{type(error).__name__}: {error}"
    if fmt is Format.json:
        _print_json({"ok": False, "findings": [{"rule": "CHAIN", "severity": "blocker", "path": "",
                                                "message": message}]})
    else:
        err.print(f"[bold red]error[/] {escape(message)}")
    raise typer.Exit(code)


def _print_contract_report(report: Any) -> None:
    for tranche in report.tranches:
        table = Table(title=f"{tranche.tranche} {tranche.symbol} {tranche.address or ''} ({tranche.standard})",
                      title_justify="left", expand=True)
        for column in ("field", "deal", "token", "ok"):
            table.add_column(column, overflow="fold")
        for item in tranche.checks:
            mark = {True: "[green]yes[/]", False: "[bold red]NO[/]", None: "-"}[item.ok]
            table.add_row(escape(item.field), escape(str(item.expected)), escape(str(item.actual)), mark)
        out.print(table)
    failed = [s for s in report.scenarios if not s.passed]
    out.print(f"scenarios: {len(report.scenarios) - len(failed)} of {len(report.scenarios)} passed")
    for scenario in failed:
        out.print(f"  [bold red]FAILED[/] {scenario.tranche} {scenario.name}: expected {scenario.expected}, "
                  f"got {scenario.actual}{' — ' + escape(scenario.reason) if scenario.reason else ''}")
    for finding in report.findings:
        out.print(f"[{SEVERITY_STYLE[finding.severity]}]{finding.severity.value}[/] {finding.rule} {finding.path}: "
                  f"{escape(finding.message)}  [dim]({escape(finding.source)}; {finding.confidence})[/]")
    verdict = "[bold green]PASS[/]" if report.ok else "[bold red]FAIL[/]"
    out.print(f"{verdict} {report.deal_id}: {report.standard} token(s), chain {report.chain_id}, mode {report.mode}")


@contract_app.command("check")
def contract_check(
    deal: DealArgument,
    rpc: Annotated[str | None, typer.Option("--rpc", help="JSON-RPC URL of the node holding the tokens")] = None,
    address: Annotated[list[str] | None, typer.Option(
        "--address", help="token address, one per tranche in the deal's order (default: the deal's addresses)")] = None,
    fork: Annotated[bool, typer.Option("--fork", help="run the full suite on a local anvil fork of --rpc")] = False,
    agent: Annotated[str | None, typer.Option("--agent", help="the tokens' agent for --fork (default: role logs)")]
    = None,
    manifest_sha256: Annotated[str | None, typer.Option("--manifest-sha256",
                                                        help="SHA-256 of the packet's manifest.json")] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Without --rpc: deploy the reference token from the deal on the embedded chain and run the scenario suite.
    With --rpc: check the deployed tokens read-only; with --fork as well: run the full suite on an anvil fork."""
    from filing.chain import ChainError, check_contract

    loaded = _load(deal, fmt)
    try:
        report = check_contract(loaded, rpc=rpc, addresses=address or None, fork=fork,
                                manifest_sha256=manifest_sha256, agent=agent)
    except InputError as error:
        _input_failed(error, fmt)
    except ChainError as error:
        _chain_failed(error, fmt, 2)
    if fmt is Format.json:
        _print_json(report.to_dict() | {"deal_sha256": loaded.sha256()})
    else:
        _print_contract_report(report)
    raise typer.Exit(0 if report.ok else 1)


@contract_app.command("deploy")
def contract_deploy(
    deal: DealArgument,
    rpc: Annotated[str, typer.Option("--rpc", help="JSON-RPC URL of the node to deploy to")],
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", help="file holding the deploy key (hex); default: $FILING_DEPLOY_KEY")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="agent address (default: the key's address)")] = None,
    manifest_sha256: Annotated[str | None, typer.Option("--manifest-sha256",
                                                        help="record this manifest SHA-256 on chain")] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Deploy one reference token per tranche and print the addresses, in the deal's order."""
    from filing.chain import ChainError, Reverted, deploy_contracts

    loaded = _load(deal, fmt)
    try:
        deployed = deploy_contracts(loaded, rpc, key_file, manifest_sha256=manifest_sha256, agent=agent)
    except InputError as error:
        _input_failed(error, fmt)
    except (ChainError, ValueError) as error:
        _chain_failed(error, fmt, 2)
    except Reverted as error:
        _chain_failed(error, fmt, 1)
    if fmt is Format.json:
        _print_json({"ok": True, "findings": [], "deal": loaded.deal.deal_id,
                     "tranches": [d.to_dict() for d in deployed]})
        return
    for item in deployed:
        out.print(f"{item.tranche_id}\t{item.symbol}\t{item.address}")


# -- filing review / filing diff: the reviewer's stage (filing.review) ----------------------------------------

PacketArgument = Annotated[Path, typer.Argument(help="a packet folder or its .zip")]
STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red"}
VERDICT_STYLE = {"PASS": "bold green", "PASS WITH WARNINGS": "bold yellow", "FAIL": "bold red"}


def _print_review(data: dict[str, Any]) -> None:
    """Each check with its evidence and issues, the findings, then the one verdict line."""
    for item in data["checks"]:
        out.print(f"[{STATUS_STYLE[item['status']]}]{item['status'].upper():4}[/] [bold]{item['name']}[/]")
        for line in item["evidence"]:
            out.print(" " * 7 + f"[dim]{escape(line)}[/]")
        for issue in item["issues"]:
            out.print(" " * 7 + f"[cyan]{escape(issue['path'])}[/] {escape(issue['message'])}")
    rules = [f for f in data["findings"] if not f["rule"].startswith("REVIEW-")]
    if rules:
        out.print(f"\nfindings ({len(rules)}):")
    for finding in rules:
        out.print(f"  [{SEVERITY_STYLE[Severity(finding['severity'])]}]{finding['severity']}[/] {finding['rule']} "
                  f"[cyan]{escape(finding['path'])}[/] {escape(finding['message'])}")
    failed = sum(1 for c in data["checks"] if c["status"] == "fail")
    warned = sum(1 for c in data["checks"] if c["status"] == "warn")
    out.print(f"\n[{VERDICT_STYLE[data['verdict']]}]{data['verdict']}[/] {escape(data['packet'])}: "
              f"{len(data['checks'])} checks, {failed} failed, {warned} with warnings; "
              f"signer {data['signer'] or 'not verified'}")


@app.command()
def review(
    packet: PacketArgument,
    rpc: Annotated[str | None, typer.Option(
        "--rpc", help="JSON-RPC URL: check the tokens, their recorded manifest hash and the signer's role")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="rebuild the documents from the packet's data and "
                                                           "compare every file by hash")] = False,
    signer: Annotated[str | None, typer.Option("--signer", help="the address expected to have signed the manifest")]
    = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write review.json, .html and .pdf here")]
    = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Verify a packet: integrity, signature, re-validation of its data, optionally rebuild and chain checks."""
    from filing.packet.build import PacketError
    from filing.review import review_packet

    try:
        report = review_packet(packet, rpc=rpc, rebuild=rebuild, signer=signer)
    except InputError as error:
        _input_failed(error, fmt)
    data = report.to_dict()
    if output is not None:
        try:
            from filing.review.output import write_review

            for path in write_review(report, output):
                err.print(f"wrote {path}")
        except PacketError as error:
            err.print(f"[bold red]error[/] the review report could not be written: {escape(str(error))}")
            raise typer.Exit(2) from None
    if fmt is Format.json:
        _print_json(data)
    else:
        _print_review(data)
    raise typer.Exit(0 if report.ok else 1)


def _print_changes(title: str, changes: list[dict[str, Any]]) -> None:
    if changes:
        out.print(f"\n[bold]{title}[/] ({len(changes)})")
    for change in changes:
        old, new = ("(none)" if change["kind"] == absent else json.dumps(change[side], ensure_ascii=False, default=str)
                    for side, absent in (("old", "added"), ("new", "removed")))
        out.print(f"  [cyan]{escape(change['path'])}[/]: {escape(old)} → {escape(new)}")


@app.command()
def diff(a: PacketArgument, b: PacketArgument, fmt: FormatOption = Format.text) -> None:
    """What changed from packet A to packet B: deal fields, pool figures, findings, documents, token configuration."""
    from filing.review import diff_packets

    try:
        result = diff_packets(a, b)
    except InputError as error:
        _input_failed(error, fmt)
    data = result.to_dict()
    if fmt is Format.json:
        _print_json(data)
        return
    for title, key in (("deal fields", "deal"), ("pool figures", "pool"), ("findings changed", "findings_changed"),
                       ("documents (SHA-256)", "documents"), ("token configuration", "token")):
        _print_changes(title, data[key])
    for title, key in (("findings added", "findings_added"), ("findings resolved", "findings_resolved")):
        if data[key]:
            out.print(f"\n[bold]{title}[/] ({len(data[key])})")
        for finding in data[key]:
            out.print(f"  {finding.get('severity')} {finding.get('rule')} [cyan]{escape(str(finding.get('path')))}[/] "
                      f"{escape(str(finding.get('message')))}")
    out.print("\nno differences" if result.empty else "")


# -- filing build: the packet (filing.packet) -----------------------------------------------------------------

@app.command()
def build(
    deal: DealArgument,
    output: Annotated[Path, typer.Option("-o", "--output", help="the packet folder; an existing packet there is "
                                                                "replaced only once the new one is complete")],
    lang: Annotated[str, typer.Option("--lang", help="languages, comma-separated (zh,en); Chinese comes first")]
    = "zh,en",
    sign_key_file: Annotated[Path | None, typer.Option(
        "--sign-key-file", help="file holding the signing key (hex); default: $FILING_SIGN_KEY, else unsigned")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="build despite blockers, every page marked DRAFT")] = False,
    zip_: Annotated[bool, typer.Option("--zip", help="also write the packet as DIR.zip")] = False,
    templates: Annotated[Path | None, typer.Option(
        "--templates", help="folder whose templates override the packaged ones (rendered in a sandbox)")] = None,
    pdf_a: Annotated[bool, typer.Option("--pdf-a", help="PDF/A-3b with the deal JSON embedded")] = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Build the filing packet: documents in Chinese and English (PDF, HTML, DOCX), data, manifest and signature."""
    from filing.chain import ChainError
    from filing.packet import PacketError, build_packet

    loaded = _load(deal, fmt)
    try:
        result = build_packet(loaded, output, langs=tuple(code.strip() for code in lang.split(",") if code.strip()),
                              sign_key_file=sign_key_file, draft=draft, zip=zip_, templates=templates, pdf_a=pdf_a)
    except InputError as error:
        _input_failed(error, fmt)
    except ChainError as error:
        _chain_failed(error, fmt, 2)
    except PacketError as error:
        _input_failed(InputError.single(deal, f"the documents could not be built: {error}"), fmt)
    if fmt is Format.json:
        _print_json({"ok": result.exit_code == 0, "findings": list(result.verdict.findings),
                     "packet": str(result.out_dir) if result.written else None, "written": result.written,
                     "draft": result.draft, "verdict": result.verdict.to_dict(), "pages": result.pages,
                     "signer": result.signer, "zip": str(result.zip_path) if result.zip_path else None,
                     "parity": [issue.to_dict() for issue in result.parity], "files": result.files})
    else:
        _print_build(result)
    raise typer.Exit(result.exit_code)


def _print_build(result: Any) -> None:
    for finding in result.verdict.blockers:
        out.print(f"[bold red]blocker[/] {finding['rule']} {escape(finding['path'])}: {escape(finding['message'])}")
    for issue in result.parity:
        out.print(f"[yellow]parity[/] {escape(str(issue))}")
    if not result.written:
        out.print(f"[bold red]FAIL[/] {len(result.verdict.blockers)} blocker(s): no packet written "
                  f"(fix them, or build with --draft)")
        return
    verdict = "[bold green]PASS[/]" if result.verdict.ok else "[bold red]FAIL[/] (draft)"
    signed = f"signed by {result.signer}" if result.signer else "unsigned"
    out.print(f"{verdict} packet {escape(str(result.out_dir))}: {len(result.files)} files, {result.pages} pages, "
              f"{signed}{', ' + escape(str(result.zip_path)) if result.zip_path else ''}")


def _version(value: bool) -> None:
    if value:
        out.print(f"filing {filing.__version__} (rulebook {filing.rulebook().version})")
        raise typer.Exit()


@app.callback()
def main(_: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                         help="print the version and exit")] = False) -> None:
    """Check, analyse and build the CSRC filing of a tokenized ABS deal."""

