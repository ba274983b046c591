"""The manifest (every file's size and SHA-256) and its EIP-191 signature.

Why an Ethereum personal signature: the signer's address can be compared with the token contract's administrator,
tying the filed documents to the key that controls the token. Keys are read from a file or ``FILING_SIGN_KEY`` and
held only in memory; nothing here writes or logs them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct

from filing.errors import InputError
from filing.packet.data import dump_json

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig.json"
FORMAT = "filing-packet/1"
KEY_ENV = "FILING_SIGN_KEY"


def build_manifest(files: dict[str, bytes], **facts: Any) -> bytes:
    """Sorted JSON: the packet format, ``files`` (path, size, sha256, sorted by path) and the given facts."""
    listing = [{"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
               for path, content in sorted(files.items())]
    return dump_json({"format": FORMAT, "files": listing, **facts})


def read_key(key_file: Path | None) -> str | None:
    """The signing key from ``key_file`` (first line that is not blank or a # comment), else from the environment."""
    if key_file is None:
        return os.environ.get(KEY_ENV) or None
    try:
        if not stat.S_ISREG(key_file.stat().st_mode):  # a pipe or device would block the read or never end
            raise InputError.single(key_file, "cannot read the key file: not a regular file (a folder, pipe or device)")
        lines = key_file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError.single(key_file, f"cannot read the key file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError.single(key_file, "the key file is not text; it holds the key as 64 hex digits") from None
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    raise InputError.single(key_file, "the key file holds no key (only blank or # comment lines)")


def signing_account(key: str, key_source: str) -> Any:
    """The account of a signing key; InputError naming where the key came from (never the key) when it is not one."""
    try:
        return Account.from_key(key)
    except (ValueError, TypeError):
        raise InputError.single(key_source, "not a valid Ethereum private key (64 hex digits, 0x optional)") from None


def sign_manifest(manifest: bytes, key: str, key_source: str) -> bytes:
    """``manifest.sig.json``: EIP-191 version 0x45 ("personal_sign") signature of the manifest's exact bytes."""
    account = signing_account(key, key_source)
    signed = Account.sign_message(encode_defunct(primitive=manifest), account.key)
    return dump_json({"scheme": "eip191-personal-sign", "file": MANIFEST, "signer": account.address,
                      "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
                      "signature": "0x" + bytes(signed.signature).hex()})


def recover_signer(manifest: bytes, signature_hex: str) -> str:
    """The address that signed ``manifest``; the reviewer compares it with ``signer`` and the token's admin."""
    return Account.recover_message(encode_defunct(primitive=manifest), signature=bytes.fromhex(
        signature_hex.removeprefix("0x")))
