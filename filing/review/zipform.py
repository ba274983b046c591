"""The byte layout a packet zip must have: central directory and local headers agree entry by entry, and every byte
of the file belongs to an entry, the central directory or the end record.

Why: a zip is read two ways. ``zipfile`` (and this review) trusts the central directory; other tools walk the local
headers from the start of the file. A zip whose two views differ (a local entry the directory does not list, a
header whose name, sizes, CRC or time disagree, bytes hidden between entries or before the first, an end record
whose counts or offsets are off) shows a reader with another tool other files than the review verified, so it is
refused, each difference named. Reading is bounded: the file is mapped, never read whole, and each structure is
judged before the next offset it gives is followed.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path

EOCD = struct.Struct("<4s4H2LH")
CENTRAL = struct.Struct("<4s6H3L5H2L")
LOCAL = struct.Struct("<4s5H3L2H")
DESCRIPTOR = struct.Struct("<3L")
EOCD_SIG, CENTRAL_SIG, LOCAL_SIG, DESCRIPTOR_SIG = b"PK\x05\x06", b"PK\x01\x02", b"PK\x03\x04", b"PK\x07\x08"
HAS_DESCRIPTOR = 0x08
MAX_COMMENT = 64
"""A packet zip's comment is empty or filing's short marker; a long one is room to hide bytes in."""


def layout_problems(path: Path) -> list[str]:
    """Every way the zip at `path` departs from one consistent layout; empty when it has none."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        if size < EOCD.size:
            return ["the file is too short to be a zip"]
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _problems(data, size)


def _problems(data: mmap.mmap, size: int) -> list[str]:
    end = data.rfind(EOCD_SIG, max(0, size - EOCD.size - 0xFFFF))
    if end < 0:
        return ["no end-of-central-directory record"]
    sig, disk, cd_disk, on_disk, total, cd_size, cd_offset, comment = EOCD.unpack_from(data, end)
    problems = []
    if end + EOCD.size + comment != size:
        problems.append(f"the end record's comment length ({comment}) does not reach the end of the file "
                        f"({size - end - EOCD.size} bytes follow the record)")
    if comment > MAX_COMMENT:
        problems.append(f"the zip comment is {comment} bytes; a packet zip's is at most {MAX_COMMENT}")
    if disk or cd_disk or on_disk != total:
        problems.append("the end record describes a multi-disk archive")
    if 0xFFFF in (on_disk, total) or 0xFFFFFFFF in (cd_size, cd_offset):
        problems.append("the zip uses ZIP64 records; a packet zip does not need them")
    if cd_offset + cd_size != end:
        problems.append(f"the central directory (offset {cd_offset:,}, {cd_size:,} bytes) does not end where the "
                        f"end record starts ({end:,})")
    if problems:
        return problems
    entries, problems = _central(data, cd_offset, end)
    if len(entries) != total:
        problems.append(f"the end record counts {total} entries; the central directory holds {len(entries)}")
    return problems + _locals(data, entries, cd_offset)


def _central(data: mmap.mmap, start: int, end: int) -> tuple[list[tuple[bytes, tuple, bytes]], list[str]]:
    """(name, fields shared with the local header, extra) of each central record, in order."""
    entries, at = [], start
    while at < end:
        if at + CENTRAL.size > end or data[at:at + 4] != CENTRAL_SIG:
            return entries, [f"the central directory holds something other than entry records at offset {at:,}"]
        (_, _made, needed, flags, method, time, date, crc, csize, usize, name_len, extra_len, comment_len,
         disk, _internal, _external, offset) = CENTRAL.unpack_from(data, at)
        name = data[at + CENTRAL.size: at + CENTRAL.size + name_len]
        extra = data[at + CENTRAL.size + name_len: at + CENTRAL.size + name_len + extra_len]
        if disk:
            return entries, [f"entry {_show(name)} is on another disk"]
        entries.append((name, (needed, flags, method, time, date, crc, csize, usize, offset), extra))
        at += CENTRAL.size + name_len + extra_len + comment_len
    if at != end:
        return entries, ["the last central record runs past the end record"]
    return entries, []


def _locals(data: mmap.mmap, entries: list[tuple[bytes, tuple, bytes]], cd_offset: int) -> list[str]:
    """Each local header against its central record, and the entries tiling the file from 0 to the directory."""
    problems, at = [], 0
    for name, (needed, flags, method, time, date, crc, csize, usize, offset), extra in \
            sorted(entries, key=lambda entry: entry[1][-1]):
        label = _show(name)
        if offset != at:
            what = "overlaps the previous one" if offset < at else f"leaves {offset - at:,} bytes before it that " \
                                                                   "belong to no listed entry"
            return problems + [f"entry {label} starts at offset {offset:,}: it {what}"]
        if offset + LOCAL.size > cd_offset or data[offset:offset + 4] != LOCAL_SIG:
            return problems + [f"entry {label}: no local header at offset {offset:,}"]
        (_, l_needed, l_flags, l_method, l_time, l_date, l_crc, l_csize, l_usize, l_name_len,
         l_extra_len) = LOCAL.unpack_from(data, offset)
        l_name = data[offset + LOCAL.size: offset + LOCAL.size + l_name_len]
        l_extra = data[offset + LOCAL.size + l_name_len: offset + LOCAL.size + l_name_len + l_extra_len]
        described = bool(flags & HAS_DESCRIPTOR)
        sizes = (0, 0, 0) if described and (l_crc, l_csize, l_usize) == (0, 0, 0) else (crc, csize, usize)
        for field, local, central in (("name", l_name, name), ("version needed", l_needed, needed),
                                      ("flags", l_flags, flags), ("method", l_method, method),
                                      ("time", l_time, time), ("date", l_date, date), ("CRC", l_crc, sizes[0]),
                                      ("compressed size", l_csize, sizes[1]),
                                      ("size", l_usize, sizes[2]), ("extra field", l_extra, extra)):
            if local != central:
                problems.append(f"entry {label}: the local header's {field} differs from the central directory's")
        at = offset + LOCAL.size + l_name_len + l_extra_len + csize
        if described:
            at, problem = _descriptor(data, at, cd_offset, (crc, csize, usize), label)
            problems += [problem] if problem else []
    if at != cd_offset:
        problems.append(f"{cd_offset - at:,} bytes between the last entry and the central directory belong to no "
                        "listed entry (a hidden local entry?)")
    return problems


def _descriptor(data: mmap.mmap, at: int, limit: int, central: tuple[int, int, int], label: str
                ) -> tuple[int, str | None]:
    """The data descriptor after an entry's data (with or without its signature); it must repeat the central
    record's CRC and sizes."""
    if data[at:at + 4] == DESCRIPTOR_SIG:
        at += 4
    if at + DESCRIPTOR.size > limit:
        return at, f"entry {label}: its data descriptor is missing"
    found = DESCRIPTOR.unpack_from(data, at)
    problem = None if found == central else f"entry {label}: its data descriptor disagrees with the central directory"
    return at + DESCRIPTOR.size, problem


def _show(name: bytes) -> str:
    return repr(name.decode("utf-8", "replace"))[:80]


__all__ = ["layout_problems"]
