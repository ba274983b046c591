"""The command line's polish: --version, --quiet, Chinese with --lang zh or FILING_LANG=zh (same locations, same JSON),
a hint after every error, usage errors that point to --help, and progress reported by the stages and drawn only on a
terminal."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

import filing
from filing import i18n, stages
from filing.cli import FormatOption, app
from filing.commandline import Commands
from filing.packet import build as build_module
from filing.packet.build import build_from_data
from filing.packet.data import PacketData
from filing.packet.pdf import PdfResult
from filing.packet.render import DOCUMENTS
from filing.pool import analyse_pool
from filing.review import review_packet
from filing.rules.citations import source_zh
from filing.stages import with_cashflows
from filing.terminal import Format, Terminal, exits

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NONCOMPLIANT = EXAMPLES / "noncompliant" / "deal.yaml"
RECEIVABLES = EXAMPLES / "trade-receivables" / "deal.yaml"
CHINESE = [pytest.param(["--lang", "zh"], {}, id="--lang"), pytest.param([], {"FILING_LANG": "zh"}, id="env")]
LOCATION = re.compile(r"^(?:error|错误) (\S+:\d+:\d+: \S+:) ", re.MULTILINE)


def run(*args: object, env: dict[str, str] | None = None):
    """One run in this process, with FILING_LANG unset unless the test sets it."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"FILING_LANG": None, **(env or {})})


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example deal with a mistyped USCC, an unknown jurisdiction and an unknown field."""
    text = RECEIVABLES.read_text(encoding="utf-8")
    for old, new in (("  uscc: 91440300AY4CL12T24", "  uscc: 91440300AY4CLO2T24"),
                     ("  jurisdiction: Hong Kong\n", "  jurisdiction: Xanadu\n"),
                     ("  legal_representative: 陈立明", "  legal_representative: 陈立明\n  legal_rep: x")):
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path_factory.mktemp("broken") / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith(f"filing {filing.__version__} (rulebook ")


def test_quiet_check_prints_the_verdict_and_nothing_else():
    loud, quiet = run("check", NONCOMPLIANT), run("--quiet", "check", NONCOMPLIANT)
    assert loud.exit_code == quiet.exit_code == 1
    assert quiet.stdout.splitlines() == [loud.stdout.strip().splitlines()[-1]]
    assert quiet.stdout.startswith("FAIL BAD-TR-2026-01: ") and quiet.stderr == ""


def test_progress_is_not_drawn_when_stderr_is_not_a_terminal():
    result = run("check", NONCOMPLIANT, "--format", "json")
    assert result.exit_code == 1 and result.stderr == ""
    json.loads(result.stdout)


def test_quiet_leaves_out_the_files_written(tmp_path):
    loud = run("init", "trade_receivables", tmp_path / "loud")
    quiet = run("-q", "init", "trade_receivables", tmp_path / "quiet")
    assert loud.exit_code == quiet.exit_code == 0
    assert "wrote " in loud.stderr and quiet.stderr == quiet.stdout == ""
    assert {p.name for p in (tmp_path / "quiet").iterdir()} == {p.name for p in (tmp_path / "loud").iterdir()}


def test_a_terminal_draws_the_stages_progress_unless_quiet():
    for quiet, expected in ((False, True), (True, False)):
        buffer = io.StringIO()
        term = Terminal(quiet=quiet, err=Console(file=buffer, force_terminal=True, width=100))
        with term.progress() as progress:
            progress("pool: statistics", 4, 5)
        assert ("pool: statistics" in buffer.getvalue()) is expected


@pytest.mark.parametrize(("args", "env"), CHINESE)
def test_chinese_headings_verdict_and_finding_messages(args, env):
    result = run(*args, "check", NONCOMPLIANT, env=env)
    assert result.exit_code == 1
    loaded = filing.load_deal(NONCOMPLIANT)
    report = filing.check_deal(loaded, filing.analyse(loaded))
    assert "阻断项（" in result.stdout and "警告（" in result.stdout and "BLOCKERS" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("不通过 BAD-TR-2026-01：阻断 ")
    for finding in report.findings:
        assert finding.message_zh in result.stdout and finding.message_zh != finding.message


@pytest.mark.parametrize(("args", "env"), CHINESE)
def test_chinese_input_errors_keep_their_locations_and_hints(broken, args, env):
    english, chinese = run("check", broken), run(*args, "check", broken, env=env)
    assert english.exit_code == chinese.exit_code == 2
    locations = LOCATION.findall(english.stderr)
    assert len(locations) == 3 and LOCATION.findall(chinese.stderr) == locations
    assert "unknown jurisdiction 'Xanadu'" in english.stderr and "未知司法辖区 'Xanadu'" in chinese.stderr
    assert "unknown field 'legal_rep'" in english.stderr and "未知字段“legal_rep”" in chinese.stderr
    assert english.stderr.count("\n  hint: ") == chinese.stderr.count("\n  提示：") == 3
    assert i18n.text("hint.uscc", "zh") in chinese.stderr and i18n.text("hint.schema") in english.stderr
    assert "共 3 个问题" in chinese.stderr


@pytest.mark.parametrize(("args", "env"), CHINESE)
def test_chinese_tape_errors(tmp_path, args, env):
    deal = tmp_path / "deal.yaml"
    deal.write_text(RECEIVABLES.read_text(encoding="utf-8"), encoding="utf-8")  # its tape is not beside it
    english, chinese = run("check", deal), run(*args, "check", deal, env=env)
    assert english.exit_code == chinese.exit_code == 2
    tape = tmp_path / "tape.csv"
    assert f"error {tape}: TAPE-01 cannot open the tape: " in english.stderr
    assert f"错误 {tape}: TAPE-01 无法打开资产清单：" in chinese.stderr
    assert i18n.text("hint.tape_path", "zh") in chinese.stderr


def test_json_errors_carry_hints_keep_their_keys_and_do_not_depend_on_the_language(broken):
    english, chinese = run("check", broken, "-f", "json"), run("--lang", "zh", "check", broken, "-f", "json")
    assert english.exit_code == chinese.exit_code == 2 and english.stdout == chinese.stdout
    data = json.loads(english.stdout)
    assert data["ok"] is False and len(data["errors"]) == len(data["findings"]) == 3
    for error, finding in zip(data["errors"], data["findings"], strict=True):
        assert {"file", "line", "column", "path", "message", "message_zh", "hint", "hint_zh"} <= error.keys()
        assert {"rule", "severity", "path", "message", "hint", "hint_zh"} <= finding.keys()
        assert error["hint"] and error["hint_zh"] and finding["hint"] == error["hint"]
        assert finding["message"] == f"{error['file']}:{error['line']}:{error['column']}: {error['message']}"
    assert [e["path"] for e in data["errors"]] == ["filer.uscc", "filer.legal_rep", "issuer.jurisdiction"]


def test_json_findings_are_the_same_in_chinese():
    english, chinese = run("check", NONCOMPLIANT, "-f", "json"), run("check", NONCOMPLIANT, "-f", "json",
                                                                      env={"FILING_LANG": "zh"})
    assert english.exit_code == chinese.exit_code == 1 and english.stdout == chinese.stdout
    data = json.loads(english.stdout)
    assert data["ok"] is False and all({"rule", "severity", "path", "message"} <= f.keys() for f in data["findings"])


@pytest.mark.parametrize("args", [["check"], ["check", "deal.yaml", "--bogus"], ["--lang", "fr", "check", "deal.yaml"],
                                  ["rules", "explain"]], ids=["missing-argument", "unknown-option", "language",
                                                              "missing-code"])
def test_usage_errors_exit_2_and_point_to_help(args):
    result = run(*args)
    assert result.exit_code == 2 and "--help" in result.output


def test_a_rule_explained_in_chinese_leads_with_its_chinese_title():
    rule = filing.rulebook().get("CN-N42-02")
    english, chinese = run("rules", "explain", rule.code), run("--lang", "zh", "rules", "explain", rule.code)
    assert english.stdout.splitlines()[:2] == [f"{rule.code}  {rule.title}", f"        {rule.title_zh}"]
    assert chinese.stdout.splitlines()[:2] == [f"{rule.code}  {rule.title_zh}", f"        {rule.title}"]
    assert {"severity:   blocker", "confidence: secondary"} <= set(english.stdout.splitlines())
    facts = {"严重程度：阻断", "来源可信度：二手资料", f"来源：{source_zh(rule.code)}"}
    assert facts <= set(chinese.stdout.splitlines())
    assert "\\x0a" not in english.stdout + chinese.stdout


def test_findings_in_chinese_cite_their_rule_in_chinese():
    result = run("--lang", "zh", "check", EXAMPLES / "noncompliant" / "deal.yaml", "--no-chain")
    assert f"{source_zh('CN-ABS-07')} [官方文本转载]" in result.stdout
    assert "public mirror" not in result.stdout and "[official-copy]" not in result.stdout


def test_the_rules_table_in_chinese_names_severity_and_confidence_in_chinese():
    table = run("--lang", "zh", "rules", "list").stdout
    assert "阻断" in table and "二手资料" in table and "blocker" not in table and "secondary" not in table


def test_unknown_rule_says_where_the_codes_are():
    result = run("--lang", "zh", "rules", "explain", "CN-X-99")
    assert result.exit_code == 2 and "没有规则“CN-X-99”" in result.stderr and "filing rules list" in result.stderr


# -- the stages report their progress; the CLI only draws it ----------------------------------------------------

def _fake_pdf(job):
    """A stand-in for WeasyPrint: the progress of rendering is under test here, not the layout."""
    return PdfResult(job.slug, b"%PDF-1.7 stand-in", 1, (), 0.0)


@pytest.fixture(scope="module")
def data() -> PacketData:
    loaded = filing.load_deal(RECEIVABLES)
    pool = with_cashflows(analyse_pool(loaded), loaded.deal)
    return stages.packet_data(loaded, pool, None)


def test_build_and_review_report_each_document_and_each_check(data, tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "render_pdf", _fake_pdf)
    steps: list[tuple[str, int, int]] = []
    build_from_data(data, tmp_path / "packet", progress=lambda *step: steps.append(step))
    assert sorted(step for step, _, _ in steps) == sorted(f"documents: {spec.slug}" for spec in DOCUMENTS)
    assert [done for _, done, _ in steps] == list(range(1, len(DOCUMENTS) + 1))
    steps.clear()
    review_packet(tmp_path / "packet", progress=lambda *step: steps.append(step))
    assert steps == [("integrity", 0, 3), ("signature", 1, 3), ("revalidation", 2, 3)]
    quiet, chinese = run("-q", "review", tmp_path / "packet"), run("--lang", "zh", "review", tmp_path / "packet")
    assert quiet.exit_code == chinese.exit_code == 1  # unsigned, at least
    [line] = quiet.stdout.splitlines()
    assert re.fullmatch(rf"FAIL {re.escape(str(tmp_path / 'packet'))}: 6 checks, \d+ failed, \d+ with warnings; "
                        "signer not verified", line)
    assert "失败 signature" in chinese.stdout and f"不通过 {tmp_path / 'packet'}：检查 6 项" in chinese.stdout


def test_the_chain_check_reports_each_tranche():

    steps: list[tuple[str, int, int]] = []
    stages.chain(filing.load_deal(RECEIVABLES), progress=lambda *step: steps.append(step))
    assert steps == [("deploy", 0, 3), ("tranche A", 0, 3), ("tranche B", 1, 3), ("tranche C", 2, 3),
                     ("findings", 3, 3)]


# -- first-run friction (issue 11): options after the command, --doc-lang, flags, diff's exit, PATH, make example,
#    leftover placeholders, the aliases of a missing column, one place for exit codes ------------------------------

ROOT = EXAMPLES.parent


@pytest.mark.parametrize("after", [["-q", "--lang", "zh"], ["--lang=zh", "--quiet"], ["--quiet", "--lang", "zh"]])
def test_global_options_may_follow_the_command(after):
    before = run("-q", "--lang", "zh", "check", NONCOMPLIANT)
    result = run("check", NONCOMPLIANT, *after)
    assert result.exit_code == before.exit_code == 1 and result.stdout == before.stdout
    assert result.stdout.startswith("不通过 BAD-TR-2026-01：") and len(result.stdout.splitlines()) == 1


def test_global_options_may_follow_a_grouped_command_and_an_option_value_is_not_taken_for_one():
    rule = filing.rulebook().get("CN-N42-02")
    assert run("rules", "explain", rule.code, "--lang", "zh").stdout.splitlines()[0] == f"{rule.code}  {rule.title_zh}"
    result = run("check", NONCOMPLIANT, "--format", "json", "-q")
    assert result.exit_code == 1 and json.loads(result.stdout)["ok"] is False


def test_build_takes_doc_lang_and_still_takes_its_deprecated_lang(monkeypatch, tmp_path):
    """After `build`, --lang keeps design.md's meaning (the documents' languages) and warns; --doc-lang is the name."""
    from filing import packet

    seen: list[tuple[str, ...]] = []

    def record(loaded, out, *, langs, **options):
        seen.append(langs)
        raise packet.PacketError("stopped by the test")

    monkeypatch.setattr(stages, "build", record)
    new = run("build", RECEIVABLES, "-o", tmp_path / "p", "--doc-lang", "zh")
    old = run("build", RECEIVABLES, "-o", tmp_path / "p", "--lang", "zh")
    default = run("-q", "build", RECEIVABLES, "-o", tmp_path / "p")
    assert seen == [("zh",), ("zh",), ("zh", "en")]
    assert "deprecated" not in new.stderr and "use --doc-lang" in old.stderr
    assert new.exit_code == old.exit_code == default.exit_code == 2  # the packet error, mapped by the decorator
    assert "the documents could not be built: stopped by the test" in new.stderr


def test_help_shows_no_type_for_flags():
    for args in (["--help"], ["build", "--help"], ["review", "--help"], ["contract", "check", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "<bool>" not in result.stdout and "--help" in result.stdout
    assert "<path>" in run("build", "--help").stdout  # options that take a value still say what


def test_diff_exits_1_when_the_packets_differ_like_diff(data, tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "render_pdf", _fake_pdf)
    build_from_data(data, tmp_path / "a")
    deal = data.deal
    deal["token"]["tranches"][1]["coupon_rate"] = "0.08"
    build_from_data(replace(data, deal_json=json.dumps(deal)), tmp_path / "b")
    same, different = run("diff", tmp_path / "a", tmp_path / "a"), run("diff", tmp_path / "a", tmp_path / "b")
    assert same.exit_code == 0 and different.exit_code == 1
    assert "token.tranches[1].coupon_rate" in different.stdout
    as_json = run("diff", tmp_path / "a", tmp_path / "b", "-f", "json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["deal"]
    assert run("diff", tmp_path / "a", tmp_path / "missing").exit_code == 2


def test_the_readme_says_how_to_put_filing_on_the_path():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "source .venv/bin/activate" in readme and "export PATH=$PWD/.venv/bin:$PATH" in readme


def test_make_example_does_not_install_the_browser_and_make_test_does():
    def planned(target: str) -> str:
        return subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "VENV": "/nonexistent/venv"}).stdout

    assert "chromium" not in planned("example") and "fonts-noto-cjk" in planned("example")
    assert "chromium" in planned("test")


def test_check_flags_placeholders_left_by_init_and_not_in_a_finished_deal(tmp_path):
    deal = run("-q", "init", "trade_receivables", tmp_path / "new")
    assert deal.exit_code == 0
    text = (tmp_path / "new" / "deal.yaml").read_text(encoding="utf-8")
    shutil.copy(EXAMPLES / "trade-receivables" / "tape.csv", tmp_path / "new" / "tape.csv")
    filled = text.replace("tape: tape.xlsx", "tape: tape.csv").replace('principal: "0"', 'principal: "100000000.00"')
    (tmp_path / "new" / "deal.yaml").write_text(filled, encoding="utf-8")
    started = run("check", tmp_path / "new" / "deal.yaml", "-f", "json", "--no-chain")
    found = {f["path"]: f for f in json.loads(started.stdout)["findings"] if f["rule"] == "DEAL-01"}
    assert started.exit_code == 1 and found["filer.name_zh"]["severity"] == "blocker"
    assert {"deal_id", "token.tranches[0].symbol", "filing.contacts[0].email"} <= found.keys()
    assert found["filer.name_zh"]["message_zh"] == "仍为占位内容“REPLACE有限公司”，请填写实际信息"
    finished = json.loads(run("check", RECEIVABLES, "-f", "json").stdout)
    assert not [f for f in finished["findings"] if f["rule"] == "DEAL-01"]


def test_a_missing_column_is_named_with_the_headers_accepted_for_it(tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text(RECEIVABLES.read_text(encoding="utf-8"), encoding="utf-8")
    lines = (EXAMPLES / "trade-receivables" / "tape.csv").read_text(encoding="gb18030").splitlines()[:3]
    (tmp_path / "tape.csv").write_text("\n".join(["x" + lines[0], *lines[1:]]) + "\n", encoding="gb18030")
    result = run("--lang", "zh", "check", deal)
    assert result.exit_code == 2
    assert "TAPE-04 缺少 trade_receivables 的必需列（括号内为该列可用的其他表头）：asset_id (应收账款编号, 资产编号" \
        in result.stderr


def test_one_decorator_maps_every_error_to_its_exit_code(tmp_path):
    from filing.chain import ChainError, Reverted
    from filing.chain.connect import RevertInfo
    from filing.packet import PacketError

    errors = {"input": filing.InputError.single("deal.yaml", "bad"), "chain": ChainError("no node"),
              "reverted": Reverted(RevertInfo("NotAllowed")), "packet": PacketError("disk full"),
              "value": ValueError("a malformed key"), "bug": KeyError("a bug")}
    probe = typer.Typer(cls=Commands)

    @probe.command()
    @exits(unusable=(ValueError,))
    def fail(context: typer.Context, what: str, deal: Path = Path("deal.yaml"), fmt: FormatOption = Format.text):
        raise errors[what]

    @probe.command()
    def other() -> None:
        """A second command, so that the probe keeps `fail` as a subcommand."""

    codes = {what: CliRunner().invoke(probe, ["fail", what]) for what in errors}
    assert {what: result.exit_code for what, result in codes.items() if what != "bug"} == {
        "input": 2, "chain": 2, "reverted": 1, "packet": 2, "value": 2}
    assert "the documents could not be built: disk full" in codes["packet"].stderr
    assert "ChainError: no node" in codes["chain"].stderr and "NotAllowed" in codes["reverted"].stderr
    assert isinstance(codes["bug"].exception, KeyError)  # a bug is not dressed up as an input error
    as_json = CliRunner().invoke(probe, ["fail", "chain", "--format", "json"])
    assert as_json.exit_code == 2 and json.loads(as_json.stdout)["findings"][0]["rule"] == "INPUT-02"
