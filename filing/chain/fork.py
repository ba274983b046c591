"""The scenarios only a fork of a T-REX token can run: claims, wallet recovery and batch operations.

Why a second suite: the common suite (`scenarios.run_suite`) tries what every permissioned token offers. A T-REX
token adds doors of its own: the identity registry trusts claims (are revoked, expired or self-issued ones
accepted?), `recoveryAddress` re-registers a holder's balance under a new wallet without asking the compliance, and
the batch functions are separate entry points an agent or holder can use. Each is tried here with fresh investors,
after the common suite, so its state (a re-flagged holder) does not interfere. On a fork a refused-as-expected
operation is proved by its call; one that went through where it should not is mined, for its transaction hash.
"""

from __future__ import annotations

from collections.abc import Callable

from filing.chain.adapters import ZERO
from filing.chain.connect import ChainError, Reverted
from filing.chain.deploy import MAINLAND_NUMERIC, TokenTerms
from filing.chain.node import impersonate
from filing.chain.scenarios import YEAR, ScenarioResult, _Run, eligible_pair, synthetic_wallet
from filing.chain.trex import TrexAdapter
from filing.chain.weakness import (
    ELIGIBILITY,
    EXPIRED_CLAIM,
    FORCED_BYPASS,
    MAINLAND_RECEIVER,
    RECOVERY_BYPASS,
    REVOKED_CLAIM,
    SELF_ISSUED_CLAIM,
)

CLAIMS = (("revoked", REVOKED_CLAIM), ("expired", EXPIRED_CLAIM), ("self_issued", SELF_ISSUED_CLAIM))

_TWINS = {"batch_mint.with_mainland_156": "mint.to_mainland_156",
          "batch_transfer.with_mainland_156": "transfer.to_mainland_156",
          "batch_forced_transfer.with_mainland_156": "forced_transfer.to_mainland_156"}
"""A batch scenario reaching 156 shows the gap its single-operation twin shows (named by the twin when that one
failed too), so a token is blamed once per gap."""


def trex_suite(adapter: TrexAdapter, terms: TokenTerms, tranche: str, now: int, earlier: list[ScenarioResult],
               mine_failures: bool = True) -> tuple[list[ScenarioResult], list[str]]:
    """Run the claim, recovery and batch scenarios on a prepared T-REX adapter (see `TrexAdapter.prepare_fork`)."""
    pair = eligible_pair(terms)
    if len(pair) < 2:
        return [], []
    primary, secondary = pair
    wallet = {k: synthetic_wallet(f"{tranche}.trex.{k}") for k in
              ("holder", "eligible", "mainland", "heir", "mainland_key", *(kind for kind, _ in CLAIMS))}
    future = now + 5 * YEAR
    try:
        adapter.register([(wallet["holder"], primary, future), (wallet["eligible"], secondary, future),
                          (wallet["mainland"], MAINLAND_NUMERIC, future)])
        for kind, _weakness in CLAIMS:
            adapter.register([(wallet[kind], primary, now - 86_400 if kind == "expired" else future)], claim=kind)
        adapter.add_wallet_key(adapter.identities[wallet["holder"]], wallet["heir"])
        adapter.add_wallet_key(adapter.identities[wallet["mainland"]], wallet["mainland_key"])
        impersonate(adapter.web3, [wallet["holder"]])  # it sends the batch transfers
    except (Reverted, ChainError) as failure:
        return [], [f"registering the T-REX claim and recovery investors failed: {failure}"]
    run = _Run(adapter, tranche, detect=False, mine_failures=mine_failures)
    unit = max(1, min(10 ** terms.decimals, terms.cap // 512))
    a, holder, eligible, mainland = adapter, wallet["holder"], wallet["eligible"], wallet["mainland"]
    failed = {r.name: r.weakness for r in earlier if not r.passed}

    def weak(name: str, alone: str) -> str:
        return failed.get(_TWINS.get(name, ""), alone)

    for kind, weakness in CLAIMS:
        target = wallet[kind]
        run.attempt(f"mint.to_{kind}_claim", "mint", primary, False, weakness,
                    lambda w=target: a.mint(w, unit), (ZERO, target, unit))
    funded = run.attempt("batch_mint.to_eligible", "batch_mint", primary, True, ELIGIBILITY,
                         lambda: a.batch_mint([holder, eligible], 16 * unit), commit=True)
    steps: list[tuple[str, str, int, bool, str, Callable[[], None]]] = [
        ("batch_mint.with_mainland_156", "batch_mint", MAINLAND_NUMERIC, False, MAINLAND_RECEIVER,
         lambda: a.batch_mint([eligible, mainland], unit)),
        ("batch_transfer.to_eligible", "batch_transfer", secondary, True, ELIGIBILITY,
         lambda: a.batch_transfer(holder, [eligible], unit)),
        ("batch_transfer.with_mainland_156", "batch_transfer", MAINLAND_NUMERIC, False, MAINLAND_RECEIVER,
         lambda: a.batch_transfer(holder, [eligible, mainland], unit)),
        ("batch_forced_transfer.with_mainland_156", "batch_forced_transfer", MAINLAND_NUMERIC, False, FORCED_BYPASS,
         lambda: a.batch_forced_transfer(holder, [eligible, mainland], unit)),
        # recovery to a new wallet of the holder's own identity first: the mainland one, if it passes, is mined
        ("recovery.to_own_identity", "recovery", primary, True, ELIGIBILITY,
         lambda: a.recover(holder, wallet["heir"], a.identities[holder].address)),
        ("recovery.to_mainland_identity", "recovery", MAINLAND_NUMERIC, False, RECOVERY_BYPASS,
         lambda: a.recover(holder, wallet["mainland_key"], a.identities[mainland].address)),
    ]
    for name, action, country, allowed, weakness, operation in steps:
        run.attempt(name, action, country, allowed, weak(name, weakness), operation)
    problems = [] if funded else ["minting to eligible T-REX investors failed, so batch and recovery scenarios ran "
                                  "without a balance"]
    return run.results, problems


__all__ = ["trex_suite"]
