"""Every rule both ways: the compliant examples trip none, and a targeted edit trips each one at its model path."""

from __future__ import annotations

from datetime import date

import pytest
from deal_edits import DELETE, EXAMPLES, edited

from filing import analyse, check_deal, load_deal, rulebook, stages
from filing.model import identifiers
from filing.model.deal import Override
from filing.rules import Severity

WRONG_CHECK_DIGIT = "91440300AY4CL12T25"
FILER_USCC_PATHS = ("filer.uscc", "assets.controlling_entity_uscc", "structure.servicer.uscc")

CASES: list[tuple[str, dict, str]] = [
    ("DEAL-01", {"filer.name_zh": "REPLACE有限公司"}, "filer.name_zh"),
    ("DEAL-01", {"token.tranches[0].symbol": "REPLACE-A"}, "token.tranches[0].symbol"),
    ("CN-G-01", {"token.product_type": "equity"}, "token.product_type"),
    ("CN-G-01", {"token.repayment_source": "issuer_credit"}, "token.repayment_source"),
    ("CN-G-02", {"issuer.jurisdiction": "中国大陆"}, "issuer.jurisdiction"),
    ("CN-G-02", {"offering.venue.jurisdiction": "156"}, "offering.venue.jurisdiction"),
    ("CN-G-03", {"assets.controlling_entity_uscc": "91440300H3BJ1XG69E"}, "assets.controlling_entity_uscc"),
    ("CN-G-04", {"filing.status": "filed"}, "filing.submitted_on"),
    ("CN-G-04", {"filing.status": "filed", "filing.submitted_on": "2027-01-20"}, "filing.submitted_on"),
    ("CN-G-04", {"offering.launch_date": "2026-11-01", "offering.close_date": "2026-11-08"}, "offering.launch_date"),
    ("CN-G-04", {"filing.status": "refused", "filing.submitted_on": "2026-11-01"}, "filing.status"),
    ("CN-G-20", {"filing.status": "filed", "filing.submitted_on": "2026-11-01", "offering.launch_date": "2026-11-10",
                 "offering.close_date": "2026-11-15"}, "filing.status"),
    ("CN-G-20", {"filing.status": "published", "filing.submitted_on": "2026-11-01",
                 "filing.published_on": "2027-02-01"}, "filing.published_on"),
    ("CN-G-20", {"filing.status": "published", "filing.submitted_on": "2026-11-01"}, "filing.published_on"),
    ("CN-G-21", {"filer.dishonest_entity": True}, "filer.dishonest_entity"),
    ("CN-G-05", {"filing.offshore_documents": ["trust_deed"]}, "filing.offshore_documents"),
    ("CN-G-06", {"filing.undertakings": []}, "filing.undertakings"),
    ("CN-G-07", {"filer.disqualifiers.financing_prohibited_by_law.applies": True},
     "filer.disqualifiers.financing_prohibited_by_law.applies"),
    ("CN-G-08", {"filer.disqualifiers.national_security_finding.applies": True},
     "filer.disqualifiers.national_security_finding.applies"),
    ("CN-G-09", {"filer.disqualifiers.convictions": [
        {"party_role": "actual_controller", "offence": "bribery", "judgment_date": "2024-03-01"}]},
     "filer.disqualifiers.convictions[0]"),
    ("CN-G-09", {"filer.disqualifiers.convictions_attestation.applies": True},
     "filer.disqualifiers.convictions_attestation.applies"),
    ("CN-G-10", {"filer.disqualifiers.open_investigation.applies": True},
     "filer.disqualifiers.open_investigation.applies"),
    ("CN-G-11", {"assets.ownership_dispute": True}, "assets.ownership_dispute"),
    ("CN-G-11", {"assets.transferable": False}, "assets.transferable"),
    ("CN-G-12", {"assets.negative_list_flags": ["NL3"]}, "assets.negative_list_flags[0]"),
    ("CN-G-13", {"assets.other_asset_classes": ["toll_road_income"]}, "assets.other_asset_classes"),
    ("CN-G-13", {"assets.other_asset_classes": ["toll_road_income"],
                 "assets.mixing_justification": "the toll road serves the obligors' warehouses"},
     "assets.other_asset_classes"),
    ("CN-G-14", {"assets.cashflow_basis": "mining_right"}, "assets.cashflow_basis"),
    ("CN-G-14", {"assets.vacant_or_under_construction": True}, "assets.vacant_or_under_construction"),
    ("CN-G-16", {"approvals[1].status": "pending"}, "approvals[1].status"),
    ("CN-G-16", {"approvals": []}, "approvals"),
    ("CN-G-16", {"approvals[3]": DELETE}, "approvals"),
    ("CN-G-17", {"offering.launch_date": "2026-10-01", "offering.close_date": "2026-10-15"},
     "filing.completion_report"),
    ("CN-G-17", {"offering.launch_date": "2026-10-01", "offering.close_date": "2026-10-15",
                 "filing.completion_report": {"submitted_on": "2026-10-10"}}, "filing.completion_report.submitted_on"),
    ("CN-G-18", {"filing.events": [{"occurred_on": "2026-11-18", "description": "servicer downgrade",
                                    "material": True}]}, "filing.events[0].csrc_reported_on"),
    ("CN-G-19", {"filer.disqualifiers.open_investigation.evidence": DELETE}, "filer.disqualifiers.open_investigation"),
    ("CN-G-19", {"filer.disqualifiers.open_investigation.attested_on": "2026-12-01"},
     "filer.disqualifiers.open_investigation"),
    ("CN-N42-01", {"service_providers[6]": {"role": "it_service", "name": "杭州某链科技有限公司",
                                            "jurisdiction": "CN"}},
     "service_providers[6].jurisdiction"),
    ("CN-N42-01", {"service_providers[0].jurisdiction": "CN"}, "service_providers[0].jurisdiction"),
    ("CN-N42-01", {"structure.custodian.jurisdiction": "中国"}, "structure.custodian.jurisdiction"),
    ("CN-N42-01", {"structure.trustee.jurisdiction": "CN"}, "structure.trustee.jurisdiction"),
    ("CN-N42-02", {"offering.investors.excluded_jurisdictions": ["US"]}, "offering.investors.excluded_jurisdictions"),
    ("CN-N42-02", {"token.allowlist_required": False}, "token.allowlist_required"),
    ("CN-N42-02", {"offering.investors.residence_check": False}, "offering.investors.residence_check"),
    ("CN-N42-02", {"offering.investors.excluded_jurisdictions": ["US"],
                   "offering.investors.allowed_jurisdictions": ["HK", "CHN"]},
     "offering.investors.allowed_jurisdictions"),
    ("CN-N42-03", {"token.settlement_asset": {"type": "stablecoin", "name": "CNHX", "peg_currency": "CNH"}},
     "token.settlement_asset.peg_currency"),
    ("CN-N42-04", {"filer.business_scope_zh": "供应链管理服务；虚拟资产技术服务。"}, "filer.business_scope_zh"),
    ("CN-N42-04", {"filer.business_scope_zh": "供应链管理服务；稳定币支付技术服务。"}, "filer.business_scope_zh"),
    ("CN-N42-04", {"filer.controlling_shareholder.name_en": "Huaxun ＲＷＡ Holdings Co., Ltd."},
     "filer.controlling_shareholder.name_en"),
    ("CN-N42-04", {"filer.actual_controller.name_zh": "華訊加密資產有限公司"}, "filer.actual_controller.name_zh"),
    ("CN-N42-04", {"service_providers[3].name": "广东现实世界资产代币化律师事务所"}, "service_providers[3].name"),
    ("CN-N42-05", {"token.legal_form": "note"}, "approvals"),
    ("CN-N42-06", {"filing.regime": "overseas_listing"}, "filing.regime"),
    ("CN-N42-07", {"token.settlement_asset": {"type": "tokenised_deposit", "name": "CNH deposit token",
                                              "peg_currency": "CNH"}}, "token.settlement_asset.type"),
    ("CN-N42-07", {"token.settlement_asset": {"type": "fiat", "name": "Renminbi", "peg_currency": "CNY"}},
     "token.settlement_asset.type"),
    ("CN-N42-08", {"structure.risk_retention.holder_jurisdiction": "CN"},
     "structure.risk_retention.holder_jurisdiction"),
    ("CN-N42-08", {"structure.risk_retention.holder_jurisdiction": DELETE},
     "structure.risk_retention.holder_jurisdiction"),
    ("CN-N42-08", {"structure.risk_retention.holder_jurisdiction": "JP"},
     "structure.risk_retention.holder_jurisdiction"),
    ("CN-FX-01", {"proceeds.repatriation_plan": DELETE}, "proceeds.repatriation_plan"),
    ("CN-ABS-06", {"cashflow.stress": []}, "cashflow.stress"),
    ("CN-ABS-06", {"assets.history_years_declared": 2}, "assets.history_years_declared"),
    ("CN-ABS-07", {"assets.true_sale.consideration_fair": False}, "assets.true_sale.consideration_fair"),
    ("CN-ABS-07", {"assets.true_sale.notice_or_registration": "none"}, "assets.true_sale.notice_or_registration"),
    ("CN-ABS-07", {"structure.collection_account.kind": "originator"}, "structure.collection_account.kind"),
    ("CN-ABS-07", {"structure.legal_opinion.covers_isolation": False}, "structure.legal_opinion"),
    ("CN-ABS-08", {"assets.encumbrances": [{"description": "pledge to a bank", "released_on": "2026-12-15"}]},
     "assets.encumbrances[0]"),
    ("CN-ABS-09", {"structure.risk_retention": DELETE, "token.tranches[2].holder_is_originator_affiliate": False},
     "structure.risk_retention"),
    ("CN-ABS-12", {"assets.asset_class": "toll_road_income", "assets.cashflow_basis": "toll_revenue",
                   "assets.concession_end": "2028-06-30"}, "assets.concession_end"),
    ("CN-ABS-12", {"assets.asset_class": "toll_road_income", "assets.cashflow_basis": "toll_revenue"},
     "assets.concession_end"),
    ("CN-ABS-14", {"token.tranches[0].legal_maturity": "2026-12-31"}, "token.tranches[0].legal_maturity"),
    ("CN-ABS-14", {"token.tranches[1].seniority": 1}, "token.tranches"),
    ("CN-ABS-14", {"token.tranches[0].principal": "900000000"}, "token.tranches"),
    ("CN-ABS-14", {"cashflow.fx_to_pool": {}}, "cashflow.fx_to_pool"),
    ("CN-ID-01", dict.fromkeys(FILER_USCC_PATHS, WRONG_CHECK_DIGIT), "filer.uscc"),
    ("CN-ID-02", {"filer.controlling_shareholder.uscc": "91440300MA0000001" +
                  identifiers.uscc_check_digit("91440300MA0000001")}, "filer.controlling_shareholder.uscc"),
    ("HK-01", {"offering.hk_route": "not_hong_kong"}, "offering.hk_route"),
    ("HK-01", {"offering.investors.professional_investors_only": False},
     "offering.investors.professional_investors_only"),
    ("HK-01", {"offering.venue.jurisdiction": "SG", "offering.venue.sfc_ce_number": DELETE}, "offering.hk_route"),
    ("HK-02", {"offering.investors.pi_categories": []}, "offering.investors.pi_categories"),
    ("HK-02", {"offering.investors.kyc_provider": DELETE}, "offering.investors.kyc_provider"),
    ("HK-03", {"offering.venue.sfc_ce_number": DELETE}, "offering.venue.sfc_ce_number"),
    ("HK-03", {"service_providers[1].sfc_ce_number": DELETE}, "service_providers[1].sfc_ce_number"),
    ("HK-04", {"token.settlement_asset": {"type": "stablecoin", "name": "USDX", "peg_currency": "USD"}},
     "token.settlement_asset.issuer_hkma_licence"),
    ("HK-05", {"token.audit_report": DELETE}, "token.audit_report"),
    ("OVR-01", {"overrides": [{"rule": "CN-G-99", "reason": "typo", "approved_by": "Legal"}]}, "overrides[0].rule"),
    ("OVR-02", {"overrides": [{"rule": "CN-N42-03", "reason": "board approved", "approved_by": "Legal"}]},
     "overrides[0].rule"),
    ("ATT-01", {"filing.attachments": []}, "filing.attachments"),
    ("ATT-01", {"filing.attachments[3].file": None}, "filing.attachments[3].file"),
]


def findings(loaded):
    return {(f.rule, f.path) for f in check_deal(loaded).findings}


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("[!n]*/deal.yaml")), ids=lambda p: p.parent.name)
def test_compliant_example_has_no_finding(example):
    loaded = load_deal(example)
    report = check_deal(loaded, analyse(loaded))
    assert report.ok
    assert [f for f in report.findings if f.severity is not Severity.info] == []


@pytest.mark.parametrize(("code", "changes", "path"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_rule_trips_at_its_path(code, changes, path):
    found = findings(edited(changes))
    assert (code, path) in found, sorted(found)


def test_every_deal_rule_has_a_tripping_case():
    covered = {code for code, _, _ in CASES}
    deal_rules = {r.code for r in rulebook().rules
                  if not r.needs_pool and not r.needs_chain and r.emitted_by not in ("review", "input")}
    assert deal_rules - covered == set()


def test_every_rule_is_documented_and_cited():
    for item in rulebook().rules:
        assert item.doc.startswith("What:") and "Why:" in item.doc and "Source:" in item.doc, item.code
        assert item.source and item.title_zh and item.message_zh, item.code


def test_old_or_unlisted_convictions_do_not_disqualify():
    loaded = edited({"filer.disqualifiers.convictions": [
        {"party_role": "filer", "offence": "bribery", "judgment_date": "2023-11-19"},
        {"party_role": "filer", "offence": "other", "judgment_date": "2026-01-05"}]})
    assert not any(f.rule == "CN-G-09" for f in check_deal(loaded).findings)


def test_override_keeps_the_finding_visible_but_not_blocking():
    changes = dict.fromkeys(FILER_USCC_PATHS, WRONG_CHECK_DIGIT)
    changes["overrides"] = [{"rule": "CN-ID-01", "reason": "registered code misprinted on the licence; SAMR record "
                             "confirms it", "approved_by": "PRC counsel"}]
    report = check_deal(edited(changes))
    overridden = [f for f in report.findings if f.rule == "CN-ID-01"]
    assert overridden and all(f.overridden_by is not None for f in overridden)
    assert report.ok
    assert report.to_dict()["summary"]["overridden"] == len(overridden)
    assert report.to_dict()["findings"][0]["overridden"] is True


def test_hong_kong_macao_taiwan_are_not_the_mainland():
    loaded = edited({"offering.investors.allowed_jurisdictions": ["香港", "Macau", "台湾", "SGP"]})
    assert loaded.deal.offering.investors.allowed_jurisdictions == ["HK", "MO", "TW", "SG"]
    assert not any(f.rule == "CN-N42-02" for f in check_deal(loaded).findings)


def test_as_of_date_decides_the_three_year_window():
    conviction = [{"party_role": "filer", "offence": "embezzlement", "judgment_date": "2023-11-21"}]
    assert any(f.rule == "CN-G-09"
               for f in check_deal(edited({"filer.disqualifiers.convictions": conviction})).findings)
    later = edited({"filer.disqualifiers.convictions": conviction, "filing.as_of": date(2026, 11, 22).isoformat()})
    assert not any(f.rule == "CN-G-09" for f in check_deal(later).findings)


def test_noncompliant_example_trips_its_planted_blockers():
    loaded = load_deal(EXAMPLES / "noncompliant" / "deal.yaml")
    report = check_deal(loaded, analyse(loaded))
    planted = {line.split("DEFECT ")[1].split(":")[0].split(" ")[0]
               for line in (EXAMPLES / "noncompliant" / "deal.yaml").read_text(encoding="utf-8").splitlines()
               if "DEFECT " in line}
    blockers = {f.rule for f in report.findings if f.counts_as_blocker}
    assert not report.ok
    assert len(blockers) >= 8
    assert planted <= {f.rule for f in report.findings}


HARD_BANS = [("CN-N42-02", {"offering.investors.excluded_jurisdictions": ["US"]}),
             ("CN-N42-03", {"token.settlement_asset": {"type": "stablecoin", "name": "CNHX", "peg_currency": "CNH",
                                                       "approval_ref": "N/A"}}),
             ("CN-G-02", {"issuer.jurisdiction": "CN"})]


@pytest.mark.parametrize(("code", "changes"), HARD_BANS, ids=[code for code, _ in HARD_BANS])
def test_a_hard_ban_cannot_be_overridden(code, changes):
    """Notice 42's hard bans keep counting under an override, and the attempt is itself a blocker naming the rule."""
    override = {"rule": code, "reason": "accepted by the board", "approved_by": "General Counsel"}
    report = check_deal(edited(changes | {"overrides": [override]}))
    assert not report.ok
    banned = [f for f in report.findings if f.rule == code]
    assert banned and all(f.counts_as_blocker for f in banned)
    attempt = [f for f in report.findings if f.rule == "OVR-02"]
    assert [f.path for f in attempt] == ["overrides[0].rule"] and code in attempt[0].message


def test_an_approval_number_must_be_a_document_number():
    """Free text such as "N/A" records no approval; a document number such as 银复〔2026〕12号 does."""
    settlement = {"type": "stablecoin", "name": "CNHX", "peg_currency": "CNH"}
    for reference, blocked in (("N/A", True), ("pending", True), ("银复〔2026〕12号", False)):
        found = findings(edited({"token.settlement_asset": settlement | {"approval_ref": reference}}))
        assert (("CN-N42-03", "token.settlement_asset.peg_currency") in found) is blocked, reference


def test_an_override_applies_identically_to_deal_pool_and_chain_findings():
    """One verdict: an override of a TAPE or CHAIN finding is honoured by the same function as a deal rule's."""
    loaded = load_deal(EXAMPLES / "noncompliant" / "deal.yaml")
    pool = analyse(loaded)
    before = check_deal(loaded, pool)
    assert "TAPE-20" in before.codes(Severity.blocker)
    waived = loaded.deal.model_copy(update={"overrides": [
        Override(rule="TAPE-20", reason="pool total restated in the supplement", approved_by="Deal counsel")]})
    after = stages.check(waived, pool)
    assert "TAPE-20" not in after.codes(Severity.blocker)
    assert after.count(Severity.blocker) == before.count(Severity.blocker) - sum(
        1 for f in before.findings if f.rule == "TAPE-20" and f.counts)
    assert any(f.rule == "TAPE-20" and f.overridden_by for f in after.findings)
