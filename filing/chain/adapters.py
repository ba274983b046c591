"""Recognising a token at an address and talking to it through one interface.

T-REX (ERC-3643) tokens carry no ERC-165 `supportsInterface`, so a standard is recognised by try-calling getters
(tokens.md): the reference token answers `MAINLAND_CHINA()` and `getInvestor(address)`; an ERC-3643 token answers
`identityRegistry()` and `compliance()` with contracts that answer `isVerified`/`investorCountry`/`canTransfer`; an
ERC-1404 token answers `detectTransferRestriction` only. The checks and the scenario suite then use one adapter
interface: reads return None when the token cannot say, writes raise `Unsupported` when the standard has no such
operation, so a missing capability is reported instead of mistaken for compliance.
"""

from __future__ import annotations

from typing import Any, ClassVar

from web3 import Web3

from filing.chain.abis import (
    AGENT_ADDED,
    COUNTRY_MODULE_ABI,
    ERC20_ABI,
    ERC1404_ABI,
    ERC1643_ABI,
    ERC3643_COMPLIANCE_ABI,
    ERC3643_REGISTRY_ABI,
    ERC3643_TOKEN_ABI,
    ROLE_GRANTED,
    TRANSFER,
    fn_abi,
)
from filing.chain.artifacts import load_artifact
from filing.chain.calls import Transactor, fast_call
from filing.chain.connect import Reverted
from filing.chain.deploy import FILING_MANIFEST_DOCUMENT

ZERO = "0x0000000000000000000000000000000000000000"


class Unsupported(Exception):
    """The token's standard has no such operation (for example an expiry on ERC-3643)."""


def _try(call: Any) -> Any:
    """The call's result, or None when the token does not answer (missing function, revert, bad output)."""
    try:
        return fast_call(call.w3, call)
    except Exception:  # noqa: BLE001 - a probe that fails means "cannot say"
        return None


class TokenAdapter:
    """ERC-20 reads common to every standard; subclasses add what their standard offers."""

    standard: ClassVar[str] = "unknown"
    supports_writes: ClassVar[bool] = False
    supports_expiry: ClassVar[bool] = False
    records_countries: ClassVar[bool] = False

    def __init__(self, web3: Web3, address: str, abi: list[dict[str, Any]] | None = None) -> None:
        self.web3 = web3
        self.address = Web3.to_checksum_address(address)
        self.abi = abi or ERC20_ABI + ERC1404_ABI + ERC1643_ABI
        self.token = web3.eth.contract(address=self.address, abi=self.abi)
        self.agent: str | None = None
        self._messages: dict[int, str | None] = {}
        self.transactor = Transactor(web3, self.abis(), describe=self.message)

    def abis(self) -> list[list[dict[str, Any]]]:
        """Every ABI whose custom errors a revert of this token may carry."""
        return [self.abi, load_artifact().abi_list]

    # -- reads ---------------------------------------------------------------------------------------------
    def name(self) -> str | None:
        return _try(self.token.functions.name())

    def symbol(self) -> str | None:
        return _try(self.token.functions.symbol())

    def decimals(self) -> int | None:
        return _try(self.token.functions.decimals())

    def balance_of(self, wallet: str) -> int:
        return fast_call(self.web3, self.token.functions.balanceOf(wallet))

    def cap(self) -> int | None:
        return None

    def maturity(self) -> int | None:
        return None

    def excluded(self) -> list[int] | None:
        """The excluded jurisdictions when the token lists them (None: not readable)."""
        return None

    def allowed(self) -> list[int] | None:
        return None

    def country_blocked(self, country: int) -> bool | None:
        """Whether an investor of `country` is refused by configuration (None: the token cannot say)."""
        return None

    def document_hash(self, name: bytes = FILING_MANIFEST_DOCUMENT) -> bytes | None:
        """The hash recorded under `name` (ERC-1643); zero bytes when unset, None when the token has no documents."""
        result = _try(self.token.functions.getDocument(name)) if _has(self.abi, "getDocument") else None
        return bytes(result[1]) if result else None

    def detect_restriction(self, sender: str, receiver: str, amount: int) -> int | None:
        if not _has(self.abi, "detectTransferRestriction"):
            return None
        return _try(self.token.functions.detectTransferRestriction(sender, receiver, amount))

    def message(self, code: int) -> str | None:
        """The token's text for a restriction code (ERC-1404 makes it a pure function, so it is asked once)."""
        if not _has(self.abi, "messageForTransferRestriction"):
            return None
        if code not in self._messages:
            self._messages[code] = _try(self.token.functions.messageForTransferRestriction(code))
        return self._messages[code]

    def can_transfer(self, sender: str, receiver: str, amount: int) -> bool | None:
        code = self.detect_restriction(sender, receiver, amount)
        return None if code is None else code == 0

    def is_verified(self, wallet: str) -> bool | None:
        return None

    def investor_country(self, wallet: str) -> int | None:
        return None

    def holders(self) -> list[str]:
        """Wallets that received the token (its Transfer logs) and hold some now; [] when the node refuses the logs."""
        return [w for w in _logged_addresses(self.web3, self.address, TRANSFER, position=2) if self.balance_of(w)]

    def agent_candidates(self) -> list[str]:
        """Addresses that were made agents, from the token's event logs (roles are not enumerable)."""
        return []

    def is_agent(self, wallet: str) -> bool | None:
        return None

    def describe(self) -> dict[str, Any]:
        """Standard-specific configuration for the report (country modules, registry address...)."""
        return {}

    # -- writes (the scenario suite) -----------------------------------------------------------------------
    def _agent(self) -> str:
        if not self.agent:
            raise Unsupported("no agent address: give --agent or let the check find it in the role logs")
        return self.agent

    def register(self, investors: list[tuple[str, int, int]]) -> None:
        """Register (wallet, country, expiry) investors as verified."""
        raise Unsupported(f"{self.standard}: no investor registry to write to")

    def set_country(self, wallet: str, country: int) -> None:
        raise Unsupported(f"{self.standard}: cannot change an investor's country")

    def set_expiry(self, wallet: str, expiry: int) -> None:
        raise Unsupported(f"{self.standard}: verification has no expiry")

    def mint(self, to: str, amount: int) -> None:
        raise Unsupported(f"{self.standard}: no agent mint")

    def forced_transfer(self, sender: str, receiver: str, amount: int) -> None:
        raise Unsupported(f"{self.standard}: no forced transfer")

    def transfer(self, sender: str, receiver: str, amount: int) -> None:
        self.transactor.send(self.token.functions.transfer(receiver, amount), sender)

    def approve(self, owner: str, spender: str, amount: int) -> None:
        self.transactor.send(self.token.functions.approve(spender, amount), owner)

    def transfer_from(self, spender: str, sender: str, receiver: str, amount: int) -> None:
        self.transactor.send(self.token.functions.transferFrom(sender, receiver, amount), spender)


def _has(abi: list[dict[str, Any]], name: str) -> bool:
    return any(e.get("name") == name and e.get("type") == "function" for e in abi)


def _logged_addresses(web3: Web3, address: str, topic0: str, topics: list[str | None] | None = None,
                      position: int = 1) -> list[str]:
    """Addresses in indexed topic `position` of the matching logs, in first-seen order; [] when the node refuses."""
    try:
        logs = web3.eth.get_logs({"address": address, "fromBlock": 0, "toBlock": "latest",
                                  "topics": [topic0, *(topics or [])]})
    except Exception:  # noqa: BLE001 - nodes limit log ranges; no candidates then
        return []
    seen: list[str] = []
    for log in logs:
        if len(log["topics"]) > position:
            found = Web3.to_checksum_address(bytes(log["topics"][position])[-20:])
            if found not in seen:
                seen.append(found)
    return seen


class ReferenceAdapter(TokenAdapter):
    """The project's OffshoreABSToken (and contracts with the same interface, such as the tests' weak variants)."""

    standard = "reference"
    supports_writes = True
    supports_expiry = True
    records_countries = True

    def __init__(self, web3: Web3, address: str, abi: list[dict[str, Any]] | None = None) -> None:
        super().__init__(web3, address, abi or load_artifact().abi_list)

    def cap(self) -> int | None:
        return _try(self.token.functions.cap())

    def maturity(self) -> int | None:
        return _try(self.token.functions.maturity())

    def excluded(self) -> list[int] | None:
        return _try(self.token.functions.excludedCountries())

    def allowed(self) -> list[int] | None:
        return _try(self.token.functions.allowedCountries())

    def country_blocked(self, country: int) -> bool | None:
        allowed = _try(self.token.functions.isCountryAllowed(country))
        return None if allowed is None else not allowed

    def is_verified(self, wallet: str) -> bool | None:
        return _try(self.token.functions.isVerified(wallet))

    def investor_country(self, wallet: str) -> int | None:
        return _try(self.token.functions.investorCountry(wallet))

    def agent_candidates(self) -> list[str]:
        role = _try(self.token.functions.AGENT_ROLE())
        if role is None:
            return []
        return _logged_addresses(self.web3, self.address, ROLE_GRANTED, ["0x" + bytes(role).hex()], 2)

    def is_agent(self, wallet: str) -> bool | None:
        role = _try(self.token.functions.AGENT_ROLE())
        return None if role is None else _try(self.token.functions.hasRole(role, wallet))

    def register(self, investors: list[tuple[str, int, int]]) -> None:
        wallets, countries, expiries = (list(column) for column in zip(*investors, strict=True))
        self.transactor.send(self.token.functions.batchRegisterInvestors(wallets, countries, expiries),
                             self._agent(), gas=200_000 + 80_000 * len(wallets))

    def set_country(self, wallet: str, country: int) -> None:
        self.transactor.send(self.token.functions.updateCountry(wallet, country), self._agent())

    def set_expiry(self, wallet: str, expiry: int) -> None:
        self.transactor.send(self.token.functions.updateExpiry(wallet, expiry), self._agent())

    def mint(self, to: str, amount: int) -> None:
        self.transactor.send(self.token.functions.mint(to, amount), self._agent())

    def forced_transfer(self, sender: str, receiver: str, amount: int) -> None:
        self.transactor.send(self.token.functions.forcedTransfer(sender, receiver, amount), self._agent())


class ERC3643Adapter(TokenAdapter):
    """A T-REX style token: registry and compliance are separate contracts reached through the token's getters;
    country rules live in compliance modules whose lists are not enumerable, so they are probed per country."""

    standard = "erc3643"
    supports_writes = True
    records_countries = True

    def __init__(self, web3: Web3, address: str, abi: list[dict[str, Any]] | None = None) -> None:
        super().__init__(web3, address, abi or ERC20_ABI + ERC1404_ABI + ERC1643_ABI + ERC3643_TOKEN_ABI)
        self.registry = web3.eth.contract(address=self.token.functions.identityRegistry().call(),
                                          abi=ERC3643_REGISTRY_ABI)
        self.compliance = web3.eth.contract(address=self.token.functions.compliance().call(),
                                            abi=ERC3643_COMPLIANCE_ABI)
        modules = _try(self.compliance.functions.getModules()) or []
        self.modules = [web3.eth.contract(address=m, abi=COUNTRY_MODULE_ABI) for m in modules]

    def abis(self) -> list[list[dict[str, Any]]]:
        return [self.abi, ERC3643_REGISTRY_ABI, ERC3643_COMPLIANCE_ABI, load_artifact().abi_list]

    def cap(self) -> int | None:
        return _try(self.token.functions.cap())

    def maturity(self) -> int | None:
        return _try(self.token.functions.maturity())

    def country_blocked(self, country: int) -> bool | None:
        """Blocked when a restrict module lists the country or an allow module does not list it; None when the
        compliance exposes no modules to ask."""
        answered = False
        for module in self.modules:
            restricted = _try(module.functions.isCountryRestricted(self.compliance.address, country))
            allowed = _try(module.functions.isCountryAllowed(self.compliance.address, country))
            answered = answered or restricted is not None or allowed is not None
            if restricted or allowed is False:
                return True
        return False if answered else None

    def can_transfer(self, sender: str, receiver: str, amount: int) -> bool | None:
        verified = self.is_verified(receiver)
        compliant = _try(self.compliance.functions.canTransfer(sender, receiver, amount))
        if verified is None or compliant is None:
            return None
        return bool(verified and compliant)

    def is_verified(self, wallet: str) -> bool | None:
        return _try(self.registry.functions.isVerified(wallet))

    def investor_country(self, wallet: str) -> int | None:
        return _try(self.registry.functions.investorCountry(wallet))

    def agent_candidates(self) -> list[str]:
        return _logged_addresses(self.web3, self.address, AGENT_ADDED)

    def is_agent(self, wallet: str) -> bool | None:
        return _try(self.token.functions.isAgent(wallet))

    def describe(self) -> dict[str, Any]:
        return {"identity_registry": self.registry.address, "compliance": self.compliance.address,
                "modules": [{"address": m.address, "name": _try(m.functions.name())} for m in self.modules]}

    def register(self, investors: list[tuple[str, int, int]]) -> None:
        """One `batchRegisterIdentity` transaction when the registry has it, else one `registerIdentity` each.

        ONCHAINID identities are out of reach of a synthetic wallet; the wallet stands in for its identity, which a
        registry that checks claims will not accept as verified (the suite then reports it cannot run)."""
        wallets, countries = [w for w, _c, _e in investors], [c for _w, c, _e in investors]
        try:
            self.transactor.send(self.registry.functions.batchRegisterIdentity(wallets, wallets, countries),
                                 self._agent(), gas=200_000 + 80_000 * len(wallets))
        except Reverted:
            for wallet, country in zip(wallets, countries, strict=True):
                self.transactor.send(self.registry.functions.registerIdentity(wallet, wallet, country), self._agent())

    def set_country(self, wallet: str, country: int) -> None:
        self.transactor.send(self.registry.functions.updateCountry(wallet, country), self._agent())

    def mint(self, to: str, amount: int) -> None:
        self.transactor.send(self.token.functions.mint(to, amount), self._agent())

    def forced_transfer(self, sender: str, receiver: str, amount: int) -> None:
        self.transactor.send(self.token.functions.forcedTransfer(sender, receiver, amount), self._agent())


class ERC1404Adapter(TokenAdapter):
    """A simple restricted token: it can say whether a transfer would pass, but exposes no registry or lists."""

    standard = "erc1404"


ADAPTERS: dict[str, type[TokenAdapter]] = {"reference": ReferenceAdapter, "erc3643": ERC3643Adapter,
                                           "erc1404": ERC1404Adapter, "unknown": TokenAdapter}


def _answers(web3: Web3, address: str, abi: list[dict[str, Any]], name: str, *args: Any) -> Any:
    return _try(getattr(web3.eth.contract(address=address, abi=abi).functions, name)(*args))


def detect_standard(web3: Web3, address: str) -> str:
    """'reference', 'erc3643', 'erc1404', 'unknown', or 'none' when no contract code is at the address."""
    address = Web3.to_checksum_address(address)
    if not web3.eth.get_code(address):
        return "none"
    probe = [fn_abi("MAINLAND_CHINA", (), ("uint16",)),
             fn_abi("getInvestor", ("address",), ("bool", "bool", "uint16", "uint64"))]
    if _answers(web3, address, probe, "MAINLAND_CHINA") is not None and \
            _answers(web3, address, probe, "getInvestor", ZERO) is not None:
        return "reference"
    registry = _answers(web3, address, ERC3643_TOKEN_ABI, "identityRegistry")
    compliance = _answers(web3, address, ERC3643_TOKEN_ABI, "compliance")
    if registry and compliance and int(registry, 16) and int(compliance, 16):
        if _answers(web3, registry, ERC3643_REGISTRY_ABI, "isVerified", ZERO) is not None and \
                _answers(web3, compliance, ERC3643_COMPLIANCE_ABI, "canTransfer", ZERO, ZERO, 0) is not None:
            return "erc3643"
    if _answers(web3, address, ERC1404_ABI, "detectTransferRestriction", ZERO, ZERO, 0) is not None:
        return "erc1404"
    return "unknown"


__all__ = ["ADAPTERS", "ERC1404Adapter", "ERC3643Adapter", "ReferenceAdapter", "Reverted", "TokenAdapter",
           "Unsupported", "detect_standard"]
