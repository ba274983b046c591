"""How the pages and the API show the library's dicts: findings as a coded log (the shape a validation service such
as Arelle's web service emits), pool charts drawn by the packet's own chart code, and the packet document a finding
or a review issue is about."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from filing.packet.charts import line_chart

LEVEL = {"blocker": "error", "warning": "warning", "info": "info"}
DOCUMENT_OF = (("filer", "01-filing-report"), ("assets", "02-asset-report"), ("structure", "03-structure"),
               ("issuer", "03-structure"), ("token", "04-token-terms"), ("cashflow", "05-cashflow"),
               ("offering", "06-investor-restrictions"), ("filing", "01-filing-report"),
               ("approvals", "01-filing-report"), ("service_providers", "03-structure"))
"""The document of the packet that sets out each top-level part of the deal; anything else is on the checklist."""


def coded_log(findings: list[dict[str, Any]], source: str) -> dict[str, Any]:
    """``{"log": [{"code", "level", "message": {"text", "text_zh"}, "refs": [{"href", "path"}]}]}``: one entry per
    finding, its code the rule, its reference the file and the field path it points at."""
    entries = []
    for finding in findings:
        path = finding.get("path") or ""
        entries.append({"code": finding["rule"], "level": LEVEL.get(finding["severity"], "info"),
                        "message": {"text": finding["message"], "text_zh": finding.get("message_zh", "")},
                        "refs": [{"href": f"{source}#{path}" if path else source, "path": path}]})
    errors = sum(1 for entry in entries if entry["level"] == "error")
    return {"ok": errors == 0, "source": source, "errors": errors,
            "warnings": sum(1 for entry in entries if entry["level"] == "warning"), "log": entries}


def document_of(path: str) -> str:
    """The packet HTML (with the Chinese version's anchor) where the reader finds what ``path`` is about: a review
    issue names a packet file itself; a finding names a deal field, set out in one of the documents."""
    if path.startswith("documents/") and path.endswith((".html", ".pdf", ".docx")):
        return path.rsplit(".", 1)[0] + ".html#zh"
    if path.startswith("data/"):
        return "documents/02-asset-report.html#zh" if "pool" in path or "tape" in path \
            else "documents/07-compliance-checklist.html#zh"
    top = path.split(".", 1)[0].split("[", 1)[0]
    slug = next((slug for part, slug in DOCUMENT_OF if part == top), "07-compliance-checklist")
    return f"documents/{slug}.html#zh"


def pool_charts(pool: dict[str, Any] | None) -> dict[str, Markup]:
    """The pool balance and each tranche's balance under every scenario, in millions of the pool's currency."""
    flows = (pool or {}).get("cashflows")
    if not flows:
        return {}
    labels = [period[:7] for period in flows["periods"]]
    unit = f"{flows['currency']} m"
    scenarios = flows["scenarios"]
    charts = {"Pool balance 资产池余额": line_chart(
        {name: [float(v) / 1e6 for v in s["monthly"]["balance"]] for name, s in scenarios.items()}, labels,
        "Pool balance", unit)}
    base = scenarios.get("base") or next(iter(scenarios.values()))
    charts["Tranche balances (base case) 各档余额（基准情景）"] = line_chart(
        {tranche: [float(v) / 1e6 for v in data["balance"]] for tranche, data in base["monthly"]["tranches"].items()},
        labels, "Tranche balances, base case", unit)
    return charts


def bars(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A distribution's rows with each balance share as a bar width (percent of the largest)."""
    peak = max((float(row.get("balance_share") or 0) for row in rows), default=0) or 1
    return [row | {"width": round(100 * float(row.get("balance_share") or 0) / peak, 1)} for row in rows]
