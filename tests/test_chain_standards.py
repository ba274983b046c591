"""The adapters on tokens of the other standards, on the embedded chain: an ERC-3643 token with its identity
registry, modular compliance and country-restriction module, and a plain ERC-1404 token — the project's own test
contracts in tests/contracts. Each is recognised, its read-only checks give the right findings, and a 3643 token
whose country module lets 156 through, checks only the receiver, or whose forced transfer skips the compliance is
reported for that gap alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chain_support import compile_test_contracts, deal_without_allowed_list
from web3 import Web3

from filing import stages
from filing.chain.adapters import ZERO, ERC1404Adapter, ERC3643Adapter, detect_standard
from filing.chain.artifacts import load_artifact
from filing.chain.check import embedded_actors, probe_tokens
from filing.chain.connect import embedded_chain
from filing.chain.deploy import deploy_deal, tranche_terms
from filing.chain.recognise import adapter_for
from filing.chain.report import ContractReport
from filing.chain.scenarios import Actors, synthetic_wallet
from filing.model.deal import Deal

DEPLOY_GAS = 8_000_000
"""A fixed limit: eth-tester's gas estimate runs a constructor many times over."""


@dataclass
class Chain:
    """An embedded chain with the compiled test contracts: the owner deploys and configures, the agent operates."""

    web3: Web3
    artifacts: Path
    deal: Deal
    owner: str
    agent: str
    actors: Actors

    def deploy(self, name: str, *args: Any) -> Any:
        artifact = load_artifact(name, self.artifacts)
        factory = self.web3.eth.contract(abi=artifact.abi_list, bytecode=artifact.bytecode)
        tx_hash = factory.constructor(*args).transact({"from": self.owner, "gas": DEPLOY_GAS})
        address = self.web3.eth.wait_for_transaction_receipt(tx_hash)["contractAddress"]
        return self.web3.eth.contract(address=address, abi=artifact.abi_list)

    def send(self, call: Any, sender: str | None = None) -> None:
        receipt = self.web3.eth.wait_for_transaction_receipt(call.transact({"from": sender or self.owner}))
        assert receipt["status"] == 1

    def erc3643(self, token: str = "ERC3643Token", module: str = "CountryRestrictModule",
                restricted: list[int] | None = None) -> Any:
        """Registry, compliance, country module and token, wired as an ERC-3643 deployment is; the module restricts
        country 0 and the deal's excluded countries (156 among them) unless `restricted` says otherwise."""
        terms = tranche_terms(self.deal, self.deal.token.tranches[0])
        registry = self.deploy("IdentityRegistry", self.owner)
        compliance = self.deploy("ModularCompliance", self.owner)
        country_module = self.deploy(module)
        contract = self.deploy(token, terms.name, terms.symbol, terms.decimals, self.owner, registry.address,
                               compliance.address)
        self.send(registry.functions.addAgent(self.agent))
        self.send(contract.functions.addAgent(self.agent))
        self.send(compliance.functions.bindToken(contract.address))
        self.send(compliance.functions.addModule(country_module.address))
        countries = [0, *terms.excluded] if restricted is None else restricted
        configure = country_module.encode_abi("batchRestrictCountries", [countries])
        self.send(compliance.functions.callModuleFunction(configure, country_module.address))
        return contract

    def erc1404(self) -> Any:
        terms = tranche_terms(self.deal, self.deal.token.tranches[0])
        return self.deploy("ERC1404Token", terms.name, terms.symbol, terms.decimals, self.owner)

    def check(self, address: str, full: bool = False) -> ContractReport:
        """The chain check of one token: read-only, or with the full suite acting as the agent."""
        evidence = probe_tokens(self.web3, self.deal, [address], mode="embedded",
                                actors=self.actors if full else None)
        return stages.judge_chain(self.deal, evidence)


@pytest.fixture(scope="module")
def chain() -> Chain:
    web3 = embedded_chain()
    owner, agent, actors = embedded_actors(web3)
    return Chain(web3, compile_test_contracts(), deal_without_allowed_list(), owner, agent, actors)


@pytest.fixture(scope="module")
def compliant_3643(chain: Chain) -> Any:
    return chain.erc3643()


def rules_of(report: ContractReport) -> set[str]:
    return {f.rule for f in report.findings}


def failed(report: ContractReport) -> set[str]:
    return {s.name for s in report.scenarios if not s.passed}


def test_each_standard_is_recognised(chain: Chain, compliant_3643: Any) -> None:
    (reference,) = deploy_deal(chain.web3, chain.deal, chain.owner, chain.agent)
    registry = compliant_3643.functions.identityRegistry().call()
    assert detect_standard(chain.web3, reference.address) == "reference"
    assert detect_standard(chain.web3, compliant_3643.address) == "erc3643"
    assert detect_standard(chain.web3, chain.erc1404().address) == "erc1404"
    assert detect_standard(chain.web3, registry) == "unknown"  # code, but no token interface
    assert detect_standard(chain.web3, chain.agent) == "none"


def test_erc3643_reads_follow_registry_and_module(chain: Chain, compliant_3643: Any) -> None:
    adapter = adapter_for(chain.web3, compliant_3643.address)
    assert isinstance(adapter, ERC3643Adapter)
    assert adapter.describe()["modules"][0]["name"] == "CountryRestrictModule"
    assert [adapter.country_blocked(c) for c in (156, 0, 840, 344, 446, 158)] == [True, True, True, False, False,
                                                                                 False]
    hk, mainland = synthetic_wallet("3643.hk"), synthetic_wallet("3643.mainland")
    adapter.agent = chain.agent
    tester = chain.web3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    try:
        adapter.register([(hk, 344, 0), (mainland, 156, 0)])
        assert (adapter.investor_country(hk), adapter.investor_country(mainland)) == (344, 156)
        assert adapter.is_verified(hk) and adapter.investor_country(synthetic_wallet("3643.nobody")) == 0
        assert adapter.can_transfer(ZERO, hk, 1) is True
        assert adapter.can_transfer(ZERO, mainland, 1) is False
        assert adapter.can_transfer(ZERO, synthetic_wallet("3643.nobody"), 1) is False
        assert adapter.detect_restriction(ZERO, hk, 1) is None  # ERC-3643 has no ERC-1404 view
    finally:
        tester.revert_to_snapshot(snapshot)


def test_erc3643_read_only_check_passes_a_compliant_configuration(chain: Chain, compliant_3643: Any) -> None:
    report = chain.check(compliant_3643.address)
    assert report.standard == "erc3643" and failed(report) == set()
    names = {s.name for s in report.scenarios}
    assert {"read.country_mainland_156", "read.country_country_0", "read.mint_to_unregistered"} <= names
    # the lists of a country module cannot be enumerated (info), and T-REX tokens keep no document hash (warning)
    assert rules_of(report) == {"CHAIN-11", "CHAIN-15"} and report.ok


def test_erc3643_holder_re_flagged_to_the_mainland_is_found_read_only(chain: Chain, compliant_3643: Any) -> None:
    adapter = adapter_for(chain.web3, compliant_3643.address)
    adapter.agent = chain.agent
    holder = chain.actors.senders[0]
    tester = chain.web3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    try:
        adapter.register([(holder, 344, 0)])
        adapter.mint(holder, 10)
        assert f"read.holder[{holder}]" not in failed(chain.check(compliant_3643.address))
        adapter.set_country(holder, 156)
        report = chain.check(compliant_3643.address)
        assert failed(report) == {f"read.holder[{holder}]"}
        assert "CHAIN-01" in rules_of(report) and not report.ok
    finally:
        tester.revert_to_snapshot(snapshot)


def test_erc3643_module_without_156_is_reported_read_only(chain: Chain) -> None:
    token = chain.erc3643(restricted=[0, 840])
    report = chain.check(token.address)
    assert failed(report) == {"read.country_mainland_156"}
    assert "CHAIN-01" in rules_of(report) and not report.ok


def test_erc3643_full_suite_passes_a_compliant_token(chain: Chain, compliant_3643: Any) -> None:
    tester = chain.web3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    try:
        report = chain.check(compliant_3643.address, full=True)
    finally:
        tester.revert_to_snapshot(snapshot)
    # an ERC-3643 token accepts re-flagging a holder but freezes it (passed), and checks no spender (failed): both
    # are warnings (CHAIN-23, CHAIN-24), no blocker
    assert {s.weakness for s in report.scenarios if not s.passed} == {"spender_check"}
    assert {s.name for s in report.scenarios if s.action == "reflag" and s.actual == "allowed"} >= {
        "reflag.holder_to_mainland_156", "reflag.back_to_mainland_156"}
    assert rules_of(report) >= {"CHAIN-23", "CHAIN-24"}
    assert {f.severity.value for f in report.findings if f.rule in ("CHAIN-23", "CHAIN-24")} == {"warning"}
    assert not any(f.counts_as_blocker for f in report.findings)
    seen = {(s.action, s.expected) for s in report.scenarios}
    for action in ("mint", "transfer", "transfer_from", "forced_transfer"):
        assert (action, "allowed") in seen and (action, "refused") in seen, action


@pytest.mark.parametrize(("variant", "rule"), [
    ({"token": "ForcedSkipERC3643Token"}, "CHAIN-03"),
    ({"module": "ReceiverOnlyCountryRestrictModule"}, "CHAIN-02"),
    ({"restricted": [0, 840]}, "CHAIN-01"),
], ids=["forced-transfer-skips-compliance", "receiver-only-module", "module-allows-156"])
def test_weak_erc3643_is_reported_for_its_own_gap(chain: Chain, variant: dict[str, Any], rule: str) -> None:
    report = chain.check(chain.erc3643(**variant).address, full=True)
    blockers = {f.rule for f in report.findings if f.severity.value == "blocker"}
    assert blockers == {rule} and not report.ok


def test_erc1404_restrictions_are_read_but_cannot_prove_the_constraint(chain: Chain) -> None:
    token = chain.erc1404()
    listed = synthetic_wallet("1404.listed")
    chain.send(token.functions.setWhitelisted(listed, True))
    adapter = adapter_for(chain.web3, token.address)
    assert isinstance(adapter, ERC1404Adapter)
    assert adapter.detect_restriction(ZERO, listed, 1) == 0 and adapter.can_transfer(ZERO, listed, 1) is True
    assert adapter.detect_restriction(listed, synthetic_wallet("1404.other"), 1) == 2
    assert adapter.message(2) == "Receiver is not whitelisted"
    report = chain.check(token.address, full=True)
    unregistered = next(s for s in report.scenarios if s.name == "read.mint_to_unregistered")
    assert (unregistered.actual, unregistered.code, unregistered.reason) == ("refused", 2,
                                                                             "Receiver is not whitelisted")
    assert {s.actual for s in report.scenarios if s.name.startswith("read.country_")} == {"error"}
    assert all(c.ok is not False for c in report.tranches[0].checks)  # name, symbol and decimals match the deal
    assert rules_of(report) == {"CHAIN-11", "CHAIN-14", "CHAIN-15"} and not report.ok
    assert any("only read-only" in f.message for f in report.findings if f.rule == "CHAIN-14")
