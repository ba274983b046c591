"""Rules from Notice 42 (银发〔2026〕42号) of the PBoC and seven other bodies, and the foreign-debt and FX regimes it
routes to. Every public copy of Notice 42 seen is secondary; the rules the product card states as bans stay blockers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

NOTICE_42 = ("PBoC and seven bodies, Notice on Further Preventing and Handling Risks of Virtual Currencies and Related "
             "Activities (银发〔2026〕42号), 6 Feb 2026")
ONSHORE_ROLES = {"venue", "distributor", "tokenisation_platform", "it_service", "custodian"}
RMB_CODES = {"CNY", "CNH"}
FORBIDDEN_TERMS = re.compile(r"虚拟货币|虚拟资产|加密货币|加密资产|现实世界资产|资产代币化|RWA|"
                             r"virtual[ -]currenc|virtual[ -]asset|crypto|real[ -]world[ -]asset", re.IGNORECASE)
APPROVAL_NUMBER = re.compile(r"^[\u4e00-\u9fff]{2,12}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号$")
"""A document number as Chinese official documents carry it (发文字号, GB/T 9704: issuer's code, year in 〔〕, serial
and 号), e.g. 银复〔2026〕12号; free text such as "N/A" or "pending" records no approval."""
ROUTE_OF_PRODUCT = {"abs": "abs_token_guideline", "equity": "overseas_listing", "debt": "foreign_debt"}


@rule("CN-N42-01", title="No onshore RWA activity or services without approval",
      title_zh="境内未经批准不得开展RWA业务或提供服务",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, onshore ban on RWA tokenisation and related intermediary and IT services (text quoted by "
             "加密沙律 and 经济观察报, 2026-02-09)",
      message="{who} is in the mainland and has no approval number", message_zh="{who}位于中国境内且无批准文号",
      overridable=False)
def no_onshore_services(ctx: Context) -> Iterator[Hit]:
    """What: no trading venue, distributor, tokenisation platform, IT service provider or custodian of the deal is in
    the mainland unless it holds an approval.
    Why: Notice 42 treats onshore RWA tokenisation and intermediary or IT services for it as illegal financial
    activity, with a carve-out only for approved business on specific financial infrastructure.
    Source: Notice 42 as quoted in secondary reproductions."""
    for index, provider in enumerate(ctx.deal.service_providers):
        if provider.role in ONSHORE_ROLES and provider.jurisdiction == "CN" and not approved(provider.approval_ref):
            yield hit(f"service_providers[{index}].jurisdiction", who=f"the {provider.role} {provider.name}")


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
    """What: the settlement asset is not pegged to the renminbi (CNY or CNH) unless an approval is recorded.
    Why: Notice 42 forbids issuing RMB-pegged stablecoins offshore without the authorities' approval.
    Source: Notice 42 via the Xinhua report, reproduced (secondary)."""
    settlement = ctx.deal.token.settlement_asset
    pegged = settlement.type == "stablecoin" and settlement.peg_currency in RMB_CODES
    if pegged and not approved(settlement.approval_ref):
        yield hit("token.settlement_asset.peg_currency", name=settlement.name, peg=settlement.peg_currency)


@rule("CN-N42-04", title="No virtual-asset terms in onshore names or business scope",
      title_zh="境内主体名称及经营范围不含虚拟资产相关用语",
      severity=Severity.warning, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, registrations and advertisements without virtual-asset terms (one summary); exact "
             "article not found",
      message="{field} contains '{term}'", message_zh="{field} 含有“{term}”")
def no_virtual_asset_terms(ctx: Context) -> Iterator[Hit]:
    """What: the filer's names and business scope, and its controlling shareholder's names, contain no virtual-currency,
    virtual-asset or RWA terms.
    Why: market regulators are to keep such terms out of business registrations; the exact article was not found.
    Source: a single secondary summary of Notice 42."""
    filer = ctx.deal.filer
    fields = {"filer.name_zh": filer.name_zh, "filer.name_en": filer.name_en,
              "filer.business_scope_zh": filer.business_scope_zh, "filer.business_scope_en": filer.business_scope_en,
              "filer.controlling_shareholder.name_zh": filer.controlling_shareholder.name_zh,
              "filer.controlling_shareholder.name_en": filer.controlling_shareholder.name_en}
    for field, text in fields.items():
        found = FORBIDDEN_TERMS.search(text or "")
        if found:
            yield hit(field, field=field, term=found.group(0))


@rule("CN-N42-05", title="Foreign-debt-form tokens over one year hold an NDRC registration certificate",
      title_zh="期限超过一年的外债形式代币须取得国家发展改革委审核登记证明",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source="NDRC Order No. 56 (企业中长期外债审核登记管理办法, 2023) Art. 2 (text reproduced); "
             f"routing of foreign-debt RWA by {NOTICE_42} Art. 14 (secondary)",
      message="{detail}", message_zh="{detail_zh}")
def ndrc_certificate_for_foreign_debt(ctx: Context) -> Iterator[Hit]:
    """What: when the token is a note or loan with a tenor over 12 months, an NDRC registration is done and valid on
    the launch date.
    Why: NDRC Order 56 requires the certificate before borrowing debt of more than one year offshore, and Notice 42
    routes foreign-debt-form RWA there.
    Source: NDRC Order 56, text reproduced; Notice 42 Art. 14, secondary."""
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
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source="CSRC Trial Measures (证监会公告〔2023〕43号) Art. 2 scope and Art. 16 (text reproduced); routing by "
             f"{NOTICE_42} Art. 14 (secondary)",
      message="a {product} token goes by the {wanted} route, not {regime}",
      message_zh="{product} 类代币应适用 {wanted} 路径，而非 {regime}")
def route_matches_product(ctx: Context) -> Iterator[Hit]:
    """What: ABS tokens are filed under the Guideline, equity-type tokens under the overseas-listing Trial Measures,
    and debt-type tokens as foreign debt.
    Why: Notice 42 Art. 14 sends each of the four kinds of offshore RWA to its own regulator; the Trial Measures cover
    equity-type securities only.
    Source: Trial Measures, text reproduced; Notice 42 Art. 14, secondary."""
    product, regime = ctx.deal.token.product_type, ctx.deal.filing.regime
    if ROUTE_OF_PRODUCT[product] != regime:
        yield hit("filing.regime", product=product, wanted=ROUTE_OF_PRODUCT[product], regime=regime)


@rule("CN-FX-01", title="SAFE registration and a plan to repatriate proceeds",
      title_zh="完成外汇登记并制定募集资金调回计划",
      severity=Severity.warning, confidence=Confidence.secondary,
      source="SAFE 汇发〔2013〕19号 (text reproduced); PBoC/SAFE 银发〔2025〕252号 by analogy (secondary); SAFE rules "
             "specific to ABS-token proceeds not found",
      message="{detail}", message_zh="{detail_zh}")
def fx_registration_and_repatriation(ctx: Context) -> Iterator[Hit]:
    """What: the SAFE registration is recorded (done or not applicable with a reason) and the proceeds have a
    repatriation plan.
    Why: SAFE registers foreign-debt contracts and, for overseas listings, expects proceeds to be repatriated
    promptly; no SAFE rule specific to ABS tokens was found, so this is a warning.
    Source: SAFE 2013 No. 19, reproduced; 2025 No. 252 by analogy, secondary."""
    if not any(a.type == "safe_registration" and a.status != "pending" for a in ctx.deal.approvals):
        yield hit("approvals", detail="no completed SAFE registration is recorded", detail_zh="未记录已完成的外汇登记")
    if not ctx.deal.proceeds.repatriation_plan:
        yield hit("proceeds.repatriation_plan", detail="the proceeds have no repatriation plan",
                  detail_zh="募集资金未制定调回境内计划")


def approved(reference: str | None) -> bool:
    """Whether an approval reference is a document number in the recognised form (APPROVAL_NUMBER)."""
    return bool(reference and APPROVAL_NUMBER.match(reference.strip()))
