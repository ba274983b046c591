"""Deploying the REAL T-REX 4.1.x suite (npm `@tokenysolutions/t-rex`, pinned in contracts/package.json) and a real
ONCHAINID claim issuer (npm `@onchain-id/solidity`) on a local anvil, for the fork tests and the fork benchmark.

Why here and not in the package: the T-REX artifacts are GPL-3.0 and under a non-commercial licence (tokens.md); the
toolkit never loads them at run time. Only tests and the benchmark stand up a live T-REX deployment to fork.

The deployment is the one a T-REX issuer makes (implementations initialised directly instead of behind proxies,
which changes no behaviour): claim topics and trusted issuers registries, identity registry storage and registry,
modular compliance with country modules, and the token, paused after `init` and unpaused by its agent.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from filing.chain.artifacts import Artifact, load_artifact
from filing.chain.deploy import TokenTerms

NODE_MODULES = Path(__file__).resolve().parents[1] / "contracts" / "node_modules"
TREX = NODE_MODULES / "@tokenysolutions" / "t-rex" / "artifacts" / "contracts"
ONCHAINID = NODE_MODULES / "@onchain-id" / "solidity" / "artifacts" / "contracts"
KYC_TOPIC = 1
"""The claim topic the deployed token requires (ONCHAINID's conventional KYC topic number)."""


@functools.cache
def artifact(name: str, root: Path = TREX) -> Artifact:
    """The npm package's artifact of contract `name` (hardhat layout: <source>.sol/<name>.json)."""
    if not root.is_dir():
        pytest.skip(f"{root} is not installed (run `npm ci --prefix contracts`)")
    found = [p for p in root.rglob(f"{name}.json") if p.parent.name.endswith(".sol")]
    assert len(found) == 1, f"{name}: {found}"
    return load_artifact(name, found[0].parent)


@dataclass
class TrexToken:
    """A deployed T-REX token and the contracts around it."""

    token: Any
    registry: Any
    compliance: Any
    modules: list[Any]
    trusted_issuer: str
    owner: str
    agent: str


class TrexDeployer:
    """Deploys T-REX suites on a node whose accounts are unlocked (a plain anvil): `owner` owns every contract,
    `agent` is the token's and the registry's agent."""

    def __init__(self, web3: Web3, owner: str, agent: str) -> None:
        self.web3, self.owner, self.agent = web3, owner, agent
        self.trusted_issuer = self.deploy(artifact("ClaimIssuer", ONCHAINID), owner).address

    def deploy(self, art: Artifact, *args: Any) -> Any:
        factory = self.web3.eth.contract(abi=art.abi_list, bytecode=art.bytecode)
        tx = factory.constructor(*args).transact({"from": self.owner})
        address = self.web3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
        return self.web3.eth.contract(address=address, abi=art.abi_list)

    def send(self, call: Any, sender: str | None = None) -> None:
        receipt = self.web3.eth.wait_for_transaction_receipt(call.transact({"from": sender or self.owner}))
        assert receipt["status"] == 1, call

    def initialised(self, name: str, *args: Any) -> Any:
        contract = self.deploy(artifact(name))
        self.send(contract.functions.init(*args))
        return contract

    def token(self, terms: TokenTerms, restricted: Sequence[int] | None = None,
              allowed: Sequence[int] | None = None) -> TrexToken:
        """A token for `terms` with a CountryRestrictModule restricting `restricted` and/or a CountryAllowModule
        allowing `allowed` (None: no such module), requiring a KYC claim from the real ONCHAINID issuer."""
        topics, issuers = self.initialised("ClaimTopicsRegistry"), self.initialised("TrustedIssuersRegistry")
        storage = self.initialised("IdentityRegistryStorage")
        registry = self.initialised("IdentityRegistry", issuers.address, topics.address, storage.address)
        compliance = self.initialised("ModularCompliance")
        token = self.initialised("Token", registry.address, compliance.address, terms.name, terms.symbol,
                                 terms.decimals, "0x" + "00" * 20)
        self.send(storage.functions.bindIdentityRegistry(registry.address))
        self.send(topics.functions.addClaimTopic(KYC_TOPIC))
        self.send(issuers.functions.addTrustedIssuer(self.trusted_issuer, [KYC_TOPIC]))
        self.send(token.functions.addAgent(self.agent))
        self.send(registry.functions.addAgent(self.agent))
        self.send(registry.functions.addAgent(token.address))  # as T-REX's factory does: recovery registers wallets
        modules = []
        for name, function, countries in (("CountryRestrictModule", "batchRestrictCountries", restricted),
                                          ("CountryAllowModule", "batchAllowCountries", allowed)):
            if countries is None:
                continue
            module = self.deploy(artifact(name))
            self.send(module.functions.initialize())
            self.send(compliance.functions.addModule(module.address))
            configure = module.encode_abi(function, [list(countries)])
            self.send(compliance.functions.callModuleFunction(configure, module.address))
            modules.append(module)
        self.send(token.functions.unpause(), self.agent)
        return TrexToken(token, registry, compliance, modules, self.trusted_issuer, self.owner, self.agent)
