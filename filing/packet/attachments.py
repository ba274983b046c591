"""The deal's required attachments taken into the packet: read once at assembly, carried as packet files under
``attachments/``, hashed into the manifest with every other file and listed in the index.

Why they travel with the data and not beside it: a reviewer rebuilding the packet from its own folder must find the
same files, so ``PacketData`` carries them and ``files()`` lists them like the data files. Why limits: an attachment
is a file someone named in a deal; its size is checked before it is read, and a link or special file is refused.
"""

from __future__ import annotations

import stat
from pathlib import Path, PurePosixPath

from filing.errors import InputError
from filing.model.load import LoadedDeal
from filing.rules.attachments import REQUIRED

FOLDER = "attachments"
MAX_BYTES = 64 * 1024 * 1024
"""Largest attachment taken (a scanned offering memorandum is rarely above a few tens of megabytes)."""


def packet_name(index: int, kind: str, file: str) -> str:
    """``attachments/NN-kind.ext``: numbered in the deal's order, named by kind, keeping the file's extension."""
    suffix = PurePosixPath(file).suffix.lower()
    return f"{FOLDER}/{index + 1:02d}-{kind.replace('_', '-')}{suffix}"


def read_attachments(loaded: LoadedDeal) -> dict[str, bytes]:
    """Packet path → bytes of every attachment the deal gives a file for; InputError naming the deal file and the
    field path when one cannot be read (missing, a folder or device, too large)."""
    out: dict[str, bytes] = {}
    for index, attachment in enumerate(loaded.deal.filing.attachments):
        if attachment.file is None:
            continue  # rule ATT-01 reports it
        where = f"filing.attachments[{index}].file"
        loaded.local_file(attachment.file, where)
        path = loaded.source.parent / attachment.file
        try:
            info = path.lstat()
        except OSError as error:
            raise InputError.single(loaded.source, f"attachment {attachment.file}: {error.strerror}",
                                    path=where) from None
        if not stat.S_ISREG(info.st_mode):
            raise InputError.single(loaded.source, f"attachment {attachment.file} is not a regular file (a folder, "
                                    "link, pipe or device)", path=where)
        if info.st_size > MAX_BYTES:
            raise InputError.single(loaded.source, f"attachment {attachment.file} has {info.st_size:,} bytes, more "
                                    f"than the {MAX_BYTES:,} taken", path=where)
        out[packet_name(index, attachment.kind, attachment.file)] = path.read_bytes()
    return out


def read_packet_attachments(packet: Path) -> dict[str, bytes]:
    """The attachments of an existing packet, to rebuild it (regular files directly under ``attachments/``)."""
    folder = packet / FOLDER
    if not folder.is_dir():
        return {}
    return {f"{FOLDER}/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())
            if stat.S_ISREG(p.lstat().st_mode) and p.lstat().st_size <= MAX_BYTES}


def attachment_rows(deal: dict) -> list[dict]:
    """What the index lists: each required kind with its titles and packet file (None when not provided)."""
    given = {a["kind"]: (i, a) for i, a in enumerate(deal["filing"].get("attachments", []))}
    rows = []
    for kind, (zh, en) in REQUIRED.items():
        index, attachment = given.get(kind, (None, None))
        file = attachment and attachment.get("file")
        rows.append({"kind": kind, "title_zh": (attachment or {}).get("title_zh") or zh,
                     "title_en": (attachment or {}).get("title_en") or en,
                     "file": [f"../{packet_name(index, kind, file)}"] if file else None})
    return rows
