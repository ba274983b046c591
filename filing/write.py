"""Writing outputs so that a reader never sees half of one, and a killed writer leaves nothing that passes for one.

Every output is staged in a hidden sibling of its target (``.NAME.tmp-…``: same file system, so one rename puts it in
place), flushed to disk, then renamed. A staging path is locked (flock) for as long as its writer lives; the next
writer that succeeds removes the unlocked ones, which are what killed writers left behind.

Only our own outputs are ever replaced: a folder we write holds ``MARKER`` (``.filing-output``, with a token), and a
packet zip carries ``ZIP_COMMENT`` as its zip comment; a folder or file without them is someone's, and is refused.
A folder and its zip are committed together: both are staged, a commit record naming them is written, then both
are renamed; a writer killed between the two renames leaves the record, and the next writer of that folder
finishes the commit before anything else, so the pair is never left half old and half new.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
"""From Linux's <fcntl.h> and <linux/fs.h>: renameat2 relative to the working folder, swapping the two names."""


MARKER = ".filing-output"
MARKER_TEXT = re.compile(r"filing (packet|review) ([0-9a-f]{32})\n")
"""The marker's one line: what filing wrote there (a packet or a review, never replaced by the other) and a token."""
ZIP_COMMENT = b"filing packet"


def replaceable(target: Path, kind: str) -> bool:
    """True when ``target`` is absent, an empty folder, or a folder we wrote as ``kind`` (packet or review: it holds
    ``MARKER`` saying so): a folder of someone's own files (even one holding a manifest.json) is never replaced."""
    target = Path(target)
    if target.is_symlink():
        return False
    if not target.exists():
        return True
    return target.is_dir() and (not any(target.iterdir()) or marker_token(target, kind) is not None)


def zip_replaceable(target: Path) -> bool:
    """True when ``target`` is absent or a zip we wrote (its comment is ``ZIP_COMMENT``); a folder, a link or
    anyone else's file of that name is left alone."""
    target = Path(target)
    if not target.exists() and not target.is_symlink():
        return True
    if target.is_symlink() or not target.is_file():
        return False
    try:
        with zipfile.ZipFile(target) as archive:
            return archive.comment == ZIP_COMMENT
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def marker_token(folder: Path, kind: str | None = None) -> str | None:
    """The token of the folder's marker (of ``kind`` when given), or None when it has no such well-formed one."""
    path = Path(folder) / MARKER
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 64:
            return None
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    found = MARKER_TEXT.fullmatch(text)
    return found[2] if found and kind in (None, found[1]) else None


def _mark(folder: Path, kind: str) -> str:
    """Write the marker; its token is a digest of the folder's files, so the same output is the same bytes (builds
    stay reproducible) and a staged folder is told from the one it replaces whenever their contents differ."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder).as_posix()}\0{file_sha256(path)}\n".encode())
    token = digest.hexdigest()[:32]
    (folder / MARKER).write_text(f"filing {kind} {token}\n", encoding="ascii")
    return token


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@contextmanager
def atomic_folder(target: Path, mark: str | None = None) -> Iterator[Path]:
    """Yield a staging folder beside ``target``; on success it takes ``target``'s place in one step, on failure it
    vanishes.

    Where the system can swap two names atomically (Linux), ``target`` never stops existing: a crash leaves the old
    folder or the new one. Elsewhere the old folder is renamed aside first, so a crash between the two renames leaves
    no ``target`` (the old one waits in a staging path for the next success to remove it); never a mixture.
    """
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staging(target, _new_folder) as staging:
        yield staging
        if mark is not None:
            _mark(staging, mark)
        os.chmod(staging, 0o755)
        _flush(staging)
        _swap(staging, target)
        _fsync(target.parent)
    _sweep(target)


def write_outputs(folder: Path, files: dict[str, bytes], archive: Path | None = None,
                  archive_bytes: bytes = b"", kind: str = "packet") -> None:
    """Write ``folder`` (marked as our ``kind``) with ``files`` and, when given, ``archive`` with
    ``archive_bytes``: both replaced or neither, even when the writer is killed between the two renames (see the
    module docstring)."""
    folder = Path(folder).absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    archive = Path(archive).absolute() if archive is not None else None
    recover(folder)
    with _staging(folder, _new_folder) as staged, \
            (_staging(archive, _new_file) if archive else nullcontext(None)) as staged_zip:
        for name, content in sorted(files.items()):
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_bytes(content)
        token = _mark(staged, kind)
        os.chmod(staged, 0o755)
        _flush(staged)
        if staged_zip is not None:
            staged_zip.write_bytes(archive_bytes)
            os.chmod(staged_zip, 0o644)
            _flush(staged_zip)
        record = {"token": token, "folder": staged.name, "zip": staged_zip.name if staged_zip else None,
                  "archive": archive.name if archive else None}
        write_file(_record(folder), json.dumps(record).encode())
        _commit(folder, record)
    for target in (folder, archive):
        if target is not None:
            _sweep(target)


def recover(folder: Path) -> None:
    """Finish a commit a killed writer of ``folder`` left half done (see ``write_outputs``); a commit whose staged
    folder is gone, or whose writer still lives, is left alone."""
    folder = Path(folder).absolute()
    path = _record(folder)
    try:
        record = json.loads(path.read_bytes())
        staged = folder.parent / str(record["folder"])
    except FileNotFoundError:
        return  # nothing to finish, and nothing written: judging a target is not a write
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return
    try:
        lock = os.open(staged, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        lock = None
    try:
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _commit(folder, record)
    except BlockingIOError:
        return  # its writer is still at work
    finally:
        if lock is not None:
            os.close(lock)


def _commit(folder: Path, record: dict) -> None:
    """Put the staged folder and zip of ``record`` in place, each unless it already is, then drop the record."""
    staged = folder.parent / str(record["folder"])
    if marker_token(folder) != record["token"] and marker_token(staged) == record["token"]:
        _swap(staged, folder)
    if record.get("zip") and record.get("archive"):
        staged_zip = folder.parent / str(record["zip"])
        if staged_zip.is_file() and not staged_zip.is_symlink():
            os.replace(staged_zip, folder.parent / str(record["archive"]))
    _fsync(folder.parent)
    _record(folder).unlink(missing_ok=True)
    _fsync(folder.parent)


def _record(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.commit")


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``; the old ``target`` ends at ``staging`` (or aside), removed by its owner.

    Where the system can swap two names atomically (Linux), ``target`` never stops existing; elsewhere the old
    folder is renamed aside first, so a crash between the two renames leaves no ``target``, never a mixture."""
    if not _exchange(staging, target):
        aside = staging.with_name(staging.name + ".old")
        if target.exists():
            os.rename(target, aside)
        os.rename(staging, target)
        _remove(aside)


def write_file(target: Path, content: bytes) -> None:
    """Write ``target`` whole or not at all: staged beside it, flushed, then renamed over it."""
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staging(target, _new_file) as staging:
        staging.write_bytes(content)
        os.chmod(staging, 0o644)
        _flush(staging)
        os.replace(staging, target)
        _fsync(target.parent)
    _sweep(target)


@contextmanager
def _staging(target: Path, create: Callable[[str, Path], str]) -> Iterator[Path]:
    """A new staging path for ``target``, locked while this writer lives and removed when it is done."""
    path = Path(create(f".{target.name}.tmp-", target))
    lock = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield path
    finally:
        os.close(lock)
        _remove(path)


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A new folder in the system's temporary folder, locked while its user lives and removed afterwards; folders
    of the same prefix that no living process holds (left by a killed run) are removed first."""
    root = Path(tempfile.gettempdir())
    _sweep_prefix(root, prefix)
    with _staging(root / prefix, lambda _prefix, _target: tempfile.mkdtemp(prefix=prefix, dir=root)) as path:
        yield path


def _sweep(target: Path) -> None:
    """Remove the staging paths beside ``target`` that no living writer holds."""
    _sweep_prefix(target.parent, f".{target.name}.tmp-")


def _sweep_prefix(folder: Path, prefix: str) -> None:
    """Remove the paths in ``folder`` starting with ``prefix`` that no living process holds locked."""
    for path in folder.glob(glob.escape(prefix) + "*"):
        try:
            lock = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _remove(path)
        except BlockingIOError:
            pass  # a writer at work
        finally:
            os.close(lock)


def _exchange(staging: Path, target: Path) -> bool:
    """Swap the two names in one step (renameat2 with RENAME_EXCHANGE); False when ``target`` does not exist or the
    system, its C library or the file system cannot swap."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(staging), AT_FDCWD, os.fsencode(target), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOENT, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(staging), None, str(target))


def _flush(path: Path) -> None:
    """fsync a file, or a folder and everything under it: a power cut after the rename must not leave the new names
    pointing at empty files."""
    for folder, _, files in os.walk(path):
        for name in files:
            _fsync(os.path.join(folder, name))
        _fsync(folder)
    if path.is_file():
        _fsync(path)


def _fsync(path: str | Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _new_folder(prefix: str, target: Path) -> str:
    return tempfile.mkdtemp(prefix=prefix, dir=target.parent)


def _new_file(prefix: str, target: Path) -> str:
    descriptor, name = tempfile.mkstemp(prefix=prefix, dir=target.parent)
    os.close(descriptor)
    return name


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
