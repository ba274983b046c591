"""The rulebook's versions both ways: an older release is rebuilt from the current rules by undoing the recorded
changes (added rules dropped, earlier severity, confidence and behaviour back), the changelog covers every
difference, and the CLI re-runs an older release or refuses an unknown one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from deal_edits import EXAMPLES, edited, example_tree
from typer.testing import CliRunner

from filing import check_deal, load_deal
from filing.cli import app
from filing.model.load import LoadedDeal, validate_deal
from filing.rules import RULEBOOK_VERSION, VERSIONS, changelog, rulebook
from filing.rules.history import RELEASES
from filing.rules.registry import Confidence, Severity

OLD = "2026.11.2"
NONCOMPLIANT = EXAMPLES / "noncompliant" / "deal.yaml"


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], env={"FILING_LANG": None})


def test_current_version_is_the_last_release():
    assert RULEBOOK_VERSION == VERSIONS[-1] == rulebook().version
    assert rulebook(RULEBOOK_VERSION) is rulebook()


@pytest.mark.parametrize("release", RELEASES[1:], ids=lambda release: release.version)
def test_changelog_accounts_for_every_difference_between_releases(release):
    before = VERSIONS[VERSIONS.index(release.version) - 1]
    old, new = {r.code: r for r in rulebook(before).rules}, {r.code: r for r in rulebook(release.version).rules}
    changes = {c.code: c for c in release.changes}
    assert set(new) - set(old) == {code for code, c in changes.items() if c.kind == "added"}
    assert set(old) <= set(new)
    for code, rule in old.items():
        current = new[code]
        if (rule.severity, rule.confidence, rule.check, rule.overridable) != (
                current.severity, current.confidence, current.check, current.overridable):
            assert changes[code].kind == "changed", code
        else:
            assert code not in changes, code


def test_older_release_keeps_its_severity_and_confidence():
    old = rulebook(OLD)
    assert old.version == OLD
    assert old.get("HK-03").severity is Severity.warning and rulebook().get("HK-03").severity is Severity.blocker
    assert old.get("TAPE-01").confidence is Confidence.official_copy
    assert rulebook().get("TAPE-01").confidence is Confidence.internal
    assert old.get("CN-ID-02").confidence is Confidence.secondary


def test_older_release_keeps_its_behaviour():
    mixed = edited({"assets.other_asset_classes": ["toll_road_income"],
                    "assets.mixing_justification": "the toll road serves the obligors' warehouses"})
    assert any(f.rule == "CN-G-13" for f in check_deal(mixed).findings)
    assert not any(f.rule == "CN-G-13" for f in check_deal(mixed, rulebook_version=OLD).findings)
    full_width = edited({"filer.business_scope_zh": "供应链管理服务；ＲＷＡ技术服务。"})
    assert any(f.rule == "CN-N42-04" for f in check_deal(full_width).findings)
    assert not any(f.rule == "CN-N42-04" for f in check_deal(full_width, rulebook_version=OLD).findings)
    pending_safe = edited({"approvals[2].status": "pending"})
    assert {f.rule for f in check_deal(pending_safe, rulebook_version=OLD).findings} >= {"CN-FX-01", "CN-G-16"}
    assert "CN-FX-01" not in {f.rule for f in check_deal(pending_safe).findings}


def test_noncompliant_verdicts_differ_by_the_new_rules():
    loaded = load_deal(NONCOMPLIANT)
    now = {(f.rule, f.path) for f in check_deal(loaded).findings if f.counts_as_blocker}
    then = {(f.rule, f.path) for f in check_deal(loaded, rulebook_version=OLD).findings if f.counts_as_blocker}
    # the issue-13 defects planted in the example block now and did not under the previous release
    assert {("CN-N42-08", "structure.risk_retention.holder_jurisdiction"),
            ("HK-03", "service_providers[2].sfc_ce_number"), ("CN-N42-01", "structure.custodian.jurisdiction"),
            ("CN-G-16", "approvals"), ("CN-G-13", "assets.other_asset_classes")} <= now - then
    assert check_deal(loaded, rulebook_version=OLD).rulebook_version == OLD


def test_changelog_command_both_formats():
    result = run("rules", "changelog", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["current"] == RULEBOOK_VERSION
    assert [r["version"] for r in data["releases"]] == list(reversed(VERSIONS)) == [r["version"] for r in changelog()]
    fidelity = next(r for r in data["releases"] if r["version"] == "2026.12.1")
    hk = next(c for c in fidelity["changes"] if c["code"] == "HK-03")
    assert hk["severity_before"] == "warning" and hk["behaviour_changed"] is False
    text = run("rules", "changelog").stdout
    assert "+ CN-N42-08" in text and "~ HK-03" in text and "severity was warning" in text


def test_check_with_an_older_rulebook_and_an_unknown_one():
    old = run("check", NONCOMPLIANT, "--rulebook", OLD, "--format", "json")
    assert old.exit_code == 1
    data = json.loads(old.stdout)
    assert data["rulebook_version"] == OLD and "CN-N42-08" not in {f["rule"] for f in data["findings"]}
    unknown = run("check", NONCOMPLIANT, "--rulebook", "1999.1", "--format", "json")
    assert unknown.exit_code == 2
    assert "1999.1" in json.loads(unknown.stdout)["errors"][0]["message"]


def test_rules_list_shows_the_internal_category():
    data = json.loads(run("rules", "list", "--format", "json").stdout)
    assert {r["confidence"] for r in data["rules"]} >= {"internal", "secondary", "official-copy", "official"}
    assert "internal" in run("rules", "list").stdout


RECORDED = Path(__file__).parent / "data" / "rulebook-2026.11.2.json"
"""What the 2026.11.2 code itself (commit bfa9f9a) said: every rule's severity and confidence, and its findings on
trees derived from today's examples (the fields it did not know removed, then the case's edits). Made once by
running that commit's `check_deal` on the same trees; the rebuilt release must say exactly the same."""


def _old_tree(example: str, changes: dict) -> dict:
    tree = example_tree(EXAMPLES / example / "deal.yaml")
    tree["structure"]["risk_retention"].pop("holder_jurisdiction", None)
    tree["structure"]["risk_retention"].pop("form", None)
    tree["approvals"] = [a for a in tree["approvals"] if a["type"] != "odi_filing"]
    for where, value in changes.items():
        *parents, last = [int(i) if i else n for n, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", where)]
        node = tree
        for step in parents:
            node = node[step]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return tree


def test_rebuilt_release_matches_what_that_release_said():
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    old = rulebook(OLD)
    # the codes the verdict, the review and the loaders emit (OVR-, REVIEW-, INPUT-) are the toolkit's machinery, kept
    # in every rebuilt release; the recorded release listed the rules it ran
    assert {r.code: [str(r.severity), str(r.confidence)] for r in old.rules if not r.emitted_by} == recorded["rules"]
    for case in recorded["cases"]:
        path = EXAMPLES / case["example"] / "deal.yaml"
        loaded = LoadedDeal(validate_deal(_old_tree(case["example"], case["changes"]), path), path)
        findings = sorted({(f.rule, f.path, str(f.severity), str(f.confidence))
                           for f in check_deal(loaded, rulebook_version=OLD).findings})
        assert [list(f) for f in findings] == case["findings"], case["changes"]
