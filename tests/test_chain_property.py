"""Property: whatever the agent and holders do — register, re-flag, mint, transfer, force-transfer — no wallet
that is mainland (156), country 0, excluded or unregistered at the time ever gains or moves a token."""

from __future__ import annotations

from typing import Any

import pytest
from chain_support import deal_without_allowed_list
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filing.chain.adapters import ReferenceAdapter
from filing.chain.connect import ChainError, Reverted, embedded_chain
from filing.chain.deploy import deploy_deal, is_eligible, tranche_terms

COUNTRIES = [344, 702, 156, 0, 446, 158, 840]
WALLETS = 6


@pytest.fixture(scope="module")
def token() -> Any:
    web3 = embedded_chain()
    accounts = web3.eth.accounts
    deal = deal_without_allowed_list()
    (deployed,) = deploy_deal(web3, deal, accounts[0], accounts[1])
    adapter = ReferenceAdapter(web3, deployed.address)
    adapter.agent = accounts[1]
    terms = tranche_terms(deal, deal.token.tranches[0])
    return adapter, accounts[2:2 + WALLETS], terms


wallet = st.integers(0, WALLETS - 1)
amount = st.integers(1, 50)
operation = st.one_of(
    st.tuples(st.just("register"), wallet, st.sampled_from(COUNTRIES)),
    st.tuples(st.just("reflag"), wallet, st.sampled_from(COUNTRIES)),
    st.tuples(st.just("mint"), wallet, amount),
    st.tuples(st.just("transfer"), wallet, wallet, amount),
    st.tuples(st.just("forced"), wallet, wallet, amount),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=12))
def test_no_ineligible_wallet_gains_or_moves_tokens(token: Any, ops: list[tuple]) -> None:
    adapter, wallets, terms = token
    tester = adapter.web3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    country: dict[int, int | None] = dict.fromkeys(range(WALLETS))
    after = [adapter.balance_of(w) for w in wallets]
    try:
        for op in ops:
            before = after
            frozen = {i for i, c in country.items() if c is None or not is_eligible(c, terms.excluded, terms.allowed)}
            kind, i = op[0], op[1]
            try:
                if kind == "register" and country[i] is None:
                    adapter.register([(wallets[i], op[2], 2**63)])
                    country[i] = op[2]
                elif kind in ("register", "reflag") and country[i] is not None:
                    adapter.set_country(wallets[i], op[2])
                    country[i] = op[2]
                elif kind == "mint":
                    adapter.mint(wallets[i], op[2])
                elif kind == "transfer":
                    adapter.transfer(wallets[i], wallets[op[2]], op[3])
                elif kind == "forced":
                    adapter.forced_transfer(wallets[i], wallets[op[2]], op[3])
            except (Reverted, ChainError):
                pass
            after = [adapter.balance_of(w) for w in wallets]
            for j in frozen:
                assert after[j] == before[j], (op, j, country[j], before[j], after[j])
            for j, c in country.items():
                if c in (156, 0) and before[j] == 0:
                    assert after[j] == 0
    finally:
        tester.revert_to_snapshot(snapshot)
