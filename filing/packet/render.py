"""Every document of the packet rendered to HTML from the packet's data, by one renderer and one context.

Why one context for all documents: a figure is derived once (a tranche's on-chain cap, a rule's verdict, a party's
role) and every document that shows it shows the same value. The templates only lay it out, in each language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import accumulate
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from filing.findings import Confidence, Finding
from filing.model.deal import Deal
from filing.packet.attachments import attachment_rows
from filing.packet.charts import Flow, Node, line_chart, structure_diagram
from filing.packet.checklist import rule_sources, self_assessment
from filing.packet.data import DATA_FILES, PacketData
from filing.packet.environment import Lang, load_glossary, money, render_template
from filing.packet.figures import cash_context, chain_context, tranche_terms
from filing.packet.history_charts import history_charts
from filing.packet.legal import opinion_context, undertaking_parties
from filing.pool.checks import TAPE_CHECKS


@dataclass(frozen=True)
class DocumentSpec:
    slug: str
    """File stem in ``documents/``; the number orders the packet."""
    template: str
    title: str
    """Glossary key of the title."""
    docx: bool = False
    """Also written as an editable DOCX draft for lawyers to redline."""
    filed: bool = True
    """Part of what is filed with the CSRC. An internal document (the rules' sources and confidence) is built, hashed
    and reviewed like the others, but the index lists it apart and every page says it is not for filing."""


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
    DocumentSpec("90-internal-rule-sources", "rule_sources", "doc_rule_sources", filed=False),
)
DISQUALIFIERS = ("financing_prohibited_by_law", "national_security_finding", "convictions_attestation",
                 "open_investigation")
CONFIDENCE_KEYS = tuple(f"confidence_{c.value}" for c in Confidence)
"""The glossary keys of the confidence tags, in the tags' order, for the internal annex's legend."""
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
                                                 context | {"doc": {"slug": spec.slug, "title": spec.title,
                                                                    "filed": spec.filed}}),
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
    glossary = {code: replace(lang, names=deal.get("names_zh") or {}) for code, lang in load_glossary(env).items()}
    verdict = data.verdict
    contract = data.contract.to_dict() if data.contract else None
    cash = cash_context(data.pool, deal)
    tranches = tranche_terms(deal, contract, cash)
    context = {
        "deal": deal, "pool": data.pool, "findings": data.findings, "contract": contract,
        "langs": list(options.langs), "glossary": glossary, "draft": options.draft, "timestamp": options.timestamp,
        "tool_version": options.tool_version, "deal_sha256": data.deal_sha256,
        "verdict": verdict.headline(), "tranches": tranches,
        "total_principal_text": _totals(deal, glossary),
        "officers": [{"name": o["name"], "role_key": f"role_{o['role']}"} for o in deal["filer"]["officers"]],
        "disqualifiers": [{"item": f"dq_{k}", **deal["filer"]["disqualifiers"][k]} for k in DISQUALIFIERS],
        "approvals": [a | {"type_key": f"approval_{a['type']}", "status_key": f"status_{a['status']}"}
                      for a in deal["approvals"]],
        "providers": [p | {"role_key": f"provider_{p['role']}"} for p in deal["service_providers"]],
        "credit_enhancement": [c | {"kind_key": f"ce_{c['kind']}"} for c in deal["structure"]["credit_enhancement"]],
        "parties": _parties(deal),
        "scenarios": [deal["cashflow"]["base"], *deal["cashflow"]["stress"]],
        "cash": cash,
        "tape_findings": [f | {"title_en": TAPE_CHECKS[f["code"]][0], "title_zh": TAPE_CHECKS[f["code"]][1]}
                          for f in (data.pool or {}).get("findings", [])],
        "undertakings": undertaking_parties(model),
        "opinion": opinion_context(model, _unique(f | _tape_message(f) for f in map(Finding.to_dict, verdict.blockers)),
                                   contract),
        "attachments": attachment_rows(deal), "chain": chain_context(deal, contract),
        "documents": [{"number": spec.slug[:2], "title": spec.title, "filed": spec.filed,
                       "files": [f"{spec.slug}.{ext}" for ext in ("pdf", "html", "docx") if ext != "docx" or spec.docx]}
                      for spec in DOCUMENTS],
        "data_files": [{"path": path, "contents": f"data_{key}"} for key, path in DATA_FILES.items()],
    }
    context |= _contract(contract)
    context |= _checklist(data)
    context["assessment"] = self_assessment(context["checklist"], deal["assets"]["asset_class"])
    context["rule_sources"] = rule_sources(context["checklist"], deal["assets"]["asset_class"])
    context["confidence_legend"] = [{"key": key, "meaning": f"{key}_meaning",
                                     "count": sum(row["confidence"] == key for row in context["rule_sources"])}
                                    for key in CONFIDENCE_KEYS]
    context["svg"] = {code: _charts(glossary[code], deal, context["cash"]) | history_charts(glossary[code], data.pool)
                      for code in options.langs}
    return context


def _totals(deal: dict[str, Any], glossary: dict[str, Lang]) -> dict[str, str]:
    """The tokens' total principal per currency, per language (tranches may be in several currencies)."""
    sums: dict[str, Decimal] = {}
    for t in deal["token"]["tranches"]:
        sums[t["currency"]] = sums.get(t["currency"], Decimal(0)) + Decimal(t["principal"])
    return {code: "；".join(f"{money(v)} {L('currency_' + c)}" for c, v in sorted(sums.items()))
            for code, L in glossary.items()}


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
            for rule in data.rules if rule.get("emitted_by") not in ("review", "input")]
    finding_rows = [f | _tape_message(f) for f in data.findings["findings"]]
    return {"checklist": rows, "finding_rows": finding_rows}


def _unique(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings once each by rule and Chinese message (a tape check reaches the verdict from the pool and the rule)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in findings:
        seen.setdefault((finding["rule"], finding.get("message_zh", "")), finding)
    return list(seen.values())


def _tape_message(finding: dict[str, Any]) -> dict[str, str]:
    """A tape check's finding in each language from its title: the rule's own message quotes the check's English
    text, which must not stand in the Chinese document."""
    titles = TAPE_CHECKS.get(finding["rule"])
    if titles is None:
        return {"message_en": finding["message"]}
    return {"message_en": titles[0], "message_zh": titles[1]}


def _charts(L: Lang, deal: dict[str, Any], cash: dict[str, Any] | None) -> dict[str, Markup]:
    """The structure diagram, and the projection's charts only where they have something to show: a pool without
    a balance (a toll-road income right) gets its collections instead of a flat zero line."""
    charts = {"structure": _structure(L, deal)}
    if not cash:
        return charts
    labels = [p[:7] for p in cash["periods"]]
    unit = L.fill("chart_unit", currency=L("currency_" + cash["currency"]))
    names = {row["name"]: L.pick(row, "label") for row in cash["rows"]}

    def series(pick) -> dict[str, list[float]]:
        return {names[n]: [float(v) / 1e6 for v in pick(m)] for n, m in cash["monthly"].items()}

    balance = series(lambda m: m["balance"])
    revolving_end = cash.get("revolving_until")
    if revolving_end:
        charts["pool"] = line_chart(series(_assets_and_account), labels, L("chart_pool_revolving"), unit,
                                    mark=(cash["periods"].index(revolving_end), L("chart_revolving_end")))
    elif any(any(values) for values in balance.values()):
        charts["pool"] = line_chart(balance, labels, L("chart_pool_balance"), unit)
    else:
        charts["pool"] = line_chart(series(lambda m: m["collections"]), labels, L("chart_pool_collections"), unit)
    senior = min(deal["token"]["tranches"], key=lambda t: t["seniority"])["id"]
    notes = series(lambda m: m["tranches"][senior]["balance"])
    if any(any(values) for values in notes.values()):
        charts["senior_balance"] = line_chart(notes, labels, f"{L('chart_senior_balance')} ({senior})", unit)
    return charts


PAYMENTS = ("fees_paid", "tranche_interest_paid", "tranche_principal_paid", "purchases", "residual")
"""The monthly columns of cash leaving the collection account."""


def _assets_and_account(monthly: dict[str, Any]) -> list[float]:
    """The pool's assets plus the cash its collection account holds after each month's distribution (collections
    less every payment and purchase so far). In a revolving period collections wait there for the next distribution
    date's purchase, so the assets alone fall and jump back each quarter while this stays level until the period
    ends and then amortises."""
    outflow = [sum(float(monthly[key][i]) for key in PAYMENTS) for i in range(len(monthly["collections"]))]
    account = accumulate(float(c) - out for c, out in zip(monthly["collections"], outflow, strict=True))
    return [float(b) + max(a, 0.0) for b, a in zip(monthly["balance"], account, strict=True)]


def _structure(L: Lang, deal: dict[str, Any]) -> Markup:
    """Who holds what and where the money goes: onshore parties on the left, offshore ones on the right."""
    structure, token = deal["structure"], deal["token"]
    nodes = [Node("obligors", L("role_obligors"), L.pick(deal["assets"], "description"), 0, 0),
             Node("filer", L("role_filer_servicer"), L.pick(deal["filer"], "name"), 0, 1),
             Node("account", L("role_collection_bank"), L.name(structure["collection_account"]["bank"]), 1, 0),
             Node("issuer", L("role_issuer"), L.pick(deal["issuer"], "name"), 2, 1),
             Node("trustee", L("role_trustee"), L.pick(structure["trustee"], "name"), 2, 0),
             Node("investors", L("role_investors"), L.places(deal["offering"]["investors"]["allowed_jurisdictions"]),
                  3, 1),
             Node("venue", L("role_venue"), L.name(deal["offering"]["venue"]["name"]), 3, 0),
             Node("custodian", L("role_custodian"), L.pick(structure["custodian"], "name"), 2, 2),
             Node("settlement", L("role_settlement_issuer"), " · ".join(filter(None, (
                 token["settlement_asset"].get("issuer") and L.name(token["settlement_asset"]["issuer"]),
                 L.pick(token["settlement_asset"], "name")))), 3, 2)]
    flows = [Flow("obligors", "account", L("flow_payments")), Flow("filer", "issuer", L("flow_true_sale")),
             Flow("account", "issuer", L("flow_collections")), Flow("trustee", "issuer", L("flow_oversight")),
             Flow("issuer", "investors", L("flow_tokens")), Flow("venue", "investors", L("flow_trading")),
             Flow("custodian", "issuer", L("flow_custody")), Flow("settlement", "investors", L("flow_settlement"))]
    return structure_diagram(nodes, flows, L("onshore"), L("offshore"))
