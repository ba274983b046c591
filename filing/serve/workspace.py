"""The workspace folder: every deal, packet, review and job the server knows lives here as plain files, so a restart
loses nothing and a user can open the same deals with the CLI.

```
WORKSPACE/<deal>/deal.yaml, tape.*          a deal, as `filing init` writes it
WORKSPACE/<deal>/packets/draft|final(.zip)  its latest draft and final packet
WORKSPACE/.serve/reviews/<id>/              an uploaded packet.zip, its extracted packet/ and review.json
WORKSPACE/.serve/jobs/<id>.json             long jobs (chain suite, build): status, progress, result
WORKSPACE/.serve/staging/                   uploads while they are judged; nothing stays there
```
Every path a request names is checked to stay inside the workspace (names are plain words, and resolved paths must
lie under the folder they claim), so no request reads or writes outside it.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from filing.write import write_file

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
PACKET_KINDS = ("draft", "final")
CHUNK = 1 << 16


class NotFound(Exception):
    """A deal, packet, review or file the request named does not exist in the workspace."""


class TooLarge(Exception):
    """An upload is over its size limit; nothing of it was kept."""

    def __init__(self, name: str, limit: int):
        super().__init__(f"{name}: the upload is larger than {limit:,} bytes")


@dataclass(frozen=True)
class Limits:
    """Upload bounds; the library's own limits (zip entries, tape rows, deal bytes) apply on top of these."""

    packet_bytes: int = 64 << 20
    tape_bytes: int = 256 << 20
    deal_bytes: int = 1 << 20

    @property
    def request_bytes(self) -> int:
        return max(self.packet_bytes, self.tape_bytes) + (1 << 20)


class Workspace:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.state = self.root / ".serve"
        for folder in ("reviews", "jobs", "staging"):
            (self.state / folder).mkdir(parents=True, exist_ok=True)

    # -- deals ------------------------------------------------------------------------------------------------
    def deals(self) -> list[str]:
        return sorted(p.parent.name for p in self.root.glob("*/deal.yaml") if NAME.match(p.parent.name))

    def deal_file(self, name: str) -> Path:
        path = self._inside(self.root, name) / "deal.yaml"
        if not path.is_file():
            raise NotFound(f"no deal named {name!r} in the workspace")
        return path

    def new_deal_folder(self, name: str) -> Path:
        """The folder for a new deal; the name must be a plain word (``filing init`` refuses a folder in use)."""
        if not NAME.match(name) or name.startswith("."):
            raise ValueError(f"{name!r}: a deal name is 1-64 letters, digits, '-', '_' or '.'")
        return self.root / name

    def packet_folder(self, name: str, kind: str) -> Path:
        if kind not in PACKET_KINDS:
            raise NotFound(f"no packet kind {kind!r}")
        return self.deal_file(name).parent / "packets" / kind

    def packet_file(self, name: str, kind: str, relative: str) -> Path:
        return self.file_under(self.packet_folder(name, kind), relative)

    # -- reviews ----------------------------------------------------------------------------------------------
    def reviews(self) -> list[dict[str, Any]]:
        found = []
        for report in sorted((self.state / "reviews").glob("*/review.json")):
            data = json.loads(report.read_text(encoding="utf-8"))
            found.append({"id": report.parent.name, "name": data.get("upload"), "verdict": data.get("verdict"),
                          "deal": data.get("deal")})
        return found

    def review_folder(self, review_id: str) -> Path:
        folder = self._inside(self.state / "reviews", review_id)
        if not (folder / "review.json").is_file():
            raise NotFound(f"no review {review_id!r}")
        return folder

    def new_review_folder(self) -> Path:
        return self.state / "reviews" / secrets.token_hex(6)

    # -- jobs -------------------------------------------------------------------------------------------------
    @property
    def jobs_folder(self) -> Path:
        return self.state / "jobs"

    # -- files ------------------------------------------------------------------------------------------------
    def file_under(self, base: Path, relative: str) -> Path:
        """An existing file under ``base``; NotFound for anything else, including a path that leaves ``base``."""
        path = (base / relative).resolve()
        if not path.is_relative_to(base.resolve()) or not path.is_file() or not path.is_relative_to(self.root):
            raise NotFound(f"no file {relative!r}")
        return path

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh folder inside the workspace (so a rename into place stays on one file system), always removed."""
        folder = Path(tempfile.mkdtemp(dir=self.state / "staging"))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _inside(self, base: Path, name: str) -> Path:
        if not NAME.match(name) or name.startswith("."):
            raise NotFound(f"no entry named {name!r}")
        path = (base / name).resolve()
        if not path.is_relative_to(base.resolve()):
            raise NotFound(f"no entry named {name!r}")
        return path


def save_json(path: Path, data: Any) -> None:
    """Whole or not at all (the library's atomic writer), so a killed server leaves the old record or the new one."""
    write_file(path, json.dumps(data, ensure_ascii=False, indent=1, default=str).encode())


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def copy_limited(source: BinaryIO, target: Path, limit: int, name: str) -> None:
    """Copy an upload to ``target``, refusing (and removing the part written) once it passes ``limit`` bytes."""
    written = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise TooLarge(name, limit)
            out.write(chunk)
