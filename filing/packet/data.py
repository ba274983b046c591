"""The packet's data files: the only input documents are rendered from.

Why documents read these files and never the live stages: a reviewer holding a packet can re-render every document
from the packet's own ``data/`` and compare hashes, without the tape's original file, the chain or this machine's
clock. The JSON is written with sorted keys and a trailing newline so the same data is always the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from filing.chain.report import ContractReport
from filing.findings import Verdict

if TYPE_CHECKING:
    import polars as pl

    from filing.pool import PoolReport

ANALYSIS_COLUMNS = ("row", "passes_checks", "eligible")
"""Columns the pool stage adds to the tape it stores; they are its output, not the tape's content."""
DATA_FILES = {"deal": "data/deal.json", "pool": "data/pool.json", "findings": "data/findings.json",
              "contract": "data/contract.json", "tape": "data/tape.parquet", "history": "data/history.parquet"}


def dump_json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


MAX_JSON_DEPTH = 100
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def load_json(raw: bytes | str) -> Any:
    """``json.loads`` of a file that came from outside (a packet's), refusing with ValueError more than
    MAX_JSON_DEPTH nested arrays or objects before parsing: json recurses in C, and once py_ecc has raised the
    recursion limit to 100,000 (every command that signs or verifies imports it) a file of 90,000 '[' overflowed
    the stack and killed the reviewer."""
    data = raw.encode() if isinstance(raw, str) else raw
    depth = 0
    for token in _JSON_TOKEN.finditer(data):
        if token.end() - token.start() == 1:  # a bracket; strings are skipped whole
            depth += 1 if data[token.start()] in b"[{" else -1
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"arrays or objects nested more than {MAX_JSON_DEPTH} levels deep")
    return json.loads(data)


@dataclass(frozen=True)
class PacketData:
    """The packet's data files as typed values: written by the build, read by the renderer, the reviewer and diff."""

    deal_json: str
    """``LoadedDeal.canonical_json()``: the exact text stored as data/deal.json."""
    verdict: Verdict
    """The one verdict over deal, pool and chain findings (data/findings.json)."""
    rules: tuple[dict[str, Any], ...] = ()
    """Every rule's facts (code, titles, severity, confidence, source), so the checklist needs no code."""
    pool: dict[str, Any] | None = None
    contract: ContractReport | None = None
    """The chain evidence and its CHAIN findings (data/contract.json)."""
    tape_parquet: bytes | None = None
    history_parquet: bytes | None = None
    """The static-pool history in canonical columns, when the deal names one (``assets.history``)."""
    attachments: dict[str, bytes] | None = None
    """``attachments/…`` → bytes of the deal's required attachments (``filing.packet.attachments``)."""

    @property
    def deal(self) -> dict[str, Any]:
        return json.loads(self.deal_json)

    @property
    def deal_sha256(self) -> str:
        return hashlib.sha256(self.deal_json.encode()).hexdigest()

    @property
    def findings(self) -> dict[str, Any]:
        """data/findings.json: the verdict and the rulebook's rules."""
        return self.verdict.to_dict() | {"rules": list(self.rules)}

    def files(self) -> dict[str, bytes]:
        """Relative path → bytes of every data file present (pool, contract and tape only when produced)."""
        out = {DATA_FILES["deal"]: self.deal_json.encode(), DATA_FILES["findings"]: dump_json(self.findings)}
        if self.pool is not None:
            out[DATA_FILES["pool"]] = dump_json(self.pool)
        if self.contract is not None:
            out[DATA_FILES["contract"]] = dump_json(self.contract.to_dict())
        if self.tape_parquet is not None:
            out[DATA_FILES["tape"]] = self.tape_parquet
        if self.history_parquet is not None:
            out[DATA_FILES["history"]] = self.history_parquet
        return out | (self.attachments or {})


def tape_parquet(pool: PoolReport) -> bytes:
    """The tape as the packet stores it: the columns the tape file had (and the stage's own), rows in file order. A
    column the tape lacked is not stored, so the re-analysis of the stored tape sees the same columns and gives the
    same figures."""
    kept = [c for c in pool.frame.columns if c in pool.tape.columns or c in ANALYSIS_COLUMNS]
    return _parquet(pool.frame.select(kept).sort("row"))


def history_parquet(pool: PoolReport) -> bytes | None:
    """The static-pool history the report was computed from, in canonical columns (None without one)."""
    return _parquet(pool.history_frame.drop("mob").sort("row")) if pool.history is not None else None


def _parquet(frame: pl.DataFrame) -> bytes:
    """Parquet written without statistics-dependent or clock metadata: the same rows are always the same bytes."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", compression_level=3, statistics=False)
    return buffer.getvalue()
