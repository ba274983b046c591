"""What the web workspace's API and browser tests share: example workspaces, and packets made hostile or amended."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KEY = EXAMPLES / "trade-receivables" / "test-key.txt"
SIGNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
"""The address of the example's well-known development key."""


def copy_examples(root: Path, *names: str, as_name: str | None = None) -> None:
    """Copies of example deals (without their keys) as deals of a workspace."""
    for name in names:
        shutil.copytree(EXAMPLES / name, root / (as_name or name), ignore=shutil.ignore_patterns("test-key.txt"))


def evil_zip() -> bytes:
    """A packet zip with an entry that climbs out of its folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", "{}")
        archive.writestr("../../escaped.txt", "outside")
    return buffer.getvalue()


def amended(packet: bytes, path: str) -> bytes:
    """The packet with one document changed and the manifest listing the new hash (so the signature no longer
    matches): a second version of the packet, as a diff sees it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(packet)) as source, zipfile.ZipFile(out, "w") as target:
        names = {entry.filename: entry for entry in source.infolist()}
        prefix = next(name for name in names if name.endswith(path)).removesuffix(path)
        document = source.read(prefix + path).replace(b"</body>", b"<p>amended</p></body>")
        manifest = json.loads(source.read(prefix + "manifest.json"))
        for item in manifest["files"]:
            if item["path"] == path:
                item.update(sha256=hashlib.sha256(document).hexdigest(), size=len(document))
        for name, entry in names.items():
            data = {prefix + path: document, prefix + "manifest.json": json.dumps(manifest).encode()}.get(name)
            target.writestr(entry, data if data is not None else source.read(entry))
    return out.getvalue()
