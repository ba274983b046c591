"""Comparing the findings a packet records with those the current rulebook gives, field by field.

Why every field: the Chinese text governs the filing, so a finding whose ``message_zh``, source, confidence or
override was rewritten (and the packet re-hashed and re-signed) is as much a different finding as one with another
severity; comparing the English message alone let such an edit pass. The same holds for the rulebook listing the
checklist is printed from (titles in both languages, sources, confidence).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from filing.packet.data import DATA_FILES
from filing.review.report import Issue

MAX_SHOWN = 120


def compare_findings(recorded: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[Issue]:
    """Findings added, removed or changed in any field, matched by rule, path and order among equal pairs."""
    old, new = _keyed(recorded, ("rule", "path")), _keyed(current, ("rule", "path"))
    issues = [Issue(key[1], f"finding {key[0]} {key[1]}: added on re-run: {shown(new[key].get('message'))}")
              for key in sorted(new.keys() - old.keys())]
    issues += [Issue(key[1], f"finding {key[0]} {key[1]}: recorded but not found on re-run: "
                             f"{shown(old[key].get('message'))}")
               for key in sorted(old.keys() - new.keys())]
    issues += [Issue(key[1], f"finding {key[0]} {key[1]}: {field} recorded {shown(old[key].get(field))}, re-run "
                             f"gives {shown(new[key].get(field))}")
               for key in sorted(old.keys() & new.keys()) for field in _differing(old[key], new[key])]
    return issues


def compare_rules(recorded: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[Issue]:
    """Rules of the recorded listing added, removed or changed in any field (titles, source, confidence, ...)."""
    where = DATA_FILES["findings"]
    old, new = _keyed(recorded, ("code",)), _keyed(current, ("code",))
    issues = [Issue(where, f"rule {key[0]}: {'listed' if key in new else 'recorded'} only "
                           f"{'on re-run' if key in new else 'in the packet'}")
              for key in sorted(old.keys() ^ new.keys())]
    issues += [Issue(where, f"rule {key[0]}: {field} recorded {shown(old[key].get(field))}, the rulebook says "
                            f"{shown(new[key].get(field))}")
               for key in sorted(old.keys() & new.keys()) for field in _differing(old[key], new[key])]
    return issues


def _keyed(items: Iterable[dict[str, Any]], fields: tuple[str, ...]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Each record under its key fields plus its order among records with the same key (so duplicates count)."""
    keyed: dict[tuple[str, ...], dict[str, Any]] = {}
    seen: Counter[tuple[str, ...]] = Counter()
    for item in items:
        base = tuple(str(item.get(field)) for field in fields)
        keyed[(*base, str(seen[base]))] = item
        seen[base] += 1
    return keyed


_ABSENT = object()


def _differing(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [field for field in sorted(old.keys() | new.keys()) if old.get(field, _ABSENT) != new.get(field, _ABSENT)]


def shown(value: Any) -> str:
    """A recorded value as a review issue quotes it: JSON, cut to MAX_SHOWN characters."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."


__all__ = ["compare_findings", "compare_rules", "shown"]
