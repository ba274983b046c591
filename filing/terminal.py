"""What the `filing` command prints, in the language and quietness the run asked for.

Why apart from filing/cli.py: the commands parse arguments and call the library; this turns what the library returns
into lines on stdout (results, verdicts, JSON) and stderr (errors with what to do next, progress bars, files written),
every word from the message catalogue, so one switch (`--lang zh`) changes them all.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.markup import escape as escape_markup

from filing import i18n
from filing.errors import InputError, Problem
from filing.findings import Severity, Verdict
from filing.progress import Progress

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal acts on instead of showing (escape sequences, line moves, C1 controls such as CSI) and the
bidirectional controls that reorder what is shown: text from a packet or a deal must not steer the terminal."""


_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""The controls ``json.dumps`` leaves raw (it escapes only C0): escaped too, so the JSON stays one safe object."""


def visible(text: object) -> str:
    """``text`` with every control character written as a ``\\xNN`` or ``\\uNNNN`` escape."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}", str(text))


def escape(text: object) -> str:
    """Untrusted text for rich: control characters made visible, then markup escaped."""
    return escape_markup(visible(text))


class Format(StrEnum):
    text = "text"
    json = "json"


SEVERITY_STYLE = {"blocker": "bold red", "warning": "yellow", "info": "cyan"}
STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red"}
VERDICTS = {"PASS": ("bold green", "cli.pass"), "PASS WITH WARNINGS": ("bold yellow", "cli.pass_with_warnings"),
            "FAIL": ("bold red", "cli.fail")}


def print_json(data: dict[str, Any]) -> None:
    """Exactly one JSON object on stdout, whatever the language: programs read the same keys."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n")


def _input_finding(problem: Problem) -> dict[str, Any]:
    """A problem as a finding of its registered code (INPUT-01), its message led by the location, with the
    problem's hints."""
    from filing.rules import rulebook

    data = problem.as_dict()
    finding = rulebook().get("INPUT-01").finding(problem.path, location=problem.location(), detail=data["message"],
                                                 detail_zh=data["message_zh"])
    return finding.to_dict() | {"hint": data["hint"], "hint_zh": data["hint_zh"]}


@dataclass(frozen=True)
class Terminal:
    """One run's output: its language, whether it is quiet, stdout for results and stderr for everything else."""

    lang: i18n.Lang = "en"
    quiet: bool = False
    out: Console = field(default_factory=lambda: Console(highlight=False, soft_wrap=True))
    err: Console = field(default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True))

    def t(self, key: str, **params: Any) -> str:
        """The catalogue's text in this run's language, escaped for rich markup."""
        return escape(i18n.text(key, self.lang, **params))

    def say(self, en: str, zh: str | None) -> str:
        """A message that comes in two languages (a finding's), escaped for rich markup."""
        return escape(i18n.pick(self.lang, en, zh))

    def both(self, en: str, zh: str) -> tuple[str, str]:
        """A text's two languages, this run's first (a rule's titles)."""
        first = i18n.pick(self.lang, en, zh)
        return first, zh if first is en else en

    def detail(self, line: RenderableType) -> None:
        """Everything but the verdict: left out with --quiet."""
        if not self.quiet:
            self.out.print(line)

    @property
    def gap(self) -> str:
        """The blank line between the details and the verdict; none when --quiet leaves only the verdict."""
        return "" if self.quiet else "\n"

    def error(self, message: str, hint: str) -> None:
        """An error and what to do next, on stderr (both already escaped)."""
        self.err.print(f"[bold red]{self.t('cli.error')}[/] {message}")
        self.err.print("  " + self.t("cli.hint", hint=hint))

    def warning(self, message: str) -> None:
        """A warning about how the command was called (already escaped), on stderr even with --quiet."""
        self.err.print(f"[yellow]{self.t('cli.warning')}[/] {message}")

    def wrote(self, path: Path) -> None:
        if not self.quiet:
            self.err.print(self.t("cli.wrote", path=path))

    @contextmanager
    def progress(self) -> Iterator[Progress]:
        """A bar on stderr drawn from a library stage's progress callback; hidden when stderr is not a terminal, and
        with --quiet."""
        if self.quiet or not self.err.is_terminal:
            yield lambda step, done, total: None  # no bar to draw: rich's progress machinery stays unloaded
            return
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
        from rich.progress import Progress as ProgressBar

        with ProgressBar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=self.err,
                         transient=True) as bar:
            task = bar.add_task("", total=None)
            yield lambda step, done, total: bar.update(task, description=step, completed=done, total=total)

    def input_failed(self, error: InputError, fmt: Format) -> NoReturn:
        """Exit code 2: the input could not be read; every problem is named with its place and what to do next."""
        if fmt is Format.json:
            print_json({"ok": False, "errors": [p.as_dict() for p in error.problems],
                        "findings": [_input_finding(p) for p in error.problems]})
        else:
            for problem in error.problems:
                self.error(escape(problem.text(self.lang)), escape(problem.advice(self.lang)))
            self.err.print(self.t("cli.problems", count=len(error.problems)))
        raise typer.Exit(2)

    def chain_failed(self, error: Exception, fmt: Format, code: int) -> NoReturn:
        """A node that cannot be used (exit 2) or a deployment the chain refused (exit 1), said once, no trace."""
        message = f"{type(error).__name__}: {error}"
        hint = "hint.chain_node" if code == 2 else "hint.chain_refused"
        if fmt is Format.json:
            from filing.rules import rulebook

            finding = rulebook().get("INPUT-02").finding("", detail=message)
            print_json({"ok": False, "findings": [finding.to_dict() | {"hint": i18n.text(hint),
                                                                        "hint_zh": i18n.text(hint, "zh")}]})
        else:
            self.error(escape(message), self.t(hint))
        raise typer.Exit(code)

    def severity(self, severity: str) -> str:
        return f"[{SEVERITY_STYLE[str(severity)]}]{self.t(f'cli.severity.{severity}')}[/]"

    def verdict(self, ok: bool) -> str:
        return f"[bold green]{self.t('cli.pass')}[/]" if ok else f"[bold red]{self.t('cli.fail')}[/]"

    def citation(self, rule: str, source: str, confidence: str) -> str:
        """A finding's source and how sure we are of it, escaped: in Chinese the rule's Chinese citation, as the
        filed documents give it (the English research note where the rulebook has none)."""
        if self.lang == "zh":
            from filing.rules.citations import source_zh

            try:
                source = source_zh(rule)
            except KeyError:
                pass
        return escape(f"{source} [{i18n.text(f'cli.confidence.{confidence}', self.lang)}]")

    def check_report(self, report: Verdict, title: str) -> None:
        """Findings grouped by severity, each with its rule, path, message and citation, then a one-line verdict."""
        for severity in Severity:
            rows = [f for f in report.findings if f.severity is severity]
            if rows:
                self.detail(f"\n[{SEVERITY_STYLE[severity]}]{self.t(f'cli.heading.{severity}', count=len(rows))}[/]")
            for finding in rows:
                self.detail(" " * 2 + f"[bold]{finding.rule}[/]  [cyan]{escape(finding.path)}[/]")
                self.detail(" " * 4 + self.say(finding.message, finding.message_zh))
                if finding.overridden_by:
                    self.detail(" " * 4 + "[magenta]" + self.t("cli.overridden", reason=finding.overridden_by.reason,
                                                               approver=finding.overridden_by.approved_by) + "[/]")
                self.detail(" " * 4 + f"[dim]{self.citation(finding.rule, finding.source, finding.confidence)}[/]")
        overridden = sum(1 for f in report.findings if f.overridden_by)
        self.out.print(self.gap + self.verdict(report.ok) + " " + self.t(
            "cli.check_verdict", title=title, blockers=report.count(Severity.blocker),
            warnings=report.count(Severity.warning), overridden=overridden, rulebook=report.rulebook_version))

    def contract_report(self, report: Any) -> None:
        """Each tranche's configuration against the deal, the failed scenarios, the findings, then the verdict."""
        from rich.table import Table

        for tranche in report.tranches:
            table = Table(title=f"{tranche.tranche} {tranche.symbol} {tranche.address or ''} ({tranche.standard})",
                          title_justify="left", expand=True)
            for column in ("field", "deal", "token", "ok"):
                table.add_column(self.t(f"cli.col.{column}"), overflow="fold")
            for item in tranche.checks:
                mark = {True: f"[green]{self.t('cli.yes')}[/]", False: f"[bold red]{self.t('cli.no')}[/]",
                        None: "-"}[item.ok]
                table.add_row(escape(item.field), escape(str(item.expected)), escape(str(item.actual)), mark)
            self.detail(table)
            for key, value in tranche.details.items():  # the token's configuration (owners, agents, modules...)
                self.detail(f"  [dim]{escape(key)}: {escape(json.dumps(value, ensure_ascii=False, default=str))}[/]")
        failed = [s for s in report.scenarios if not s.passed]
        self.detail(self.t("cli.scenarios", passed=len(report.scenarios) - len(failed), total=len(report.scenarios)))
        for scenario in failed:
            self.detail("  [bold red]" + self.t("cli.scenario_failed", tranche=scenario.tranche, name=scenario.name,
                                                expected=scenario.expected, actual=scenario.actual) + "[/]"
                        + (" — " + escape(scenario.reason) if scenario.reason else ""))
        for finding in report.findings:
            self.detail(f"{self.severity(finding.severity)} {finding.rule} {escape(finding.path)}: "
                        f"{self.say(finding.message, finding.message_zh)}  "
                        f"[dim]({self.citation(finding.rule, finding.source, finding.confidence)})[/]")
        self.out.print(self.verdict(report.ok) + " " + self.t(
            "cli.contract_verdict", deal=report.deal_id, standard=report.standard, chain=report.chain_id,
            mode=report.mode))

    def review(self, data: dict[str, Any]) -> None:
        """Each check with its evidence and issues, the findings, then the one verdict line."""
        for item in data["checks"]:
            status, label = item["status"], self.t(f"cli.status.{item['status']}")
            label += " " * (4 - cell_len(label))  # Chinese characters take two cells each
            self.detail(f"[{STATUS_STYLE[status]}]{label}[/] [bold]{escape(item['name'])}[/]")
            for line in item["evidence"]:
                self.detail(" " * 7 + f"[dim]{escape(line)}[/]")
            for issue in item["issues"]:
                self.detail(" " * 7 + f"[cyan]{escape(issue['path'])}[/] {escape(issue['message'])}")
        rules = [f for f in data["findings"] if not f["rule"].startswith("REVIEW-")]
        if rules:
            self.detail("\n" + self.t("cli.findings", count=len(rules)))
        for finding in rules:
            self.detail(f"  {self.severity(finding['severity'])} {escape(finding['rule'])} "
                        f"[cyan]{escape(finding['path'])}[/] {self.say(finding['message'], finding.get('message_zh'))}")
        failed = sum(1 for c in data["checks"] if c["status"] == "fail")
        warned = sum(1 for c in data["checks"] if c["status"] == "warn")
        style, verdict = VERDICTS[data["verdict"]]
        self.out.print(f"{self.gap}[{style}]{self.t(verdict)}[/] " + self.t(
            "cli.review_verdict", packet=data["packet"], checks=len(data["checks"]), failed=failed, warned=warned,
            signer=data["signer"] or i18n.text("cli.not_verified", self.lang)))

    def diff(self, data: dict[str, Any], empty: bool) -> None:
        """What changed, section by section; the sections are the answer, so --quiet keeps them."""
        for key in ("deal", "pool", "findings_changed", "documents", "token"):
            if data[key]:
                self.out.print(f"\n[bold]{self.t(f'cli.diff.{key}')}[/] ({len(data[key])})")
            for change in data[key]:
                old, new = (self.t("cli.none") if change["kind"] == absent
                            else escape(json.dumps(change[side], ensure_ascii=False, default=str))
                            for side, absent in (("old", "added"), ("new", "removed")))
                self.out.print(f"  [cyan]{escape(change['path'])}[/]: {old} → {new}")
        for key in ("findings_added", "findings_resolved"):
            if data[key]:
                self.out.print(f"\n[bold]{self.t(f'cli.diff.{key}')}[/] ({len(data[key])})")
            for finding in data[key]:
                message = self.say(str(finding.get("message")), finding.get("message_zh"))
                self.out.print(f"  {escape(finding.get('severity'))} {escape(finding.get('rule'))} "
                               f"[cyan]{escape(str(finding.get('path')))}[/] {message}")
        self.out.print("\n" + self.t("cli.no_differences") if empty else "")

    def build(self, result: Any) -> None:
        """The blockers and parity differences, then the packet's verdict line."""
        for finding in result.verdict.blockers:
            self.detail(f"{self.severity('blocker')} {escape(finding.rule)} {escape(finding.path)}: "
                        f"{self.say(finding.message, finding.message_zh)}")
        for issue in result.parity:
            self.detail(f"[yellow]{self.t('cli.parity')}[/] {escape(str(issue))}")
        if not result.written:
            self.out.print(self.verdict(False) + " " + self.t("cli.build_blocked", count=len(result.verdict.blockers)))
            return
        verdict = self.verdict(True) if result.verdict.ok else self.verdict(False) + " " + self.t("cli.draft")
        signed = i18n.text("cli.signed_by", self.lang, signer=result.signer) if result.signer \
            else i18n.text("cli.unsigned", self.lang)
        self.out.print(verdict + " " + self.t("cli.build_verdict", folder=result.out_dir, files=len(result.files),
                                              pages=result.pages, signed=signed)
                       + (", " + escape(str(result.zip_path)) if result.zip_path else ""))


def exits(packet: tuple[str, str] = ("deal", "packet.documents_failed"), unusable: tuple[type[Exception], ...] = ()
          ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Map the library's errors to design.md's exit codes, for every command in one place: an input that cannot be
    read, and a packet or report that cannot be written (message ``packet[1]`` on the file named by the command's
    argument ``packet[0]``), exit 2 with each problem named; a node or key that cannot be used (ChainError, or the
    command's ``unusable`` errors) exits 2; a transaction the chain refused exits 1."""
    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def run(**arguments: Any) -> None:
            term = arguments["context"].find_object(Terminal) or Terminal()
            fmt = arguments.get("fmt", Format.text)
            try:
                command(**arguments)
            except InputError as error:
                term.input_failed(error, fmt)
            except (typer.Exit, typer.Abort):
                raise
            except Exception as error:
                from filing.chain import ChainError, Reverted  # on failure only: web3 is slow to import
                from filing.packet.build import PacketError

                if isinstance(error, PacketError):
                    term.input_failed(InputError.of(arguments[packet[0]], packet[1], error=error), fmt)
                if isinstance(error, (ChainError, Reverted, *unusable)):
                    term.chain_failed(error, fmt, 1 if isinstance(error, Reverted) else 2)
                raise
        return run
    return decorate


__all__ = ["Format", "Terminal", "escape", "exits", "print_json", "visible"]
