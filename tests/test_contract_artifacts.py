"""The committed token artifact: it is what the pinned compiler makes of the sources, and it enforces the rules.

(a) Recompiles `contracts/src` with `node contracts/compile.js --out TMP` and compares with
    `contracts/artifacts/OffshoreABSToken.json` (skipped only when `contracts/node_modules` is not installed).
(b) Deploys the committed artifact on the embedded chain (web3 + eth-tester/py-evm) and exercises the jurisdiction,
    registry, cap, ERC-1404, forced-transfer and document behaviour. One deployment per module; every test runs
    between a chain snapshot and its revert, so tests do not see each other's transactions.
"""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from eth_abi import decode as abi_decode
from eth_tester.exceptions import TransactionFailed
from eth_utils import keccak
from web3 import EthereumTesterProvider, Web3
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

REPO = Path(__file__).resolve().parents[1]
CONTRACTS = REPO / "contracts"
ARTIFACT = CONTRACTS / "artifacts" / "OffshoreABSToken.json"
SOURCE = CONTRACTS / "src" / "OffshoreABSToken.sol"

HK, MO, TW, SG, CN, US = 344, 446, 158, 702, 156, 840
DAY = 86_400
YEAR = 365 * DAY

# ERC-1404 restriction codes (contracts/README.md)
SUCCESS, PAUSED = 0, 1
SENDER_NOT_VERIFIED, RECEIVER_NOT_VERIFIED = 2, 3
SENDER_EXPIRED, RECEIVER_EXPIRED = 4, 5
SENDER_JURISDICTION, RECEIVER_JURISDICTION = 6, 7
INSUFFICIENT_BALANCE, CAP_EXCEEDED, TOKEN_MATURED, SPENDER_NOT_ELIGIBLE = 8, 9, 10, 11


@pytest.fixture(scope="module")
def artifact() -> dict[str, Any]:
    return json.loads(ARTIFACT.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# (a) the committed artifact is reproducible
# ---------------------------------------------------------------------------------------------------------------


def test_artifact_shape(artifact: dict[str, Any]) -> None:
    assert sorted(artifact) == [
        "abi",
        "bytecode",
        "compiler",
        "contractName",
        "deployedBytecode",
        "sourcePath",
        "sourceSha256",
    ]
    assert artifact["contractName"] == "OffshoreABSToken"
    assert artifact["compiler"]["version"].startswith("0.8.37+")
    assert artifact["compiler"]["evmVersion"] == "cancun"
    assert artifact["compiler"]["optimizer"] == {"enabled": True, "runs": 200}
    assert artifact["bytecode"].startswith("0x") and len(artifact["bytecode"]) > 1000
    assert artifact["sourcePath"] == "contracts/src/OffshoreABSToken.sol"
    assert artifact["sourceSha256"] == hashlib.sha256(SOURCE.read_bytes()).hexdigest(), (
        "contracts/src/OffshoreABSToken.sol changed without recompiling: run `node contracts/compile.js`"
    )
    # byte-stable rendering: sorted keys, two-space indent, trailing newline
    text = ARTIFACT.read_text(encoding="utf-8")
    assert text == json.dumps(artifact, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_standard_selectors_present(artifact: dict[str, Any]) -> None:
    """The selectors other tools probe for (ERC-1404, ERC-3643 reads) are in the ABI."""
    selectors = {
        "0x" + keccak(text=f"{e['name']}({','.join(i['type'] for i in e['inputs'])})")[:4].hex()
        for e in artifact["abi"]
        if e["type"] == "function"
    }
    for expected in (
        "0xd4ce1415",
        "0x7f4ab1dd",
        "0xb9209e33",
        "0x7e42683b",
        "0xe46638e6",
        "0x134e18f4",
        "0x6290865d",
    ):
        assert expected in selectors


def _node_ready() -> str | None:
    if not (CONTRACTS / "node_modules" / "solc").is_dir():
        return "contracts/node_modules is not installed (run `npm ci --prefix contracts`)"
    if shutil.which("node") is None:
        return "node is not on PATH"
    return None


def test_recompile_matches_committed(tmp_path: Path, artifact: dict[str, Any]) -> None:
    reason = _node_ready()
    if reason:
        pytest.skip(reason)
    proc = subprocess.run(
        ["node", str(CONTRACTS / "compile.js"), "--out", str(tmp_path)],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    fresh_path = tmp_path / "OffshoreABSToken.json"
    fresh = json.loads(fresh_path.read_text(encoding="utf-8"))
    assert fresh["abi"] == artifact["abi"]
    assert fresh["bytecode"] == artifact["bytecode"], (
        "stale artifact: run `node contracts/compile.js` and commit"
    )
    assert fresh["deployedBytecode"] == artifact["deployedBytecode"]
    assert fresh_path.read_bytes() == ARTIFACT.read_bytes()


# ---------------------------------------------------------------------------------------------------------------
# Revert decoding: custom errors arrive as raw revert data
# ---------------------------------------------------------------------------------------------------------------


def _revert_data(exc: BaseException) -> bytes:
    data = getattr(exc, "data", None)  # web3 ContractCustomError / ContractLogicError over JSON-RPC
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    message = str(exc.args[0]) if exc.args else str(exc)  # eth-tester: "execution reverted: b'...'"
    payload = message.split("execution reverted: ", 1)[-1].strip()
    if payload.startswith(("b'", 'b"')):
        return ast.literal_eval(payload)
    if payload.startswith("0x"):
        return bytes.fromhex(payload[2:])
    raise AssertionError(f"no revert data in {exc!r}")


def decode_revert(abi: list[dict[str, Any]], exc: BaseException) -> tuple[str, tuple[Any, ...]]:
    """Name and arguments of the custom error (from `abi`) that `exc` carries."""
    data = _revert_data(exc)
    for entry in abi:
        if entry["type"] != "error":
            continue
        types = [i["type"] for i in entry["inputs"]]
        if keccak(text=f"{entry['name']}({','.join(types)})")[:4] == data[:4]:
            values = abi_decode(types, data[4:])
            return entry["name"], tuple(
                Web3.to_checksum_address(v) if t == "address" else v
                for t, v in zip(types, values, strict=True)
            )
    raise AssertionError(f"unknown revert selector 0x{data[:4].hex()}")


# ---------------------------------------------------------------------------------------------------------------
# (b) behaviour on the embedded chain
# ---------------------------------------------------------------------------------------------------------------


class Chain:
    """One embedded chain with one deployed token and named wallets."""

    def __init__(self, abi: list[dict[str, Any]], bytecode: str, *, populate: bool = True) -> None:
        self.w3 = Web3(EthereumTesterProvider())
        self.abi = abi
        self.factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        acc = self.w3.eth.accounts
        self.admin, self.agent = acc[0], acc[1]
        self.hk, self.sg, self.reflag, self.mo, self.outsider = acc[2], acc[3], acc[4], acc[5], acc[6]
        self.now = self.w3.eth.get_block("latest")["timestamp"]
        self.future = self.now + 10 * YEAR
        self.past = self.now - DAY
        if not populate:
            return
        self.token = self.deploy()
        # receive-only wallets need no key
        self.cn = self.address(0xC1)
        self.unregistered = self.address(0xC2)
        self.expired = self.address(0xC3)
        self.country0 = self.address(0xC4)
        self.tw = self.address(0xC5)
        self.sg2 = self.address(0xC6)
        for wallet, country, expiry in [
            (self.hk, HK, self.future),
            (self.sg, SG, self.future),
            (self.reflag, HK, self.future),
            (self.mo, MO, self.future),
            (self.cn, CN, self.future),
            (self.expired, HK, self.past),
            (self.country0, 0, self.future),
            (self.tw, TW, self.future),
            (self.sg2, SG, self.future),
        ]:
            self.tx(self.token.functions.registerInvestor(wallet, country, expiry))
        self.tx(self.token.functions.mint(self.hk, 1_000))
        self.tx(self.token.functions.mint(self.reflag, 500))

    @staticmethod
    def address(n: int) -> str:
        return Web3.to_checksum_address(f"0x{n:040x}")

    def deploy(self, **overrides: Any) -> Any:
        args = {
            "name": "Tranche A",
            "symbol": "ABS-A",
            "decimals": 6,
            "cap": 1_000_000,
            "maturity": self.now + 20 * YEAR,
            "admin": self.admin,
            "agent": self.agent,
            "excluded": [US],
            "allowed": [],
        } | overrides
        tx = self.factory.constructor(*args.values()).transact({"from": self.admin})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=self.abi)

    def tx(self, fn: Any, sender: str | None = None) -> Any:
        receipt = self.w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender or self.agent}))
        assert receipt["status"] == 1
        return receipt

    def reverts(self, fn: Any, sender: str | None = None) -> tuple[str, tuple[Any, ...]]:
        with pytest.raises((TransactionFailed, ContractLogicError)) as info:
            fn.transact({"from": sender or self.agent})
        return decode_revert(self.abi, info.value)

    def restricted(self, fn: Any, sender: str | None = None) -> int:
        name, args = self.reverts(fn, sender)
        assert name == "TransferRestricted", (name, args)
        return args[0]


@pytest.fixture(scope="module")
def module_chain(artifact: dict[str, Any]) -> Chain:
    return Chain(artifact["abi"], artifact["bytecode"])


@pytest.fixture
def chain(module_chain: Chain):
    tester = module_chain.w3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    yield module_chain
    tester.revert_to_snapshot(snapshot)


def test_mint_to_hk_verified_investor(chain: Chain) -> None:
    t = chain.token
    assert t.functions.balanceOf(chain.hk).call() == 1_000
    chain.tx(t.functions.mint(chain.mo, 250))
    assert t.functions.balanceOf(chain.mo).call() == 250
    assert t.functions.totalSupply().call() == 1_750
    assert t.functions.investorCountry(chain.hk).call() == HK
    assert t.functions.isVerified(chain.hk).call() is True
    assert t.functions.isCountryAllowed(HK).call() and t.functions.isCountryAllowed(TW).call()
    chain.tx(t.functions.mint(chain.tw, 1))  # Taiwan is outside the mainland


def test_mint_to_mainland_reverts(chain: Chain) -> None:
    assert chain.restricted(chain.token.functions.mint(chain.cn, 1)) == RECEIVER_JURISDICTION
    assert chain.token.functions.balanceOf(chain.cn).call() == 0


def test_transfer_hk_to_mainland_reverts(chain: Chain) -> None:
    t = chain.token
    assert chain.restricted(t.functions.transfer(chain.cn, 10), chain.hk) == RECEIVER_JURISDICTION
    chain.tx(t.functions.approve(chain.sg, 10), chain.hk)
    assert (
        chain.restricted(t.functions.transferFrom(chain.hk, chain.cn, 10), chain.sg) == RECEIVER_JURISDICTION
    )
    assert t.functions.canTransfer(chain.hk, chain.cn, 10).call() is False


def test_holder_cannot_be_reflagged_to_an_ineligible_country(chain: Chain) -> None:
    t = chain.token
    chain.tx(t.functions.transfer(chain.hk, 1), chain.reflag)  # still HK: fine
    assert t.functions.receivedCountry(chain.reflag).call() == HK
    for country in (CN, 0, US):
        assert chain.reverts(t.functions.updateCountry(chain.reflag, country)) == (
            "HolderCountryIneligible", (chain.reflag, country))
    chain.tx(t.functions.updateCountry(chain.reflag, SG))  # another eligible country is a plain correction
    chain.tx(t.functions.updateCountry(chain.reflag, HK))
    # removing the holder and registering it again as mainland is refused too
    chain.tx(t.functions.removeInvestor(chain.reflag))
    assert chain.reverts(t.functions.registerInvestor(chain.reflag, CN, chain.future))[0] == "HolderCountryIneligible"
    chain.tx(t.functions.registerInvestor(chain.reflag, HK, chain.future))
    # the remedy: freeze, burn, then record the new country
    chain.tx(t.functions.setVerified(chain.reflag, False))
    chain.tx(t.functions.burn(chain.reflag, 499))
    chain.tx(t.functions.updateCountry(chain.reflag, CN))
    assert t.functions.investorCountry(chain.reflag).call() == CN and t.functions.balanceOf(chain.reflag).call() == 0


def test_mainland_wallet_laundered_through_hk_cannot_be_flagged_back(chain: Chain) -> None:
    t = chain.token
    chain.tx(t.functions.updateCountry(chain.cn, HK))  # empty wallet: a correction is possible
    chain.tx(t.functions.mint(chain.cn, 5))
    assert t.functions.receivedCountry(chain.cn).call() == HK
    assert chain.reverts(t.functions.updateCountry(chain.cn, CN))[0] == "HolderCountryIneligible"
    assert t.functions.investorCountry(chain.cn).call() == HK


def test_holder_whose_country_is_later_excluded_is_frozen(chain: Chain) -> None:
    t = chain.token
    chain.tx(t.functions.setCountryExcluded(HK, True), chain.admin)
    assert chain.restricted(t.functions.transfer(chain.sg, 1), chain.reflag) == SENDER_JURISDICTION
    assert t.functions.detectTransferRestriction(chain.reflag, chain.sg, 1).call() == SENDER_JURISDICTION
    assert chain.restricted(t.functions.forcedTransfer(chain.reflag, chain.sg, 1)) == SENDER_JURISDICTION
    # the remedy is an agent burn, which checks no registry entry
    chain.tx(t.functions.burn(chain.reflag, 500))
    assert t.functions.balanceOf(chain.reflag).call() == 0


def test_spender_must_be_eligible(chain: Chain) -> None:
    t = chain.token
    mainland = chain.w3.eth.accounts[7]
    chain.tx(t.functions.registerInvestor(mainland, CN, chain.future))
    for spender in (chain.sg, chain.outsider, mainland):
        chain.tx(t.functions.approve(spender, 10), chain.hk)
    chain.tx(t.functions.transferFrom(chain.hk, chain.mo, 1), chain.sg)  # an eligible spender
    assert t.functions.spenderRestriction(chain.sg).call() == SUCCESS
    for spender in (chain.outsider, mainland):  # unregistered; registered as mainland
        assert t.functions.spenderRestriction(spender).call() == SPENDER_NOT_ELIGIBLE
        assert chain.restricted(t.functions.transferFrom(chain.hk, chain.mo, 1), spender) == SPENDER_NOT_ELIGIBLE
    assert t.functions.balanceOf(chain.mo).call() == 1


def test_unregistered_receiver_reverts(chain: Chain) -> None:
    t = chain.token
    assert chain.restricted(t.functions.transfer(chain.unregistered, 1), chain.hk) == RECEIVER_NOT_VERIFIED
    assert chain.restricted(t.functions.mint(chain.unregistered, 1)) == RECEIVER_NOT_VERIFIED
    assert chain.restricted(t.functions.transfer(chain.hk, 1), chain.outsider) == SENDER_NOT_VERIFIED
    assert t.functions.investorCountry(chain.unregistered).call() == 0
    chain.tx(t.functions.setVerified(chain.sg, False))
    assert chain.restricted(t.functions.transfer(chain.sg, 1), chain.hk) == RECEIVER_NOT_VERIFIED


def test_expired_receiver_and_sender_revert(chain: Chain) -> None:
    t = chain.token
    assert t.functions.isVerified(chain.expired).call() is False
    assert chain.restricted(t.functions.transfer(chain.expired, 1), chain.hk) == RECEIVER_EXPIRED
    chain.tx(t.functions.updateExpiry(chain.hk, chain.past))
    assert chain.restricted(t.functions.transfer(chain.sg, 1), chain.hk) == SENDER_EXPIRED


def test_country_zero_reverts(chain: Chain) -> None:
    t = chain.token
    assert t.functions.isCountryExcluded(0).call() is True
    assert chain.restricted(t.functions.transfer(chain.country0, 1), chain.hk) == RECEIVER_JURISDICTION
    assert chain.restricted(t.functions.mint(chain.country0, 1)) == RECEIVER_JURISDICTION


def test_forced_transfer_respects_jurisdiction(chain: Chain) -> None:
    t = chain.token
    assert chain.restricted(t.functions.forcedTransfer(chain.hk, chain.cn, 10)) == RECEIVER_JURISDICTION
    assert chain.restricted(t.functions.forcedTransfer(chain.hk, chain.country0, 10)) == RECEIVER_JURISDICTION
    receipt = chain.tx(t.functions.forcedTransfer(chain.hk, chain.sg, 10))  # no allowance needed
    assert t.functions.balanceOf(chain.sg).call() == 10
    assert t.functions.balanceOf(chain.hk).call() == 990
    assert len(t.events.ForcedTransfer().process_receipt(receipt, errors=DISCARD)) == 1
    name, _ = chain.reverts(t.functions.forcedTransfer(chain.hk, chain.sg, 1), chain.hk)
    assert name == "AccessControlUnauthorizedAccount"


def test_cap_enforced(chain: Chain) -> None:
    small = chain.deploy(cap=100)
    assert small.functions.cap().call() == 100
    chain.tx(small.functions.registerInvestor(chain.hk, HK, chain.future))
    assert chain.restricted(small.functions.mint(chain.hk, 101)) == CAP_EXCEEDED
    chain.tx(small.functions.mint(chain.hk, 100))
    assert small.functions.detectTransferRestriction(Chain.address(0), chain.hk, 1).call() == CAP_EXCEEDED
    assert chain.restricted(small.functions.mint(chain.hk, 1)) == CAP_EXCEEDED
    chain.tx(small.functions.burn(chain.hk, 40))
    chain.tx(small.functions.mint(chain.hk, 40))
    assert small.functions.totalSupply().call() == 100


def test_detect_restriction_codes(chain: Chain) -> None:
    t = chain.token
    zero = Chain.address(0)
    cases = [
        (chain.hk, chain.sg, 1, SUCCESS),
        (chain.outsider, chain.sg, 1, SENDER_NOT_VERIFIED),
        (chain.hk, chain.unregistered, 1, RECEIVER_NOT_VERIFIED),
        (chain.expired, chain.sg, 1, SENDER_EXPIRED),
        (chain.hk, chain.expired, 1, RECEIVER_EXPIRED),
        (chain.cn, chain.sg, 1, SENDER_JURISDICTION),
        (chain.country0, chain.sg, 1, SENDER_JURISDICTION),
        (chain.hk, chain.cn, 1, RECEIVER_JURISDICTION),
        (chain.hk, chain.country0, 1, RECEIVER_JURISDICTION),
        (chain.hk, chain.sg, 1_001, INSUFFICIENT_BALANCE),
        (zero, chain.hk, 1, SUCCESS),
        (zero, chain.hk, 1_000_000, CAP_EXCEEDED),
        (zero, chain.cn, 1, RECEIVER_JURISDICTION),
        (chain.hk, zero, 1_000, SUCCESS),
        (chain.hk, zero, 1_001, INSUFFICIENT_BALANCE),
    ]
    for sender, receiver, value, code in cases:
        assert t.functions.detectTransferRestriction(sender, receiver, value).call() == code, (
            sender,
            receiver,
        )
        assert t.functions.canTransfer(sender, receiver, value).call() is (code == SUCCESS)
    # the view and the enforcement agree
    assert chain.restricted(t.functions.transfer(chain.sg, 1_001), chain.hk) == INSUFFICIENT_BALANCE
    # pause blocks transfers and mints (code 1) but not agent burns
    chain.tx(t.functions.pause(), chain.admin)
    assert t.functions.detectTransferRestriction(chain.hk, chain.sg, 1).call() == PAUSED
    assert chain.restricted(t.functions.transfer(chain.sg, 1), chain.hk) == PAUSED
    assert chain.restricted(t.functions.mint(chain.hk, 1)) == PAUSED
    chain.tx(t.functions.burn(chain.hk, 1))
    chain.tx(t.functions.unpause())
    chain.tx(t.functions.transfer(chain.sg, 1), chain.hk)
    messages = {c: t.functions.messageForTransferRestriction(c).call() for c in range(12)}
    assert messages[0] == "SUCCESS"
    assert len(set(messages.values())) == 12
    assert "jurisdiction" in messages[RECEIVER_JURISDICTION].lower()


def test_maturity_closes_transfers_not_burns(artifact: dict[str, Any]) -> None:
    c = Chain(artifact["abi"], artifact["bytecode"], populate=False)  # own chain: it travels in time
    t = c.deploy(maturity=c.now + 1_000)
    c.tx(t.functions.registerInvestor(c.hk, HK, c.future))
    c.tx(t.functions.registerInvestor(c.sg, SG, c.future))
    c.tx(t.functions.mint(c.hk, 10))
    c.w3.provider.ethereum_tester.time_travel(c.now + 2_000)
    assert c.restricted(t.functions.transfer(c.sg, 1), c.hk) == TOKEN_MATURED
    assert c.restricted(t.functions.mint(c.hk, 1)) == TOKEN_MATURED
    c.tx(t.functions.burn(c.hk, 10))
    name, _ = c.reverts(c.factory.constructor("X", "X", 0, 1, c.now, c.admin, c.agent, [], []), c.admin)
    assert name == "InvalidMaturity"


def test_allowed_list(chain: Chain) -> None:
    listed = chain.deploy(allowed=[HK, MO, HK])  # duplicates ignored
    assert listed.functions.allowedCountries().call() == [HK, MO]
    assert listed.functions.excludedCountries().call() == [CN, US]
    for wallet, country in [(chain.hk, HK), (chain.sg, SG)]:
        chain.tx(listed.functions.registerInvestor(wallet, country, chain.future))
    chain.tx(listed.functions.mint(chain.hk, 5))
    assert chain.restricted(listed.functions.mint(chain.sg, 5)) == RECEIVER_JURISDICTION
    assert chain.restricted(listed.functions.transfer(chain.sg, 1), chain.hk) == RECEIVER_JURISDICTION
    chain.tx(listed.functions.setCountryAllowed(SG, True), chain.admin)
    chain.tx(listed.functions.transfer(chain.sg, 1), chain.hk)
    name, args = chain.reverts(listed.functions.setCountryExcluded(SG, True), chain.admin)
    assert (name, args) == ("CountryListConflict", (SG,))


def test_mainland_exclusion_is_permanent(chain: Chain) -> None:
    t = chain.token
    assert t.functions.MAINLAND_CHINA().call() == CN
    assert t.functions.isCountryExcluded(CN).call() is True
    assert t.functions.excludedCountries().call()[0] == CN
    for fn in (t.functions.setCountryExcluded(CN, False), t.functions.setCountryAllowed(CN, True)):
        assert chain.reverts(fn, chain.admin) == ("CountryAlwaysExcluded", (CN,))
    name, _ = chain.reverts(t.functions.setCountryExcluded(US, False), chain.agent)
    assert name == "AccessControlUnauthorizedAccount"
    chain.tx(t.functions.setCountryExcluded(US, False), chain.admin)
    assert t.functions.excludedCountries().call() == [CN]


def test_constructor_rejects_mainland_in_allowed_list(chain: Chain) -> None:
    ctor = chain.factory.constructor
    base = ["T", "T", 6, 1_000, chain.now + YEAR, chain.admin, chain.agent]
    assert chain.reverts(ctor(*base, [], [HK, CN]), chain.admin) == ("CountryAlwaysExcluded", (CN,))
    assert chain.reverts(ctor(*base, [], [0]), chain.admin) == ("CountryAlwaysExcluded", (0,))
    assert chain.reverts(ctor(*base, [SG], [SG]), chain.admin) == ("CountryListConflict", (SG,))
    assert chain.reverts(ctor(*base, [], [1000]), chain.admin) == ("InvalidCountry", (1000,))
    zero = Chain.address(0)
    no_admin = ctor("T", "T", 6, 1_000, chain.now + YEAR, zero, chain.agent, [], [])
    assert chain.reverts(no_admin, chain.admin) == ("ZeroAddress", ())
    no_cap = ctor("T", "T", 6, 0, chain.now + YEAR, chain.admin, chain.agent, [], [])
    assert chain.reverts(no_cap, chain.admin) == ("InvalidCap", ())
    # 156 in the excluded list is accepted and not duplicated
    t = chain.deploy(excluded=[CN, CN, SG])
    assert t.functions.excludedCountries().call() == [CN, SG]


def test_documents_roundtrip(chain: Chain) -> None:
    t = chain.token
    name = t.functions.FILING_MANIFEST_DOCUMENT().call()
    assert name == b"filing.manifest".ljust(32, b"\0")
    digest = hashlib.sha256(b'{"files": []}').digest()
    receipt = chain.tx(t.functions.setDocument(name, "https://example.invalid/packet.zip", digest))
    (event,) = t.events.DocumentUpdated().process_receipt(receipt, errors=DISCARD)
    assert event["args"]["documentHash"] == digest
    uri, doc_hash, modified = t.functions.getDocument(name).call()
    assert (uri, doc_hash) == ("https://example.invalid/packet.zip", digest)
    assert modified == chain.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    other = b"prospectus".ljust(32, b"\0")
    chain.tx(t.functions.setDocument(other, "", b"\x01" * 32), chain.admin)
    assert t.functions.getAllDocuments().call() == [name, other]
    chain.tx(t.functions.removeDocument(other))
    assert t.functions.getAllDocuments().call() == [name]
    assert t.functions.getDocument(other).call() == ["", b"\0" * 32, 0]
    assert chain.reverts(t.functions.removeDocument(other)) == ("DocumentNotFound", (other,))
    assert chain.reverts(t.functions.setDocument(b"\0" * 32, "x", digest))[0] == "EmptyDocumentName"
    assert chain.reverts(t.functions.setDocument(name, "x", digest), chain.hk) == (
        "NotAdminOrAgent",
        (chain.hk,),
    )


def test_registry_and_roles(chain: Chain) -> None:
    t = chain.token
    assert t.functions.identityRegistry().call() == t.address
    assert t.functions.compliance().call() == t.address
    assert t.functions.hasRole(t.functions.AGENT_ROLE().call(), chain.agent).call()
    assert t.functions.hasRole(b"\0" * 32, chain.admin).call()
    assert t.functions.decimals().call() == 6
    assert t.functions.getInvestor(chain.hk).call() == [True, True, HK, chain.future]
    assert chain.reverts(t.functions.registerInvestor(chain.hk, HK, 1)) == (
        "InvestorAlreadyRegistered",
        (chain.hk,),
    )
    assert chain.reverts(t.functions.updateCountry(chain.unregistered, HK)) == (
        "InvestorNotRegistered",
        (chain.unregistered,),
    )
    assert chain.reverts(t.functions.registerInvestor(chain.unregistered, 1000, 1))[0] == "InvalidCountry"
    assert chain.reverts(t.functions.mint(chain.hk, 1), chain.admin)[0] == "AccessControlUnauthorizedAccount"
    a, b = Chain.address(0xD1), Chain.address(0xD2)
    chain.tx(t.functions.batchRegisterInvestors([a, b], [HK, SG], [chain.future, chain.future]))
    assert t.functions.investorCountry(b).call() == SG
    assert chain.reverts(t.functions.batchRegisterInvestors([a], [HK, SG], [1]))[0] == "LengthMismatch"
    chain.tx(t.functions.removeInvestor(chain.hk))
    assert t.functions.getInvestor(chain.hk).call() == [False, False, 0, 0]
    assert chain.restricted(t.functions.transfer(chain.sg, 1), chain.hk) == SENDER_NOT_VERIFIED
