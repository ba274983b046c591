"""How the pages and the API show the library's dicts: findings as a coded log (the shape a validation service such
as Arelle's web service emits), pool charts drawn by the packet's own chart code, and the packet document a finding
or a review issue is about."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from filing.packet.charts import line_chart

LEVEL = {"blocker": "error", "warning": "warning", "info": "info"}
SECTIONS = (
    ("filer.disqualifiers", "01-filing-report", "disqualifiers"), ("filer", "01-filing-report", "filer"),
    ("approvals", "01-filing-report", "approvals"), ("service_providers", "01-filing-report", "service_providers"),
    ("proceeds", "01-filing-report", "proceeds"), ("filing", "01-filing-report", "compliance_summary"),
    ("assets.tape", "02-asset-report", "tape_quality"), ("assets.eligibility", "02-asset-report", "eligibility"),
    ("assets", "02-asset-report", "pool_overview"), ("totals", "02-asset-report", "pool_overview"),
    ("quality", "02-asset-report", "tape_quality"), ("eligibility", "02-asset-report", "eligibility"),
    ("distributions", "02-asset-report", "distributions"), ("top_assets", "02-asset-report", "top_assets"),
    ("top_obligors", "02-asset-report", "top_obligors"), ("concentration", "02-asset-report", "concentration"),
    ("affiliates", "02-asset-report", "affiliates"), ("issuer", "03-structure", "parties"),
    ("structure.true_sale", "03-structure", "true_sale"),
    ("structure.credit_enhancement", "03-structure", "credit_enhancement"),
    ("structure.risk_retention", "03-structure", "risk_retention"), ("structure", "03-structure", "isolation"),
    ("token.settlement_asset", "04-token-terms", "settlement_asset"), ("token.tranches", "04-token-terms", "tranches"),
    ("token", "04-token-terms", "token_overview"), ("cashflows", "05-cashflow", "stress_results"),
    ("cashflow", "05-cashflow", "scenarios"), ("offering", "06-investor-restrictions", "restriction_statement"),
)
"""Where the packet sets out each part of the deal (and of the pool report, whose figures a review names): the
document and its section heading, most specific first; anything else is in the checklist's finding details."""


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
    """The packet HTML, at the Chinese version's section, where the reader finds what ``path`` is about: a review
    issue may name a packet file itself; a finding names a deal field (or a pool figure) set out in one section."""
    if path.startswith("documents/") and path.endswith((".html", ".pdf", ".docx")):
        return path.rsplit(".", 1)[0] + ".html#zh"
    for prefix, slug, section in SECTIONS:
        if path == prefix or path.startswith((f"{prefix}.", f"{prefix}[")):
            return f"documents/{slug}.html#zh-{section}"
    return "documents/07-compliance-checklist.html#zh-finding_details"


def internal_document(path: str) -> bool:
    """A packet file of a document built for the team, not filed (the rules' sources and confidence)."""
    from filing.packet.render import DOCUMENTS

    return any(path.startswith(f"documents/{spec.slug}.") for spec in DOCUMENTS if not spec.filed)


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
