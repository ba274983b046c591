"""Writing outputs so that a reader never sees half of one, and a killed writer leaves nothing that passes for one.

Every output is staged in a hidden sibling of its target (``.NAME.tmp-…``: same file system, so one rename puts it in
place), flushed to disk, then renamed. A staging path is locked (flock) for as long as its writer lives; the next
writer that succeeds removes the unlocked ones, which are what killed writers left behind.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
"""From Linux's <fcntl.h> and <linux/fs.h>: renameat2 relative to the working folder, swapping the two names."""


def replaceable(target: Path, marker: str) -> bool:
    """True when ``target`` is absent, an empty folder, or an earlier output of ours (it holds ``marker``): a folder
    of someone's own files must never be replaced."""
    target = Path(target)
    if not target.exists():
        return True
    return target.is_dir() and (not any(target.iterdir()) or (target / marker).is_file())


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a staging folder beside ``target``; on success it takes ``target``'s place in one step, on failure it
    vanishes.

    Where the system can swap two names atomically (Linux), ``target`` never stops existing: a crash leaves the old
    folder or the new one. Elsewhere the old folder is renamed aside first, so a crash between the two renames leaves
    no ``target`` (the old one waits in a staging path for the next success to remove it); never a mixture.
    """
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staging(target, lambda prefix: tempfile.mkdtemp(prefix=prefix, dir=target.parent)) as staging:
        yield staging
        os.chmod(staging, 0o755)
        _flush(staging)
        if not _exchange(staging, target):
            aside = staging.with_name(staging.name + ".old")
            if target.exists():
                os.rename(target, aside)
            os.rename(staging, target)
            _remove(aside)
        _fsync(target.parent)
    _sweep(target)


def write_file(target: Path, content: bytes) -> None:
    """Write ``target`` whole or not at all: staged beside it, flushed, then renamed over it."""
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staging(target, lambda prefix: _new_file(prefix, target.parent)) as staging:
        staging.write_bytes(content)
        os.chmod(staging, 0o644)
        _flush(staging)
        os.replace(staging, target)
        _fsync(target.parent)
    _sweep(target)


@contextmanager
def _staging(target: Path, create: Callable[[str], str]) -> Iterator[Path]:
    """A new staging path for ``target``, locked while this writer lives and removed when it is done."""
    path = Path(create(f".{target.name}.tmp-"))
    lock = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield path
    finally:
        os.close(lock)
        _remove(path)


def _sweep(target: Path) -> None:
    """Remove the staging paths beside ``target`` that no living writer holds."""
    for path in target.parent.glob(glob.escape(f".{target.name}.tmp-") + "*"):
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


def _new_file(prefix: str, folder: Path) -> str:
    descriptor, name = tempfile.mkstemp(prefix=prefix, dir=folder)
    os.close(descriptor)
    return name


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
