"""Every document of the packet rendered to HTML from the packet's data, by one renderer and one context.

Why one context for all documents: a figure is derived once (a tranche's on-chain cap, a rule's verdict, a party's
role) and every document that shows it shows the same value. The templates only lay it out, in each language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from filing.model.deal import Deal
from filing.packet.charts import Flow, Node, line_chart, structure_diagram
from filing.packet.data import DATA_FILES, PacketData
from filing.packet.environment import Lang, load_glossary, render_template
from filing.packet.history_charts import history_charts
from filing.pool.checks import TAPE_CHECKS
from filing.rules.guideline import required_undertakings


@dataclass(frozen=True)
class DocumentSpec:
    slug: str
    """File stem in ``documents/``; the number orders the packet."""
    template: str
    title: str
    """Glossary key of the title."""
    docx: bool = False
    """Also written as an editable DOCX draft for lawyers to redline."""


DOCUMENTS = (
    DocumentSpec("00-index", "index", "doc_index"),
    DocumentSpec("01-filing-report", "filing_report", "doc_filing_report"),
    DocumentSpec("02-asset-report", "asset_report", "doc_asset_report"),
    DocumentSpec("03-structure", "structure", "doc_structure"),
    DocumentSpec("04-token-terms", "token_terms", "doc_token_terms"),
    DocumentSpec("05-cashflow", "cashflow", "doc_cashflow"),
    DocumentSpec("06-investor-restrictions", "investor_restrictions", "doc_investor_restrictions"),
    DocumentSpec("07-compliance-checklist", "checklist", "doc_checklist"),
    DocumentSpec("08-undertakings", "undertakings", "doc_undertakings", docx=True),
    DocumentSpec("09-legal-opinion", "legal_opinion", "doc_legal_opinion", docx=True),
    DocumentSpec("10-completion-report", "completion_report", "doc_completion_report"),
    DocumentSpec("11-material-event-report", "material_event", "doc_material_event"),
)
DISQUALIFIERS = ("financing_prohibited_by_law", "national_security_finding", "convictions_attestation",
                 "open_investigation")
TOC_MIN_SECTIONS = 5
_TOC_HEADING = re.compile(r'<h2 id="(?P<id>[a-z]{2}-[a-z0-9_]+)">(?P<title>.*?)</h2>')


@dataclass(frozen=True)
class RenderOptions:
    langs: tuple[str, ...]
    draft: bool
    timestamp: str
    """ISO 8601 instant written into every document's metadata (the deal's as-of date or SOURCE_DATE_EPOCH)."""
    tool_version: str


def render_documents(env: SandboxedEnvironment, data: PacketData, options: RenderOptions) -> dict[str, str]:
    """slug → HTML of every document, each with its tables of contents filled in."""
    context = build_context(env, data, options)
    return {spec.slug: _with_toc(render_template(env, f"packet/documents/{spec.template}.html.j2",
                                                 context | {"doc": {"slug": spec.slug, "title": spec.title}}),
                                 context["glossary"])
            for spec in DOCUMENTS}


def _with_toc(html: str, glossary: dict[str, Lang]) -> str:
    """Replace each language's ``<!--toc:xx-->`` marker with links to that language's h2 headings and their pages.

    Only documents long enough to need one get a table of contents: its page numbers are forward references, which
    make WeasyPrint lay the document out again (a fifth of the packet's rendering time when every document had one).
    """
    for code, lang in glossary.items():
        marker = f"<!--toc:{code}-->"
        if marker not in html:
            continue
        start = html.index(marker)
        end = html.find("</section>", start)
        headings = list(_TOC_HEADING.finditer(html, start, end))
        items = "".join(f'<li><a href="#{m["id"]}">{m["title"]}</a></li>' for m in headings)
        toc = f'<nav class="toc"><h2>{lang("contents")}</h2><ol>{items}</ol></nav>' \
            if len(headings) >= TOC_MIN_SECTIONS else ""
        html = html.replace(marker, toc)
    return html


def build_context(env: SandboxedEnvironment, data: PacketData, options: RenderOptions) -> dict[str, Any]:
    deal = data.deal
    model = Deal.model_validate_json(data.deal_json)
    glossary = load_glossary(env)
    verdict = data.verdict
    contract = data.contract.to_dict() if data.contract else None
    onchain = {t["tranche"]: t for t in (contract or {}).get("tranches", [])}
    tranches = [t | {"address": onchain.get(t["id"], {}).get("address") or t["address"],
                     "checks": onchain.get(t["id"], {}).get("checks", []),
                     "cap_base_units": f"{int(Decimal(t['principal']) * 10 ** t['decimals']):,}"}
                for t in deal["token"]["tranches"]]
    context = {
        "deal": deal, "pool": data.pool, "findings": data.findings, "contract": contract,
        "langs": list(options.langs), "glossary": glossary, "draft": options.draft, "timestamp": options.timestamp,
        "tool_version": options.tool_version, "deal_sha256": data.deal_sha256,
        "verdict": verdict.headline(), "tranches": tranches,
        "total_principal": sum(Decimal(t["principal"]) for t in deal["token"]["tranches"]),
        "officers": [{"name": o["name"], "role_key": f"role_{o['role']}"} for o in deal["filer"]["officers"]],
        "disqualifiers": [{"item": f"dq_{k}", **deal["filer"]["disqualifiers"][k]} for k in DISQUALIFIERS],
        "approvals": [a | {"type_key": f"approval_{a['type']}", "status_key": f"status_{a['status']}"}
                      for a in deal["approvals"]],
        "providers": [p | {"role_key": f"provider_{p['role']}"} for p in deal["service_providers"]],
        "credit_enhancement": [c | {"kind_key": f"ce_{c['kind']}"} for c in deal["structure"]["credit_enhancement"]],
        "parties": _parties(deal),
        "scenarios": [deal["cashflow"]["base"], *deal["cashflow"]["stress"]],
        "cash": _cash(data.pool),
        "tape_findings": [f | {"title_en": TAPE_CHECKS[f["code"]][0], "title_zh": TAPE_CHECKS[f["code"]][1]}
                          for f in (data.pool or {}).get("findings", [])],
        "undertakings": _undertakings(model),
        "documents": [{"number": spec.slug[:2], "title": spec.title,
                       "files": [f"{spec.slug}.{ext}" for ext in ("pdf", "html", "docx") if ext != "docx" or spec.docx]}
                      for spec in DOCUMENTS],
        "data_files": [{"path": path, "contents": f"data_{key}"} for key, path in DATA_FILES.items()],
    }
    context |= _contract(contract)
    context |= _checklist(data)
    context["svg"] = {code: _charts(glossary[code], deal, context["cash"]) | history_charts(glossary[code], data.pool)
                      for code in options.langs}
    return context


def _parties(deal: dict[str, Any]) -> list[dict[str, Any]]:
    def party(role: str, entity: dict[str, Any], identifier: str | None = None) -> dict[str, Any]:
        return {"role_key": f"role_{role}", "name_zh": entity.get("name_zh") or entity.get("name"),
                "name_en": entity.get("name_en") or entity.get("name"), "jurisdiction": entity["jurisdiction"],
                "identifier": identifier or entity.get("uscc") or entity.get("lei")
                or entity.get("registration_number")}

    structure, token = deal["structure"], deal["token"]
    return [party("filer", deal["filer"]), party("issuer", deal["issuer"]), party("trustee", structure["trustee"]),
            party("servicer", structure["servicer"]), party("custodian", structure["custodian"]),
            party("collection_bank", {"name": structure["collection_account"]["bank"],
                                      "jurisdiction": structure["collection_account"]["jurisdiction"]}),
            party("venue", deal["offering"]["venue"], deal["offering"]["venue"].get("sfc_ce_number")),
            party("settlement_issuer", {"name": token["settlement_asset"].get("issuer") or
                                        token["settlement_asset"]["name"], "jurisdiction": "—"})]


def _undertakings(model: Deal) -> list[dict[str, Any]]:
    signed = {(u.party_role, u.party_name): u.signed_on for u in model.filing.undertakings}
    return [{"role_key": f"role_{role}", "name": name,
             "signed_on": signed[(role, name)].isoformat() if signed.get((role, name)) else None}
            for role, name, _ in required_undertakings(model)]


def _contract(contract: dict[str, Any] | None) -> dict[str, Any]:
    """Scenario results counted by tranche and action, and the failed ones in full (all are in contract.json)."""
    if contract is None:
        return {"contract_summary": [], "contract_findings": [], "contract_failures": []}
    summary: dict[tuple[str, str], dict[str, Any]] = {}
    for scenario in contract["scenarios"]:
        row = summary.setdefault((scenario["tranche"], scenario["action"]), {
            "tranche": scenario["tranche"], "action": f"action_{scenario['action']}", "total": 0, "passed": 0})
        row["total"] += 1
        row["passed"] += scenario["passed"]
    return {"contract_summary": list(summary.values()),
            "contract_failures": [s for s in contract["scenarios"] if not s["passed"]],
            "contract_findings": [f | {"message_en": f["message"]} for f in contract["findings"]]}


def _checklist(data: PacketData) -> dict[str, Any]:
    """Each rule's line as the one verdict states it (`Verdict.status`): not evaluated, failed, overridden or
    passed; the review's own codes are about a packet, not the deal, and are not listed."""
    rows = [{"code": rule["code"], "title_en": rule["title"], "title_zh": rule["title_zh"],
             "severity": rule["severity"], "verdict": f"verdict_{data.verdict.status(rule['code'])}",
             "confidence": f"confidence_{rule['confidence']}", "source": rule["source"]}
            for rule in data.rules if rule.get("emitted_by") != "review"]
    finding_rows = [f | {"message_en": f["message"]} for f in data.findings["findings"]]
    return {"checklist": rows, "finding_rows": finding_rows}


def _cash(pool: dict[str, Any] | None) -> dict[str, Any] | None:
    """Stress-test tables from the pool report's cash flows (None until the projection has run)."""
    flows = (pool or {}).get("cashflows")
    if not flows:
        return None
    rows, tranches = [], []
    for name, scenario in flows["scenarios"].items():
        summary = scenario["summary"]
        rows.append({"name": name, **{k: summary["totals"][k] for k in ("collections", "defaults", "recoveries")},
                     "senior_min_dscr": summary["senior_min_dscr"]})
        tranches += [{"scenario": name, "tranche": tid, **t} for tid, t in summary["tranches"].items()]
    return {"rows": rows, "tranches": tranches, "currency": flows["currency"], "periods": flows["periods"],
            "first_period": flows["periods"][0], "last_period": flows["periods"][-1],
            "assumptions": flows["assumptions"], "monthly": {n: s["monthly"] for n, s in flows["scenarios"].items()}}


def _charts(L: Lang, deal: dict[str, Any], cash: dict[str, Any] | None) -> dict[str, Markup]:
    charts = {"structure": _structure(L, deal)}
    if cash:
        labels = [p[:7] for p in cash["periods"]]
        unit = f"{cash['currency']} m"
        senior = min(deal["token"]["tranches"], key=lambda t: t["seniority"])["id"]
        charts["pool_balance"] = line_chart(
            {n: [float(v) / 1e6 for v in m["balance"]] for n, m in cash["monthly"].items()}, labels,
            L("chart_pool_balance"), unit)
        charts["senior_balance"] = line_chart(
            {n: [float(v) / 1e6 for v in m["tranches"][senior]["balance"]] for n, m in cash["monthly"].items()},
            labels, f"{L('chart_senior_balance')} ({senior})", unit)
    return charts


def _structure(L: Lang, deal: dict[str, Any]) -> Markup:
    """Who holds what and where the money goes: onshore parties on the left, offshore ones on the right."""
    structure, token = deal["structure"], deal["token"]
    nodes = [Node("obligors", L("role_obligors"), L.pick(deal["assets"], "description"), 0, 0),
             Node("filer", L("role_filer_servicer"), L.pick(deal["filer"], "name"), 0, 1),
             Node("account", L("role_collection_bank"), structure["collection_account"]["bank"], 1, 0),
             Node("issuer", L("role_issuer"), L.pick(deal["issuer"], "name"), 2, 1),
             Node("trustee", L("role_trustee"), L.pick(structure["trustee"], "name"), 2, 0),
             Node("investors", L("role_investors"), ", ".join(deal["offering"]["investors"]["allowed_jurisdictions"])
                  or L("any_not_excluded"), 3, 1),
             Node("venue", L("role_venue"), deal["offering"]["venue"]["name"], 3, 0),
             Node("custodian", L("role_custodian"), L.pick(structure["custodian"], "name"), 2, 2),
             Node("settlement", L("role_settlement_issuer"), " · ".join(filter(None, (
                 token["settlement_asset"].get("issuer"), token["settlement_asset"]["name"]))), 3, 2)]
    flows = [Flow("obligors", "account", L("flow_payments")), Flow("filer", "issuer", L("flow_true_sale")),
             Flow("account", "issuer", L("flow_collections")), Flow("trustee", "issuer", L("flow_oversight")),
             Flow("issuer", "investors", L("flow_tokens")), Flow("venue", "investors", L("flow_trading")),
             Flow("custodian", "issuer", L("flow_custody")), Flow("settlement", "investors", L("flow_settlement"))]
    return structure_diagram(nodes, flows, L("onshore"), L("offshore"))
