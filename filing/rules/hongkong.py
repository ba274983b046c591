"""Rules for the Hong Kong side of the offering: the SFC's tokenised-securities regime, professional investors,
licensed venues and stablecoin issuers. Only the SFC circular was read on the regulator's own site."""

from __future__ import annotations

from collections.abc import Iterator

from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

SFC_CIRCULAR = ("SFC Circular on intermediaries engaging in tokenised securities-related activities (23EC52), "
                "2 Nov 2023")
PI_ROUTES = {"PI_only_exempt", "listed_PI_debt"}
LICENSED_ROLES_ZH = {"distributor": "分销机构", "venue": "交易平台"}


@rule("HK-01", title="A Hong Kong offering follows one consistent route", title_zh="香港发行路径明确且一致",
      severity=Severity.blocker, confidence=Confidence.official, source=f"{SFC_CIRCULAR}, sfc.hk",
      message="{detail}", message_zh="{detail_zh}")
def hong_kong_route(ctx: Context) -> Iterator[Hit]:
    """What: a Hong Kong venue comes with a Hong Kong route (PI-only placement, authorised offer or PI-only listed
    debt), a PI-only route restricts the offering to professional investors, and a route is named only for Hong Kong.
    Why: tokenised securities are securities; the prospectus and offers-of-investments regimes apply through the
    chosen route, and PI-only follows from that route rather than from tokenisation.
    Source: the SFC circular of 2 Nov 2023, read on sfc.hk."""
    offering = ctx.deal.offering
    in_hong_kong = offering.venue.jurisdiction == "HK"
    if in_hong_kong and offering.hk_route == "not_hong_kong":
        yield hit("offering.hk_route", detail="the venue is in Hong Kong but no Hong Kong route is chosen",
                  detail_zh="发行场所位于香港，但未选择香港发行路径")
    if not in_hong_kong and offering.hk_route != "not_hong_kong":
        yield hit("offering.hk_route", detail=f"route {offering.hk_route} is chosen for a venue outside Hong Kong",
                  detail_zh=f"发行场所不在香港，却选择了香港路径 {offering.hk_route}")
    if offering.hk_route in PI_ROUTES and not offering.investors.professional_investors_only:
        yield hit("offering.investors.professional_investors_only",
                  detail=f"route {offering.hk_route} requires a professional-investor-only offering",
                  detail_zh=f"路径 {offering.hk_route} 要求仅面向专业投资者发行")


@rule("HK-02", title="Professional-investor tests are set for a PI-only offering",
      title_zh="仅面向专业投资者时设定专业投资者认定标准",
      severity=Severity.warning, confidence=Confidence.secondary,
      source="Securities and Futures (Professional Investor) Rules, Cap. 571D, as summarised by law firms",
      message="{detail}", message_zh="{detail_zh}")
def professional_investor_tests(ctx: Context) -> Iterator[Hit]:
    """What: a PI-only offering names the PI categories it accepts and a KYC provider that checks them.
    Why: individuals need a portfolio of at least HK$8m, corporations HK$8m or assets of HK$40m, trusts HK$40m; the
    offering must be able to evidence each investor's category.
    Source: Cap. 571D thresholds in secondary summaries."""
    investors = ctx.deal.offering.investors
    if not investors.professional_investors_only:
        return
    if not investors.pi_categories:
        yield hit("offering.investors.pi_categories", detail="no professional-investor category is named",
                  detail_zh="未列明接受的专业投资者类别")
    if not investors.kyc_provider:
        yield hit("offering.investors.kyc_provider", detail="no KYC provider checks the investors' PI status",
                  detail_zh="未指定核查专业投资者身份的KYC机构")


@rule("HK-03", title="Hong Kong venues and distributors are SFC-licensed",
      title_zh="香港交易平台及分销机构持有证监会牌照",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source="Securities and Futures Ordinance (Cap. 571) s.114, no regulated activity without a licence (cited, "
             "the ordinance's text was not read here); SFC VATP and licensing regime, secondary; check the SFC public "
             "register at filing time",
      message="{who} in Hong Kong has no SFC CE number", message_zh="香港的{who_zh}未填写证监会中央编号")
def hong_kong_licences(ctx: Context) -> Iterator[Hit]:
    """What: the venue and every distributor or venue provider in Hong Kong records its SFC CE number.
    Why: tokenised securities are securities (SFC circular, official), and dealing in or running a market for
    securities in Hong Kong without an SFC licence is an offence under the Securities and Futures Ordinance
    (s.114): an offering sold there through an unlicensed venue or distributor cannot go ahead, hence a blocker. The
    ordinance was not read in the project's sources and this tool cannot reach the SFC register, so the confidence
    stays `secondary` and a reviewer checks the number against the register.
    Source: SFO s.114 as cited; secondary summaries of the SFC regime."""
    venue = ctx.deal.offering.venue
    if venue.jurisdiction == "HK" and not venue.sfc_ce_number:
        yield hit("offering.venue.sfc_ce_number", who=f"venue {venue.name}", who_zh=f"交易平台{venue.name}")
    for index, provider in enumerate(ctx.deal.service_providers):
        if provider.role in LICENSED_ROLES_ZH and provider.jurisdiction == "HK" and not provider.sfc_ce_number:
            yield hit(f"service_providers[{index}].sfc_ce_number", who=f"{provider.role} {provider.name}",
                      who_zh=f"{LICENSED_ROLES_ZH[provider.role]}{provider.name}")


@rule("HK-04", title="A stablecoin used for settlement has a licensed issuer",
      title_zh="用于结算的稳定币由持牌机构发行",
      severity=Severity.warning, confidence=Confidence.secondary,
      source="Stablecoins Ordinance (Cap. 656), effective 1 Aug 2025, as summarised by law firms",
      message="the stablecoin {name} records no HKMA licence of its issuer",
      message_zh="稳定币 {name} 未记录发行人的金管局牌照")
def licensed_stablecoin(ctx: Context) -> Iterator[Hit]:
    """What: a stablecoin settlement asset of a Hong Kong offering, or any HKD-referenced one, names its issuer's HKMA
    licence; tokenised deposits and fiat need none.
    Why: only licensed issuers' fiat-referenced stablecoins may be offered in Hong Kong, and HKD-referenced ones need
    a licence wherever issued.
    Source: Cap. 656 in secondary summaries."""
    settlement = ctx.deal.token.settlement_asset
    relevant = ctx.deal.offering.venue.jurisdiction == "HK" or settlement.peg_currency == "HKD"
    if settlement.type == "stablecoin" and relevant and not settlement.issuer_hkma_licence:
        yield hit("token.settlement_asset.issuer_hkma_licence", name=settlement.name)


@rule("HK-05", title="The tokenisation arrangement is documented and diligenced",
      title_zh="代币化安排已记录并完成尽职调查",
      severity=Severity.warning, confidence=Confidence.official, source=f"{SFC_CIRCULAR}, sfc.hk",
      message="{field} is not recorded", message_zh="未记录 {field}")
def tokenisation_documented(ctx: Context) -> Iterator[Hit]:
    """What: the smart-contract audit, the custody provider and the register of record are named.
    Why: the issuing intermediary stays responsible for the tokenisation arrangement, including ownership records and
    custody, even when it outsources them.
    Source: the SFC circular of 2 Nov 2023, read on sfc.hk."""
    token = ctx.deal.token
    for field in ("audit_report", "custody_provider", "register_of_record"):
        if not getattr(token, field):
            yield hit(f"token.{field}", field=f"token.{field}")
