"""Minimal ABI fragments of the standards the adapters probe (ERC-20, ERC-1404, ERC-1643, ERC-3643 token, identity
registry, compliance and country modules), written from the interfaces named in tokens.md, so that a token of any
origin can be read without its own artifact."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eth_utils import keccak


def fn_abi(name: str, inputs: Iterable[str] = (), outputs: Iterable[str] = (), mutable: bool = False) -> dict[str, Any]:
    return {"type": "function", "name": name, "stateMutability": "nonpayable" if mutable else "view",
            "inputs": [{"name": f"a{i}", "type": t} for i, t in enumerate(inputs)],
            "outputs": [{"name": "", "type": t} for t in outputs]}


def _event(name: str, inputs: Iterable[tuple[str, bool]]) -> dict[str, Any]:
    return {"type": "event", "name": name, "anonymous": False,
            "inputs": [{"name": f"a{i}", "type": t, "indexed": ix} for i, (t, ix) in enumerate(inputs)]}


ERC20_ABI = [
    fn_abi("name", (), ("string",)), fn_abi("symbol", (), ("string",)), fn_abi("decimals", (), ("uint8",)),
    fn_abi("totalSupply", (), ("uint256",)), fn_abi("balanceOf", ("address",), ("uint256",)),
    fn_abi("transfer", ("address", "uint256"), ("bool",), True),
    fn_abi("approve", ("address", "uint256"), ("bool",), True),
    fn_abi("transferFrom", ("address", "address", "uint256"), ("bool",), True),
    _event("Transfer", (("address", True), ("address", True), ("uint256", False))),
]
ERC1404_ABI = [fn_abi("detectTransferRestriction", ("address", "address", "uint256"), ("uint8",)),
               fn_abi("messageForTransferRestriction", ("uint8",), ("string",))]
ERC1643_ABI = [fn_abi("getDocument", ("bytes32",), ("string", "bytes32", "uint256")),
               fn_abi("getAllDocuments", (), ("bytes32[]",))]
ERC3643_TOKEN_ABI = [
    fn_abi("identityRegistry", (), ("address",)), fn_abi("compliance", (), ("address",)),
    fn_abi("mint", ("address", "uint256"), (), True), fn_abi("burn", ("address", "uint256"), (), True),
    fn_abi("forcedTransfer", ("address", "address", "uint256"), ("bool",), True),
    fn_abi("isAgent", ("address",), ("bool",)), fn_abi("cap", (), ("uint256",)), fn_abi("maturity", (), ("uint64",)),
    _event("AgentAdded", (("address", True),)),
]
ERC3643_REGISTRY_ABI = [
    fn_abi("isVerified", ("address",), ("bool",)), fn_abi("investorCountry", ("address",), ("uint16",)),
    fn_abi("identity", ("address",), ("address",)),
    fn_abi("registerIdentity", ("address", "address", "uint16"), (), True),
    fn_abi("batchRegisterIdentity", ("address[]", "address[]", "uint16[]"), (), True),
    fn_abi("updateCountry", ("address", "uint16"), (), True), _event("AgentAdded", (("address", True),)),
]
ERC3643_COMPLIANCE_ABI = [fn_abi("canTransfer", ("address", "address", "uint256"), ("bool",)),
                          fn_abi("getModules", (), ("address[]",)), fn_abi("getTokenBound", (), ("address",))]
COUNTRY_MODULE_ABI = [fn_abi("name", (), ("string",)), fn_abi("isCountryRestricted", ("address", "uint16"), ("bool",)),
                      fn_abi("isCountryAllowed", ("address", "uint16"), ("bool",))]
ROLE_GRANTED = "0x" + keccak(text="RoleGranted(bytes32,address,address)").hex()
AGENT_ADDED = "0x" + keccak(text="AgentAdded(address)").hex()
TRANSFER = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
