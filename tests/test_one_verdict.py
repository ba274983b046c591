"""One verdict everywhere: `filing check`, `filing build` (its JSON, the cover page and the checklist) and `filing
review --rebuild` of the built packet state the same blocker and warning counts and codes, for every example and
for deals mutated to carry overrides, tape findings and chain findings.

The examples are built for real (PDFs included) and reviewed with the signer pinned; the mutated deals render their
PDFs with a stand-in (their layout is not under test here, and WeasyPrint would take minutes), everything else real:
the pool analysis, the chain suite on the embedded chain, the rulebook, the HTML documents, the rebuild.
"""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from chain_support import compile_test_contracts
from deal_edits import EXAMPLES, example_tree
from ruamel.yaml import YAML
from typer.testing import CliRunner

from filing.chain import check as chain_check
from filing.chain.artifacts import load_artifact
from filing.cli import app
from filing.packet import build as build_module
from filing.packet.pdf import PdfResult

KEY = EXAMPLES / "trade-receivables" / "test-key.txt"
SIGNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
"""The address of the examples' well-known test key."""
GLOSSARY = YAML(typ="safe").load((EXAMPLES.parent / "templates" / "glossary.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Stated:
    """What one output states: counts and codes of the blockers and warnings that count."""

    where: str
    blockers: int | None
    warnings: int | None
    blocker_codes: tuple[str, ...]
    warning_codes: tuple[str, ...]

    def same_as(self, other: Stated) -> bool:
        return (self.blockers, self.warnings, self.blocker_codes, self.warning_codes) == (
            other.blockers, other.warnings, other.blocker_codes, other.warning_codes)


def _codes(findings: list[dict[str, Any]], severity: str) -> tuple[str, ...]:
    return tuple(sorted({f["rule"] for f in findings if f["severity"] == severity and not f["overridden"]
                         and not f["rule"].startswith("REVIEW-")}))


def _from_json(where: str, data: dict[str, Any]) -> Stated:
    findings = data["findings"]
    return Stated(where, sum(1 for f in findings if f["severity"] == "blocker" and not f["overridden"]
                             and not f["rule"].startswith("REVIEW-")),
                  sum(1 for f in findings if f["severity"] == "warning" and not f["overridden"]
                      and not f["rule"].startswith("REVIEW-")),
                  _codes(findings, "blocker"), _codes(findings, "warning"))


def _label(key: str, lang: str) -> str:
    return GLOSSARY[key][lang]


def _documents(packet: Path, slug_part: str) -> Path:
    (found,) = sorted((packet / "documents").glob(f"*{slug_part}*.html"))
    return found


def _cover(packet: Path, lang: str) -> tuple[int, int]:
    """The counts the cover page (the packet index) states in one language."""
    tree = lxml.html.fromstring(_documents(packet, "index").read_text(encoding="utf-8"))
    section = tree.xpath(f'//section[@data-lang="{lang}"]')[0]
    cells = {row.xpath("string(th)").strip(): row.xpath("string(td)").strip() for row in section.xpath(".//tr")}
    return int(cells[_label("blockers", lang)]), int(cells[_label("warnings", lang)])


def _checklist(packet: Path, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rules the self-assessment marks not met as a blocker, and as a warning, in one language. The tape's checks
    are one row there (its code a range such as TAPE-01–TAPE-32), marked by the worst of them: it stands as "TAPE"."""
    tree = lxml.html.fromstring(_documents(packet, "checklist").read_text(encoding="utf-8"))
    section = tree.xpath(f'//section[@data-lang="{lang}"]')[0]
    marked: dict[str, set[str]] = {"blocker": set(), "warning": set()}
    results = {"blocker": _label("result_not_met", lang), "warning": _label("result_not_met_warning", lang)}
    for table in section.xpath('.//table[contains(@class, "checklist")]'):
        headers = [cell.text_content().strip() for cell in table.xpath(".//thead//th")]
        code, result = headers.index(_label("cl_number", lang)), headers.index(_label("cl_result", lang))
        for row in table.xpath(".//tbody/tr"):
            cells = [cell.text_content().strip() for cell in row.xpath("td")]
            for severity, text in results.items():
                if cells[result] == text:
                    marked[severity].add("TAPE" if cells[code].startswith("TAPE-") else cells[code])
    return tuple(sorted(marked["blocker"])), tuple(sorted(marked["warning"]))


def _as_checklist(codes: tuple[str, ...]) -> set[str]:
    """Codes as the self-assessment shows them: the TAPE checks as one row."""
    return {"TAPE" if code.startswith("TAPE-") else code for code in codes}


def stated_everywhere(deal: Path, out: Path, *, signer: str | None = None) -> list[Stated]:
    """Run check, build (draft, signed) and review --rebuild of the packet; what each of them states."""
    runner = CliRunner()
    checked = runner.invoke(app, ["-q", "check", str(deal), "--format", "json"])
    assert checked.exit_code in (0, 1), checked.output
    built = runner.invoke(app, ["-q", "build", str(deal), "-o", str(out), "--draft", "--sign-key-file", str(KEY),
                                "--format", "json"])
    assert built.exit_code in (0, 1) and json.loads(built.stdout)["written"], built.output
    reviewed = runner.invoke(app, ["-q", "review", str(out), "--rebuild", "--format", "json"]
                             + (["--signer", signer] if signer else []))
    review = json.loads(reviewed.stdout)
    failed = {c["name"]: c["issues"] for c in review["checks"] if c["status"] == "fail" and c["name"] != "rules"}
    assert failed == {} if signer else set(failed) <= {"signature"}, failed
    deal_verdict = review["deal_verdict"]
    states = [_from_json("check", json.loads(checked.stdout)), _from_json("build", json.loads(built.stdout)),
              _from_json("review", review),
              Stated("review verdict", deal_verdict["blockers"], deal_verdict["warnings"],
                     tuple(deal_verdict["blocker_codes"]), tuple(deal_verdict["warning_codes"]))]
    reference = states[0]
    for lang in ("zh", "en"):
        states.append(Stated(f"cover ({lang})", *_cover(out, lang), reference.blocker_codes, reference.warning_codes))
        blocker_codes, warning_codes = _checklist(out, lang)
        # the self-assessment marks each requirement once, by its worst finding, and the tape's checks as one row
        blockers = _as_checklist(reference.blocker_codes)
        assert set(blocker_codes) == blockers, (lang, blocker_codes, blockers)
        assert set(warning_codes) == _as_checklist(reference.warning_codes) - blockers, (lang, warning_codes)
    if signer:
        assert reviewed.exit_code == (0 if reference.blockers == 0 else 1), reviewed.output
    return states


def assert_one_verdict(states: list[Stated]) -> None:
    first = states[0]
    different = [s for s in states[1:] if not s.same_as(first)]
    assert different == [], f"{first} vs {different}"


# -- every example, built for real ---------------------------------------------------------------------------------

@pytest.mark.parametrize("example", sorted(p.parent.name for p in EXAMPLES.glob("*/deal.yaml")))
def test_every_example_states_one_verdict_and_passes_its_review(example: str, tmp_path: Path) -> None:
    states = stated_everywhere(EXAMPLES / example / "deal.yaml", tmp_path / "packet", signer=SIGNER)
    assert_one_verdict(states)


# -- mutated deals ----------------------------------------------------------------------------------------------------

def _override(rule: str, path: str = "") -> dict[str, str]:
    return {"rule": rule, "path": path, "reason": "accepted after review", "approved_by": "Deal counsel"}


MUTATIONS: dict[str, tuple[str, dict[str, Any], str | None]] = {
    # name: (example, field changes, weak token variant or None)
    "noncompliant as filed": ("noncompliant", {}, None),
    "noncompliant, TAPE-20 overridden": ("noncompliant", {"overrides": [_override("TAPE-20")]}, None),
    "noncompliant, TAPE-12 and TAPE-13 overridden": (
        "noncompliant", {"overrides": [_override("TAPE-12"), _override("TAPE-13")]}, None),
    "noncompliant, a hard ban overridden": ("noncompliant", {"overrides": [_override("CN-N42-02")]}, None),
    "noncompliant, an unknown code overridden": ("noncompliant", {"overrides": [_override("CN-G-99")]}, None),
    "receivables, pool balance misstated": ("trade-receivables", {"assets.pool_balance": "1100000000.00"}, None),
    "receivables, pool balance misstated and overridden": (
        "trade-receivables", {"assets.pool_balance": "1100000000.00", "overrides": [_override("TAPE-20")]}, None),
    "receivables, a warning overridden by path": (
        "trade-receivables", {"token.audit_report": None, "overrides": [_override("HK-05", "token")]}, None),
    "receivables, mainland not excluded": (
        "trade-receivables", {"offering.investors.excluded_jurisdictions": ["US"]}, None),
    "receivables, onshore issuer": ("trade-receivables", {"issuer.jurisdiction": "CN"}, None),
    "receivables, CNH stablecoin without a document number": (
        "trade-receivables", {"token.settlement_asset": {"type": "stablecoin", "name": "CNHX", "peg_currency": "CNH",
                                                         "approval_ref": "N/A"}}, None),
    "receivables, CNH stablecoin approved": (
        "trade-receivables", {"token.settlement_asset": {"type": "stablecoin", "name": "CNHX", "peg_currency": "CNH",
                                                         "approval_ref": "银复〔2026〕12号"}}, None),
    "receivables, receiver-only token": ("trade-receivables", {}, "ReceiverOnlyToken"),
    "receivables, forced transfer skips compliance": ("trade-receivables", {}, "ForcedSkipToken"),
    "receivables, forced transfer overridden": (
        "trade-receivables", {"overrides": [_override("CHAIN-03")]}, "ForcedSkipToken"),
    "receivables, country 0 not blocked": ("trade-receivables", {}, "CountryZeroToken"),
    "receivables, mainland allowed on chain": ("trade-receivables", {}, "MainlandAllowedToken"),
    "receivables, mainland allowed on chain and overridden (a hard ban stays)": (
        "trade-receivables", {"overrides": [_override("CHAIN-09"), _override("CN-N42-02")]}, "MainlandAllowedToken"),
    "lease, as filed": ("equipment-lease", {}, None),
    "lease, pool balance misstated": ("equipment-lease", {"assets.pool_balance": "1.00"}, None),
    "toll road, concession ends before the notes": ("toll-road", {"assets.concession_end": "2027-06-30"}, None),
}


def _write_deal(example: str, changes: dict[str, Any], folder: Path) -> Path:
    """The example's deal with `changes` applied, as deal.json in a copy of its folder (tape, history, attachments)."""
    tree = copy.deepcopy(example_tree(EXAMPLES / example / "deal.yaml"))
    for where, value in changes.items():
        *parents, last = where.split(".")
        node = tree
        for step in parents:
            node = node[step]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    shutil.copytree(EXAMPLES / example, folder, ignore=shutil.ignore_patterns("deal.yaml"))
    (folder / "deal.json").write_text(json.dumps(tree, ensure_ascii=False, default=str), encoding="utf-8")
    return folder / "deal.json"


def _stand_in_pdf(job):
    return PdfResult(job.slug, b"%PDF-1.7 stand-in for " + job.slug.encode(), 1, (), 0.0)


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_a_mutated_deal_states_one_verdict(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example, changes, weak = MUTATIONS[name]
    monkeypatch.setattr(build_module, "render_pdf", _stand_in_pdf)
    if weak:
        artifact = load_artifact(weak, compile_test_contracts())
        real = chain_check.probe_embedded
        monkeypatch.setattr(chain_check, "probe_embedded", lambda deal, **kw: real(deal, artifact=artifact, **kw))
    states = stated_everywhere(_write_deal(example, changes, tmp_path / "deal"), tmp_path / "packet")
    assert_one_verdict(states)
    if weak or "overridden" in name or example == "noncompliant":
        assert states[0].blockers or states[0].warnings or "overridden" in name


def test_the_mutations_cover_overrides_tape_and_chain_findings() -> None:
    kinds = {"override": any("overrides" in c for _, c, _ in MUTATIONS.values()),
             "chain": any(w for _, _, w in MUTATIONS.values()),
             "tape": any(e == "noncompliant" or "pool_balance" in c for e, c, _ in MUTATIONS.values())}
    assert all(kinds.values()) and len(MUTATIONS) >= 20, kinds
