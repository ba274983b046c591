"""Integration: the full suite on an anvil fork of REAL T-REX 4.1.x tokens (npm `@tokenysolutions/t-rex`, pinned),
deployed on a real anvil node with a real ONCHAINID claim issuer (npm `@onchain-id/solidity`) as the trusted issuer.

`filing contract check --rpc URL --fork` starts a second anvil forking the first, sets the stage as the tokens'
owners (test claim issuer trusted for the KYC topic, identities with claims for every test investor) and runs the
suite. A token configured safely for the deal is blamed only for the holes of the implementation itself, each with the
transaction that proved it; misconfigured ones fail with their own named blockers; the node itself is untouched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from trex_support import TrexDeployer
from typer.testing import CliRunner

import filing
from filing import stages
from filing.chain.check import fork_agent
from filing.chain.connect import ChainError
from filing.chain.deploy import tranche_terms
from filing.chain.node import anvil, find_anvil
from filing.chain.recognise import adapter_for
from filing.chain.scenarios import synthetic_wallet
from filing.chain.trex import TrexAdapter
from filing.cli import app

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"
LOADED = filing.load_deal(EXAMPLE)
TX = re.compile(r"\(tx 0x[0-9a-f]{64}\)")
IMPLEMENTATION_HOLES = {"CHAIN-02", "CHAIN-03", "CHAIN-18"}
"""What T-REX 4.1.x does whatever its configuration: country modules check only the receiver, and forced transfers
and recovery skip the compliance."""
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def upstream():
    try:
        find_anvil()
    except ChainError as error:
        pytest.skip(str(error))
    with anvil() as (url, web3):  # stopped by its PID when the module ends
        yield url, web3, TrexDeployer(web3, web3.eth.accounts[0], web3.eth.accounts[1])


def terms(index: int):
    return tranche_terms(LOADED.deal, LOADED.deal.token.tranches[index])


def safe_token(deployer: TrexDeployer, index: int):
    """Safe for the example deal: the deal's allowed list in a CountryAllowModule, and 0, 156 and the deal's other
    exclusions in a CountryRestrictModule."""
    t = terms(index)
    return deployer.token(t, restricted=[0, *t.excluded], allowed=list(t.allowed))


def blockers(findings: list[dict], tranche: int) -> set[str]:
    return {f["rule"] for f in findings if f["severity"] == "blocker" and
            f["path"].startswith(f"token.tranches[{tranche}]")}


def test_a_safe_trex_token_shows_only_the_implementation_holes_each_with_its_transaction(upstream) -> None:
    url, web3, deployer = upstream
    tokens = [safe_token(deployer, i) for i in range(3)]
    height = web3.eth.block_number
    args = [arg for t in tokens for arg in ("--address", t.token.address)]
    result = CliRunner().invoke(app, ["contract", "check", str(EXAMPLE), "--rpc", url, *args, "--fork",
                                      "--format", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["mode"] == "fork" and report["standard"] == "erc3643"
    findings = report["findings"]
    for index in range(3):
        assert blockers(findings, index) == IMPLEMENTATION_HOLES, [f for f in findings if f["severity"] == "blocker"]
    forced = next(f for f in findings if f["rule"] == "CHAIN-03" and f["path"] == "token.tranches[0]")
    assert re.search(r"forced_transfer\.to_mainland_156 " + TX.pattern, forced["message"]), forced["message"]
    recovery = next(f for f in findings if f["rule"] == "CHAIN-18" and f["path"] == "token.tranches[0]")
    assert TX.search(recovery["message"])
    assert {f["rule"] for f in findings if f["severity"] == "warning"} >= {"CHAIN-20", "CHAIN-21"}

    scenarios = {(s["tranche"], s["name"]): s for s in report["scenarios"]}
    assert {s["action"] for s in report["scenarios"]} >= {
        "mint", "transfer", "transfer_from", "forced_transfer", "recovery", "batch_mint", "batch_transfer",
        "batch_forced_transfer", "read"}
    passed = [name for name in ("mint.to_HK_344", "mint.to_mainland_156", "mint.to_country_0", "mint.to_MO_446",
                                "mint.to_unregistered", "mint.to_revoked_claim", "transfer.to_mainland_156",
                                "transfer_from.to_mainland_156", "batch_mint.with_mainland_156",
                                "batch_transfer.with_mainland_156", "recovery.to_own_identity",
                                "forced_transfer.to_unregistered") if not scenarios[("A", name)]["passed"]]
    assert passed == []
    assert scenarios[("A", "mint.to_mainland_156")]["reason"].endswith(": Compliance not followed")
    assert scenarios[("A", "mint.to_revoked_claim")]["reason"].endswith(": Identity is not verified.")
    proof = scenarios[("A", "forced_transfer.to_mainland_156")]
    assert proof["mined"] and proof["tx_hash"] in forced["message"]

    details = report["tranches"][0]["details"]
    assert details["implementation"] == "T-REX" and details["version"].startswith("4.1")
    assert details["paused"] is False and details["owner"] == deployer.owner
    assert details["agents"] == [deployer.agent] and details["claim_topics"] == [1]
    assert details["trusted_issuers"] == [{"address": deployer.trusted_issuer, "topics": [1]}]
    modules = {m["name"]: m for m in details["modules"]}
    assert modules["CountryRestrictModule"]["restricted_countries"] == [0, 156, 840]
    assert modules["CountryAllowModule"]["allowed_countries"] == sorted(terms(0).allowed)
    assert any("test claim issuer" in step for step in details["fork_setup"])
    assert web3.eth.block_number == height  # nothing was sent to the node itself


def test_misconfigured_trex_tokens_fail_with_named_blockers(upstream) -> None:
    _url, web3, deployer = upstream
    no_module = deployer.token(terms(0))
    allows_156 = deployer.token(terms(1), allowed=[*terms(1).allowed, 156])
    keeps_0_open = deployer.token(terms(2), restricted=[156, 840])  # no allow list either: 0, MO, TW get in
    deployer.send(keeps_0_open.token.functions.pause(), deployer.agent)
    stranger = "0x" + "5a" * 20  # not an agent of anything: the owners make it one on the fork
    report = stages.contract(LOADED, rpc=_url, addresses=[no_module.token.address, allows_156.token.address,
                                                          keeps_0_open.token.address], fork=True, agent=stranger)
    findings = [f.to_dict() for f in report.findings]
    # no country module: everything reaches 156 and 0 (the forced-transfer and sender gaps are then the mainland gap)
    assert blockers(findings, 0) == {"CHAIN-01", "CHAIN-04", "CHAIN-05", "CHAIN-18", "CHAIN-22"}
    assert blockers(findings, 1) == {"CHAIN-01"} | IMPLEMENTATION_HOLES
    assert blockers(findings, 2) == {"CHAIN-04", "CHAIN-05"} | IMPLEMENTATION_HOLES
    failed = {(s.tranche, s.name) for s in report.scenarios if not s.passed}
    assert {("A", "mint.to_mainland_156"), ("A", "read.country_mainland_156"), ("B", "mint.to_mainland_156"),
            ("B", "batch_mint.with_mainland_156"), ("C", "mint.to_country_0")} <= failed
    assert ("C", "mint.to_mainland_156") not in failed
    paused = report.tranches[2].details
    assert paused["paused"] is True and any("unpaused" in step for step in paused["fork_setup"])
    made = [step for step in paused["fork_setup"] if "made an agent" in step]
    assert len(made) == 2 and paused["agents"] == [deployer.agent]  # the report shows the token as found
    assert not report.ok


def test_the_configuration_says_what_it_could_not_read(upstream, monkeypatch) -> None:
    """Read-only, on the node itself: country lists and agents come from event logs, which public nodes often refuse
    for long ranges; then they are reported as not readable (None), never as empty lists."""
    _url, web3, deployer = upstream
    deployed = safe_token(deployer, 0)
    adapter = adapter_for(web3, deployed.token.address)
    assert isinstance(adapter, TrexAdapter)
    seen = adapter.describe()
    assert seen["agents"] == [deployer.agent] and seen["country_modules"] == ["CountryRestrictModule",
                                                                            "CountryAllowModule"]
    assert fork_agent(web3, [deployed.token.address]) == deployer.agent

    def refuse(*_args, **_kwargs):
        raise ValueError("query returned more than 10000 results")

    monkeypatch.setattr(web3.eth, "get_logs", refuse)
    blind = adapter.describe()
    assert blind["agents"] is None and blind["identity_registry_agents"] is None
    assert [m.get("restricted_countries", m.get("allowed_countries")) for m in blind["modules"]] == [None, None]
    assert blind["country_modules"] == seen["country_modules"] and blind["claim_topics"] == [1]
    assert [adapter.country_blocked(c) for c in (156, 0, 344, 446)] == [True, True, False, True]
    assert fork_agent(web3, [deployed.token.address]) == synthetic_wallet("fork.agent")  # no logs, no agent


def test_a_trex_token_without_an_agent_is_forked_with_a_test_agent(upstream) -> None:
    """No agent in the role logs: the fork acts as a fixed test address that the owners make an agent there."""
    _url, web3, deployer = upstream
    orphan = deployer.token(terms(0), restricted=[0, 156])
    deployer.send(orphan.token.functions.removeAgent(deployer.agent))
    assert fork_agent(web3, [orphan.token.address]) == synthetic_wallet("fork.agent")
    with pytest.raises(ChainError, match="pass --agent"):
        fork_agent(web3, [orphan.token.address, deployer.trusted_issuer])  # a contract that is no T-REX token
