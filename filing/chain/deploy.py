"""Deploying the reference token: one token per tranche, configured from the deal.

Why derive every constructor argument here: the cross-check compares a deployed token with `tranche_terms()`, so
the deployer and the checker must agree on what "the deal's token" is — name, symbol, decimals, cap in base units,
maturity as a timestamp and the jurisdiction lists as ISO 3166 numeric codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from web3 import Web3

from filing.chain.artifacts import Artifact, load_artifact
from filing.chain.calls import Transactor
from filing.chain.connect import DeployKey, is_embedded
from filing.model.deal import Deal, Tranche
from filing.model.jurisdictions import MAINLAND, numeric_code

MAINLAND_NUMERIC = 156
EPOCH = date(1970, 1, 1)
DAY_SECONDS = 86_400
EMBEDDED_DEPLOY_GAS = 8_000_000
"""A fixed limit for deploying on the embedded chain (the reference token uses about 3.1 million): eth-tester's
estimate runs the constructor a dozen times over, 0.4 s a token, and gas there costs nothing. A node estimates."""
FILING_MANIFEST_DOCUMENT = b"filing.manifest".ljust(32, b"\0")
"""`bytes32("filing.manifest")`, the document name under which the packet manifest's SHA-256 is recorded."""


@dataclass(frozen=True)
class TokenTerms:
    """What the token of one tranche must say, in the units the contract uses."""

    name: str
    symbol: str
    decimals: int
    cap: int
    """Principal × 10^decimals (base units)."""
    maturity: int
    """Unix seconds of the end of the legal-maturity day (UTC)."""
    excluded: tuple[int, ...]
    """The deal's excluded jurisdictions as ISO 3166 numeric codes; 156 is always among them."""
    allowed: tuple[int, ...]
    """The deal's allowed jurisdictions; empty means every jurisdiction that is not excluded."""


@dataclass(frozen=True)
class DeployedTranche:
    """One deployed tranche token."""

    tranche_id: str
    symbol: str
    address: str
    tx_hash: str
    block_number: int
    admin: str
    agent: str
    manifest_sha256: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def maturity_timestamp(day: date) -> int:
    """The first second after `day` (UTC): the token refuses transfers at `timestamp >= maturity`, so this keeps the
    whole legal-maturity day open and closes the token at its end."""
    return ((day - EPOCH).days + 1) * DAY_SECONDS  # day arithmetic: 9999-12-31 + 1 day is no datetime


def deal_jurisdictions(deal: Deal) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(excluded, allowed) numeric codes of the deal, sorted; the mainland is excluded whatever the deal says."""
    investors = deal.offering.investors
    excluded = {numeric_code(j) for j in investors.excluded_jurisdictions} | {numeric_code(MAINLAND)}
    allowed = {numeric_code(j) for j in investors.allowed_jurisdictions} - excluded
    return tuple(sorted(excluded)), tuple(sorted(allowed))


def is_eligible(country: int, excluded: Sequence[int], allowed: Sequence[int]) -> bool:
    """Whether the deal lets an investor of `country` hold the token: never 0 nor 156, never an excluded code, and in
    the allowed list when the deal has one. This is the expectation every scenario is judged against."""
    if country in (0, MAINLAND_NUMERIC) or country in excluded:
        return False
    return not allowed or country in allowed


def tranche_terms(deal: Deal, tranche: Tranche) -> TokenTerms:
    excluded, allowed = deal_jurisdictions(deal)
    cap = int(tranche.principal * (10 ** tranche.decimals))
    return TokenTerms(tranche.name_en, tranche.symbol, tranche.decimals, cap,
                      maturity_timestamp(tranche.legal_maturity), excluded, allowed)


def deploy_deal(web3: Web3, deal: Deal, sender: str | DeployKey, agent: str | None = None, *,
                artifact: Artifact | None = None, manifest_sha256: str | None = None,
                manifest_uri: str = "") -> list[DeployedTranche]:
    """Deploy one token per tranche, in the deal's order.

    `sender` is an unlocked address or a DeployKey; it becomes the admin and, unless `agent` is given, the agent.
    With `manifest_sha256` (hex) each token records the packet manifest under `bytes32("filing.manifest")`.
    `artifact` defaults to the bundled reference token (tests pass weakened variants with the same constructor).
    Raises `Reverted` when a constructor refuses (e.g. a legal maturity already past) and ChainError on node trouble.
    """
    artifact = artifact or load_artifact()
    keys = [sender] if isinstance(sender, DeployKey) else []
    admin = sender.address if isinstance(sender, DeployKey) else Web3.to_checksum_address(sender)
    agent = Web3.to_checksum_address(agent) if agent else admin
    transactor = Transactor(web3, [artifact.abi_list], keys)
    factory = web3.eth.contract(abi=artifact.abi_list, bytecode=artifact.bytecode)
    digest = bytes.fromhex(manifest_sha256.removeprefix("0x")) if manifest_sha256 else None
    if digest is not None and len(digest) != 32:
        raise ValueError("manifest_sha256 must be 32 bytes of hex")
    deployed = []
    for tranche in deal.token.tranches:
        terms = tranche_terms(deal, tranche)
        constructor = factory.constructor(terms.name, terms.symbol, terms.decimals, terms.cap, terms.maturity,
                                          admin, agent, list(terms.excluded), list(terms.allowed))
        receipt = transactor.send(constructor, admin, gas=EMBEDDED_DEPLOY_GAS if is_embedded(web3) else None)
        address = receipt["contractAddress"]
        if digest is not None:
            token = web3.eth.contract(address=address, abi=artifact.abi_list)
            transactor.send(token.functions.setDocument(FILING_MANIFEST_DOCUMENT, manifest_uri, digest), admin)
        deployed.append(DeployedTranche(tranche.id, tranche.symbol, address, Web3.to_hex(receipt["transactionHash"]),
                                        receipt["blockNumber"], admin, agent,
                                        digest.hex() if digest is not None else None))
    return deployed
