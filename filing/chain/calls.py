"""Calling and sending on either backend, fast enough for the scenario suite's budget.

Why a module of its own: the suite makes several hundred calls and a few transactions per tranche, and the generic
web3 path costs more than the chain itself (ABI re-resolution on every encoding, a middleware stack on every
request). Here bound contract functions are encoded from their own ABI entry, calls and sends on the embedded chain
go straight to eth-tester, and calls and sends to an HTTP node use one keep-alive connection. Logs and signed
transactions keep the ordinary web3 path.
"""

from __future__ import annotations

import http.client
import json
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from eth.vm.spoof import SpoofTransaction
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_tester.exceptions import ValidationError as TesterValidationError
from eth_utils import ValidationError as EVMValidationError
from eth_utils import to_canonical_address
from web3 import HTTPProvider, Web3
from web3.exceptions import TimeExhausted, Web3Exception

from filing.chain.connect import (
    REVERT_ERRORS,
    ChainError,
    DeployKey,
    Reverted,
    RevertInfo,
    RpcRevert,
    canonical_type,
    decode_revert,
    function_selector,
    is_embedded,
)

CALL_GAS = 2_000_000
"""Gas sent with every function call: a fixed limit skips `eth_estimateGas`, which costs more than the call itself
on the embedded chain (about 60 ms against 25 ms), and keeps the suite inside its time budget."""


# ---------------------------------------------------------------------------------------------------------------
# Calling and sending (see the module docstring)
# ---------------------------------------------------------------------------------------------------------------


def _checksummed(abi_type: str, value: Any) -> Any:
    """Addresses as web3 wants them back (EIP-55), in arrays too (`getModules()` returns `address[]`)."""
    if abi_type == "address":
        return Web3.to_checksum_address(value)
    if abi_type.startswith("address["):
        return [_checksummed(abi_type[:abi_type.rindex("[")], v) for v in value]
    return value


def _decode_output(call: Any, data: bytes) -> Any:
    types = [canonical_type(o) for o in call.abi.get("outputs", [])]
    values = [_checksummed(t, v) for t, v in zip(types, abi_decode(types, data), strict=True)]
    return values[0] if len(values) == 1 else values


class _LeanRPC:
    """JSON-RPC over one keep-alive HTTP connection, for the suite's hot path only (calls, sends, receipts).

    Why: web3's request stack (middleware, validation, formatters, requests) costs about 5 ms per call against
    0.6 ms for the same `eth_call` on a loopback anvil, and the suite makes several hundred calls; everything else
    (deploys, logs, blocks) still goes through web3.
    """

    def __init__(self, url: str, timeout: float) -> None:
        parsed = urlsplit(url)
        factory = http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
        self._connect = lambda: factory(parsed.hostname or "", parsed.port, timeout=timeout)
        self._conn = self._connect()
        self._path = parsed.path or "/"
        self._id = 0

    def close(self) -> None:
        self._conn.close()

    def request(self, method: str, params: list[Any]) -> Any:
        self._id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        for attempt in (1, 2):
            try:
                self._conn.request("POST", self._path, body, {"Content-Type": "application/json"})
                answer = json.loads(self._conn.getresponse().read())
                break
            except (OSError, http.client.HTTPException, ValueError) as error:
                self._conn.close()
                self._conn = self._connect()
                if attempt == 2:
                    raise ChainError(f"JSON-RPC {method} failed: {type(error).__name__}") from None
        if "error" in answer:
            error = answer["error"]
            data = error.get("data")
            if isinstance(data, dict):
                data = data.get("data")
            if isinstance(data, str) and data.startswith("0x") or "revert" in str(error.get("message", "")):
                raise RpcRevert(str(error.get("message")), data if isinstance(data, str) else None)
            raise ChainError(f"JSON-RPC {method}: {error.get('message')}")
        return answer.get("result")


_LEAN: weakref.WeakKeyDictionary[Any, _LeanRPC] = weakref.WeakKeyDictionary()
"""One lean connection per HTTP provider (a cache tied to the provider's lifetime, not shared state)."""


def _lean(web3: Web3) -> _LeanRPC | None:
    provider = web3.provider
    if not isinstance(provider, HTTPProvider):
        return None
    if provider not in _LEAN:
        lean = _LEAN[provider] = _LeanRPC(str(provider.endpoint_uri), 30.0)
        weakref.finalize(provider, lean.close)
    return _LEAN[provider]


def encode_call(call: Any) -> str:
    """Calldata of a bound contract function. web3 re-resolves the function in the whole ABI on every encoding
    (about 4 ms each with the reference token's ABI, more than an anvil round trip); the bound function already
    knows its ABI entry, so the selector and arguments are encoded directly."""
    types = [canonical_type(i) for i in call.abi.get("inputs", [])]
    selector = function_selector(f"{call.abi['name']}({','.join(types)})")
    return "0x" + (selector + abi_encode(types, list(call.args))).hex()


class _EmbeddedCalls:
    """`eth_call` on the embedded chain, run on one py-evm state per head block.

    Why: eth-tester builds a fresh VM and state for every call, so each call reads the accounts and storage it
    touches from the trie again; the suite makes dozens of calls between two blocks, and a state kept for the head
    answers them from its caches, in a quarter to a half less time. Each call runs inside a snapshot that is reverted,
    and the state is rebuilt whenever the head changes (a mined block, a reverted eth-tester snapshot).
    """

    def __init__(self, tester: Any) -> None:
        self._chain = tester.backend.chain
        # a call is a transaction that pays for its gas, so an unnamed caller is the first (funded) account
        self.default_sender: str = tester.get_accounts()[0]
        self._head: Any = None
        self._state: Any = None

    def call(self, sender: str, to: str, data: str) -> bytes:
        head = self._chain.get_canonical_head()
        if self._head is None or head.hash != self._head.hash:
            self._head, self._state = head, self._chain.get_vm(at_header=head).state
        origin = to_canonical_address(sender)
        transaction = self._chain.get_transaction_builder().new_unsigned_dynamic_fee_transaction(
            chain_id=self._chain.chain_id, nonce=self._state.get_nonce(origin), max_priority_fee_per_gas=0,
            max_fee_per_gas=head.base_fee_per_gas, gas=CALL_GAS, to=to_canonical_address(to), value=0,
            data=bytes.fromhex(data[2:]), access_list=())
        snapshot = self._state.snapshot()
        try:
            computation = self._state.apply_transaction(SpoofTransaction(transaction, from_=origin))
        finally:
            self._state.revert(snapshot)
        if computation.is_error:
            raise RpcRevert("execution reverted", "0x" + computation.output.hex())
        return computation.output


_EMBEDDED: weakref.WeakKeyDictionary[Any, _EmbeddedCalls] = weakref.WeakKeyDictionary()
"""One warm call state per embedded chain (a cache tied to the chain's lifetime, not shared state)."""


def _embedded(web3: Web3) -> _EmbeddedCalls:
    tester = web3.provider.ethereum_tester  # type: ignore[attr-defined]
    if tester not in _EMBEDDED:
        _EMBEDDED[tester] = _EmbeddedCalls(tester)
    return _EMBEDDED[tester]


def fast_call(web3: Web3, call: Any, sender: str | None = None) -> Any:
    """`eth_call` of a bound contract function, decoded. On the embedded chain it runs on a warm py-evm state (see
    `_EmbeddedCalls`), about four times faster than the web3 request stack; on a node it goes over the lean
    connection. A revert raises a REVERT_ERRORS exception carrying the revert data (decode it with `decode_revert`)."""
    data = encode_call(call)
    if is_embedded(web3):
        calls = _embedded(web3)
        return _decode_output(call, calls.call(sender or calls.default_sender, call.address, data))
    tx: dict[str, Any] = {"to": call.address, "data": data}
    if sender:
        tx["from"] = sender
    lean = _lean(web3)
    raw = lean.request("eth_call", [tx, "latest"]) if lean else web3.eth.call(tx)  # type: ignore[arg-type]
    return _decode_output(call, bytes.fromhex(raw[2:]) if isinstance(raw, str) else bytes(raw))


class Transactor:
    """Sends contract calls as an address: unlocked (eth-tester, anvil dev accounts), impersonated (anvil fork), or
    signed with a DeployKey. A refusal raises `Reverted` with the decoded reason.

    A transaction sent with a fixed gas limit that reverts is mined as failed and carries no reason (on both
    backends), so every call is first simulated with `eth_call`: a refusal costs one call and no block, and its
    revert data names the reason.
    """

    def __init__(self, web3: Web3, abis: Iterable[Iterable[dict[str, Any]]] = (),
                 keys: Iterable[DeployKey] = (), describe: Callable[[int], str | None] | None = None) -> None:
        self.web3 = web3
        self.abis = [list(a) for a in abis]
        self.describe = describe
        self._keys = {k.address: k for k in keys}
        self._commit = True
        self.last_tx_hash: str | None = None
        """The hash of the last transaction mined by `send` (a fork names it as the proof of a weakness)."""

    def _decode(self, error: BaseException) -> RevertInfo:
        return decode_revert(error, self.abis, self.describe)

    @contextmanager
    def proving_by_call(self) -> Iterator[None]:
        """Inside, `send` stops after its simulated call: the call alone proves the outcome of an operation whose
        state change nothing later needs, and no block is mined for it."""
        self._commit = False
        try:
            yield
        finally:
            self._commit = True

    def send(self, call: Any, sender: str, gas: int | None = CALL_GAS) -> dict[str, Any]:
        """Send `call` (a bound contract function or constructor) from `sender`; return the receipt (only
        `{"status": 1}` when `proving_by_call`). `gas` None asks the node for an estimate."""
        function = hasattr(call, "call")  # constructors have no eth_call form
        try:
            if function:
                fast_call(self.web3, call, sender)
                if not self._commit:
                    return {"status": 1}
            lean = _lean(self.web3)
            if sender in self._keys:
                receipt = self._send_signed(call, self._keys[sender], gas)
            elif gas and is_embedded(self.web3):
                receipt = self._send_embedded(call, sender, gas)
            elif gas and lean is not None:
                receipt = self._send_lean(lean, call, sender, gas)
            else:
                tx_hash = call.transact({"from": sender, **({"gas": gas} if gas else {})})
                receipt = dict(self.web3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.05))
        except REVERT_ERRORS as error:
            raise Reverted(self._decode(error)) from None
        except TimeExhausted:
            raise ChainError("the transaction was not mined within 120 s") from None
        except (Web3Exception, TesterValidationError, EVMValidationError) as error:
            raise ChainError(f"the node refused the transaction: {type(error).__name__}: {error}") from None
        if receipt.get("status") != 1:
            raise Reverted(RevertInfo("Reverted", message="the transaction failed without a reason"))
        tx_hash = receipt["transactionHash"]
        self.last_tx_hash = tx_hash if isinstance(tx_hash, str) else Web3.to_hex(tx_hash)
        return receipt

    def _send_signed(self, call: Any, key: DeployKey, gas: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {"from": key.address, "nonce": self.web3.eth.get_transaction_count(key.address,
                                                                                                    "pending"),
                                  "chainId": self.web3.eth.chain_id, **({"gas": gas} if gas else {})}
        tx_hash = self.web3.eth.send_raw_transaction(key.sign(call.build_transaction(params)))
        return dict(self.web3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.05))

    def _send_embedded(self, call: Any, sender: str, gas: int) -> dict[str, Any]:
        """Straight to eth-tester, which mines at once: its web3 request stack and receipt polling cost as much as
        py-evm mining a small transaction."""
        tester = self.web3.provider.ethereum_tester  # type: ignore[attr-defined]
        tx: dict[str, Any] = {"from": sender, "gas": gas}
        if hasattr(call, "call"):
            tx |= {"to": call.address, "data": encode_call(call)}
        else:
            tx["data"] = call.data_in_transaction
        receipt = tester.get_transaction_receipt(tester.send_transaction(tx))
        if receipt["status"] != 1:
            raise Reverted(RevertInfo("Reverted", message="the transaction failed without a reason"))
        created = receipt["contract_address"]
        return {"status": 1, "transactionHash": bytes.fromhex(receipt["transaction_hash"][2:]),
                "blockNumber": receipt["block_number"],
                "contractAddress": Web3.to_checksum_address(created) if created else None}

    def _send_lean(self, lean: _LeanRPC, call: Any, sender: str, gas: int) -> dict[str, Any]:
        """A function call or a constructor (a deployment, with no `to`) over the lean connection."""
        tx = ({"to": call.address, "data": encode_call(call)} if hasattr(call, "call")
              else {"data": call.data_in_transaction})
        tx_hash = lean.request("eth_sendTransaction", [{"from": sender, "gas": hex(gas), **tx}])
        deadline, pause = time.monotonic() + 120, 0.001
        while (receipt := lean.request("eth_getTransactionReceipt", [tx_hash])) is None:
            if time.monotonic() > deadline:
                raise ChainError("the transaction was not mined within 120 s")
            time.sleep(pause)  # anvil mines within a few ms: poll soon, then back off
            pause = min(2 * pause, 0.02)
        if int(receipt.get("status", "0x0"), 16) != 1:
            raise Reverted(RevertInfo("Reverted", message="the transaction failed without a reason"))
        return {"status": 1, "transactionHash": tx_hash, "blockNumber": int(receipt["blockNumber"], 16),
                "contractAddress": Web3.to_checksum_address(receipt["contractAddress"])
                if receipt.get("contractAddress") else None}
