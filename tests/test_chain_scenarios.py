"""The scenario suite on the embedded chain: the reference token passes every scenario, both ways, and the checker
reports each deliberately weakened variant (tests/contracts/WeakTokens.sol, compiled here, never committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from chain_support import WEAK, compile_test_contracts, deal_without_allowed_list, one_tranche

import filing
from filing import stages
from filing.chain import ContractReport, probe_embedded
from filing.chain.artifacts import load_artifact
from filing.chain.deploy import is_eligible, tranche_terms
from filing.chain.scenarios import read_only_suite

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"


@pytest.fixture(scope="module")
def loaded() -> filing.LoadedDeal:
    return filing.load_deal(EXAMPLE)


def embedded(deal, **options) -> ContractReport:
    """The reference token (or another artifact) deployed from `deal` on the embedded chain, judged."""
    return stages.judge_chain(deal, probe_embedded(deal, **options))


@pytest.fixture(scope="module")
def reference_report(loaded: filing.LoadedDeal) -> ContractReport:
    return stages.contract(loaded)  # the full three-tranche example


@pytest.fixture(scope="module")
def open_report() -> ContractReport:
    return embedded(deal_without_allowed_list())


@pytest.fixture(scope="session")
def weak_artifacts() -> Path:
    return compile_test_contracts()


def by_name(report: ContractReport, tranche: str = "A") -> dict[str, object]:
    return {s.name: s for s in report.scenarios if s.tranche == tranche}


def test_reference_passes_every_scenario(reference_report: ContractReport) -> None:
    data = reference_report.to_dict()
    assert data["ok"] is True and reference_report.ok
    assert data["standard"] == "reference" and data["mode"] == "embedded"
    assert data["findings"] == []
    assert [t["tranche"] for t in data["tranches"]] == ["A", "B", "C"]
    for tranche in data["tranches"]:
        assert all(c["ok"] in (True, None) for c in tranche["checks"]), tranche
    for scenario in data["scenarios"]:
        assert {"name", "expected", "actual", "passed", "reason"} <= set(scenario)
        assert scenario["passed"], scenario
    expected = {s["expected"] for s in data["scenarios"]}
    assert expected == {"allowed", "refused"}


def test_every_action_is_tried_both_ways(reference_report: ContractReport) -> None:
    seen = {(s.action, s.expected) for s in reference_report.scenarios}
    for action in ("mint", "transfer", "transfer_from", "forced_transfer", "read"):
        assert (action, "allowed") in seen and (action, "refused") in seen, action
    names = by_name(reference_report)
    for name in ("mint.to_mainland_156", "mint.to_country_0", "mint.to_unregistered", "mint.to_expired",
                 "transfer.to_mainland_156", "transfer_from.to_mainland_156", "forced_transfer.to_mainland_156",
                 "forced_transfer.to_country_0", "transfer.from_expired_holder", "forced_transfer.from_expired_holder",
                 "transfer_from.by_unregistered_spender", "transfer_from.by_mainland_156_spender",
                 "reflag.holder_to_mainland_156", "reflag.holder_to_country_0", "reflag.back_to_mainland_156",
                 "mint.to_US_840"):
        assert names[name].expected == "refused" and names[name].actual == "refused", name
    assert names["transfer.to_mainland_156"].code == 7
    assert names["transfer.from_expired_holder"].code == 4
    assert names["mint.to_unregistered"].code == 3 and names["mint.to_expired"].code == 5
    assert "jurisdiction" in (names["transfer.to_mainland_156"].reason or "").lower()
    assert names["transfer.to_mainland_156"].error == "TransferRestricted"
    for name in ("mint.to_eligible[344]", "transfer.to_eligible[702]", "transfer_from.to_eligible[702]",
                 "forced_transfer.to_eligible[702]", "transfer.from_eligible_holder", "mint.to_HK_344"):
        assert names[name].expected == "allowed" and names[name].actual == "allowed", name


def test_expectations_follow_the_deal(reference_report: ContractReport, open_report: ContractReport) -> None:
    # the example allows HK, SG, GB, AE, KY only: Macao and Taiwan are refused by the deal, not as "mainland"
    strict = by_name(reference_report)
    assert strict["transfer.to_MO_446"].expected == "refused" and strict["transfer.to_TW_158"].passed
    assert strict["transfer.to_HK_344"].expected == "allowed"
    # with no allowed list Macao and Taiwan are accepted, while 156 and 0 stay refused whatever the deal says
    opened = by_name(open_report)
    assert open_report.ok, [s for s in open_report.scenarios if not s.passed]
    for name in ("mint.to_MO_446", "transfer.to_MO_446", "mint.to_TW_158", "transfer.to_TW_158"):
        assert opened[name].expected == "allowed" and opened[name].actual == "allowed", name
    assert opened["transfer.to_mainland_156"].actual == "refused"
    assert opened["mint.to_country_0"].actual == "refused"


def test_expectation_helper_never_allows_mainland_or_zero() -> None:
    assert not is_eligible(156, (), ())
    assert not is_eligible(0, (), ())
    assert is_eligible(446, (156,), ()) and not is_eligible(446, (156,), (344,))


@pytest.mark.parametrize(("variant", "rule"), [("ReceiverOnlyToken", "CHAIN-02"), ("ForcedSkipToken", "CHAIN-03"),
                                               ("CountryZeroToken", "CHAIN-04")])
def test_weak_variants_fail(weak_artifacts: Path, loaded: filing.LoadedDeal, variant: str, rule: str) -> None:
    report = embedded(one_tranche(loaded.deal), artifact=load_artifact(variant, weak_artifacts))
    assert not report.ok
    rules = {f.rule for f in report.findings}
    assert rule in rules and filing.rulebook().get(rule).severity.value == "blocker"
    assert "CHAIN-01" not in rules  # each variant is blamed for its own weakness only
    assert report.to_dict()["ok"] is False


def test_mainland_allowed_variant_fails(weak_artifacts: Path, loaded: filing.LoadedDeal) -> None:
    artifact = load_artifact("MainlandAllowedToken", weak_artifacts)
    # behind the deal's allowed list the mainland is still refused, but the excluded list lacks 156
    listed = embedded(one_tranche(loaded.deal), artifact=artifact)
    assert not listed.ok and "CHAIN-09" in {f.rule for f in listed.findings}
    # without an allowed list nothing stops the mainland: mint, transfer and transferFrom all reach 156
    opened = embedded(deal_without_allowed_list(), artifact=artifact)
    rules = {f.rule for f in opened.findings}
    assert {"CHAIN-01", "CHAIN-09"} <= rules
    failed = {s.name for s in opened.scenarios if not s.passed}
    assert {"mint.to_mainland_156", "transfer.to_mainland_156", "read.country_mainland_156"} <= failed


def test_all_weak_variants_compiled(weak_artifacts: Path) -> None:
    for name in WEAK:
        assert load_artifact(name, weak_artifacts).bytecode.startswith("0x")


def test_read_only_suite_on_reference(reference_report: ContractReport, loaded: filing.LoadedDeal) -> None:
    reads = [s for s in reference_report.scenarios if s.action == "read" and s.tranche == "A"]
    assert {s.name for s in reads} >= {"read.country_mainland_156", "read.country_country_0",
                                       "read.mint_to_unregistered", "read.country_US_840"}
    assert all(s.passed for s in reads)
    assert callable(read_only_suite) and tranche_terms(loaded.deal, loaded.deal.token.tranches[0]).cap == \
        120_000_000 * 10**6


def test_report_is_deterministic(open_report: ContractReport) -> None:
    first, second = open_report.to_dict(), embedded(deal_without_allowed_list()).to_dict()
    for data in (first, second):
        data.pop("chain_id")
        for tranche in data["tranches"]:
            tranche.pop("address")
    assert first == second


def test_reference_refuses_reflagging_a_holder_and_ineligible_spenders(reference_report: ContractReport) -> None:
    names = by_name(reference_report)
    for name in ("reflag.holder_to_mainland_156", "reflag.holder_to_country_0", "reflag.back_to_mainland_156"):
        assert names[name].error == "HolderCountryIneligible" and names[name].passed, name
    # the holder kept its country, so there is no re-flagged holder to try: the expiry proves the freeze instead
    assert not any(name.startswith(("transfer.from_reflagged", "forced_transfer.from_reflagged")) for name in names)
    for name in ("transfer_from.by_unregistered_spender", "transfer_from.by_mainland_156_spender"):
        assert names[name].code == 11 and names[name].error == "TransferRestricted", name
        assert names[name].detected is None  # the ERC-1404 view does not know the spender: not asked
    assert not any(f.rule in ("CHAIN-17", "CHAIN-23", "CHAIN-24") for f in reference_report.findings)


@pytest.mark.parametrize("variant", WEAK)
def test_weak_variants_accept_holder_reflags_and_any_spender(weak_artifacts: Path, loaded: filing.LoadedDeal,
                                                             variant: str) -> None:
    report = embedded(one_tranche(loaded.deal), artifact=load_artifact(variant, weak_artifacts))
    names = by_name(report)
    assert names["reflag.holder_to_mainland_156"].actual == "allowed"
    assert names["reflag.back_to_mainland_156"].actual == "allowed"
    assert names["transfer_from.by_unregistered_spender"].actual == "allowed"
    rules = {f.rule: f for f in report.findings}
    assert rules["CHAIN-24"].severity.value == "warning" and rules["CHAIN-23"].severity.value == "warning"
    assert "reflag.back_to_mainland_156" in rules["CHAIN-23"].message
    # an accepted re-flag passes only when the wallet is frozen: the transfers tried out of it say which
    frozen = variant != "ReceiverOnlyToken"  # behind the deal's allowed list even 156 is refused by MainlandAllowed
    assert names["reflag.back_to_mainland_156"].passed is frozen
    assert names["transfer.from_flagged_back_mainland_156"].passed is frozen


def test_receiver_only_variant_fails_the_expired_sender(weak_artifacts: Path, loaded: filing.LoadedDeal) -> None:
    report = embedded(one_tranche(loaded.deal), artifact=load_artifact("ReceiverOnlyToken", weak_artifacts))
    expired = by_name(report)["transfer.from_expired_holder"]
    assert expired.actual == "allowed" and expired.weakness == "sender_check"
