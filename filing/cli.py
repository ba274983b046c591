"""The `filing` command: a thin shell that parses arguments, calls the library and prints (filing.terminal); no logic
of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

import filing
from filing import i18n
from filing.assets import SPECS
from filing.commandline import Commands
from filing.errors import InputError
from filing.progress import within
from filing.terminal import Format, Terminal, exits, print_json, visible

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, cls=Commands,
                  help="Check, analyse and build the CSRC filing of a tokenized ABS deal. --lang and --quiet may "
                       "also follow the command.")
rules_app = typer.Typer(no_args_is_help=True, cls=Commands, help="The rulebook: list the rules, or explain one.")
app.add_typer(rules_app, name="rules")

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="text for people, json for programs")]
DealArgument = Annotated[Path, typer.Argument(help="the deal file (YAML or JSON)")]


def _terminal(context: typer.Context) -> Terminal:
    """The run's output, as the global options (--lang, --quiet) set it up."""
    return context.find_object(Terminal) or Terminal()


def _outside_tape(context: typer.Context) -> bool:
    """The global --allow-outside-tape: a deal's tape may lie outside its folder."""
    return bool(context.find_root().meta.get("allow_outside_tape"))


def _analyse(term: Terminal, loaded: filing.LoadedDeal) -> filing.PoolReport:
    """The pool stage, with its progress bar."""
    with term.progress() as progress:
        return filing.stages.analyse(loaded, within(progress, "pool"))


RulebookOption = Annotated[str | None, typer.Option("--rulebook", help="re-run an older rulebook release "
                                                                  "(`filing rules changelog` lists them)")]


@app.command()
@exits()
def check(context: typer.Context, deal: DealArgument,
          no_chain: Annotated[bool, typer.Option("--no-chain", help="skip the chain stage: the CHAIN rules are then "
                                                                    "listed as not evaluated")] = False,
          fmt: FormatOption = Format.text, rulebook: RulebookOption = None) -> None:
    """Check a deal against the rulebook (or an older release of it): its tape's pool analytics and the reference
    token's scenario suite on the embedded chain included; the verdict `filing build` and `filing review` state."""
    from filing.rules import VERSIONS

    term = _terminal(context)
    if rulebook not in (None, *VERSIONS):
        raise InputError.of("--rulebook", "cli.no_rulebook", version=rulebook, versions=", ".join(VERSIONS))
    loaded = filing.stages.load(deal, allow_outside_tape=_outside_tape(context))
    pool = _analyse(term, loaded)
    evidence = None
    if not no_chain:
        with term.progress() as progress:
            evidence = filing.stages.chain(loaded, progress=within(progress, "chain"))
    report = filing.stages.check(loaded.deal, pool, evidence, rulebook_version=rulebook)
    if fmt is Format.json:
        print_json(report.to_dict() | {"deal": loaded.deal.deal_id, "deal_sha256": loaded.sha256()})
    else:
        term.check_report(report, loaded.deal.deal_id)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
@exits()
def pool(context: typer.Context, deal: DealArgument, fmt: FormatOption = Format.text) -> None:
    """Analyse the deal's data tape: checks, statistics, concentration, cash flows, stress, static-pool history and
    breakeven default rates."""
    term = _terminal(context)
    loaded = filing.stages.load(deal, allow_outside_tape=_outside_tape(context))
    if loaded.tape_path.is_dir():
        _pool_out_of_core(term, loaded, fmt)
    analysed = _analyse(term, loaded)
    report = filing.stages.check_pool(loaded.deal, analysed)
    if fmt is Format.json:
        print_json(report.to_dict() | {"pool": analysed.to_dict()})
    else:
        from filing.pool.summary import pool_summary

        for line in pool_summary(analysed):
            term.detail(escape(visible(line)))
        term.check_report(report, i18n.text("cli.pool_title", term.lang, deal=loaded.deal.deal_id))
    raise typer.Exit(0 if report.ok else 1)


def _pool_out_of_core(term: Terminal, loaded: filing.LoadedDeal, fmt: Format) -> None:
    """`filing pool` on a folder tape: the out-of-core scan, its verdict, and what it did not compute."""
    from filing.pool.summary import scan_summary

    scanned = filing.stages.scan(loaded)
    report = filing.stages.check_scan(loaded.deal, scanned)
    if fmt is Format.json:
        print_json(report.to_dict() | {"out_of_core": True, "pool": scanned.to_dict()})
    else:
        for line in scan_summary(scanned, loaded.deal.assets.tape, loaded.deal.assets.currency, term.lang):
            term.detail(escape(visible(line)))
        if report.not_evaluated:
            term.detail(escape(i18n.text("scan.not_evaluated", term.lang, codes=", ".join(report.not_evaluated))))
        term.check_report(report, i18n.text("scan.title", term.lang, deal=loaded.deal.deal_id))
    raise typer.Exit(0 if report.ok else 1)


@rules_app.command("list")
def rules_list(context: typer.Context, fmt: FormatOption = Format.text) -> None:
    """List every rule with its severity and confidence."""
    from rich.table import Table

    term = _terminal(context)
    rules = filing.rulebook().rules
    if fmt is Format.json:
        print_json({"ok": True, "findings": [], "rules": [r.explain() for r in rules]})
        return
    table = Table(expand=True)
    for column in ("code", "severity", "confidence", "title"):
        table.add_column(term.t(f"cli.col.{column}"), overflow="fold")
    for item in rules:
        table.add_row(item.code, term.t(f"cli.severity.{item.severity}"), term.t(f"cli.confidence.{item.confidence}"),
                      escape(" / ".join(term.both(item.title, item.title_zh))))
    term.out.print(table)


@rules_app.command("explain")
def rules_explain(context: typer.Context, code: Annotated[str, typer.Argument(help="a rule code such as CN-N42-02")],
                  fmt: FormatOption = Format.text) -> None:
    """Print one rule's text, source and confidence."""
    term = _terminal(context)
    try:
        item = filing.rulebook().get(code)
    except KeyError:
        if fmt is Format.json:  # one JSON object on stdout, as for every input error
            term.input_failed(InputError.of(code, "cli.no_rule", code=code), fmt)
        term.error(term.t("cli.no_rule", code=code), term.t("hint.rules_list"))
        raise typer.Exit(2) from None
    if fmt is Format.json:
        print_json({"ok": True, "findings": [], "rule": item.explain()})
        return
    first, second = term.both(item.title, item.title_zh)
    term.out.print(f"[bold]{item.code}[/]  {escape(first)}\n        {escape(second)}\n")
    from filing.rules.citations import source_zh

    source = source_zh(item.code) if term.lang == "zh" else item.source
    facts = i18n.text("cli.rule_facts", term.lang, severity=i18n.text(f"cli.severity.{item.severity}", term.lang),
                      confidence=i18n.text(f"cli.confidence.{item.confidence}", term.lang), source=source)
    for line in facts.splitlines():  # one print a line: the catalogue's line breaks are not controls to escape
        term.out.print(escape(line))
    term.out.print()
    term.out.print(escape(item.doc))


@rules_app.command("changelog")
def rules_changelog(context: typer.Context, fmt: FormatOption = Format.text) -> None:
    """Every rulebook release, newest first, with the rules it added or changed."""
    term = _terminal(context)
    from filing.rules import RULEBOOK_VERSION, changelog

    releases = changelog()
    if fmt is Format.json:
        print_json({"ok": True, "findings": [], "current": RULEBOOK_VERSION, "releases": releases})
        return
    for release in releases:
        term.out.print(f"[bold]{release['version']}[/]  {release['released_on']}  {escape(release['summary'])}")
        for change in release["changes"]:
            before = [f"{key.split('_')[0]} was {change[key]}" for key in ("severity_before", "confidence_before")
                      if key in change]
            mark = "+" if change["kind"] == "added" else "~"
            term.out.print(f"  {mark} {change['code']:<10} {escape(change['summary'])}"
                           + (f" ({'; '.join(before)})" if before else ""))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the deal file (for editor autocompletion and validation)."""
    print_json(filing.json_schema())


@app.command()
@exits()
def init(context: typer.Context,
         asset_class: Annotated[str, typer.Argument(help="the asset class: " + ", ".join(SPECS))],
         directory: Annotated[Path, typer.Argument(help="a new or empty folder for the deal")]) -> None:
    """Scaffold a deal: deal.yaml with comments, and a tape template with the canonical headers."""
    from filing import scaffold

    term = _terminal(context)
    for path in scaffold.create(asset_class, directory):
        term.wrote(path)


# -- filing contract: the chain stage (filing.chain) ----------------------------------------------------------

contract_app = typer.Typer(no_args_is_help=True, cls=Commands,
                           help="The token contracts: deploy the reference token, or check a token against the deal.")
app.add_typer(contract_app, name="contract")


@contract_app.command("check")
@exits()
def contract_check(
    context: typer.Context,
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
    term = _terminal(context)
    loaded = filing.stages.load(deal, allow_outside_tape=_outside_tape(context))
    with term.progress() as progress:
        report = filing.stages.contract(loaded, rpc=rpc, addresses=address or None, fork=fork,
                                 manifest_sha256=manifest_sha256, agent=agent, progress=within(progress, "chain"))
    if fmt is Format.json:
        print_json(report.to_dict() | {"deal_sha256": loaded.sha256()})
    else:
        term.contract_report(report)
    raise typer.Exit(0 if report.ok else 1)


@contract_app.command("deploy")
@exits(unusable=(ValueError,))  # a malformed --manifest-sha256 or key
def contract_deploy(
    context: typer.Context,
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
    from filing.chain import deploy_contracts

    term = _terminal(context)
    loaded = filing.stages.load(deal, allow_outside_tape=_outside_tape(context))
    deployed = deploy_contracts(loaded, rpc, key_file, manifest_sha256=manifest_sha256, agent=agent)
    if fmt is Format.json:
        print_json({"ok": True, "findings": [], "deal": loaded.deal.deal_id,
                    "tranches": [d.to_dict() for d in deployed]})
        return
    for item in deployed:
        term.out.print(f"{item.tranche_id}\t{item.symbol}\t{item.address}")


# -- filing review / filing diff: the reviewer's stage (filing.review) ----------------------------------------

PacketArgument = Annotated[Path, typer.Argument(help="a packet folder or its .zip")]


@app.command()
@exits(packet=("output", "cli.review_not_written"))
def review(
    context: typer.Context,
    packet: PacketArgument,
    rpc: Annotated[str | None, typer.Option(
        "--rpc", help="JSON-RPC URL: check the tokens, their recorded manifest hash and the signer's role")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="rebuild the documents from the packet's data and "
                                                           "compare every file by hash")] = False,
    signer: Annotated[str | None, typer.Option("--signer", help="the address expected to have signed the manifest")]
    = None,
    trusted_signers: Annotated[Path | None, typer.Option(
        "--trusted-signers", help="file of trusted signer addresses, one a line (default: $FILING_TRUSTED_SIGNERS)")]
    = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write review.json, .html and .pdf here")]
    = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Verify a packet: integrity, signature, re-validation of its data, optionally rebuild and chain checks."""
    from filing.review import review_packet

    term = _terminal(context)
    with term.progress() as progress:
        report = review_packet(packet, rpc=rpc, rebuild=rebuild, signer=signer,
                               trusted_signers_file=trusted_signers, progress=within(progress, "review"))
    data = report.to_dict()
    if output is not None:
        from filing.review.output import write_review

        for path in write_review(report, output):
            term.wrote(path)
    if fmt is Format.json:
        print_json(data)
    else:
        term.review(data)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
@exits()
def diff(context: typer.Context, a: PacketArgument, b: PacketArgument, fmt: FormatOption = Format.text) -> None:
    """What changed from packet A to packet B: deal fields, pool figures, findings, documents, token configuration.
    Exits 0 when they are the same, 1 when they differ (as diff(1) does)."""
    from filing.review import diff_packets

    term = _terminal(context)
    result = diff_packets(a, b)
    if fmt is Format.json:
        print_json(result.to_dict())
    else:
        term.diff(result.to_dict(), result.empty)
    raise typer.Exit(0 if result.empty else 1)


# -- filing build: the packet (filing.packet) -----------------------------------------------------------------

@app.command()
@exits()
def build(
    context: typer.Context,
    deal: DealArgument,
    output: Annotated[Path, typer.Option("-o", "--output", help="the packet folder; an existing packet there is "
                                                                "replaced only once the new one is complete")],
    doc_lang: Annotated[str | None, typer.Option(
        "--doc-lang", help="the documents' languages, comma-separated (zh,en; the default); Chinese comes first")]
    = None,
    lang: Annotated[str | None, typer.Option("--lang", help="deprecated name of --doc-lang (before the command, "
                                                            "--lang sets the language of messages)")] = None,
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
    term = _terminal(context)
    if lang is not None:
        term.warning(term.t("cli.build_lang_deprecated"))
    languages = doc_lang or lang or "zh,en"
    loaded = filing.stages.load(deal, allow_outside_tape=_outside_tape(context))
    with term.progress() as progress:
        result = filing.stages.build(loaded, output, langs=tuple(c.strip() for c in languages.split(",") if c.strip()),
                              sign_key_file=sign_key_file, draft=draft, zip=zip_, templates=templates, pdf_a=pdf_a,
                              progress=progress)
    if fmt is Format.json:
        print_json(result.verdict.to_dict() | {
                    "ok": result.exit_code == 0, "packet": str(result.out_dir) if result.written else None,
                    "written": result.written, "draft": result.draft, "verdict": result.verdict.headline(),
                    "pages": result.pages,
                    "signer": result.signer, "zip": str(result.zip_path) if result.zip_path else None,
                    "parity": [issue.to_dict() for issue in result.parity], "files": result.files})
    else:
        term.build(result)
    raise typer.Exit(result.exit_code)


# -- filing serve: the web workspace (filing.serve) -----------------------------------------------------------

@app.command()
@exits()
def serve(
    context: typer.Context,
    host: Annotated[str, typer.Option("--host", help="address to listen on (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    workspace: Annotated[Path, typer.Option("--workspace", help="folder of deals, packets, reviews and jobs")]
    = Path("."),
    sign_key_file: Annotated[Path | None, typer.Option(
        "--sign-key-file", help="file holding the key that signs packets built in the browser (never sent to it)")]
    = None,
) -> None:
    """The web workspace: deals, tapes, checks, the chain suite, packets, reviews and diffs in a browser."""
    from filing.serve import run

    term = _terminal(context)
    term.err.print(escape(f"filing workspace {workspace} on http://{host}:{port}/ (Ctrl-C stops it)"))
    run(workspace, host=host, port=port, sign_key_file=sign_key_file)


# -- the global options ---------------------------------------------------------------------------------------

def _version(value: bool) -> None:
    if value:
        from filing.version import RULEBOOK_VERSION, tool_version

        Terminal().out.print(f"filing {tool_version()} (rulebook {RULEBOOK_VERSION})")
        raise typer.Exit()


def _language(value: str) -> str:
    try:
        return i18n.language(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


@app.callback()
def main(
    context: typer.Context,
    _: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                    help="print the version and exit")] = False,
    lang: Annotated[str, typer.Option("--lang", envvar="FILING_LANG", callback=_language,
                                      help="language of messages: en or zh")] = "en",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress and no 'wrote' lines: only errors and "
                                                                  "the verdict (or the JSON)")] = False,
    allow_outside_tape: Annotated[bool, typer.Option("--allow-outside-tape", envvar="FILING_ALLOW_OUTSIDE_TAPE",
                                                     help="let the tape, history and attachments lie outside the "
                                                          "deal's folder")] = False,
) -> None:
    """Check, analyse and build the CSRC filing of a tokenized ABS deal."""
    context.meta["allow_outside_tape"] = allow_outside_tape
    context.obj = Terminal(lang, quiet)  # type: ignore[arg-type]  # _language made it "en" or "zh"
