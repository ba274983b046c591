"""Issue 13's rules the other way round (what must NOT trip them), their confidence, and the citations filed
documents use. The tripping cases are in tests/test_rules.py's CASES."""

from __future__ import annotations

import re

import pytest
from deal_edits import DELETE, EXAMPLES, edited

from filing import check_deal, load_deal, rulebook
from filing.rules import Confidence, Severity
from filing.rules.citations import source_zh
from filing.rules.holders import retention_view, token_admits
from filing.rules.notice42 import domestic_names


def rules_of(changes: dict) -> set[str]:
    return {f.rule for f in check_deal(edited(changes)).findings}


@pytest.mark.parametrize("changes", [
    {"filing.status": "published", "filing.submitted_on": "2026-11-01", "filing.published_on": "2026-12-01"},
    {"filing.status": "filed", "filing.submitted_on": "2026-11-01"},  # pending, but the launch is still ahead
    {"filing.status": "accepted", "filing.submitted_on": "2026-11-01"},
], ids=["published-before-launch", "filed-launch-ahead", "accepted-launch-ahead"])
def test_filing_completion_not_tripped(changes):
    assert "CN-G-20" not in rules_of(changes) and "CN-G-04" not in rules_of(changes)


def test_odi_is_asked_only_for_an_issuer_the_filer_controls():
    assert "CN-G-16" not in rules_of({"approvals[3]": DELETE, "issuer.controlled_by_filer": False})
    assert "CN-G-16" not in rules_of({"approvals[3].status": "not_applicable",
                                      "approvals[3].not_applicable_reason": "the issuer is an orphan SPV"})
    pending = check_deal(edited({"approvals[3].status": "pending"})).findings
    assert [f.message_zh for f in pending if f.rule == "CN-G-16"] == ["境外投资（ODI）核准或备案尚未完成"]


def test_safe_registration_has_one_owner():
    """CN-G-16 (official copy, blocker) judges the SAFE registration; CN-FX-01 no longer does, so they cannot
    disagree: a pending registration is one blocker, a registration declared not applicable is nothing."""
    pending = check_deal(edited({"approvals[2].status": "pending"})).findings
    assert {(f.rule, f.severity) for f in pending} == {("CN-G-16", Severity.blocker)}
    assert rules_of({"approvals[2].status": "not_applicable", "approvals[2].not_applicable_reason":
                     "no foreign debt: the proceeds never come onshore as a loan"}) == set()
    assert rulebook().get("CN-FX-01").severity is Severity.warning


def test_dishonest_filer_is_a_warning_and_absent_by_default():
    assert "CN-G-21" not in rules_of({})
    assert rulebook().get("CN-G-21").severity is Severity.warning


def test_terms_are_searched_in_domestic_parties_only_and_width_folded():
    assert "CN-N42-04" not in rules_of({"structure.trustee.name_en": "Harbour RWA Trust Limited"})  # offshore
    assert "CN-N42-04" not in rules_of({"filer.business_scope_zh": "供应链管理服务；数字化转型咨询。"})
    paths = {path for path, _ in domestic_names(edited({"structure.trustee.jurisdiction": "CN"}).deal)}
    assert {"structure.trustee.name_en", "filer.actual_controller.name_zh", "service_providers[3].name"} <= paths
    assert "service_providers[0].name" not in paths  # the Hong Kong arranger
    found = [f for f in check_deal(edited({"filer.name_en": "Huaxun Ｓｔａｂｌｅｃｏｉｎ Co., Ltd."})).findings
             if f.rule == "CN-N42-04"]
    assert found and "Stablecoin" in found[0].message


def test_onshore_services_ban_spares_the_servicer_and_approved_parties():
    assert "CN-N42-01" not in rules_of({})  # the filer is the onshore servicer
    assert "CN-N42-01" not in rules_of({"structure.custodian.jurisdiction": "CN",
                                        "structure.custodian.approval_ref": "银复〔2026〕17号"})
    assert "CN-N42-01" not in rules_of({"service_providers[3].jurisdiction": "CN"})  # legal counsel: not a service


def test_a_correlated_mix_can_still_be_justified():
    changes = {"assets.other_asset_classes": ["equipment_lease"]}
    assert "CN-G-13" in rules_of(changes)
    assert "CN-G-13" not in rules_of(changes | {"assets.mixing_justification": "the leases finance the obligors' "
                                                                              "equipment bought on the same terms"})


def test_unlicensed_hong_kong_intermediary_is_a_blocker_with_honest_confidence():
    hk03 = rulebook().get("HK-03")
    assert (hk03.severity, hk03.confidence) == (Severity.blocker, Confidence.secondary)
    assert "s.114" in hk03.source
    assert "HK-03" not in rules_of({"service_providers[1].jurisdiction": "SG",
                                    "service_providers[1].sfc_ce_number": DELETE})


@pytest.mark.parametrize("settlement", [
    {"type": "fiat", "name": "US dollar", "peg_currency": "USD"},
    {"type": "tokenised_deposit", "name": "HKD deposit token", "peg_currency": "HKD"},
])
def test_non_rmb_settlement_is_not_flagged(settlement):
    assert "CN-N42-07" not in rules_of({"token.settlement_asset": settlement})


def test_rmb_stablecoin_stays_cn_n42_03_only():
    found = rules_of({"token.settlement_asset": {"type": "stablecoin", "name": "CNHX", "peg_currency": "CNH"}})
    assert "CN-N42-03" in found and "CN-N42-07" not in found


def test_retention_exemption_paths():
    assert "CN-N42-08" not in rules_of({})  # an offshore affiliate the token admits
    untokenised = {"structure.risk_retention.holder_jurisdiction": "CN", "structure.risk_retention.form": "untokenised"}
    assert "CN-N42-08" not in rules_of(untokenised)
    view = retention_view(edited(untokenised).deal)
    assert view is not None and (view.form, view.tranches, view.admitted_by_token) == ("untokenised", ("C",), None)
    deal = load_deal(EXAMPLES / "trade-receivables" / "deal.yaml").deal
    assert retention_view(deal).admitted_by_token is True and token_admits(deal, "HK")
    assert not token_admits(deal, "CN") and not token_admits(deal, "US") and not token_admits(deal, "JP")


def test_retention_contradiction_in_the_noncompliant_example():
    report = check_deal(load_deal(EXAMPLES / "noncompliant" / "deal.yaml"))
    found = [f for f in report.findings if f.rule == "CN-N42-08"]
    assert found and found[0].counts_as_blocker and "mainland" in found[0].message


def test_confidence_categories_are_honest():
    book = {r.code: r for r in rulebook().rules}
    internal = {code for code, r in book.items() if r.confidence is Confidence.internal}
    assert {"CN-ID-01", "CN-ID-02", "CHAIN-07", "CHAIN-09", "CHAIN-16"} <= internal
    assert all(code in internal for code in book if code.startswith("TAPE-"))
    for code in ("CN-G-05", "CN-N42-05", "CN-N42-06"):
        assert book[code].confidence is Confidence.secondary, code
    # nothing resting on law is tagged internal
    assert not any(code.startswith(("CN-G-", "CN-N42-", "HK-", "CN-FX-")) for code in internal)


PROJECT_FILE = re.compile(r"\b[\w/.-]+\.(md|py|yaml|yml|json|sol|j2)\b|regulatory\.md|deal file", re.IGNORECASE)


def test_citations_name_no_project_file():
    for rule in rulebook().rules:
        assert not PROJECT_FILE.search(rule.source), (rule.code, rule.source)
        assert not PROJECT_FILE.search(source_zh(rule.code)), rule.code


def test_every_rule_has_a_chinese_citation_without_english_prose():
    allowed = {"GB", "ERC", "SFC", "RWA"}
    for rule in rulebook().rules:
        cited = source_zh(rule.code)
        assert cited and re.search(r"[\u4e00-\u9fff]", cited), rule.code
        words = set(re.findall(r"[A-Za-z]{2,}", cited)) - allowed
        assert words <= {"EC"}, (rule.code, words)  # the SFC circular's reference 23EC52
    with pytest.raises(KeyError):
        source_zh("XX-01")
