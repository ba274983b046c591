"""What changed between two versions of a packet: deal fields, pool figures, findings, documents, token configuration.

Why one recursive comparison of JSON values for every part: the deal, the pool report and the contract report are
all stored as JSON in the packet, so a single walk names each change by its path (``token.tranches[0].principal``,
the same spelling a finding uses) with its old and new value. Documents are compared by the hashes the manifests
list, which the review has already tied to the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filing.errors import InputError
from filing.packet.manifest import MANIFEST
from filing.review.packet import OpenedPacket, open_packet
from filing.review.safezip import opened_packet


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    """None when the value was added."""
    new: Any
    """None when the value was removed."""
    kind: str = "changed"
    """changed, added or removed: a null value and no value at all are different things."""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


_ABSENT = object()


def changes(old: Any, new: Any, path: str = "") -> list[Change]:
    """Every leaf that differs between two JSON values; a list is compared item by item, its tail as added/removed."""
    if old is _ABSENT or new is _ABSENT:
        return [Change(path, old, None, "removed") if new is _ABSENT else Change(path, None, new, "added")]
    if isinstance(old, dict) and isinstance(new, dict):
        return [change for key in sorted(old.keys() | new.keys(), key=str)
                for change in changes(old.get(key, _ABSENT), new.get(key, _ABSENT),
                                      f"{path}.{key}" if path else str(key))]
    if isinstance(old, list) and isinstance(new, list):
        return [change for i in range(max(len(old), len(new)))
                for change in changes(old[i] if i < len(old) else _ABSENT, new[i] if i < len(new) else _ABSENT,
                                      f"{path}[{i}]")]
    return [] if old == new else [Change(path, old, new)]


@dataclass(frozen=True)
class PacketDiff:
    a: str
    b: str
    deal: list[Change]
    pool: list[Change]
    findings_added: list[dict[str, Any]]
    findings_resolved: list[dict[str, Any]]
    findings_changed: list[Change]
    documents: list[Change]
    """Packet files by SHA-256 (old/new hash; None when the file is added or removed)."""
    token: list[Change]
    """Per tranche: address, standard and each configuration value the contract check read."""

    @property
    def empty(self) -> bool:
        return not any((self.deal, self.pool, self.findings_added, self.findings_resolved, self.findings_changed,
                        self.documents, self.token))

    def to_dict(self) -> dict[str, Any]:
        plain = {name: [c.to_dict() for c in getattr(self, name)]
                 for name in ("deal", "pool", "findings_changed", "documents", "token")}
        return {"ok": True, "findings": [], "a": self.a, "b": self.b, "identical": self.empty,
                "findings_added": self.findings_added, "findings_resolved": self.findings_resolved} | plain


def diff_packets(a: Path, b: Path) -> PacketDiff:
    """Compare two packets (folders or zips); InputError when either has no readable manifest or data file."""
    with opened_packet(a) as root_a, opened_packet(b) as root_b:
        old, new = _read_side(root_a, a), _read_side(root_b, b)
    findings_old, findings_new = (_findings(side) for side in (old, new))
    shared = sorted(findings_old.keys() & findings_new.keys())
    return PacketDiff(
        str(a), str(b), changes(old.deal_json, new.deal_json), changes(old.pool, new.pool),
        [findings_new[k] for k in sorted(findings_new.keys() - findings_old.keys())],
        [findings_old[k] for k in sorted(findings_old.keys() - findings_new.keys())],
        [c for k in shared for c in changes(findings_old[k], findings_new[k], f"{k[0]} {k[1]}")],
        changes(_hashes(old), _hashes(new)), changes(_token(old), _token(new)))


def _read_side(root: Path, source: Path) -> OpenedPacket:
    side = open_packet(root)
    if side.manifest is None:
        raise InputError.single(source, side.manifest_issues[0].message, path=MANIFEST)
    for issue in side.issues.values():
        raise InputError.single(source, issue.message, path=issue.path)
    return side


def _hashes(side: OpenedPacket) -> dict[str, str]:
    return {name: entry.sha256 for name, entry in side.manifest.files.items()} if side.manifest else {}


def records(data: Any, key: str) -> list[dict[str, Any]]:
    """The records listed under `key` of a JSON object, skipping anything else: recorded files may be tampered."""
    items = data.get(key) if isinstance(data, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _findings(side: OpenedPacket) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f.rule, f.path): f.to_dict() for f in (side.findings.findings if side.findings else ())}


def _token(side: OpenedPacket) -> dict[str, Any]:
    """The contract report's view of each tranche's token, keyed by tranche id and field name rather than by list
    position, so that a reordered check list is not reported as a change."""
    tranches = side.contract.tranches if side.contract else []
    return {t.tranche: {"address": t.address, "standard": t.standard} | {c.field: c.actual for c in t.checks}
            for t in tranches}
