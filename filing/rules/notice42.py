"""Rules from Notice 42 (银发〔2026〕42号) of the PBoC and seven other bodies, and the foreign-debt and FX regimes it
routes to. Every public copy of Notice 42 seen is secondary; the rules the product card states as bans stay blockers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from filing.model.deal import Deal
from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

NOTICE_42 = ("PBoC and seven bodies, Notice on Further Preventing and Handling Risks of Virtual Currencies and Related "
             "Activities (银发〔2026〕42号), 6 Feb 2026")
ONSHORE_ROLES = frozenset({"venue", "distributor", "tokenisation_platform", "it_service", "custodian", "arranger",
                           "trustee"})
ROLES_ZH = {"venue": "交易场所", "distributor": "分销机构", "tokenisation_platform": "代币化平台",
            "it_service": "信息技术服务商", "custodian": "托管人", "arranger": "安排人", "trustee": "受托人"}
ONSHORE_ROLES_2026_11 = frozenset({"venue", "distributor", "tokenisation_platform", "it_service", "custodian"})
"""The roles rule CN-N42-01 covered in rulebook 2026.11.2 (service providers only)."""
RMB_CODES = {"CNY", "CNH"}
APPROVAL_NUMBER = re.compile(r"^[\u4e00-\u9fff]{2,12}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号$")
"""A document number as Chinese official documents carry it (发文字号, GB/T 9704: issuer's code, year in 〔〕, serial
and 号), e.g. 银复〔2026〕12号; free text such as "N/A" or "pending" records no approval."""
SING_TAO = ("Sing Tao Daily (stheadline.com/blockchain/3542559, 2026-02-06), reporting the clause: "
            "企业、个体工商户注册名称和经营范围中不得含有虚拟货币、虚拟资产、加密货币、加密资产、稳定币、现实世界资产代币化、RWA等字样")
FORBIDDEN_TERMS = re.compile(r"虚拟货币|虛擬貨幣|虚拟资产|虛擬資產|加密货币|加密貨幣|加密资产|加密資產|稳定币|穩定幣|"
                             r"现实世界资产|現實世界資產|资产代币化|資產代幣化|RWA|"
                             r"virtual[ -]?currenc|virtual[ -]?asset|crypto|stable[ -]?coin|real[ -]?world[ -]?asset|"
                             r"tokeni[sz]ation of real", re.IGNORECASE)
FORBIDDEN_TERMS_2026_11 = re.compile(r"虚拟货币|虚拟资产|加密货币|加密资产|现实世界资产|资产代币化|RWA|"
                                     r"virtual[ -]currenc|virtual[ -]asset|crypto|real[ -]world[ -]asset",
                                     re.IGNORECASE)
"""The term list of rulebook 2026.11.2 (no stablecoin terms, no traditional characters, no width folding)."""
ROUTE_OF_PRODUCT = {"abs": "abs_token_guideline", "equity": "overseas_listing", "debt": "foreign_debt"}


@rule("CN-N42-01", title="No onshore RWA activity or services without approval",
      title_zh="境内未经批准不得开展RWA业务或提供服务",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, onshore ban on RWA tokenisation and related intermediary and IT services (text quoted by "
             "加密沙律 and 经济观察报, 2026-02-09)",
      message="{who} is in the mainland and has no approval number", message_zh="{who_zh}位于中国境内且无批准文号",
      overridable=False)
def no_onshore_services(ctx: Context) -> Iterator[Hit]:
    """What: no trading venue, arranger, distributor, trustee, custodian, tokenisation platform or IT service provider
    of the deal is in the mainland unless it holds an approval, wherever the deal names it: among the service
    providers or as the structure's trustee or custodian.
    Why: Notice 42 treats onshore RWA tokenisation and intermediary or IT services for it as illegal financial
    activity, with a carve-out only for approved business on specific financial infrastructure. The servicer is not
    listed: collecting the domestic assets' cash is the originator's own business, not a service to the token.
    Source: Notice 42 as quoted in secondary reproductions."""
    yield from _onshore_services(ctx, ONSHORE_ROLES, structure=True)


def _onshore_services(ctx: Context, roles: frozenset[str], structure: bool,
                      document_number: bool = True) -> Iterator[Hit]:
    """CN-N42-01 over the given roles; rulebook 2026.11.2 read service providers only (`structure=False`) and took
    any text as an approval (`document_number=False`)."""
    def unapproved(reference: str | None) -> bool:
        return not approved(reference) if document_number else not reference

    for index, provider in enumerate(ctx.deal.service_providers):
        if provider.role in roles and provider.jurisdiction == "CN" and unapproved(provider.approval_ref):
            yield hit(f"service_providers[{index}].jurisdiction", who=f"the {provider.role} {provider.name}",
                      who_zh=f"{ROLES_ZH[provider.role]}{provider.name}")
    if structure:
        for role in ("trustee", "custodian"):
            party = getattr(ctx.deal.structure, role)
            name = party.name_zh or party.name_en
            if party.jurisdiction == "CN" and unapproved(party.approval_ref):
                yield hit(f"structure.{role}.jurisdiction", who=f"the {role} {name}", who_zh=f"{ROLES_ZH[role]}{name}")


@rule("CN-N42-02", title="Mainland investors can neither hold nor receive the token",
      title_zh="境内投资者不得持有或接收代币",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, ban on serving domestic entities (secondary); no explicit "
             "'investors must be non-PRC' sentence was found, the restriction is inferred from the onshore bans",
      message="{detail}", message_zh="{detail_zh}", overridable=False)
def mainland_investors_excluded(ctx: Context) -> Iterator[Hit]:
    """What: the token contract requires an allowlist, the mainland (CN) is an excluded jurisdiction and not an allowed
    one, and investors' residence is checked at onboarding.
    Why: Notice 42 forbids serving mainland users; the product may only be sold offshore to offshore investors.
    Source: Notice 42 in secondary reproductions; the investor restriction is inferred from it."""
    deal = ctx.deal
    investors = deal.offering.investors
    if not deal.token.allowlist_required:
        yield hit("token.allowlist_required", detail="the token does not require an allowlist of verified investors",
                  detail_zh="代币合约未要求投资者白名单")
    if "CN" not in investors.excluded_jurisdictions:
        yield hit("offering.investors.excluded_jurisdictions",
                  detail="the mainland (CN) is not an excluded jurisdiction",
                  detail_zh="排除的司法辖区未包含中国境内（CN）")
    if "CN" in investors.allowed_jurisdictions:
        yield hit("offering.investors.allowed_jurisdictions", detail="the mainland (CN) is an allowed jurisdiction",
                  detail_zh="允许的司法辖区包含中国境内（CN）")
    if not investors.residence_check:
        yield hit("offering.investors.residence_check", detail="investors' residence is not checked at onboarding",
                  detail_zh="未在投资者准入时核查其居住地")


@rule("CN-N42-03", title="No RMB- or CNH-pegged settlement asset without approval",
      title_zh="未经批准不得使用锚定人民币的稳定币结算",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, RMB-pegged stablecoins offshore need approval (Xinhua report reproduced, 2026-02-06)",
      message="the settlement asset {name} is pegged to {peg} and has no approval number",
      message_zh="结算资产 {name} 锚定 {peg} 且无批准文号", overridable=False)
def no_rmb_stablecoin(ctx: Context) -> Iterator[Hit]:
    """What: the settlement asset is not pegged to the renminbi (CNY or CNH) unless an approval is recorded as a
    document number (e.g. 银复〔2026〕12号).
    Why: Notice 42 forbids issuing RMB-pegged stablecoins offshore without the authorities' approval; free text such
    as "N/A" records none.
    Source: Notice 42 via the Xinhua report, reproduced (secondary)."""
    yield from _rmb_stablecoin(ctx)


def _rmb_stablecoin(ctx: Context, document_number: bool = True) -> Iterator[Hit]:
    """CN-N42-03; rulebook 2026.11.2 took any text as an approval (`document_number=False`)."""
    settlement = ctx.deal.token.settlement_asset
    pegged = settlement.type == "stablecoin" and settlement.peg_currency in RMB_CODES
    recorded = approved(settlement.approval_ref) if document_number else bool(settlement.approval_ref)
    if pegged and not recorded:
        yield hit("token.settlement_asset.peg_currency", name=settlement.name, peg=settlement.peg_currency)


@rule("CN-N42-04", title="No virtual-asset terms in onshore names or business scope",
      title_zh="境内主体名称及经营范围不含虚拟资产相关用语",
      severity=Severity.warning, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, registered names and business scope; the clause as reported by {SING_TAO}; the official "
             "text of the article was not read",
      message="{field} contains '{term}'", message_zh="{field} 含有“{term}”")
def no_virtual_asset_terms(ctx: Context) -> Iterator[Hit]:
    """What: the registered names and business scope of every domestic party the deal names (the filer, its
    controlling shareholder and actual controller, a mainland trustee, servicer or custodian, every mainland service
    provider) contain none of the clause's terms: virtual currency, virtual asset, crypto-currency, crypto-asset,
    stablecoin, real-world-asset tokenisation, RWA, in simplified or traditional characters or English, after
    folding full-width letters (ＲＷＡ) to ordinary ones.
    Why: the clause bars these terms from the registered names and business scope of enterprises and individual
    businesses. Its wording is known from one news report, not from the official text, so this stays a warning.
    Source: Notice 42 as reported by Sing Tao Daily (secondary)."""
    yield from _scan_terms(ctx, FORBIDDEN_TERMS, every_party=True)


def _scan_terms(ctx: Context, terms: re.Pattern[str], every_party: bool) -> Iterator[Hit]:
    """CN-N42-04; rulebook 2026.11.2 scanned the filer and its controlling shareholder, unfolded, with fewer terms."""
    for field, text in domestic_names(ctx.deal, every_party):
        found = terms.search(unicodedata.normalize("NFKC", text) if every_party else text)
        if found:
            yield hit(field, field=field, term=found.group(0))


def domestic_names(deal: Deal, every_party: bool = True) -> Iterator[tuple[str, str]]:
    """(model path, text) of every registered name and business scope of a domestic party the deal names."""
    filer = deal.filer
    yield "filer.name_zh", filer.name_zh
    yield "filer.name_en", filer.name_en
    yield "filer.business_scope_zh", filer.business_scope_zh
    if filer.business_scope_en:
        yield "filer.business_scope_en", filer.business_scope_en
    parties = {"filer.controlling_shareholder": filer.controlling_shareholder}
    if every_party:
        parties |= {"filer.actual_controller": filer.actual_controller, "structure.trustee": deal.structure.trustee,
                    "structure.servicer": deal.structure.servicer, "structure.custodian": deal.structure.custodian}
    for path, party in parties.items():
        if every_party and party.jurisdiction != "CN":
            continue
        for language in ("zh", "en"):
            name = getattr(party, f"name_{language}")
            if name:
                yield f"{path}.name_{language}", name
    if every_party:
        for index, provider in enumerate(deal.service_providers):
            if provider.jurisdiction == "CN":
                yield f"service_providers[{index}].name", provider.name


@rule("CN-N42-05", title="Foreign-debt-form tokens over one year hold an NDRC registration certificate",
      title_zh="期限超过一年的外债形式代币须取得国家发展改革委审核登记证明",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source="NDRC Order No. 56 (企业中长期外债审核登记管理办法, 2023) Art. 2 (text reproduced); "
             f"routing of foreign-debt RWA by {NOTICE_42} Art. 14 (secondary)",
      message="{detail}", message_zh="{detail_zh}")
def ndrc_certificate_for_foreign_debt(ctx: Context) -> Iterator[Hit]:
    """What: when the token is a note or loan with a tenor over 12 months, an NDRC registration is done and valid on
    the launch date.
    Why: NDRC Order 56 requires the certificate before borrowing debt of more than one year offshore, and Notice 42
    routes foreign-debt-form RWA there.
    Source: NDRC Order 56, text reproduced; Notice 42 Art. 14, secondary. That an ABS token in note or loan form
    is foreign debt is an inference from Art. 14 (secondary), so the rule is `secondary`; it stays a blocker because
    Order 56 itself, in official copy, requires the certificate before such borrowing."""
    deal = ctx.deal
    launch = deal.offering.launch_date
    tenor = max(_months_between(launch, t.legal_maturity) for t in deal.token.tranches)
    if deal.token.legal_form not in {"note", "loan"} or tenor <= 12:
        return
    ndrc = [(i, a) for i, a in enumerate(deal.approvals) if a.type == "ndrc_registration"]
    if not ndrc or ndrc[0][1].status != "done":
        yield hit("approvals",
                  detail=f"a {deal.token.legal_form} of {tenor} months needs an NDRC registration certificate",
                  detail_zh=f"期限 {tenor} 个月的{deal.token.legal_form}须取得国家发展改革委审核登记证明")
        return
    index, certificate = ndrc[0]
    if (certificate.issued_on and certificate.issued_on > launch
            or certificate.expires_on and certificate.expires_on < launch):
        yield hit(f"approvals[{index}]", detail=f"the NDRC certificate is not valid on the launch date {launch}",
                  detail_zh=f"国家发展改革委审核登记证明在发行启动日 {launch} 无效")


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@rule("CN-N42-06", title="The filing route matches the product type", title_zh="备案路径与产品类型一致",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source="CSRC Trial Measures (证监会公告〔2023〕43号) Art. 2 scope and Art. 16 (text reproduced); routing by "
             f"{NOTICE_42} Art. 14 (secondary)",
      message="a {product} token goes by the {wanted} route, not {regime}",
      message_zh="{product} 类代币应适用 {wanted} 路径，而非 {regime}")
def route_matches_product(ctx: Context) -> Iterator[Hit]:
    """What: ABS tokens are filed under the Guideline, equity-type tokens under the overseas-listing Trial Measures,
    and debt-type tokens as foreign debt.
    Why: Notice 42 Art. 14 sends each of the four kinds of offshore RWA to its own regulator; the Trial Measures cover
    equity-type securities only.
    Source: Trial Measures, text reproduced; Notice 42 Art. 14, secondary. The routing itself comes from Art. 14,
    known only from secondary reports, hence `secondary`."""
    product, regime = ctx.deal.token.product_type, ctx.deal.filing.regime
    if ROUTE_OF_PRODUCT[product] != regime:
        yield hit("filing.regime", product=product, wanted=ROUTE_OF_PRODUCT[product], regime=regime)


@rule("CN-FX-01", title="A plan to repatriate the proceeds", title_zh="制定募集资金调回境内计划",
      severity=Severity.warning, confidence=Confidence.secondary,
      source="SAFE 汇发〔2013〕19号 (text reproduced); PBoC/SAFE 银发〔2025〕252号 by analogy (secondary); SAFE rules "
             "specific to ABS-token proceeds not found",
      message="{detail}", message_zh="{detail_zh}")
def fx_repatriation(ctx: Context) -> Iterator[Hit]:
    """What: the proceeds have a repatriation plan.
    Why: for overseas listings SAFE expects proceeds to be repatriated promptly; no SAFE rule specific to ABS tokens
    was found, so this is a warning. The SAFE registration itself is rule CN-G-16's (the Guideline requires the
    foreign-exchange steps to be complete, official copy); this rule no longer judges it, so the two cannot disagree.
    Source: SAFE 2013 No. 19, reproduced; 2025 No. 252 by analogy, secondary."""
    yield from _fx(ctx, registration=False)


def _fx(ctx: Context, registration: bool) -> Iterator[Hit]:
    """CN-FX-01; rulebook 2026.11.2 also warned about the SAFE registration (`registration=True`)."""
    if registration and not any(a.type == "safe_registration" and a.status != "pending" for a in ctx.deal.approvals):
        yield hit("approvals", detail="no completed SAFE registration is recorded", detail_zh="未记录已完成的外汇登记")
    if not ctx.deal.proceeds.repatriation_plan:
        yield hit("proceeds.repatriation_plan", detail="the proceeds have no repatriation plan",
                  detail_zh="募集资金未制定调回境内计划")


def approved(reference: str | None) -> bool:
    """Whether an approval reference is a document number in the recognised form (APPROVAL_NUMBER)."""
    return bool(reference and APPROVAL_NUMBER.match(reference.strip()))
