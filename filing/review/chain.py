"""The chain checks of a review (``--rpc``): the tokens match the packet's deal, they record this packet's manifest
hash, and the manifest's signer controls them.

Why the signer's role matters: a valid signature only says some key signed the manifest. The token's admin or agent
is the party that actually runs the token, so a manifest signed by that key is the filer's statement about that
token; a manifest signed by anyone else is not. The contract check itself is the chain stage's (``stages.contract``),
run read-only against the addresses in the packet's deal, with the manifest hash to compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from filing import stages
from filing.chain.connect import ChainError, rpc_chain
from filing.chain.recognise import adapter_for
from filing.chain.report import ContractReport
from filing.chain.weakness import MANIFEST_FIELD
from filing.errors import InputError
from filing.findings import Finding, Severity
from filing.model.load import LoadedDeal
from filing.review.integrity import Manifest
from filing.review.report import Check, Issue, check

MANIFEST_RULES = ("CHAIN-11", "CHAIN-12")
"""The chain findings about that hash; they belong to the ``chain-manifest`` check, not to ``chain-contract``."""
DEFAULT_ADMIN_ROLE = b"\0" * 32
ROLE_ABI = [
    {"type": "function", "name": "hasRole", "stateMutability": "view",
     "inputs": [{"name": "role", "type": "bytes32"}, {"name": "account", "type": "address"}],
     "outputs": [{"name": "", "type": "bool"}]},
    {"type": "function", "name": "owner", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "address"}]},
]
"""OpenZeppelin AccessControl's admin role (the reference token) and Ownable's owner (ERC-3643 T-REX tokens)."""


@dataclass(frozen=True)
class ChainReview:
    checks: list[Check]
    findings: list[Finding]


def review_chain(loaded: LoadedDeal | None, manifest: Manifest | None, signer: str | None, rpc: str) -> ChainReview:
    """The chain-contract, chain-manifest and signer-role checks; InputError (exit 2) when the node is unusable."""
    if loaded is None:
        issue = Issue("data/deal.json", "not checked: the packet's deal does not load")
        return ChainReview([check(name, [], [issue]) for name in ("chain-contract", "chain-manifest", "signer-role")],
                           [])
    try:
        web3 = rpc_chain(rpc)
        report = stages.contract(loaded, rpc=rpc, manifest_sha256=manifest.sha256 if manifest else None)
    except ChainError as error:
        raise InputError.single("--rpc", f"the node cannot be used: {error}") from None
    except InputError as error:
        issues = [Issue(p.path, p.message) for p in error.problems]
        return ChainReview([check(name, [], issues) for name in ("chain-contract", "chain-manifest", "signer-role")],
                           [])
    return ChainReview([_contract_check(report), _manifest_check(report), _role_check(web3, report, signer)],
                       list(report.findings))


def _contract_check(report: ContractReport) -> Check:
    findings = [f for f in report.findings if f.rule not in MANIFEST_RULES and f.counts]
    blockers = [f for f in findings if f.severity is Severity.blocker]
    failed = [s for s in report.scenarios if not s.passed]
    evidence = [f"{len(report.tranches)} token(s) on chain {report.chain_id} ({report.standard}), mode {report.mode}",
                f"{len(report.scenarios) - len(failed)} of {len(report.scenarios)} scenario(s) passed"]
    issues = [Issue(f.path, f"{f.rule}: {f.message}") for f in blockers]
    if issues:
        return check("chain-contract", evidence, issues)
    warnings = [f for f in findings if f.severity is Severity.warning]
    return check("chain-contract", evidence, [Issue(f.path, f"{f.rule}: {f.message}") for f in warnings], warn=True)


def _manifest_check(report: ContractReport) -> Check:
    """Every token must record exactly this packet's manifest SHA-256 under ``filing.manifest``."""
    evidence, issues = [], []
    for tranche in report.tranches:
        recorded = next((c for c in tranche.checks if c.field == MANIFEST_FIELD), None)
        actual = recorded.actual if recorded else None
        evidence.append(f"{tranche.tranche} {tranche.address}: filing.manifest = {actual or 'not recorded'}")
        if recorded is None or recorded.ok is not True:
            expected = recorded.expected if recorded else None
            issues.append(Issue(f"{tranche.tranche} {tranche.address}",
                                f"the token records the manifest hash {actual or 'nothing'}; this packet's manifest "
                                f"is {expected}"))
    return check("chain-manifest", evidence, issues)


def _role_check(web3: Web3, report: ContractReport, signer: str | None) -> Check:
    if signer is None:
        return check("signer-role", [], [Issue("manifest.sig.json", "no verified signer to look up on chain")])
    evidence, issues = [], []
    for tranche in report.tranches:
        if not tranche.address:
            continue
        roles = _roles(web3, tranche.address, signer)
        evidence.append(f"{tranche.tranche} {tranche.address}: {signer} holds {', '.join(roles) or 'no role'}")
        if not roles:
            issues.append(Issue(f"{tranche.tranche} {tranche.address}",
                                f"the manifest's signer {signer} is neither admin nor agent of the token"))
    return check("signer-role", evidence, issues)


def _roles(web3: Web3, address: str, signer: str) -> list[str]:
    """The roles `signer` holds on the token: 'admin' (AccessControl admin or Ownable owner) and 'agent'."""
    roles = []
    token = web3.eth.contract(address=Web3.to_checksum_address(address), abi=ROLE_ABI)
    if _call(token.functions.hasRole(DEFAULT_ADMIN_ROLE, signer)) is True or \
            str(_call(token.functions.owner())).lower() == signer.lower():
        roles.append("admin")
    try:
        is_agent = adapter_for(web3, address).is_agent(signer)
    except ValueError:  # no code at the address; the contract check reports that
        is_agent = None
    if is_agent:
        roles.append("agent")
    return roles


def _call(function) -> object:
    """A read that a token may not implement: its answer, or None."""
    try:
        return function.call()
    except Exception:  # noqa: BLE001 - a missing function or a revert both mean "does not say"
        return None
