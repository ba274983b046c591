"""What the legal opinion and the undertakings say about the deal, decided once from its data.

Why here and not in the templates: the opinion's answers (is the transfer done at the opinion's date, does the token
look like foreign debt, which mainland firm serves the tokenisation) and the undertakings' wording by party (本人 for
a natural person, 本公司 for a company, 本所 for a law firm, a diligence statement for an intermediary) are facts a
lawyer checks; the templates only phrase them in each language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from filing.model.deal import Deal
from filing.rules.guideline import required_undertakings

DISQUALIFIER_KEYS = ("financing_prohibited_by_law", "national_security_finding", "convictions_attestation",
                     "open_investigation")
ONSHORE_TOKEN_SERVICES = frozenset({"arranger", "distributor", "venue", "custodian", "tokenisation_platform",
                                    "it_service"})
"""Roles that provide the tokenisation itself; a mainland firm in one of them needs consent under Notice 42."""
DEBT_FORMS = frozenset({"note", "loan"})
ATTACHED_AS = {"offering_circular": "offering_memorandum", "trust_deed": "trust_deed",
               "legal_opinion_offshore": "offshore_legal_opinion", "rating_report": "rating_report"}
"""Offshore documents that are also required attachments: the opinion lists what it examined once."""
PERSON_ROLES = frozenset({"director", "supervisor", "senior_manager"})
LAW_FIRM_WORDS = ("律师", "Law", "LLP", "Partners", "Lawyers", "Solicitors")


def opinion_context(model: Deal, blockers: list[dict[str, Any]], contract: dict[str, Any] | None) -> dict[str, Any]:
    """The opinion's facts: the six disqualifiers answered, the transfer's state at the opinion date, the foreign-debt
    reading, mainland firms serving the tokenisation, the test result and the blockers the conclusion lists."""
    deal = model.model_dump(mode="json")
    opinion = model.structure.legal_opinion
    dated = (opinion.signed_on if opinion and opinion.signed_on else model.filing.as_of)
    disqualifiers = deal["filer"]["disqualifiers"]
    answers = [{"quote": f"lo_dq_quote_{i + 1}", "kind": "attestation", **disqualifiers[key],
                "applies": disqualifiers[key]["applies"] or (key == "convictions_attestation" and _recent_conviction(
                    model, dated))}
               for i, key in enumerate(DISQUALIFIER_KEYS)]
    assets = model.assets
    answers.append({"quote": "lo_dq_quote_5", "kind": "assets",
                    "applies": assets.ownership_dispute or not assets.transferable})
    answers.append({"quote": "lo_dq_quote_6", "kind": "negative_list", "applies": bool(assets.negative_list_flags),
                    "flags": [flag.removeprefix("NL") for flag in assets.negative_list_flags]})
    transfer = assets.true_sale.transfer_date
    onshore = sorted({p.name for p in model.service_providers
                      if p.jurisdiction == "CN" and p.role in ONSHORE_TOKEN_SERVICES})
    return {
        "dated": dated.isoformat(), "number": f"{model.deal_id}-LO",
        "answers": answers,
        "transfer_done": transfer is not None and transfer <= dated,
        "foreign_debt": model.token.legal_form in DEBT_FORMS,
        "latest_maturity": max(t.legal_maturity for t in model.token.tranches).isoformat(),
        "currencies": sorted({t.currency for t in model.token.tranches}),
        "safe": next((a for a in deal["approvals"] if a["type"] in ("safe_registration", "fx_registration")
                      and a["status"] == "done"), None),
        "onshore_providers": onshore,
        "scenarios": (contract or {}).get("summary", {}).get("scenarios"),
        "scenarios_failed": (contract or {}).get("summary", {}).get("scenarios_failed"),
        "blockers": blockers,
        "other_documents": [d for d in model.filing.offshore_documents
                            if ATTACHED_AS.get(d) not in {a.kind for a in model.filing.attachments if a.file}],
        "lawyers": opinion.lawyers if opinion else [],
        "partner": opinion.responsible_partner if opinion else None,
    }


def _recent_conviction(model: Deal, dated: date) -> bool:
    """A listed conviction of a barred kind within three years of the opinion date."""
    barred = {"corruption", "bribery", "embezzlement", "misappropriation", "market_order"}
    limit = date(dated.year - 3, dated.month, min(dated.day, 28))
    return any(c.offence in barred and c.judgment_date >= limit for c in model.filer.disqualifiers.convictions)


def undertaking_parties(model: Deal) -> list[dict[str, Any]]:
    """One letter per party that owes an undertaking (rule CN-G-06's list), with the words its letter needs: the
    pronoun by party type, its role (an intermediary's service role), its names and its signing date."""
    signed = {(u.party_role, u.party_name): u.signed_on for u in model.filing.undertakings}
    roles: dict[str, str] = {}
    for provider in model.service_providers:
        roles.setdefault(provider.name, provider.role)  # the first role the deal lists (arranger before distributor)
    entities = {"filer": model.filer, "controlling_shareholder": model.filer.controlling_shareholder,
                "actual_controller": model.filer.actual_controller}
    parties = []
    for role, name, _ in required_undertakings(model):
        entity = entities.get(role)
        kind = _kind(role, name, entity)
        parties.append({
            "role": role, "role_key": f"role_{role}",
            "service_key": f"provider_{roles[name]}" if role == "intermediary" and name in roles else None,
            "name": name, "name_zh": getattr(entity, "name_zh", None) or name,
            "name_en": getattr(entity, "name_en", None) or name,
            "kind": kind, "pronoun": f"ut_pronoun_{kind}",
            "signed_on": signed[(role, name)].isoformat() if signed.get((role, name)) else None,
        })
    return parties


def _kind(role: str, name: str, entity: Any) -> str:
    """person, company, law_firm or authority: who the letter speaks for, which decides 本人/本公司/本所/本单位."""
    if role in PERSON_ROLES:
        return "person"
    if role == "intermediary":
        return "law_firm" if any(word in name for word in LAW_FIRM_WORDS) else "company"
    if role == "actual_controller" and entity is not None and not (entity.uscc or entity.lei or
                                                                   entity.registration_number):
        zh = entity.name_zh or ""
        return "authority" if zh.endswith(("委员会", "政府", "局", "厅")) else "person"
    return "company"
