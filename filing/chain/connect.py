"""Connections, the deploy key, sending transactions and reading reverts.

Why one module: every stage (deploy, scenarios, cross-check) needs the same three things — a Web3 that is either
the embedded py-evm chain or a JSON-RPC node, a way to send a transaction as some address (unlocked, impersonated,
or signed with the deploy key), and the reason a refused transaction gives. The two backends report a revert
differently (`eth_tester.exceptions.TransactionFailed` carrying the raw bytes in its message, web3's
`ContractLogicError` family carrying hex in `.data`), and a scenario suite that misreads one of them would call a
refusal a pass, so decoding lives here once.

The deploy key is held by `DeployKey`, whose repr shows only the address: it is never logged, written, or put into
an exception message.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi import decode as abi_decode
from eth_account import Account
from eth_tester.exceptions import TransactionFailed
from eth_utils import keccak
from web3 import EthereumTesterProvider, HTTPProvider, Web3
from web3.exceptions import ContractLogicError
from web3.types import RPCEndpoint

from filing.errors import InputError

KEY_ENV = "FILING_DEPLOY_KEY"

_ERROR_STRING = bytes.fromhex("08c379a0")
_PANIC = bytes.fromhex("4e487b71")
_HEX_KEY = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")


class ChainError(Exception):
    """The node could not be reached or answered something unusable (not a contract refusal)."""


# ---------------------------------------------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------------------------------------------


_CACHED = {RPCEndpoint("eth_chainId")}
"""web3 asks the chain id before every contract call (two thirds of all requests in the suite); it cannot change
during a check, so only it is cached."""


def embedded_chain() -> Web3:
    """A fresh in-process chain (eth-tester on py-evm) with ten funded, unlocked accounts; nothing to start or stop."""
    provider = EthereumTesterProvider()
    provider.cache_allowed_requests, provider.cacheable_requests = True, _CACHED
    return Web3(provider)


def rpc_chain(url: str, timeout: float = 30.0) -> Web3:
    """A Web3 over HTTP JSON-RPC; raises ChainError when the node does not answer (checked now, not at first use)."""
    if not url.startswith(("http://", "https://")):
        raise ChainError(f"unsupported RPC URL (use http:// or https://): {url}")
    web3 = Web3(HTTPProvider(url, request_kwargs={"timeout": timeout}, cache_allowed_requests=True,
                             cacheable_requests=_CACHED))
    try:
        web3.eth.chain_id  # noqa: B018 - the probe is the point
    except Exception as error:  # noqa: BLE001 - any transport failure means "not reachable"
        raise ChainError(f"no JSON-RPC node answers at {url}: {type(error).__name__}") from None
    return web3


def is_embedded(web3: Web3) -> bool:
    return isinstance(web3.provider, EthereumTesterProvider)


# ---------------------------------------------------------------------------------------------------------------
# The deploy key
# ---------------------------------------------------------------------------------------------------------------


class DeployKey:
    """A private key for signing deployments. Its repr and str show only the address; the key itself stays inside."""

    __slots__ = ("_account",)

    def __init__(self, hex_key: str) -> None:
        self._account = Account.from_key(hex_key)

    @property
    def address(self) -> str:
        return self._account.address

    def sign(self, transaction: dict[str, Any]) -> bytes:
        """The raw signed transaction, ready for `eth_sendRawTransaction`."""
        return bytes(self._account.sign_transaction(transaction).raw_transaction)

    def __repr__(self) -> str:
        return f"DeployKey(address={self.address})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a DeployKey cannot be pickled")


def load_key(key_file: Path | None = None, env: str = KEY_ENV) -> DeployKey:
    """Read the deploy key from `key_file` (a 32-byte hex key, optional 0x, surrounding whitespace ignored) or, when
    no file is given, from the environment variable `env`. Raises InputError naming the file or variable — never the
    key — when neither holds a usable key."""
    if key_file is not None:
        where = str(key_file)
        try:
            if not stat.S_ISREG(Path(key_file).stat().st_mode):  # a pipe or device would block or never end
                raise InputError.single(where, "cannot read the key file: not a regular file (a folder, pipe or "
                                               "device)")
            text = Path(key_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise InputError.single(where, f"cannot read the key file: {reason}") from None
    else:
        where = f"${env}"
        text = os.environ.get(env, "").strip()
        if not text:
            raise InputError.single(where, f"no deploy key: pass --key-file or set the environment variable {env}")
    if not _HEX_KEY.match(text):
        raise InputError.single(where, "the deploy key must be 64 hexadecimal digits (optionally 0x-prefixed)")
    try:
        return DeployKey(text)
    except Exception:  # noqa: BLE001 - never let the library's message (which could echo input) through
        raise InputError.single(where, "the deploy key is not a valid secp256k1 private key") from None


# ---------------------------------------------------------------------------------------------------------------
# Reverts
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevertInfo:
    """Why a call or transaction was refused: the custom error's name and arguments, the ERC-1404 restriction code
    when the error carries one (`TransferRestricted(code, ...)`) and the token's message for it."""

    name: str
    args: tuple[Any, ...] = ()
    code: int | None = None
    message: str | None = None

    def describe(self) -> str:
        text = self.name
        if self.args:
            text += "(" + ", ".join(str(a) for a in self.args) + ")"
        if self.message:
            text += f": {self.message}"
        return text


class Reverted(Exception):
    """A transaction or call was refused by the contract."""

    def __init__(self, info: RevertInfo) -> None:
        self.info = info
        super().__init__(info.describe())


class RpcRevert(Exception):
    """A JSON-RPC error answer that carries revert data (from the lean client below)."""

    def __init__(self, message: str, data: str | None) -> None:
        super().__init__(message)
        self.data = data


REVERT_ERRORS = (TransactionFailed, ContractLogicError, RpcRevert)


def revert_data(error: BaseException) -> bytes | str:
    """The raw revert bytes of either backend, or the plain reason text when only text is available."""
    data = getattr(error, "data", None)
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    message = str(error.args[0]) if error.args else str(error)
    payload = message.split("execution reverted", 1)[-1].lstrip(": ").strip()
    if payload.startswith(("b'", 'b"')):
        try:
            return ast.literal_eval(payload)
        except (ValueError, SyntaxError):
            return payload
    if payload.startswith("0x") and re.fullmatch(r"0x[0-9a-fA-F]*", payload):
        return bytes.fromhex(payload[2:])
    return payload


def _error_index(abis: Iterable[Iterable[dict[str, Any]]]) -> dict[bytes, tuple[str, list[str]]]:
    index: dict[bytes, tuple[str, list[str]]] = {}
    for abi in abis:
        for entry in abi:
            if entry.get("type") == "error":
                types = [canonical_type(i) for i in entry.get("inputs", [])]
                index[function_selector(f"{entry['name']}({','.join(types)})")] = (entry["name"], types)
    return index


@functools.lru_cache(maxsize=1024)
def function_selector(signature: str) -> bytes:
    """The 4-byte selector of a function or custom error signature, hashed once (every revert decodes against a
    token's whole error list)."""
    return keccak(text=signature)[:4]


def canonical_type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(canonical_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return item["type"]


def decode_revert(error: BaseException, abis: Iterable[Iterable[dict[str, Any]]] = (),
                  describe: Callable[[int], str | None] | None = None) -> RevertInfo:
    """Decode a revert from either backend against the custom errors of `abis`; `describe(code)` (typically the
    token's `messageForTransferRestriction`) supplies the message for a restriction code."""
    data = revert_data(error)
    if isinstance(data, str):
        return RevertInfo("Error", (data,), message=data or None) if data else RevertInfo("Reverted")
    if not data:
        return RevertInfo("Reverted")
    selector, body = data[:4], data[4:]
    try:
        if selector == _ERROR_STRING:
            (reason,) = abi_decode(["string"], body)
            return RevertInfo("Error", (reason,), message=reason)
        if selector == _PANIC:
            (panic,) = abi_decode(["uint256"], body)
            return RevertInfo("Panic", (panic,), message=f"panic 0x{panic:02x}")
        known = _error_index(abis).get(selector)
        if known is None:
            return RevertInfo(f"0x{selector.hex()}", (body.hex(),))
        name, types = known
        values = tuple(Web3.to_checksum_address(v) if t == "address" else v
                       for t, v in zip(types, abi_decode(types, body), strict=True))
    except Exception:  # noqa: BLE001 - malformed revert data is reported, not raised
        return RevertInfo(f"0x{selector.hex()}", (body.hex(),))
    code = values[0] if name == "TransferRestricted" and values else None
    message = describe(code) if describe is not None and code is not None else None
    return RevertInfo(name, values, code, message)


