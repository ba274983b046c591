"""Key loading never leaks the key; revert decoding for both backends; the deal → token terms mapping."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import pytest
from chain_support import ANVIL_ADDRESS_0, ANVIL_KEY_0
from eth_abi import encode
from eth_tester.exceptions import TransactionFailed
from eth_utils import keccak
from web3.exceptions import ContractCustomError, ContractLogicError

import filing
from filing.chain.artifacts import load_artifact
from filing.chain.connect import decode_revert, load_key
from filing.chain.deploy import deal_jurisdictions, maturity_timestamp
from filing.chain.report import ChainEvidence, ContractReport
from filing.errors import InputError
from filing.rules import Finding

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"
SECRET = ANVIL_KEY_0.removeprefix("0x")


def test_key_from_file_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "key"
    path.write_text(ANVIL_KEY_0 + "\n")
    key = load_key(path)
    assert key.address == ANVIL_ADDRESS_0
    assert SECRET not in repr(key) and SECRET not in str(key) and ANVIL_ADDRESS_0 in repr(key)
    with pytest.raises(TypeError):
        pickle.dumps(key)
    monkeypatch.setenv("FILING_DEPLOY_KEY", SECRET)
    assert load_key(None).address == ANVIL_ADDRESS_0


def test_bad_keys_are_named_not_echoed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "key"
    path.write_text(SECRET[:-2] + "zz")
    with pytest.raises(InputError) as info:
        load_key(path)
    assert str(path) in str(info.value) and SECRET[:20] not in str(info.value)
    with pytest.raises(InputError, match="cannot read"):
        load_key(tmp_path / "missing")
    monkeypatch.delenv("FILING_DEPLOY_KEY", raising=False)
    with pytest.raises(InputError, match="FILING_DEPLOY_KEY"):
        load_key(None)
    path.write_text("0x" + "00" * 32)  # hex, but not a valid secp256k1 key
    with pytest.raises(InputError) as info:
        load_key(path)
    assert "00" * 32 not in str(info.value)


def _restricted(code: int) -> bytes:
    selector = keccak(text="TransferRestricted(uint8,address,address,uint256)")[:4]
    return selector + encode(["uint8", "address", "address", "uint256"], [code, "0x" + "11" * 20, "0x" + "22" * 20, 5])


def test_decode_revert_from_both_backends() -> None:
    abi = load_artifact().abi_list
    data = _restricted(7)
    messages = {7: "Receiver jurisdiction is not eligible"}
    for error in (TransactionFailed(f"execution reverted: {data!r}"),
                  ContractCustomError("0x" + data.hex(), data="0x" + data.hex())):
        info = decode_revert(error, [abi], messages.get)
        assert (info.name, info.code, info.message) == ("TransferRestricted", 7, messages[7])
        assert info.args[3] == 5
    reason = bytes.fromhex("08c379a0") + encode(["string"], ["nope"])
    assert decode_revert(ContractLogicError("x", data="0x" + reason.hex())).message == "nope"
    assert decode_revert(TransactionFailed("execution reverted: b''")).name == "Reverted"
    assert decode_revert(TransactionFailed("execution reverted: plain text")).message == "plain text"
    unknown = decode_revert(ContractCustomError("x", data="0xdeadbeef"), [abi])
    assert unknown.name == "0xdeadbeef" and unknown.code is None


def test_terms_from_the_deal() -> None:
    deal = filing.load_deal(EXAMPLE).deal
    assert deal_jurisdictions(deal) == ((156, 840), (136, 344, 702, 784, 826))
    assert maturity_timestamp(date(2028, 12, 31)) == 1861920000  # 2029-01-01T00:00:00Z


def finding(code: str, path: str) -> Finding:
    rule = filing.rulebook().get(code)
    return Finding(code, rule.severity, path, "m", "m", rule.confidence, rule.source)


def test_report_shape_and_order() -> None:
    findings = [finding("CHAIN-11", "b"), finding("CHAIN-03", "a"), finding("CHAIN-15", "a"), finding("CHAIN-01", "z")]
    report = ContractReport.of("d", ChainEvidence("rpc", 1, [], [], {}, True), findings + findings[:1])
    assert [f.rule for f in report.findings] == ["CHAIN-01", "CHAIN-03", "CHAIN-11", "CHAIN-15"]
    data = report.to_dict()
    assert data["ok"] is False and data["standard"] == "none"
    assert {"ok", "standard", "scenarios", "findings"} <= set(data)
    assert set(data["findings"][0]) >= {"rule", "severity", "path", "message"}
