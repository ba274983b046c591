"""ERC-3643 tokens of the T-REX reference implementation: their configuration, and test investors with identities.

Why an adapter of its own: a T-REX identity registry verifies a wallet only when the ONCHAINID identity registered
for it holds, for every claim topic the token requires, a claim from an issuer in the token's trusted issuers
registry. A synthetic wallet registered as its own identity is never verified, so on a fork the suite first sets the
stage as the token's owners would: it makes its acting address an agent of the token and the registry (as their
owners, impersonated), adds a test claim issuer to the trusted issuers for the required topics, and registers every
test investor with an identity (`FilingTestIdentity`, the project's own contract) holding claims that issuer signed.
Claims can be made revoked, expired or self-issued to see what the registry accepts. Nothing of this runs on the
real chain: only `prepare_fork` writes, and only on a fork (check.py calls it in fork mode alone).

The configuration report (`describe`) reads the owners, agents, pause state, claim topics, trusted issuers and the
compliance modules with the parameters T-REX modules expose (country lists from their events, supply limit, max
balance), so a reviewer sees what the token enforces next to what the suite proved.
"""

from __future__ import annotations

from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak
from web3 import Web3

from filing.chain.abis import (
    AGENT_ADDED,
    ERC20_ABI,
    ERC1404_ABI,
    ERC1643_ABI,
    ERC3643_REGISTRY_ABI,
    ERC3643_TOKEN_ABI,
    fn_abi,
)
from filing.chain.adapters import ERC3643Adapter, _try
from filing.chain.artifacts import load_artifact
from filing.chain.node import impersonate

IDENTITY = "FilingTestIdentity"
DEPLOY_GAS = 1_500_000
CLAIM_SCHEME = 1
"""ECDSA, the scheme ONCHAINID issuers sign with."""

TREX_TOKEN_ABI = ERC3643_TOKEN_ABI + [
    fn_abi("owner", (), ("address",)), fn_abi("paused", (), ("bool",)), fn_abi("version", (), ("string",)),
    fn_abi("onchainID", (), ("address",)), fn_abi("unpause", (), (), True), fn_abi("addAgent", ("address",), (), True),
    fn_abi("batchMint", ("address[]", "uint256[]"), (), True),
    fn_abi("batchTransfer", ("address[]", "uint256[]"), (), True),
    fn_abi("batchForcedTransfer", ("address[]", "address[]", "uint256[]"), (), True),
    fn_abi("recoveryAddress", ("address", "address", "address"), ("bool",), True),
]
TREX_REGISTRY_ABI = ERC3643_REGISTRY_ABI + [
    fn_abi("owner", (), ("address",)), fn_abi("isAgent", ("address",), ("bool",)),
    fn_abi("addAgent", ("address",), (), True), fn_abi("identityStorage", (), ("address",)),
    fn_abi("issuersRegistry", (), ("address",)), fn_abi("topicsRegistry", (), ("address",)),
]
TOPICS_ABI = [fn_abi("getClaimTopics", (), ("uint256[]",)), fn_abi("owner", (), ("address",))]
ISSUERS_ABI = [fn_abi("getTrustedIssuers", (), ("address[]",)), fn_abi("owner", (), ("address",)),
               fn_abi("getTrustedIssuerClaimTopics", ("address",), ("uint256[]",)),
               fn_abi("addTrustedIssuer", ("address", "uint256[]"), (), True)]
MODULE_ABI = [fn_abi("name", (), ("string",)), fn_abi("isCountryRestricted", ("address", "uint16"), ("bool",)),
              fn_abi("isCountryAllowed", ("address", "uint16"), ("bool",)),
              fn_abi("getSupplyLimit", ("address",), ("uint256",))]
OWNED_ABI = [fn_abi("owner", (), ("address",))]

_RESTRICTED = "0x" + keccak(text="AddedRestrictedCountry(address,uint16)").hex()
_ALLOWED = "0x" + keccak(text="CountryAllowed(address,uint16)").hex()
_MAX_BALANCE = "0x" + keccak(text="MaxBalanceSet(address,uint256)").hex()


def is_trex(web3: Web3, registry: str) -> bool:
    """Whether an ERC-3643 identity registry is T-REX's: it names its claim topics and trusted issuers registries."""
    contract = web3.eth.contract(address=registry, abi=TREX_REGISTRY_ABI)
    return bool(_try(contract.functions.topicsRegistry()) and _try(contract.functions.issuersRegistry()))


def _logs(web3: Web3, address: str, topics: list[str | None]) -> list[Any] | None:
    """The matching logs since block 0, or None when the node refuses (nodes limit log ranges): the parameter is then
    reported as not readable rather than as empty."""
    try:
        return list(web3.eth.get_logs({"address": address, "fromBlock": 0, "toBlock": "latest", "topics": topics}))
    except Exception:  # noqa: BLE001 - any refusal means "not readable"
        return None


class TrexAdapter(ERC3643Adapter):
    """A T-REX 4.x token: reads its whole configuration; on a fork, verifies test investors through ONCHAINID-style
    identities and claims signed by a test issuer the suite adds to the trusted issuers."""

    def __init__(self, web3: Web3, address: str, abi: list[dict[str, Any]] | None = None) -> None:
        super().__init__(web3, address, abi or ERC20_ABI + ERC1404_ABI + ERC1643_ABI + TREX_TOKEN_ABI)
        self.registry = web3.eth.contract(address=self.registry.address, abi=TREX_REGISTRY_ABI)
        self.topics = web3.eth.contract(address=self.registry.functions.topicsRegistry().call(), abi=TOPICS_ABI)
        self.issuers = web3.eth.contract(address=self.registry.functions.issuersRegistry().call(), abi=ISSUERS_ABI)
        self.modules = [web3.eth.contract(address=m.address, abi=MODULE_ABI) for m in self.modules]
        artifact = load_artifact(IDENTITY)
        self._identity_factory = web3.eth.contract(abi=artifact.abi_list, bytecode=artifact.bytecode)
        self.claim_issuer: Any = None
        self.claim_topics: list[int] = []
        self.identities: dict[str, Any] = {}
        self._signer: Any = None
        self._own_key: Any = None
        self.setup: list[str] = []
        """What the fork preparation changed (reported with the configuration)."""

    def abis(self) -> list[list[dict[str, Any]]]:
        return [*super().abis(), TREX_REGISTRY_ABI, load_artifact(IDENTITY).abi_list]

    # -- configuration ---------------------------------------------------------------------------------------
    def country_blocked(self, country: int) -> bool | None:
        """As for any ERC-3643 token, but a T-REX compliance lists all its modules: with no country module
        answering, no country is blocked by configuration (rather than "cannot say")."""
        blocked = super().country_blocked(country)
        modules = _try(self.compliance.functions.getModules())
        return False if blocked is None and modules is not None else blocked

    def _agents(self, contract: Any) -> list[str] | None:
        """Current agents: the `AgentAdded` addresses that are still agents (None when the logs are not readable)."""
        logs = _logs(self.web3, contract.address, [AGENT_ADDED])
        if logs is None:
            return None
        added = dict.fromkeys(Web3.to_checksum_address(bytes(log["topics"][1])[-20:]) for log in logs)
        return [a for a in added if _try(contract.functions.isAgent(a))]

    def _countries(self, module: Any, getter: str, event: str) -> list[int] | None:
        """The countries a country module lists for this compliance: those its events named that its getter still
        confirms (the lists are not enumerable otherwise); None when the logs are not readable."""
        compliance = self.compliance.address
        logs = _logs(self.web3, module.address, [event])
        if logs is None:
            return None
        named = set()
        for log in logs:  # AddedRestrictedCountry indexes the compliance, CountryAllowed does not: decode both
            data = bytes(log["data"])
            owner, country = ((bytes(log["topics"][1])[-20:], abi_decode(["uint16"], data)[0]) if len(log["topics"]) > 1
                              else abi_decode(["address", "uint16"], data))
            if Web3.to_checksum_address(owner) == compliance:
                named.add(country)
        check = getattr(module.functions, getter)
        return sorted(c for c in named if _try(check(compliance, c)))

    def _module(self, module: Any) -> dict[str, Any]:
        """A module's name and the parameters T-REX modules make readable for this compliance."""
        compliance = self.compliance.address
        found: dict[str, Any] = {"address": module.address, "name": _try(module.functions.name())}
        for key, getter, event in (("restricted_countries", "isCountryRestricted", _RESTRICTED),
                                   ("allowed_countries", "isCountryAllowed", _ALLOWED)):
            if _try(getattr(module.functions, getter)(compliance, 0)) is not None:
                found[key] = self._countries(module, getter, event)
        if (limit := _try(module.functions.getSupplyLimit(compliance))) is not None:
            found["supply_limit"] = limit
        topic = "0x" + abi_encode(["address"], [compliance]).hex()
        if caps := _logs(self.web3, module.address, [_MAX_BALANCE, topic]):
            found["max_balance"] = int.from_bytes(bytes(caps[-1]["topics"][2]), "big")
        return found

    def describe(self) -> dict[str, Any]:
        """The token's configuration: owners, agents, pause, claim topics, trusted issuers, modules and their
        parameters (country lists are read from the modules' events and confirmed by their getters)."""
        issuers = _try(self.issuers.functions.getTrustedIssuers()) or []
        modules = [self._module(m) for m in self.modules]
        compliance_owner = _try(self.web3.eth.contract(address=self.compliance.address,
                                                       abi=OWNED_ABI).functions.owner())
        return {
            "implementation": "T-REX", "version": _try(self.token.functions.version()),
            "owner": _try(self.token.functions.owner()), "agents": self._agents(self.token),
            "paused": _try(self.token.functions.paused()), "onchain_id": _try(self.token.functions.onchainID()),
            "identity_registry": self.registry.address,
            "identity_registry_owner": _try(self.registry.functions.owner()),
            "identity_registry_agents": self._agents(self.registry),
            "identity_storage": _try(self.registry.functions.identityStorage()),
            "claim_topics": list(_try(self.topics.functions.getClaimTopics()) or []),
            "claim_topics_owner": _try(self.topics.functions.owner()),
            "trusted_issuers": [{"address": i,
                                 "topics": list(_try(self.issuers.functions.getTrustedIssuerClaimTopics(i)) or [])}
                                for i in issuers],
            "trusted_issuers_owner": _try(self.issuers.functions.owner()),
            "compliance": self.compliance.address, "compliance_owner": compliance_owner,
            "modules": modules,
            "country_modules": [m["name"] for m in modules
                                if "restricted_countries" in m or "allowed_countries" in m],
        } | ({"fork_setup": list(self.setup)} if self.setup else {})

    # -- the stage on a fork ---------------------------------------------------------------------------------
    def prepare_fork(self, agent: str) -> None:
        """As the owners (impersonated on the fork): make `agent` an agent of the token and the registry when it is
        not, add a test claim issuer trusted for every required topic, and unpause a paused token."""
        owners = {_try(c.functions.owner()) for c in (self.token, self.registry, self.issuers)} - {None}
        impersonate(self.web3, [agent, *owners])
        self.agent = agent
        for contract, label in ((self.token, "token"), (self.registry, "identity registry")):
            if not _try(contract.functions.isAgent(agent)):
                self.transactor.send(contract.functions.addAgent(agent), contract.functions.owner().call())
                self.setup.append(f"{agent} made an agent of the {label} by its owner")
        # throw-away keys kept in memory for this fork only: the test issuer's, and the one a self-issued claim uses
        self._signer, self._own_key = Account.create(), Account.create()
        self.claim_issuer = self._deploy(None, self._signer.address)
        self.claim_topics = topics = list(_try(self.topics.functions.getClaimTopics()) or [])
        if topics:
            self.transactor.send(self.issuers.functions.addTrustedIssuer(self.claim_issuer.address, topics),
                                 self.issuers.functions.owner().call())
            self.setup.append(f"test claim issuer {self.claim_issuer.address} trusted for topics {topics}")
        if _try(self.token.functions.paused()):
            self.transactor.send(self.token.functions.unpause(), agent)
            self.setup.append("the paused token was unpaused on the fork so that transfers can be tried")

    def _deploy(self, wallet: str | None, signer: str | None) -> Any:
        factory, zero = self._identity_factory, "0x" + "00" * 20
        receipt = self.transactor.send(factory.constructor(wallet or zero, signer or zero), self._agent(),
                                       gas=DEPLOY_GAS)
        return factory(address=receipt["contractAddress"])

    @staticmethod
    def _sign(key: Any, identity: str, topic: int, data: bytes) -> bytes:
        """An ONCHAINID claim signature: `eth_sign` of keccak256(abi.encode(identity, topic, data))."""
        digest = keccak(abi_encode(["address", "uint256", "bytes"], [identity, topic, data]))
        return bytes(Account.sign_message(encode_defunct(primitive=digest), key.key).signature)

    def identity_with_claims(self, wallet: str, claim: str = "valid", expiry: int = 0) -> Any:
        """Deploy `wallet`'s identity with a claim for every required topic: `valid` or `expired` (signed by the
        test issuer, its data holding `expiry`), `revoked` (signed, then revoked by the issuer) or `self_issued`
        (listed under the test issuer but naming the identity itself as issuer, signed by a key of its own)."""
        if self.claim_issuer is None:
            raise RuntimeError("prepare_fork first")
        own = claim == "self_issued"
        identity = self._deploy(wallet, self._own_key.address if own else None)
        agent = self._agent()
        data = abi_encode(["uint256"], [expiry])
        for topic in self.claim_topics:
            signature = self._sign(self._own_key if own else self._signer, identity.address, topic, data)
            issuer = identity.address if own else self.claim_issuer.address
            self.transactor.send(identity.functions.addClaim(self.claim_issuer.address, topic, CLAIM_SCHEME, issuer,
                                                             signature, data, ""), agent)
            if claim == "revoked":
                self.transactor.send(self.claim_issuer.functions.revokeClaimBySignature(signature), agent)
        self.identities[wallet] = identity
        return identity

    def register(self, investors: list[tuple[str, int, int]], claim: str = "valid") -> None:
        """Give each (wallet, country, expiry) investor an identity with claims, then register them in one
        `batchRegisterIdentity` as the registry's agent."""
        identities = [self.identity_with_claims(w, claim, e).address for w, _c, e in investors]
        self.transactor.send(self.registry.functions.batchRegisterIdentity(
            [w for w, _c, _e in investors], identities, [c for _w, c, _e in investors]),
            self._agent(), gas=300_000 + 150_000 * len(investors))

    def add_wallet_key(self, identity: Any, wallet: str) -> None:
        """Add `wallet` as a management key of `identity` (what `recoveryAddress` requires of a new wallet)."""
        self.transactor.send(identity.functions.addKey(keccak(abi_encode(["address"], [wallet])), 1), self._agent())

    def recover(self, lost: str, new: str, identity: str) -> None:
        self.transactor.send(self.token.functions.recoveryAddress(lost, new, identity), self._agent())

    def batch_mint(self, wallets: list[str], amount: int) -> None:
        self.transactor.send(self.token.functions.batchMint(wallets, [amount] * len(wallets)), self._agent())

    def batch_transfer(self, sender: str, wallets: list[str], amount: int) -> None:
        self.transactor.send(self.token.functions.batchTransfer(wallets, [amount] * len(wallets)), sender)

    def batch_forced_transfer(self, sender: str, wallets: list[str], amount: int) -> None:
        self.transactor.send(self.token.functions.batchForcedTransfer(
            [sender] * len(wallets), wallets, [amount] * len(wallets)), self._agent())


__all__ = ["TrexAdapter", "is_trex"]
