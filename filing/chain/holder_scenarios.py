"""The scenarios on who may move a holder's tokens, beyond the receiver: ineligible transferFrom spenders, a holder
re-flagged (or flagged back) to the mainland, and a holder whose verification expired. Steps of the suite in
`filing.chain.scenarios.run_suite`, which fixes their order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from filing.chain.adapters import Unsupported
from filing.chain.connect import ChainError, Reverted
from filing.chain.deploy import MAINLAND_NUMERIC
from filing.chain.weakness import FORCED_BYPASS, SENDER_CHECK, SPENDER_CHECK

if TYPE_CHECKING:
    from filing.chain.scenarios import _Run


def spenders(run: _Run, holder: str, other: str, spender: str, agent: str, home: int, unit: int,
              problems: list[str]) -> None:
    """transferFrom between two eligible investors by a spender that is not one: refused. The unregistered spender is
    the agent (funded, never an investor); the mainland one is the usual spender re-flagged to 156 while it holds
    nothing, and flagged back afterwards. No ERC-1404 probe: `detectTransferRestriction` does not know the
    spender."""
    a = run.adapter
    try:
        a.approve(holder, agent, 100 * unit)
    except (Reverted, ChainError) as failure:
        problems.append(f"approving the unregistered spender failed: {failure}")
    else:
        run.attempt("transfer_from.by_unregistered_spender", "transfer_from", None, False, SPENDER_CHECK,
                    lambda: a.transfer_from(agent, holder, other, unit))
    try:
        a.set_country(spender, MAINLAND_NUMERIC)
    except (Reverted, ChainError, Unsupported) as failure:
        problems.append(f"re-flagging the spender to {MAINLAND_NUMERIC} failed: {failure}")
        return
    run.attempt(f"transfer_from.by_mainland_{MAINLAND_NUMERIC}_spender", "transfer_from", MAINLAND_NUMERIC, False,
                SPENDER_CHECK, lambda: a.transfer_from(spender, holder, other, unit))
    try:
        a.set_country(spender, home)
    except (Reverted, ChainError, Unsupported) as failure:
        problems.append(f"flagging the spender back to {home} failed: {failure}")


def flag_back(run: _Run, wallet: str, offshore: int, receiver: str, unit: int, problems: list[str]) -> None:
    """A mainland-recorded wallet re-flagged offshore while empty, minted to, then flagged back to 156: the last
    step must be refused, or the wallet must be frozen. Runs last: the wallet (the second investor, empty so far)
    may end up recorded as mainland."""
    a = run.adapter
    try:
        a.set_country(wallet, MAINLAND_NUMERIC)
        a.set_country(wallet, offshore)
        a.mint(wallet, unit)
    except (Reverted, ChainError, Unsupported) as failure:
        problems.append(f"setting up the flag-back scenario failed: {failure}")
        return
    reflag = len(run.results)
    if run.attempt("reflag.back_to_mainland_156", "reflag", MAINLAND_NUMERIC, False, SENDER_CHECK,
                   lambda: a.set_country(wallet, MAINLAND_NUMERIC), commit=True):
        run.attempt("transfer.from_flagged_back_mainland_156", "transfer", MAINLAND_NUMERIC, False, SENDER_CHECK,
                    lambda: a.transfer(wallet, receiver, unit), (wallet, receiver, unit))
        run.judge_accepted_reflag(reflag)


def expired_holder(run: _Run, holder: str, other: str, country: int, unit: int, past: int,
                    problems: list[str]) -> None:
    """The sender check without a re-flag: a holder whose verification has expired can no longer send, not even by
    forced transfer. Proves the freeze on tokens that refuse re-flagging their holders."""
    a = run.adapter
    try:
        a.set_expiry(holder, past)
    except (Reverted, ChainError, Unsupported) as failure:
        problems.append(f"expiring the holder's verification failed: {failure}")
        return
    run.attempt("transfer.from_expired_holder", "transfer", country, False, SENDER_CHECK,
                lambda: a.transfer(holder, other, unit), (holder, other, unit))
    run.attempt("forced_transfer.from_expired_holder", "forced_transfer", country, False, FORCED_BYPASS,
                lambda: a.forced_transfer(holder, other, unit), (holder, other, unit))
