"""The packet's data files: the only input documents are rendered from.

Why documents read these files and never the live stages: a reviewer holding a packet can re-render every document
from the packet's own ``data/`` and compare hashes, without the tape's original file, the chain or this machine's
clock. The JSON is written with sorted keys and a trailing newline so the same data is always the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filing.pool.checks import TAPE_CHECKS

DATA_FILES = {"deal": "data/deal.json", "pool": "data/pool.json", "findings": "data/findings.json",
              "contract": "data/contract.json", "tape": "data/tape.parquet"}


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
class Verdict:
    """Findings across the rulebook, the tape checks and the contract check, in design.md's JSON shape; any blocker
    among them stops a final build."""

    findings: tuple[dict[str, str], ...]
    """``{"rule", "severity", "path", "message"}`` of every finding that is not overridden."""

    @property
    def blockers(self) -> tuple[dict[str, str], ...]:
        return tuple(f for f in self.findings if f["severity"] == "blocker")

    @property
    def ok(self) -> bool:
        return not self.blockers

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "blockers": len(self.blockers),
                "warnings": sum(1 for f in self.findings if f["severity"] == "warning")}


def _finding(rule: str, severity: str, path: str, message: str, message_zh: str) -> dict[str, str]:
    return {"rule": rule, "severity": severity, "path": path, "message": message, "message_zh": message_zh}


@dataclass(frozen=True)
class PacketData:
    deal_json: str
    """``LoadedDeal.canonical_json()``: the exact text stored as data/deal.json."""
    findings: dict[str, Any]
    """``CheckReport.to_dict()`` plus ``rules``: every rule of the rulebook, so the checklist needs no code."""
    pool: dict[str, Any] | None = None
    contract: dict[str, Any] | None = None
    tape_parquet: bytes | None = None
    attachments: dict[str, bytes] | None = None
    """``attachments/…`` → bytes of the deal's required attachments (``filing.packet.attachments``)."""

    @property
    def deal(self) -> dict[str, Any]:
        return json.loads(self.deal_json)

    @property
    def deal_sha256(self) -> str:
        return hashlib.sha256(self.deal_json.encode()).hexdigest()

    def verdict(self) -> Verdict:
        found = [_finding(f["rule"], f["severity"], f["path"], f["message"], f["message_zh"])
                 for f in self.findings["findings"] if not f["overridden"]]
        found += [_finding(f["code"], f["severity"], f"tape.{f['column']}", f"{f['title']} ({f['count']} rows)",
                           f"{TAPE_CHECKS[f['code']][1]}（{f['count']} 行）")
                  for f in (self.pool or {}).get("findings", [])]
        if self.contract is not None:
            found += [_finding("CHAIN-SCENARIO", "blocker", f"token.tranches[{s['tranche']}]",
                               f"{s['name']}: expected {s['expected']}, got {s['actual']}",
                               f"{s['name']}：预期 {s['expected']}，实际 {s['actual']}")
                      for s in self.contract["scenarios"] if not s["passed"]]
            found += [_finding(f["rule"], f["severity"], f["path"], f["message"], f["message_zh"])
                      for f in self.contract["findings"] if not f["overridden"]]
        return Verdict(tuple(found))

    def files(self) -> dict[str, bytes]:
        """Relative path → bytes of every data file present (pool, contract and tape only when produced)."""
        out = {DATA_FILES["deal"]: self.deal_json.encode(), DATA_FILES["findings"]: dump_json(self.findings)}
        if self.pool is not None:
            out[DATA_FILES["pool"]] = dump_json(self.pool)
        if self.contract is not None:
            out[DATA_FILES["contract"]] = dump_json(self.contract)
        if self.tape_parquet is not None:
            out[DATA_FILES["tape"]] = self.tape_parquet
        return out | (self.attachments or {})

    @classmethod
    def read(cls, packet: Path) -> PacketData:
        """The data of an existing packet, to rebuild its documents and compare."""

        def load(key: str) -> Any:
            path = packet / DATA_FILES[key]
            return load_json(path.read_text(encoding="utf-8")) if path.exists() else None

        tape = packet / DATA_FILES["tape"]
        from filing.packet.attachments import read_packet_attachments

        return cls((packet / DATA_FILES["deal"]).read_text(encoding="utf-8"), load("findings"), load("pool"),
                   load("contract"), tape.read_bytes() if tape.exists() else None, read_packet_attachments(packet))
