"""Every example's packet, built once per test process and shared by the document tests (consistency, Latin text
in Chinese, layout): each build takes seconds, and the three tests read the same files."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import filing
from filing import stages

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAMES = ("trade-receivables", "toll-road", "equipment-lease", "supply-chain-payables", "noncompliant")


@dataclass(frozen=True)
class Packet:
    name: str
    root: Path

    @property
    def deal(self) -> dict:
        return json.loads((self.root / "data" / "deal.json").read_text(encoding="utf-8"))

    @property
    def pool(self) -> dict:
        return json.loads((self.root / "data" / "pool.json").read_text(encoding="utf-8"))

    @property
    def contract(self) -> dict | None:
        path = self.root / "data" / "contract.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def html(self) -> dict[str, str]:
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted((self.root / "documents").glob("*.html"))}

    def pdfs(self) -> list[Path]:
        return sorted((self.root / "documents").glob("*.pdf"))

    def pdf_text(self) -> dict[str, str]:
        """slug → pdftotext of the document, as a reviewer's tool reads it."""
        return {p.stem: subprocess.run(["pdftotext", "-enc", "UTF-8", str(p), "-"], check=True, capture_output=True,
                                       text=True).stdout for p in self.pdfs()}


@cache
def packet(name: str) -> Packet:
    """The example's packet (a draft where the example has blockers, as the non-compliant one has). With
    FILING_DOCUMENT_PACKETS=DIR a packet already in DIR/NAME is reused, so that working on one test does not rebuild
    four packets each run (delete the folder after changing the code)."""
    keep = os.environ.get("FILING_DOCUMENT_PACKETS")
    root = Path(keep) / name if keep else Path(tempfile.mkdtemp(prefix=f"filing-{name}-")) / "packet"
    if keep and (root / "manifest.json").exists():
        return Packet(name, root)
    result = stages.build(filing.load_deal(EXAMPLES / name / "deal.yaml"), root, draft=name == "noncompliant")
    assert result.written, name
    return Packet(name, root)
