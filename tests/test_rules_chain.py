"""The CHAIN rules both ways, on evidence written by hand: what the chain stage could have seen, without a chain.

A compliant picture of the three-tranche example trips none; a targeted change to it trips each rule at its path.
The rules are also the rulebook's: listed, explained, and never run by the deal check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import filing
from filing import stages
from filing.chain.deploy import tranche_terms
from filing.chain.report import ChainEvidence, ConfigCheck, TrancheReport
from filing.chain.scenarios import ScenarioResult
from filing.cli import app
from filing.model.deal import Override
from filing.rules.chain import (
    COUNTRY_ZERO,
    ELIGIBILITY,
    EXPIRED_CLAIM,
    FALSE_REFUSAL,
    FORCED_BYPASS,
    INCONCLUSIVE,
    MAINLAND_RECEIVER,
    MANIFEST_FIELD,
    RECOVERY_BYPASS,
    REVOKED_CLAIM,
    SELF_ISSUED_CLAIM,
    SENDER_CHECK,
    SPENDER_CHECK,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"
DEAL = filing.load_deal(EXAMPLE).deal
MANIFEST = "0x" + "ab" * 32


def compliant() -> ChainEvidence:
    """Every tranche's token says what the deal says, records the manifest, and refused the mainland."""
    tranches = []
    for tranche in DEAL.token.tranches:
        terms = tranche_terms(DEAL, tranche)
        fields = {"name": terms.name, "symbol": terms.symbol, "decimals": terms.decimals, "cap": terms.cap,
                  "maturity": "2029-01-01T00:00:00Z", "excluded_jurisdictions": list(terms.excluded),
                  "allowed_jurisdictions": list(terms.allowed)}
        checks = [ConfigCheck(name, value, value, True) for name, value in fields.items()]
        checks.append(ConfigCheck(MANIFEST_FIELD, MANIFEST, MANIFEST, True))
        tranches.append(TrancheReport(tranche.id, tranche.symbol, "0x" + "11" * 20, "reference", checks))
    refused = ScenarioResult("A", "transfer.to_mainland_156", "transfer", 156, "refused", "refused", True,
                             MAINLAND_RECEIVER, code=7, detected=7)
    return ChainEvidence("embedded", 1, tranches, [refused], {}, document_required=True)


def failing(weakness: str, name: str = "transfer.to_x", tranche: str = "B") -> Callable[[ChainEvidence], ChainEvidence]:
    def change(evidence: ChainEvidence) -> ChainEvidence:
        result = ScenarioResult(tranche, name, "transfer", 0, "refused", "allowed", False, weakness)
        return replace(evidence, scenarios=[*evidence.scenarios, result])
    return change


def check(field: str, actual: object, ok: bool | None, tranche: int = 0) -> Callable[[ChainEvidence], ChainEvidence]:
    def change(evidence: ChainEvidence) -> ChainEvidence:
        tranches = list(evidence.tranches)
        checks = [replace(c, actual=actual, ok=ok) if c.field == field else c for c in tranches[tranche].checks]
        tranches[tranche] = replace(tranches[tranche], checks=checks)
        return replace(evidence, tranches=tranches)
    return change


def accepted_reflag(evidence: ChainEvidence) -> ChainEvidence:
    """The token accepted re-flagging a holder to 156 but froze it: the scenario passed, CHAIN-23 still warns."""
    result = ScenarioResult("B", "reflag.holder_to_mainland_156", "reflag", 156, "refused", "allowed", True,
                            SENDER_CHECK, "accepted; the wallet is frozen (its transfers are refused)")
    return replace(evidence, scenarios=[*evidence.scenarios, result])


def standard(kind: str) -> Callable[[ChainEvidence], ChainEvidence]:
    def change(evidence: ChainEvidence) -> ChainEvidence:
        tranches = list(evidence.tranches)
        tranches[2] = replace(tranches[2], standard=kind, checks=[] if kind == "none" else tranches[2].checks)
        return replace(evidence, tranches=tranches)
    return change


def disagreeing(evidence: ChainEvidence) -> ChainEvidence:
    (refused,) = evidence.scenarios
    return replace(evidence, scenarios=[replace(refused, detected=0)])


CASES: list[tuple[str, Callable[[ChainEvidence], ChainEvidence], str]] = [
    ("CHAIN-01", failing(MAINLAND_RECEIVER), "token.tranches[1]"),
    ("CHAIN-02", failing(SENDER_CHECK), "token.tranches[1]"),
    ("CHAIN-03", failing(FORCED_BYPASS), "token.tranches[1]"),
    ("CHAIN-04", failing(COUNTRY_ZERO), "token.tranches[1]"),
    ("CHAIN-05", failing(ELIGIBILITY), "token.tranches[1]"),
    ("CHAIN-06", failing(FALSE_REFUSAL), "token.tranches[1]"),
    ("CHAIN-07", check("cap", 1, False), "token.tranches[0].cap"),
    ("CHAIN-07", check("symbol", "XYZ", False, 2), "token.tranches[2].symbol"),
    ("CHAIN-08", check("name", "Other", False), "token.tranches[0].name"),
    ("CHAIN-09", check("excluded_jurisdictions", [156], False), "offering.investors.excluded_jurisdictions"),
    ("CHAIN-09", check("allowed_jurisdictions", [], False), "offering.investors.allowed_jurisdictions"),
    ("CHAIN-09", check("allowed_jurisdictions", [136, 344, 446, 702, 784, 826], False),
     "offering.investors.allowed_jurisdictions"),
    ("CHAIN-10", check("excluded_jurisdictions", [156, 344, 840], True), "offering.investors.allowed_jurisdictions"),
    ("CHAIN-10", check("allowed_jurisdictions", [344, 702], False), "offering.investors.allowed_jurisdictions"),
    ("CHAIN-11", check(MANIFEST_FIELD, None, False), "token.tranches[0].address"),
    ("CHAIN-12", check(MANIFEST_FIELD, "0x" + "cd" * 32, False), "token.tranches[0].address"),
    ("CHAIN-13", standard("none"), "token.tranches[2].address"),
    ("CHAIN-13", standard("unknown"), "token.tranches[2].address"),
    ("CHAIN-14", failing(INCONCLUSIVE), "token.tranches[1]"),
    ("CHAIN-14", lambda e: replace(e, problems={"C": ["registering the scenario investors failed"]}),
     "token.tranches[2]"),
    ("CHAIN-15", check("allowed_jurisdictions", None, None), "token.tranches[0]"),
    ("CHAIN-16", lambda e: replace(e, mode="rpc", chain_id=31337), "token.chain.chain_id"),
    ("CHAIN-17", disagreeing, "token.tranches[0]"),
    ("CHAIN-18", failing(RECOVERY_BYPASS), "token.tranches[1]"),
    ("CHAIN-19", failing(REVOKED_CLAIM), "token.tranches[1]"),
    ("CHAIN-20", failing(EXPIRED_CLAIM), "token.tranches[1]"),
    ("CHAIN-21", failing(SELF_ISSUED_CLAIM), "token.tranches[1]"),
    ("CHAIN-22", lambda e: with_details(e, {"modules": [{"name": "MaxBalanceModule"}], "country_modules": []}),
     "token.tranches[1].address"),
    ("CHAIN-23", accepted_reflag, "token.tranches[1]"),
    ("CHAIN-24", failing(SPENDER_CHECK, "transfer_from.by_unregistered_spender"), "token.tranches[1]"),
]


def with_details(evidence: ChainEvidence, details: dict[str, object], tranche: int = 1) -> ChainEvidence:
    tranches = list(evidence.tranches)
    tranches[tranche] = replace(tranches[tranche], details=details)
    return replace(evidence, tranches=tranches)


def found(evidence: ChainEvidence) -> set[tuple[str, str]]:
    return {(f.rule, f.path) for f in stages.judge_chain(DEAL, evidence).findings}


def test_a_compliant_picture_trips_no_rule() -> None:
    report = stages.judge_chain(DEAL, compliant())
    assert report.findings == () and report.ok


@pytest.mark.parametrize(("code", "change", "path"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_chain_rule_trips_at_its_path(code: str, change: Callable[[ChainEvidence], ChainEvidence], path: str) -> None:
    assert (code, path) in found(change(compliant()))


def test_every_chain_rule_has_a_tripping_case() -> None:
    chain_rules = {r.code for r in filing.rulebook().rules if r.needs_chain}
    assert chain_rules == {code for code, _, _ in CASES} and len(chain_rules) == 24


def test_a_country_module_or_an_unlistable_compliance_trips_no_chain_22() -> None:
    listed = with_details(compliant(), {"modules": [{"name": "CountryRestrictModule"}],
                                        "country_modules": ["CountryRestrictModule"]})
    assert not any(rule == "CHAIN-22" for rule, _ in found(listed))
    assert not any(rule == "CHAIN-22" for rule, _ in found(with_details(compliant(), {"modules": []})))
    (finding,) = stages.judge_chain(DEAL, with_details(compliant(), {"modules": [], "country_modules": []})).findings
    assert finding.rule == "CHAIN-22" and "modules: none" in finding.message


def test_a_mined_proof_names_its_transaction() -> None:
    proof = ScenarioResult("A", "recovery.to_mainland_identity", "recovery", 156, "refused", "allowed", False,
                           RECOVERY_BYPASS, mined=True, tx_hash="0x" + "5e" * 32)
    (finding,) = stages.judge_chain(DEAL, replace(compliant(), scenarios=[proof])).findings
    assert finding.rule == "CHAIN-18" and finding.severity.value == "blocker"
    assert finding.message == f"scenario(s) failed: recovery.to_mainland_identity (tx 0x{'5e' * 32})"


def test_a_refused_reflag_is_no_finding() -> None:
    refused = ScenarioResult("A", "reflag.back_to_mainland_156", "reflag", 156, "refused", "refused", True,
                             SENDER_CHECK, error="HolderCountryIneligible")
    evidence = compliant()
    assert found(replace(evidence, scenarios=[*evidence.scenarios, refused])) == set()


def test_findings_carry_the_rule_definition() -> None:
    report = stages.judge_chain(DEAL, failing(FORCED_BYPASS, "forced_transfer.to_mainland_156")(compliant()))
    (finding,) = report.findings
    rule = filing.rulebook().get("CHAIN-03")
    assert (finding.severity, finding.confidence, finding.source) == (rule.severity, rule.confidence, rule.source)
    assert finding.message == "scenario(s) failed: forced_transfer.to_mainland_156"
    assert finding.message_zh == "强制转账未经合规检查：forced_transfer.to_mainland_156"


def test_without_chain_evidence_the_chain_rules_are_not_evaluated() -> None:
    report = filing.check_deal(filing.load_deal(EXAMPLE))
    assert not any(f.rule.startswith("CHAIN-") for f in report.findings)
    chain_rules = {r.code for r in filing.rulebook().rules if r.needs_chain}
    assert chain_rules <= set(report.not_evaluated)


def test_an_override_in_the_deal_applies_to_a_chain_finding() -> None:
    override = Override(rule="CHAIN-11", reason="the token is deployed before the packet is sealed",
                                          approved_by="issuer counsel")
    deal = DEAL.model_copy(update={"overrides": [override]})
    report = stages.judge_chain(deal, check(MANIFEST_FIELD, None, False)(compliant()))
    (finding,) = report.findings
    assert finding.overridden_by is not None and finding.overridden_by.reason == override.reason and report.ok


def test_rules_list_and_explain_show_chain_rules() -> None:
    listed = CliRunner().invoke(app, ["rules", "list", "--format", "json"])
    assert listed.exit_code == 0
    assert "CHAIN-09" in {r["code"] for r in json.loads(listed.stdout)["rules"]}
    explained = CliRunner().invoke(app, ["rules", "explain", "CHAIN-03"])
    assert explained.exit_code == 0
    assert "Forced transfers skip compliance" in explained.stdout and "What:" in explained.stdout
