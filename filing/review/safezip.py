"""Opening a packet a reviewer received: a folder as it is, or a zip checked entry by entry before anything is written.

Why our own checks rather than ``ZipFile.extractall``: the packet comes from outside, and ``extractall`` only
sanitises names; it does not refuse them, does not see symlink entries or duplicate names, and has no limit on what
an entry expands to. Here every entry is judged from the central directory first (names, types, declared sizes,
ratios, count) and from its byte layout (``zipform``: both views of every entry agree, no byte belongs to none); only
a zip with no problem is extracted, into a fresh temporary folder that is removed afterwards,
and each write is bounded again by the bytes actually inflated, since a declared size may lie. The temporary folder is
locked while the review runs; one left by a killed review is removed by the next.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from filing.errors import InputError, Problem
from filing.packet.manifest import MANIFEST
from filing.review.zipform import layout_problems
from filing.write import scratch_folder

CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what a packet zip may expand to; a real packet (a few dozen documents) is far below each."""

    max_entries: int = 2_000
    max_total_bytes: int = 1 << 30
    max_ratio: int = 200
    """Uncompressed / compressed size of one entry; judged only above ``ratio_floor`` bytes, where it matters."""
    ratio_floor: int = 1 << 16
    max_name_bytes: int = 1_024


DEFAULT_LIMITS = ZipLimits()
_DRIVE = re.compile(r"^[A-Za-z]:")
_ALLOWED_TYPES = {0, stat.S_IFREG, stat.S_IFDIR}
"""Unix file types an entry may carry in ``external_attr``; 0 is what non-Unix archivers write."""


@contextmanager
def opened_packet(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> Iterator[Path]:
    """Yield the packet's root folder: `path` itself, or the checked zip extracted into a temporary folder.

    Raises InputError (exit 2) when `path` is neither a folder nor a zip, or when any entry of the zip is refused;
    in that case nothing has been written anywhere.
    """
    path = Path(path)
    if path.is_dir():
        yield packet_root(path, path)
        return
    if not path.is_file():
        raise InputError.of(path, "packet.missing")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError.of(path, "packet.unreadable", reason=error) from None
    with archive:
        layout = layout_problems(path)
        if layout:
            raise InputError([Problem(str(path), message) for message in layout])
        entries = checked_entries(archive, path, limits)
        with scratch_folder("filing-review-") as target:
            for entry in entries:
                _extract(archive, entry, target, path, limits)
            yield packet_root(target, path)


def checked_entries(archive: zipfile.ZipFile, source: Path, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """Every entry of the archive, or InputError listing every refused entry (by name) and every limit exceeded."""
    entries = archive.infolist()
    problems = [Problem(str(source), message, path=entry.filename)
                for entry in entries for message in _entry_problems(entry, limits)]
    problems += _name_clashes(entries, source)
    if len(entries) > limits.max_entries:
        problems.append(Problem(str(source), f"{len(entries):,} entries; a packet zip may hold at most "
                                             f"{limits.max_entries:,}"))
    total = sum(e.file_size for e in entries)
    if total > limits.max_total_bytes:
        problems.append(Problem(str(source), f"the entries expand to {total:,} bytes; at most "
                                             f"{limits.max_total_bytes:,} are accepted (a zip bomb?)"))
    if problems:
        raise InputError(problems)
    return entries


def _entry_problems(entry: zipfile.ZipInfo, limits: ZipLimits) -> Iterator[str]:
    name = entry.filename
    if len(name.encode()) > limits.max_name_bytes:
        yield f"the entry name is longer than {limits.max_name_bytes} bytes"
    if any(unicodedata.category(c) == "Cc" for c in name):
        yield "the entry name contains control characters"
    if "\\" in name:
        yield "the entry name contains a backslash (a Windows path that may escape the folder)"
    if name.startswith("/"):
        yield "the entry name is an absolute path"
    if _DRIVE.match(name):
        yield "the entry name starts with a drive letter"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        yield "the entry name climbs out of the packet folder ('..')"
    if any(part in ("", ".") for part in parts) and not name.startswith("/"):
        yield "the entry name has an empty or '.' component"
    kind = stat.S_IFMT(entry.external_attr >> 16)
    if kind == stat.S_IFLNK:
        yield "the entry is a symbolic link"
    elif kind not in _ALLOWED_TYPES:
        yield f"the entry is a special file (type {oct(kind)})"
    if entry.flag_bits & 0x1:
        yield "the entry is encrypted"
    if entry.file_size > limits.ratio_floor and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
        yield (f"the entry expands {entry.file_size // max(entry.compress_size, 1):,}-fold "
               f"({entry.compress_size:,} → {entry.file_size:,} bytes); at most {limits.max_ratio}-fold is accepted "
               "(a zip bomb?)")


def _name_clashes(entries: list[zipfile.ZipInfo], source: Path) -> list[Problem]:
    """Names given twice, also after case folding and Unicode normalisation (one file on macOS and Windows), and a
    file whose name is also a folder of another entry: either way one entry would silently replace another."""
    seen: dict[str, str] = {}
    problems = []
    for entry in entries:
        key = unicodedata.normalize("NFC", entry.filename.rstrip("/")).casefold()
        if key in seen:
            problems.append(Problem(str(source), f"duplicate entry name (also given as '{seen[key]}')",
                                    path=entry.filename))
        seen.setdefault(key, entry.filename)
    files = {unicodedata.normalize("NFC", e.filename).casefold() for e in entries if not e.is_dir()}
    for entry in entries:
        for parent in PurePosixPath(entry.filename).parents:
            key = str(parent).casefold()
            if key != "." and key in files:
                problems.append(Problem(str(source), f"'{parent}' is both a file and a folder", path=entry.filename))
    return problems


def _extract(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path, source: Path,
             limits: ZipLimits) -> None:
    """Write one checked entry under `target`, never following a link and never past its declared size."""
    destination = target.joinpath(*entry.filename.rstrip("/").split("/"))
    if not destination.resolve().is_relative_to(target.resolve()):
        raise InputError.single(source, "the entry would be written outside the packet folder", path=entry.filename)
    if entry.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    written = 0
    try:
        with archive.open(entry) as reader, os.fdopen(os.open(destination, flags, 0o644), "wb") as writer:
            while chunk := reader.read(CHUNK):
                written += len(chunk)
                if written > entry.file_size:
                    raise InputError.single(source, f"the entry inflates beyond its declared {entry.file_size:,} "
                                                    "bytes", path=entry.filename)
                writer.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as error:
        raise InputError.single(source, f"the entry cannot be extracted: {error}", path=entry.filename) from None
    if written != entry.file_size:
        raise InputError.single(source, f"the entry inflates to {written:,} bytes, not its declared "
                                        f"{entry.file_size:,}", path=entry.filename)


def packet_root(folder: Path, source: Path) -> Path:
    """The folder holding manifest.json: the folder itself, or its single top-level folder (a zipped packet folder).
    InputError when neither holds one: without a manifest there is nothing to review against."""
    if (folder / MANIFEST).is_file():
        return folder
    children = list(folder.iterdir())
    if len(children) == 1 and children[0].is_dir() and (children[0] / MANIFEST).is_file():
        return children[0]
    raise InputError.of(source, "packet.no_manifest", manifest=MANIFEST, path=MANIFEST)
