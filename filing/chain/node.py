"""A local anvil node, started and stopped by this process: the fork for `--fork`, the node of the benchmark.

Why a fork and not the node itself: the full suite registers investors, mints and re-flags holders as the token's
agent. Doing that on the user's node would change a live token; on `anvil --fork-url` it changes a throw-away copy.
The process is always stopped by the PID this module started, never by name.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from web3 import Web3

from filing.chain.connect import ChainError, rpc_chain

ANVIL_ENV = "FILING_ANVIL"
FUNDS = 10**21


def find_anvil() -> str:
    """$FILING_ANVIL, the checkout's contracts/node_modules/.bin/anvil, or `anvil` on PATH."""
    candidates = [os.environ.get(ANVIL_ENV, ""),
                  str(Path(__file__).resolve().parents[2] / "contracts" / "node_modules" / ".bin" / "anvil"),
                  shutil.which("anvil") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ChainError("anvil not found: run `npm ci --prefix contracts`, put anvil on PATH or set $FILING_ANVIL")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def anvil(fork_url: str | None = None, startup_timeout: float = 30.0,
          extra_args: Sequence[str] = ()) -> Iterator[tuple[str, Web3]]:
    """Start anvil on a free loopback port (optionally forking `fork_url`); yield (url, web3); stop it by PID."""
    port = free_port()
    args = [find_anvil(), "--host", "127.0.0.1", "--port", str(port), *extra_args]
    if fork_url:
        args += ["--fork-url", fork_url]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            web3 = _wait_ready(url, process, startup_timeout, log)
            yield url, web3
        finally:
            stop(process)


def _wait_ready(url: str, process: subprocess.Popen, timeout: float, log) -> Web3:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            tail = log.read()[-600:].decode(errors="replace")
            raise ChainError(f"anvil exited with code {process.returncode}: {tail}")
        try:
            return rpc_chain(url, timeout=5)
        except ChainError:
            time.sleep(0.05)
    raise ChainError(f"anvil did not answer at {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Terminate the process we started (by its PID), then kill it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def impersonate(web3: Web3, addresses: Sequence[str]) -> None:
    """Let `addresses` send transactions on an anvil node without keys, and give them gas money."""
    for address in addresses:
        for method, params in (("anvil_impersonateAccount", [address]),
                               ("anvil_setBalance", [address, hex(FUNDS)])):
            response = web3.provider.make_request(method, params)  # type: ignore[arg-type]
            if "error" in response:
                raise ChainError(f"{method} failed (is this anvil?): {response['error']}")
