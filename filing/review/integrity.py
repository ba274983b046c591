"""Integrity: the packet holds exactly the files its manifest lists, each with the listed size and SHA-256.

Why both directions: a missing or altered file shows that something changed; an unlisted file (a swapped-in
"corrected" PDF beside the original, a stray script) is just as much a change, since a reader cannot tell which copy
the filer signed. Paths in the manifest are judged before they are opened, so a hostile manifest cannot make the
reviewer read outside the packet, and links are reported instead of followed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from filing.packet.data import load_json
from filing.packet.manifest import MANIFEST, SIGNATURE
from filing.review.report import Check, Issue, check
from filing.write import MARKER, marker_token

MAX_JSON_BYTES = 256 << 20
"""A packet's largest JSON file (the pool report of a million-row tape) is tens of megabytes."""
UNLISTED_OK = frozenset({MANIFEST, SIGNATURE, MARKER})
"""The manifest cannot list itself, nor the signature made over it; the folder marker says only that ``filing``
wrote the folder (its form is checked: it cannot carry anything else)."""


@dataclass(frozen=True)
class Entry:
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    raw: bytes
    """The exact bytes of manifest.json: what was signed and what the chain records the hash of."""
    data: dict[str, Any]
    files: dict[str, Entry]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def packet_file(root: Path, name: str) -> Path | None:
    """The packet's regular file `name`, or None when it is absent, a link, or reached through a link.

    Every read of a packet file goes through here: a folder packet may hold a link to /dev/zero or to a file
    elsewhere on the reviewer's machine, and the review must neither hang on it nor report on someone else's file."""
    path = root.joinpath(*name.split("/"))
    if not is_safe_relative(name) or path.is_symlink() or not path.is_file():
        return None
    return path if path.resolve().is_relative_to(root.resolve()) else None


def read_json(root: Path, name: str) -> tuple[Any, Issue | None]:
    """A JSON file of the packet: (value, None), (None, None) when absent, or (None, the issue) when unreadable."""
    path = packet_file(root, name)
    if path is None:
        exists = (root / name).exists() or (root / name).is_symlink()
        return None, Issue(name, "is a link or special file, not read") if exists else None
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        return None, Issue(name, f"is {size:,} bytes; a packet's JSON file is read only up to {MAX_JSON_BYTES:,} "
                                 "(parsed, it would cost several times that in memory)")
    try:
        return load_json(path.read_bytes()), None
    except (ValueError, UnicodeDecodeError) as error:
        return None, Issue(name, f"is not readable JSON: {error}")


def read_manifest(root: Path) -> tuple[Manifest | None, list[Issue]]:
    """The parsed manifest, or None and the issues that make it unusable (damaged JSON, wrong shape, a link)."""
    path = packet_file(root, MANIFEST)
    if path is None:
        return None, [Issue(MANIFEST, "is a symbolic link, not a file of the packet")]
    if path.stat().st_size > MAX_JSON_BYTES:
        return None, [Issue(MANIFEST, f"is larger than {MAX_JSON_BYTES:,} bytes, far beyond any packet's manifest")]
    raw = path.read_bytes()
    try:
        data = load_json(raw)
        files = {str(item["path"]): Entry(int(item["size"]), str(item["sha256"]).lower()) for item in data["files"]}
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as error:
        return None, [Issue(MANIFEST, f"cannot be read as a packet manifest: {type(error).__name__}: {error}")]
    if len(files) != len(data["files"]):
        return None, [Issue(MANIFEST, "lists a file twice")]
    return Manifest(raw, data, files), []


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def check_integrity(root: Path, manifest: Manifest | None, manifest_issues: list[Issue]) -> Check:
    """Compare the packet's files with the manifest, naming every file that is missing, altered or unlisted."""
    if manifest is None:
        return check("integrity", ["the manifest could not be read, so no file could be verified"], manifest_issues)
    issues = [issue for name, entry in sorted(manifest.files.items()) for issue in _listed_issues(root, name, entry)]
    present = packet_files(root)
    issues += [Issue(name, "is in the packet but not listed in the manifest")
               for name in sorted(present - manifest.files.keys() - UNLISTED_OK)]
    if MARKER in present and marker_token(root, "packet") is None:
        issues.append(Issue(MARKER, "is not a filing output marker (one line: 'filing packet' and a token)"))
    issues += [Issue(name, "is a symbolic link or special file, not a regular file")
               for name in sorted(special_entries(root))]
    total = sum(e.size for e in manifest.files.values())
    evidence = [f"{len(manifest.files)} files listed ({total:,} bytes), manifest SHA-256 {manifest.sha256}",
                f"{len(manifest.files) - len({i.path for i in issues} & manifest.files.keys())} of them present "
                "with the listed size and SHA-256"]
    return check("integrity", evidence, issues)


def _listed_issues(root: Path, name: str, entry: Entry) -> list[Issue]:
    if not is_safe_relative(name):
        return [Issue(name, "the manifest lists a path outside the packet; it was not opened")]
    path = packet_file(root, name)
    if path is None:
        return [Issue(name, "is listed in the manifest but missing from the packet (or not a regular file in it)")]
    size = path.stat().st_size
    if size != entry.size:
        return [Issue(name, f"is {size:,} bytes; the manifest lists {entry.size:,}")]
    digest = file_sha256(path)
    if digest != entry.sha256:
        return [Issue(name, f"has SHA-256 {digest}; the manifest lists {entry.sha256}")]
    return []


def is_safe_relative(name: str) -> bool:
    """A plain relative POSIX path inside the packet: no root, drive, backslash, '..' or empty part."""
    parts = PurePosixPath(name).parts
    return bool(parts) and "\\" not in name and ":" not in parts[0] and not name.startswith("/") and \
        all(part not in ("..", ".", "") for part in name.split("/"))


def packet_files(root: Path) -> set[str]:
    """Relative POSIX paths of the packet's regular files, without following links into other folders."""
    found = set()
    for folder, _dirs, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.add(path.relative_to(root).as_posix())
    return found


def special_entries(root: Path) -> set[str]:
    """Links (to files or folders) and special files anywhere in the packet: none belongs in one."""
    found = set()
    for folder, dirs, names in os.walk(root, followlinks=False):
        for name in [*dirs, *names]:
            path = Path(folder, name)
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                found.add(path.relative_to(root).as_posix())
    return found
