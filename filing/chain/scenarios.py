"""The scenario suite: proving on chain that the token refuses the mainland and accepts the deal's investors.

Why scenarios and not just configuration reads: a token can list 156 as excluded and still let tokens reach the
mainland — through a forced transfer that skips compliance, a sender who was re-flagged after buying, or a wallet
with no country at all. Only trying the transfers shows it. Every expectation is derived from the deal
(`is_eligible`), except two that hold for every deal: 156 and country 0 are always refused.

Each scenario records what was expected, what happened and why (the decoded revert and the ERC-1404 code), and the
`weakness` it probes, by which the CHAIN rules (`filing.rules.chain`) turn failures into findings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from eth_utils import keccak
from web3 import Web3

from filing.chain.adapters import ZERO, TokenAdapter, Unsupported
from filing.chain.connect import ChainError, Reverted
from filing.chain.deploy import MAINLAND_NUMERIC, TokenTerms, is_eligible
from filing.chain.holder_scenarios import expired_holder, flag_back, spenders
from filing.chain.report import ScenarioResult
from filing.chain.weakness import (
    COUNTRY_ZERO,
    ELIGIBILITY,
    FALSE_REFUSAL,
    FORCED_BYPASS,
    INCONCLUSIVE,
    MAINLAND_RECEIVER,
    SENDER_CHECK,
    SPENDER_CHECK,
)
from filing.model.jurisdictions import normalise_jurisdiction

HK, MO, TW, SG = 344, 446, 158, 702
YEAR = 365 * 86_400

UNRELATED_CODES = {1: "paused", 8: "insufficient balance", 9: "cap exceeded", 10: "matured"}
"""Restriction codes that refuse for a reason other than the investor: a refusal with one of them proves nothing."""


@dataclass
class Actors:
    """Who acts: the token's agent and addresses that can send transactions (unlocked or impersonated)."""

    agent: str
    senders: Sequence[str]
    """At least three: the holder (re-flagged at the end), a second eligible investor, and a spender for
    transferFrom."""


def synthetic_wallet(label: str) -> str:
    """A fixed, keyless address for a receive-only investor: the same on every run, so reports are comparable."""
    return Web3.to_checksum_address(keccak(text=f"filing.scenario.{label}")[-20:])


@dataclass
class _Run:
    adapter: TokenAdapter
    tranche: str
    results: list[ScenarioResult] = field(default_factory=list)
    detect: bool = True
    mine_failures: bool = False
    """Mine an operation that should have been refused and was not (on a throw-away fork), for its hash."""

    def attempt(self, name: str, action: str, country: int | None, expected_ok: bool, weakness: str,
                operation: Callable[[], None], probe: tuple[str, str, int] | None = None,
                commit: bool = False) -> bool:
        """Try `operation`, proved by its simulated call; `commit` mines it when it passes, for a later scenario."""
        detected = self.adapter.detect_restriction(*probe) if (self.detect and probe) else None
        code = detected
        reason = error = tx_hash = None
        transactor = self.adapter.transactor
        try:
            if commit:
                operation()
                tx_hash = transactor.last_tx_hash
            else:
                with transactor.proving_by_call():
                    operation()
                if self.mine_failures and not expected_ok:
                    operation()
                    tx_hash = transactor.last_tx_hash
            actual = "allowed"
        except Reverted as refused:
            actual, error, reason = "refused", refused.info.name, refused.info.describe()
            code = refused.info.code if refused.info.code is not None else code
        except (ChainError, Unsupported) as failure:
            actual, reason = "error", str(failure)
        if reason is None and code:
            reason = self.adapter.message(code)
        expected = "allowed" if expected_ok else "refused"
        passed = actual == expected
        weakness = weakness if not expected_ok else FALSE_REFUSAL
        if passed and actual == "refused" and code in UNRELATED_CODES:
            passed, weakness = False, INCONCLUSIVE
            reason = f"refused for an unrelated reason ({UNRELATED_CODES[code]}): {reason}"
        if actual == "error":
            weakness = INCONCLUSIVE
        self.results.append(ScenarioResult(self.tranche, name, action, country, expected, actual, passed,
                                           weakness, reason, code, error, detected, tx_hash is not None, tx_hash))
        return actual == "allowed"

    def judge_accepted_reflag(self, index: int) -> None:
        """A re-flag to an excluded country that the token accepted passes only if it froze the wallet: every
        transfer or transferFrom tried out of it afterwards was refused (a forced transfer out of it is rule
        CHAIN-03's). Rule CHAIN-23 still warns that the register now shows a holder of an excluded country."""
        reflag = self.results[index]
        after = [r for r in self.results[index + 1:] if r.action in ("transfer", "transfer_from")]
        frozen = bool(after) and all(r.passed for r in after)
        reason = ("accepted; the wallet is frozen (its transfers are refused)" if frozen
                  else "accepted, and the wallet can still move its tokens")
        self.results[index] = replace(reflag, passed=frozen, reason=reason)


def _weak_for(country: int) -> str:
    if country == MAINLAND_NUMERIC:
        return MAINLAND_RECEIVER
    return COUNTRY_ZERO if country == 0 else ELIGIBILITY


def _label(country: int) -> str:
    """A readable, stable scenario label: mainland_156, country_0, HK_344, US_840."""
    special = {MAINLAND_NUMERIC: "mainland_156", 0: "country_0"}
    if country in special:
        return special[country]
    try:
        return f"{normalise_jurisdiction(f'{country:03d}')}_{country}"
    except Exception:  # noqa: BLE001 - an unknown numeric code keeps its number only
        return f"country_{country}"


def eligible_pair(terms: TokenTerms) -> list[int]:
    """Two eligible jurisdictions for the positive cases: HK and SG when the deal allows them, else its own list."""
    preferred = [HK, SG, *terms.allowed, 826, 392, 250, 276, 756, 124, 36]
    found: list[int] = []
    for country in preferred:
        if country not in found and is_eligible(country, terms.excluded, terms.allowed):
            found.append(country)
    return found[:2]


def run_suite(adapter: TokenAdapter, terms: TokenTerms, tranche: str, actors: Actors, now: int,
              detect: bool = True, mine_failures: bool = False) -> tuple[list[ScenarioResult], list[str]]:
    """Run every scenario against a token the agent can write to; return the results and setup problems.

    The order matters and is fixed: mints, then transfers, transferFrom and forced transfers from an eligible
    holder, transferFrom by ineligible spenders, then the re-flags: a mainland wallet re-flagged offshore, minted to
    and flagged back, then the holder re-flagged to 156 and 0. A token may refuse a re-flag of a holder (the reference
    token does) or accept it and freeze the wallet: when it accepts, the frozen wallet's transfers are tried. Last,
    the holder's verification expires, which must freeze it too. Every scenario is proved by the simulated call of
    its operation; transactions are mined only for the state later scenarios need: the registrations (one batch),
    the first mints, the allowances, the accepted re-flags and the expiry.
    """
    run = _Run(adapter, tranche, detect=detect, mine_failures=mine_failures)
    problems: list[str] = []
    pair = eligible_pair(terms)
    if len(pair) < 2:
        return [], ["the deal leaves fewer than two eligible jurisdictions; positive scenarios cannot run"]
    primary, secondary = pair
    holder, other, spender = actors.senders[:3]
    unit = max(1, min(10 ** terms.decimals, terms.cap // 512))
    future, past = now + 5 * YEAR, now - 86_400
    probes = sorted({MAINLAND_NUMERIC, 0, HK, MO, TW} | set(terms.excluded))
    receivers = {c: synthetic_wallet(f"{tranche}.{_label(c)}") for c in probes}
    unregistered, expired = synthetic_wallet(f"{tranche}.unregistered"), synthetic_wallet(f"{tranche}.expired")
    registry = [(holder, primary, future), (other, secondary, future), (spender, primary, future)] + \
        [(w, c, future) for c, w in receivers.items()]
    if adapter.supports_expiry:
        registry.append((expired, primary, past))
    try:
        adapter.register(registry)
    except (Reverted, ChainError, Unsupported) as failure:
        return [], [f"registering the scenario investors failed: {failure}"]
    if adapter.is_verified(holder) is False:
        return [], ["a registered scenario investor is not verified (the registry needs identity claims the suite "
                    "cannot create); run the suite on a token whose agent can verify wallets"]
    a = adapter
    ok = run.attempt(f"mint.to_eligible[{primary}]", "mint", primary, True, ELIGIBILITY,
                     lambda: a.mint(holder, 64 * unit), (ZERO, holder, 64 * unit), commit=True)
    targets = [(c, w) for c, w in receivers.items()] + [(None, unregistered)]
    if adapter.supports_expiry:
        targets.append((-1, expired))

    def describe(country: int | None) -> tuple[str, bool, str]:
        if country is None:
            return "unregistered", False, ELIGIBILITY
        if country == -1:
            return "expired", False, ELIGIBILITY
        allowed = is_eligible(country, terms.excluded, terms.allowed)
        return _label(country), allowed, _weak_for(country)

    for country, wallet in targets:
        label, allowed, weak = describe(country)
        code = country if country is not None and country >= 0 else None
        run.attempt(f"mint.to_{label}", "mint", code, allowed, weak,
                    lambda w=wallet: a.mint(w, unit), (ZERO, wallet, unit))
    run.attempt(f"transfer.to_eligible[{secondary}]", "transfer", secondary, True, ELIGIBILITY,
                lambda: a.transfer(holder, other, unit), (holder, other, unit))
    for country, wallet in targets:
        label, allowed, weak = describe(country)
        code = country if country is not None and country >= 0 else None
        run.attempt(f"transfer.to_{label}", "transfer", code, allowed, weak,
                    lambda w=wallet: a.transfer(holder, w, unit), (holder, wallet, unit))
    try:
        a.approve(holder, spender, 100 * unit)
    except (Reverted, ChainError) as failure:
        problems.append(f"approving the spender failed: {failure}")
    run.attempt(f"transfer_from.to_eligible[{secondary}]", "transfer_from", secondary, True, ELIGIBILITY,
                lambda: a.transfer_from(spender, holder, other, unit), (holder, other, unit))
    for country in (MAINLAND_NUMERIC, 0):
        wallet = receivers[country]
        run.attempt(f"transfer_from.to_{_label(country)}", "transfer_from", country, False, _weak_for(country),
                    lambda w=wallet: a.transfer_from(spender, holder, w, unit), (holder, wallet, unit))
    run.attempt(f"forced_transfer.to_eligible[{secondary}]", "forced_transfer", secondary, True, ELIGIBILITY,
                lambda: a.forced_transfer(holder, other, unit), (holder, other, unit))
    for country, wallet in [(MAINLAND_NUMERIC, receivers[MAINLAND_NUMERIC]), (0, receivers[0]),
                            (None, unregistered)]:
        label = "unregistered" if country is None else _label(country)
        run.attempt(f"forced_transfer.to_{label}", "forced_transfer", country, False, FORCED_BYPASS,
                    lambda w=wallet: a.forced_transfer(holder, w, unit), (holder, wallet, unit))
    # Sender side: the holder may send until it is re-flagged; after that nothing may move its tokens but a burn.
    run.attempt("transfer.from_eligible_holder", "transfer", primary, True, ELIGIBILITY,
                lambda: a.transfer(holder, other, unit), (holder, other, unit))
    spenders(run, holder, other, spender, actors.agent, primary, unit, problems)
    for country in (MAINLAND_NUMERIC, 0):
        label = _label(country)
        reflag = len(run.results)
        if not run.attempt(f"reflag.holder_to_{label}", "reflag", country, False, SENDER_CHECK,
                           lambda c=country: a.set_country(holder, c), commit=True):
            continue  # refused: the holder keeps an eligible country, so there is no re-flagged holder to try
        run.attempt(f"transfer.from_reflagged_{label}", "transfer", country, False, SENDER_CHECK,
                    lambda: a.transfer(holder, other, unit), (holder, other, unit))
        if country == MAINLAND_NUMERIC:
            run.attempt(f"transfer_from.from_reflagged_{label}", "transfer_from", country, False, SENDER_CHECK,
                        lambda: a.transfer_from(spender, holder, other, unit), (holder, other, unit))
            run.attempt(f"forced_transfer.from_reflagged_{label}", "forced_transfer", country, False,
                        FORCED_BYPASS, lambda: a.forced_transfer(holder, other, unit), (holder, other, unit))
        run.judge_accepted_reflag(reflag)
    if adapter.supports_expiry:
        expired_holder(run, holder, other, primary, unit, past, problems)
    flag_back(run, other, secondary, spender, unit, problems)
    if not ok:
        problems.append("minting to an eligible investor failed, so transfer scenarios ran without a balance")
    return _attribute(run.results), problems


_EXPLAINED_BY: dict[str, tuple[list[tuple[str, str]], str]] = {
    "transfer.to_country_0": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], COUNTRY_ZERO),
    "forced_transfer.to_mainland_156": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], FORCED_BYPASS),
    "forced_transfer.to_country_0": ([("transfer.to_country_0", COUNTRY_ZERO),
                                      ("forced_transfer.to_mainland_156", FORCED_BYPASS)], COUNTRY_ZERO),
    "transfer.from_reflagged_mainland_156": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], SENDER_CHECK),
    "transfer_from.from_reflagged_mainland_156": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], SENDER_CHECK),
    "forced_transfer.from_reflagged_mainland_156": ([("transfer.to_mainland_156", MAINLAND_RECEIVER),
                                                     ("transfer.from_reflagged_mainland_156", SENDER_CHECK)],
                                                    FORCED_BYPASS),
    "transfer.from_reflagged_country_0": ([("transfer.to_country_0", COUNTRY_ZERO),
                                           ("transfer.from_reflagged_mainland_156", SENDER_CHECK)], COUNTRY_ZERO),
    "reflag.holder_to_mainland_156": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], SENDER_CHECK),
    "reflag.back_to_mainland_156": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], SENDER_CHECK),
    "transfer.from_flagged_back_mainland_156": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], SENDER_CHECK),
    "reflag.holder_to_country_0": ([("transfer.to_country_0", COUNTRY_ZERO),
                                    ("transfer.from_reflagged_mainland_156", SENDER_CHECK)], SENDER_CHECK),
    "forced_transfer.from_expired_holder": ([("transfer.from_expired_holder", SENDER_CHECK)], FORCED_BYPASS),
    "transfer_from.by_mainland_156_spender": ([("transfer.to_mainland_156", MAINLAND_RECEIVER)], SPENDER_CHECK),
}
"""A failed scenario whose cause a simpler scenario already shows: (witnesses in order, weakness when none failed).
The first witness that failed names the weakness."""


def _attribute(results: list[ScenarioResult]) -> list[ScenarioResult]:
    """Name the weakness a failure reveals, so each weak token is blamed for its own gap only: a forced transfer or
    a re-flagged sender reaching 156 is the mainland gap when a plain transfer reaches 156 too; a forced transfer out
    of a re-flagged wallet that an ordinary transfer could also make is the sender gap; a country-0 failure is the
    country-0 gap unless the same path fails for 156 as well."""
    failed = {r.name for r in results if not r.passed and r.weakness != INCONCLUSIVE}
    out = []
    for result in results:
        explanation = _EXPLAINED_BY.get(result.name)
        if explanation and result.name in failed:
            witnesses, alone = explanation
            weakness = next((w for witness, w in witnesses if witness in failed), alone)
            result = replace(result, weakness=weakness)
        out.append(result)
    return out


def read_only_suite(adapter: TokenAdapter, terms: TokenTerms, tranche: str) -> list[ScenarioResult]:
    """What can be proved without writing: the configured jurisdiction lists and the view of an unregistered wallet.

    A real holder cannot be synthesised without the agent, so transfers are judged by `country_blocked` (the
    token's own answer for a country) and by `detectTransferRestriction`/`canTransfer` for an unregistered wallet.
    """
    results: list[ScenarioResult] = []
    probes = sorted({MAINLAND_NUMERIC, 0, HK, MO, TW} | set(terms.excluded) | set(terms.allowed))
    for country in probes:
        expected_ok = is_eligible(country, terms.excluded, terms.allowed)
        blocked = adapter.country_blocked(country)
        actual = "error" if blocked is None else ("refused" if blocked else "allowed")
        expected = "allowed" if expected_ok else "refused"
        reason = None if blocked is not None else f"{adapter.standard}: the token does not say whether it is blocked"
        results.append(ScenarioResult(tranche, f"read.country_{_label(country)}", "read", country, expected,
                                      actual, actual == expected,
                                      INCONCLUSIVE if blocked is None else
                                      (FALSE_REFUSAL if expected_ok else _weak_for(country)), reason))
    results += holder_scenarios(adapter, terms, tranche)
    unregistered = synthetic_wallet(f"{tranche}.unregistered")
    can = adapter.can_transfer(ZERO, unregistered, 1)
    code = adapter.detect_restriction(ZERO, unregistered, 1)
    actual = "error" if can is None else ("allowed" if can else "refused")
    results.append(ScenarioResult(tranche, "read.mint_to_unregistered", "read", None, "refused", actual,
                                  actual == "refused", INCONCLUSIVE if can is None else ELIGIBILITY,
                                  adapter.message(code) if code else None, code, None, code))
    return results


def holder_scenarios(adapter: TokenAdapter, terms: TokenTerms, tranche: str) -> list[ScenarioResult]:
    """Every current holder judged by the country the token records for it now (`investorCountry`).

    Why: transfer checks only guard the next move. A holder re-flagged to 156 after buying, or registered with
    country 0, holds the token today whatever those checks say, and only the registry shows it. Tokens that record no
    country (ERC-1404) are not asked.
    """
    if not adapter.records_countries:
        return []
    results = []
    for wallet in adapter.holders():
        country = adapter.investor_country(wallet)
        if country is None:
            results.append(ScenarioResult(tranche, f"read.holder[{wallet}]", "read", None, "allowed", "error", False,
                                          INCONCLUSIVE, "investorCountry did not answer"))
            continue
        eligible = is_eligible(country, terms.excluded, terms.allowed)
        reason = None if eligible else f"holds {adapter.balance_of(wallet)} base units with country {_label(country)}"
        results.append(ScenarioResult(tranche, f"read.holder[{wallet}]", "read", country,
                                      "allowed" if eligible else "refused", "allowed", eligible,
                                      FALSE_REFUSAL if eligible else _weak_for(country), reason))
    return results
