"""Which adapter speaks to the token at an address: the standard detected from what the contract answers, and the
T-REX adapter for an ERC-3643 token whose registry is T-REX's (its own module builds on the generic adapters)."""

from __future__ import annotations

from web3 import Web3

from filing.chain.adapters import ADAPTERS, ERC3643Adapter, TokenAdapter, detect_standard
from filing.chain.trex import TrexAdapter, is_trex


def adapter_for(web3: Web3, address: str, standard: str | None = None) -> TokenAdapter:
    """The adapter of the token at `address` (detected unless `standard` is given); raises ValueError for 'none'.
    An ERC-3643 token whose registry is T-REX's (claim topics, trusted issuers) gets the T-REX adapter."""
    standard = standard or detect_standard(web3, address)
    if standard == "none":
        raise ValueError(f"no contract code at {address}")
    adapter = ADAPTERS[standard](web3, address)
    if isinstance(adapter, ERC3643Adapter) and is_trex(web3, adapter.registry.address):
        return TrexAdapter(web3, address)
    return adapter
