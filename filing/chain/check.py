"""The chain stage: pick the chain and the actors, run cross-check and scenarios per tranche, return the evidence
(`ChainEvidence`), which the rulebook's CHAIN rules judge in the deal's one check (`filing.stages`).

Three modes (design.md): without an RPC URL the reference token is deployed from the deal on the embedded chain and
the full suite runs; with an RPC URL the deployed tokens are checked read-only; with `fork` a local anvil forks the
node and the full suite runs as the token's agent (found in the role logs unless given), leaving the node untouched.
On a fork of a T-REX token the stage is set first as its owners would (`TrexAdapter.prepare_fork`: an agent, a
trusted test claim issuer, identities with claims), the claim, recovery and batch scenarios run too (`fork.py`), and
every operation that went through where it should not is mined, so its finding names the transaction.
"""

from __future__ import annotations

import time
from pathlib import Path

from web3 import Web3

from filing.chain.adapters import TokenAdapter
from filing.chain.artifacts import Artifact
from filing.chain.connect import ChainError, Reverted, embedded_chain, is_embedded, load_key, rpc_chain
from filing.chain.crosscheck import config_checks, document_check
from filing.chain.deploy import DeployedTranche, TokenTerms, deploy_deal, maturity_timestamp, tranche_terms
from filing.chain.fork import trex_suite
from filing.chain.node import anvil, impersonate
from filing.chain.recognise import adapter_for
from filing.chain.report import ChainEvidence, TrancheReport
from filing.chain.scenarios import Actors, ScenarioResult, read_only_suite, run_suite, synthetic_wallet
from filing.chain.trex import TrexAdapter
from filing.errors import InputError, Problem
from filing.model.deal import Deal
from filing.model.load import LoadedDeal
from filing.progress import Progress, advance

SENDERS = 3


def probe_tokens(web3: Web3, deal: Deal, addresses: list[str], *, mode: str, actors: Actors | None = None,
                   manifest_sha256: str | None = None, require_document: bool = True,
                   detect: bool = True, progress: Progress | None = None) -> ChainEvidence:
    """Probe the tokens at `addresses` (one per tranche, in order) against the deal. With `actors` the full
    scenario suite runs (the chain must let `actors` send); without, only read-only scenarios. `progress` hears of
    each tranche as its checks and scenarios start."""
    now = web3.eth.get_block("latest")["timestamp"]
    tranches: list[TrancheReport] = []
    scenarios: list[ScenarioResult] = []
    problems: dict[str, list[str]] = {}
    for index, (tranche, address) in enumerate(zip(deal.token.tranches, addresses, strict=True)):
        advance(progress, f"tranche {tranche.id}", index, len(addresses))
        terms = tranche_terms(deal, tranche)
        try:
            adapter = adapter_for(web3, address)
        except ValueError:
            tranches.append(TrancheReport(tranche.id, tranche.symbol, address, "none"))
            continue
        checks = [*config_checks(adapter, terms), document_check(adapter, manifest_sha256)]
        details = adapter.describe()  # the token as found, before a fork's preparation changes it
        scenarios += read_only_suite(adapter, terms, tranche.id)
        if actors is not None:
            results, problems[tranche.id] = _full_suite(adapter, terms, tranche.id, actors, now, detect,
                                                        fork=mode == "fork")
            scenarios += results
            if isinstance(adapter, TrexAdapter) and adapter.setup:
                details["fork_setup"] = list(adapter.setup)
        tranches.append(TrancheReport(tranche.id, tranche.symbol, adapter.address, adapter.standard, checks,
                                      details))
    advance(progress, "findings", len(addresses), len(addresses))
    return ChainEvidence(mode, web3.eth.chain_id, tranches, scenarios, problems, require_document)


def _full_suite(adapter: TokenAdapter, terms: TokenTerms, tranche: str, actors: Actors, now: int,
                detect: bool, fork: bool = False) -> tuple[list[ScenarioResult], list[str]]:
    """The common suite; on a fork of a T-REX token, after setting the stage as its owners (`prepare_fork`), with
    the claim, recovery and batch scenarios too, and every unexpected success mined for its hash."""
    if not adapter.supports_writes:
        return [], [f"the {adapter.standard} interface has no registry or agent operations: only read-only "
                    "scenarios ran"]
    adapter.agent = actors.agent
    if not (fork and isinstance(adapter, TrexAdapter)):
        return run_suite(adapter, terms, tranche, actors, now, detect, mine_failures=fork)
    try:
        adapter.prepare_fork(actors.agent)
    except (Reverted, ChainError) as failure:
        return [], [f"setting up the T-REX token on the fork (agents, test claim issuer) failed: {failure}"]
    results, problems = run_suite(adapter, terms, tranche, actors, now, detect, mine_failures=True)
    extra, more = trex_suite(adapter, terms, tranche, now, results)
    return results + extra, problems + more


def embedded_actors(web3: Web3) -> tuple[str, str, Actors]:
    """(admin, agent, actors) from the embedded chain's (or an anvil node's) unlocked accounts."""
    accounts = web3.eth.accounts
    if len(accounts) < 2 + SENDERS:
        raise ChainError(f"the node has {len(accounts)} unlocked accounts; the suite needs {2 + SENDERS}")
    return accounts[0], accounts[1], Actors(accounts[1], accounts[2:2 + SENDERS])


def probe_embedded(deal: Deal, *, web3: Web3 | None = None, artifact: Artifact | None = None,
                   manifest_sha256: str | None = None, detect: bool = True,
                   progress: Progress | None = None) -> ChainEvidence:
    """Deploy the reference token (or `artifact` with the same constructor) from the deal on a fresh embedded chain
    (or on `web3`, e.g. a plain anvil node with unlocked accounts) and run the full suite."""
    web3 = web3 or embedded_chain()
    admin, agent, actors = embedded_actors(web3)
    advance(progress, "deploy", 0, len(deal.token.tranches))
    deployed = deploy_deal(web3, deal, admin, agent, artifact=artifact, manifest_sha256=manifest_sha256)
    return probe_tokens(web3, deal, [d.address for d in deployed],
                          mode="embedded" if is_embedded(web3) else "node", actors=actors,
                          manifest_sha256=manifest_sha256, require_document=manifest_sha256 is not None,
                          detect=detect, progress=progress)


def find_agent(web3: Web3, address: str) -> str | None:
    """The token's current agent, from its role logs (AccessControl roles are not enumerable)."""
    adapter = adapter_for(web3, address)
    for candidate in adapter.agent_candidates():
        if adapter.is_agent(candidate) is not False:
            return candidate
    return None


def fork_agent(web3: Web3, tokens: list[str]) -> str:
    """Who acts on the fork: the tokens' one agent from their role logs; for T-REX tokens without one, a fixed test
    address that their owners make an agent on the fork (`TrexAdapter.prepare_fork`). Raises ChainError otherwise."""
    deployed = [a for a in tokens if web3.eth.get_code(a)]
    found = {find_agent(web3, a) for a in deployed} - {None}
    if len(found) == 1:
        return str(found.pop())
    if not found and deployed and all(isinstance(adapter_for(web3, a), TrexAdapter) for a in deployed):
        return synthetic_wallet("fork.agent")
    raise ChainError(f"cannot tell the tokens' agent from the role logs ({len(found)} candidates); pass --agent "
                     "ADDRESS")


def _addresses(loaded: LoadedDeal, addresses: list[str] | None) -> list[str]:
    tranches = loaded.deal.token.tranches
    if addresses:
        if len(addresses) != len(tranches):
            raise InputError.single(loaded.source, f"{len(addresses)} --address given for {len(tranches)} "
                                    "tranche(s); give one per tranche, in the deal's order", path="token.tranches")
        bad = [a for a in addresses if not Web3.is_address(a)]
        if bad:
            raise InputError.single(loaded.source, f"not an address: {', '.join(bad)}", path="token.tranches")
        return [Web3.to_checksum_address(a) for a in addresses]
    missing = [i for i, t in enumerate(tranches) if not t.address]
    if missing:
        raise InputError.single(loaded.source, "no deployed address: set it in the deal or pass --address",
                                path=f"token.tranches[{missing[0]}].address")
    return [Web3.to_checksum_address(str(t.address)) for t in tranches]


def _refuse_past_maturity(loaded: LoadedDeal) -> None:
    """The reference token refuses a maturity in the past (its constructor reverts), so a deal whose legal maturity
    has passed cannot be deployed: said as a located input error, not as a failed transaction."""
    now = int(time.time())
    problems = [Problem(str(loaded.source), f"the legal maturity {tranche.legal_maturity} is past: the reference "
                                            "token cannot be deployed with a maturity before today (UTC)",
                        path=f"token.tranches[{index}].legal_maturity")
                for index, tranche in enumerate(loaded.deal.token.tranches)
                if maturity_timestamp(tranche.legal_maturity) <= now]
    if problems:
        raise InputError(problems)


def probe_contract(loaded: LoadedDeal, rpc: str | None = None, addresses: list[str] | None = None,
                   fork: bool = False, manifest_sha256: str | None = None,
                   agent: str | None = None, progress: Progress | None = None) -> ChainEvidence:
    """The chain stage's evidence on a deal (the module docstring says the three modes). Raises InputError for
    missing or malformed addresses and ChainError when the node or anvil cannot be used."""
    if rpc is None:
        if fork or addresses:
            raise InputError.single(loaded.source, "--fork and --address need --rpc")
        _refuse_past_maturity(loaded)
        return probe_embedded(loaded.deal, manifest_sha256=manifest_sha256, progress=progress)
    tokens = _addresses(loaded, addresses)
    upstream = rpc_chain(rpc)
    if not fork:
        return probe_tokens(upstream, loaded.deal, tokens, mode="rpc", manifest_sha256=manifest_sha256,
                              progress=progress)
    agent = Web3.to_checksum_address(agent) if agent else fork_agent(upstream, tokens)
    senders = [synthetic_wallet(f"sender.{i}") for i in range(SENDERS)]
    with anvil(fork_url=rpc) as (_url, web3):
        impersonate(web3, [agent, *senders])
        return probe_tokens(web3, loaded.deal, tokens, mode="fork", actors=Actors(agent, senders),
                              manifest_sha256=manifest_sha256, progress=progress)


def deploy_contracts(loaded: LoadedDeal, rpc: str, key_file: Path | None,
                     manifest_sha256: str | None = None, agent: str | None = None) -> list[DeployedTranche]:
    """Deploy one reference token per tranche to the node at `rpc`, signed with the key from `key_file` (or
    $FILING_DEPLOY_KEY). The key's address is the admin and, unless `agent` is given, the agent."""
    key = load_key(key_file)
    web3 = rpc_chain(rpc)
    return deploy_deal(web3, loaded.deal, key, agent, manifest_sha256=manifest_sha256)


__all__ = ["ChainError", "Reverted", "deploy_contracts", "embedded_actors", "find_agent", "fork_agent",
           "probe_contract", "probe_embedded", "probe_tokens"]
