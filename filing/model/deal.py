"""The deal: one typed, validated description of a tokenized ABS issue, the single source of every output.

The paths fixed by the design (``filer.uscc``, ``assets.asset_class``, ``assets.tape``, ``issuer.jurisdiction``,
``token.tranches``, ``token.settlement_asset.peg_currency``, ``offering.investors.*_jurisdictions``) are the ones rules
and documents name; everything else is grouped the way a filing report is read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StrictBool, ValidationInfo, field_validator, model_validator

from filing.assets import AssetClass
from filing.errors import Invalid
from filing.model.types import (
    ISIN,
    LEI,
    USCC,
    Amount,
    Currency,
    EvmAddress,
    Jurisdiction,
    Name,
    Rate,
    RegionCode,
    Strict,
    Text,
)

SCHEMA_VERSION = "1.0"
MAX_UINT256 = Decimal(2) ** 256
"""A token's cap in base units must stay below this: the contract stores it as a uint256."""


class Attestation(Strict):
    """A yes/no statement the filer makes about itself, with what backs it up; the Guideline's disqualifiers are
    these."""

    applies: StrictBool
    """True when the disqualifying fact is present."""
    evidence: Text | None = None
    """Reference to the document that supports the statement (certificate, search report, legal opinion)."""
    attested_on: date | None = None
    details: Text | None = None
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    evidence_zh: Text | None = None
    details_zh: Text | None = None


class Conviction(Strict):
    party_role: Literal["filer", "controlling_shareholder", "actual_controller"]
    offence: Literal["corruption", "bribery", "embezzlement", "misappropriation", "market_order", "other"]
    judgment_date: date
    reference: Text | None = None


class Disqualifiers(Strict):
    """The six grounds of the Guideline on which the business may not proceed."""

    financing_prohibited_by_law: Attestation
    national_security_finding: Attestation
    convictions: list[Conviction] = []
    """Criminal convictions of the filer, its controlling shareholder or actual controller (any age; the rule
    applies the 3-year window)."""
    convictions_attestation: Attestation
    open_investigation: Attestation


class Entity(Strict):
    """A legal person or individual named in the filing."""

    name_zh: Name | None = None
    name_en: Name | None = None
    jurisdiction: Jurisdiction
    uscc: USCC | None = None
    lei: LEI | None = None
    registration_number: Name | None = None

    @model_validator(mode="after")
    def _named(self) -> Entity:
        if not (self.name_zh or self.name_en):
            raise ValueError("give name_zh or name_en")
        return self


class Officer(Strict):
    name: Name
    role: Literal["director", "supervisor", "senior_manager"]


class Filer(Strict):
    """The domestic filing entity: the one that actually controls the underlying assets and files with the CSRC."""

    uscc: USCC
    name_zh: Name
    name_en: Name
    jurisdiction: Jurisdiction = "CN"
    address_zh: Text
    address_en: Text
    region_code: RegionCode
    business_scope_zh: Text
    business_scope_en: Text | None = None
    legal_representative: Name
    controlling_shareholder: Entity
    actual_controller: Entity
    officers: list[Officer] = Field(min_length=1)
    disqualifiers: Disqualifiers
    dishonest_entity: StrictBool = False
    """Listed as a dishonest debtor or other dishonest entity."""


class Encumbrance(Strict):
    description: Text
    holder: Name | None = None
    released_on: date | None = None


class TrueSale(Strict):
    """How the assets move to the issuing vehicle; "true sale" in the exchange rules' words."""

    transfer_agreement: Text | None = None
    transfer_date: date | None = None
    consideration_fair: StrictBool
    notice_or_registration: Literal["notice", "registration", "both", "none"]
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    transfer_agreement_zh: Text | None = None


NegativeListItem = Literal["NL1", "NL2", "NL3", "NL4", "NL5", "NL6", "NL7", "NL8"]


class Eligibility(Strict):
    """Criteria every asset in the pool must meet at the cut-off date; the pool report applies them to the tape."""

    max_remaining_term_months: int | None = Field(default=None, ge=1)
    min_seasoning_months: int | None = Field(default=None, ge=0)
    min_outstanding_balance: Amount | None = None
    max_outstanding_balance: Amount | None = None
    max_interest_rate: Rate | None = None
    excluded_industries: list[Annotated[str, Field(pattern=r"^[A-T]$")]] = []
    """GB/T 4754 section letters excluded from the pool."""
    excluded_regions: list[RegionCode] = []
    allow_related_parties: StrictBool = True
    max_obligor_share: Rate | None = None
    """Largest share of the pool balance one obligor may have."""


class Assets(Strict):
    """The underlying assets: one asset class, one data tape, and the legal facts that make them transferable."""

    asset_class: AssetClass
    tape: Annotated[str, Field(min_length=1)]
    """Path of the data tape, relative to the deal file (CSV, XLSX or Parquet)."""
    tape_sheet: Name | None = None
    history: Annotated[str, Field(min_length=1)] | None = None
    """Path of the static-pool history (monthly vintages), relative to the deal file (CSV, XLSX or Parquet)."""
    description_zh: Text
    description_en: Text
    jurisdiction: Jurisdiction = "CN"
    controlling_entity_uscc: USCC
    """The entity that actually controls the assets; the Guideline requires it to be the filer."""
    cut_off_date: date
    currency: Currency
    pool_balance: Amount
    """Outstanding balance of the pool at the cut-off date, as stated in the offering documents."""
    other_asset_classes: list[AssetClass] = []
    """Further asset classes mixed into the same pool (the negative list forbids unrelated mixes)."""
    mixing_justification: Text | None = None
    cashflow_basis: Literal[
        "receivable_collections", "lease_rentals", "toll_revenue", "mining_right", "land_sale", "box_office",
        "non_exclusive_ticket", "disposal_only",
    ]
    vacant_or_under_construction: StrictBool = False
    ownership_dispute: StrictBool
    transferable: StrictBool
    encumbrances: list[Encumbrance] = []
    negative_list_flags: list[NegativeListItem] = []
    true_sale: TrueSale
    eligibility: Eligibility = Eligibility()
    originator_affiliates: list[Name] = []
    """Obligor ids or USCCs of the originator's affiliates, whose share of the pool triggers special disclosure."""
    dishonest_obligors: list[Name] = []
    """Obligor ids or USCCs found on a dishonest-entity list (for the important cash-flow provider test)."""
    concession_end: date | None = None
    """End of the toll-road concession (toll-road income only)."""
    history_years_declared: Annotated[int, Field(ge=0, le=100)] | None = None


class Issuer(Strict):
    """The offshore entity that issues the tokens."""

    name_en: Name
    name_zh: Name | None = None
    jurisdiction: Jurisdiction
    registration_number: Name
    lei: LEI | None = None
    controlled_by_filer: StrictBool


class Account(Strict):
    kind: Literal["spv", "supervised", "originator"]
    bank: Name
    jurisdiction: Jurisdiction


class LegalOpinion(Strict):
    counsel: Name
    covers_isolation: StrictBool
    signed_on: date | None = None
    # signatories (issue 14)
    lawyers: list[Name] = []
    """经办律师: the lawyers who sign the opinion (at least two in PRC practice)."""
    responsible_partner: Name | None = None
    """律师事务所负责人."""


class CreditEnhancement(Strict):
    kind: Literal["subordination", "overcollateralisation", "reserve_account", "guarantee", "shortfall_support"]
    provider: Name | None = None
    amount: Amount | None = None


class RiskRetention(Strict):
    holder: Name | None = None
    share: Rate | None = None
    explanation: Text | None = None
    holder_jurisdiction: Jurisdiction | None = None
    """Where the retaining entity is; a mainland holder cannot hold a token that excludes the mainland."""
    form: Literal["token", "untokenised"] = "token"
    """`token`: the holder takes the retained tranche's tokens, so the token's holder rules must admit it;
    `untokenised`: the retained interest stays on the issuer's own register and is never minted as tokens."""

    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    explanation_zh: Text | None = None


class StructureParty(Entity):
    """A party of the structure (trustee, servicer, custodian); an onshore one serving the token needs an approval
    (Notice 42's onshore-services ban)."""

    approval_ref: Text | None = None


class Structure(Strict):
    """Risk isolation: who holds the cash and the assets, and what stands between the pool and everyone's estate."""

    collection_account: Account
    trustee: StructureParty
    servicer: StructureParty
    custodian: StructureParty
    legal_opinion: LegalOpinion | None = None
    credit_enhancement: list[CreditEnhancement] = []
    risk_retention: RiskRetention | None = None


class Tranche(Strict):
    """One class of tokens; the reference contract deploys one token per tranche."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    name_en: Name
    name_zh: Name
    seniority: Annotated[int, Field(ge=1, le=20)]
    """1 is paid first."""
    decimals: Annotated[int, Field(ge=0, le=18)] = 6
    """Declared before `principal`, whose validator needs it."""
    principal: Amount
    currency: Currency
    coupon_rate: Rate
    payment_frequency_months: Literal[1, 3, 6, 12] = 3
    legal_maturity: date
    expected_maturity: date | None = None
    symbol: Annotated[str, Field(pattern=r"^[A-Z0-9-]{1,11}$")]
    isin: ISIN | None = None
    address: EvmAddress | None = None
    """Deployed token address, once deployed."""
    holder_is_originator_affiliate: StrictBool = False
    rating: Name | None = None

    @field_validator("principal")
    @classmethod
    def _token_units(cls, principal: Decimal, info: ValidationInfo) -> Decimal:
        """The token's cap is principal × 10^decimals as a uint256: zero, a fraction of a base unit or more than
        2^256 base units cannot be deployed (the constructor reverts, or the number cannot be encoded)."""
        decimals = info.data.get("decimals")
        if decimals is None:
            return principal
        if principal == 0:
            raise Invalid("tranche.principal_zero")
        units = principal.scaleb(decimals)
        if units != units.to_integral_value():
            raise Invalid("tranche.principal_places", principal=f"{principal:f}", decimals=decimals)
        if units >= MAX_UINT256:
            raise Invalid("tranche.principal_too_large", principal=principal, decimals=decimals)
        return principal


class SettlementAsset(Strict):
    type: Literal["stablecoin", "tokenised_deposit", "fiat"]
    name: Name
    peg_currency: Currency
    issuer: Name | None = None
    issuer_hkma_licence: Name | None = None
    approval_ref: Text | None = None
    """Approval of the mainland authorities, required for an RMB- or CNH-pegged settlement asset."""
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    name_zh: Name | None = None
    issuer_hkma_licence_zh: Name | None = None
    approval_ref_zh: Text | None = None


class Chain(Strict):
    name: Name
    chain_id: Annotated[int, Field(ge=1)]
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    name_zh: Name | None = None


class Token(Strict):
    product_type: Literal["abs", "equity", "debt"]
    legal_form: Literal["beneficial_interest", "note", "loan"]
    repayment_source: Literal["asset_cashflow", "issuer_credit"]
    standard: Literal["reference", "erc3643", "erc1404"] = "reference"
    chain: Chain
    allowlist_required: StrictBool = True
    tranches: list[Tranche] = Field(min_length=1)
    settlement_asset: SettlementAsset
    audit_report: Text | None = None
    custody_provider: Name | None = None
    register_of_record: Text | None = None
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    audit_report_zh: Text | None = None
    register_of_record_zh: Text | None = None

    @field_validator("tranches")
    @classmethod
    def _unique_tranches(cls, tranches: list[Tranche]) -> list[Tranche]:
        for attribute in ("id", "symbol"):
            values = [getattr(t, attribute) for t in tranches]
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"tranche {attribute} repeated: {', '.join(repeated)}")
        return tranches


class Venue(Strict):
    name: Name
    jurisdiction: Jurisdiction
    licence: Name | None = None
    sfc_ce_number: Annotated[str, Field(pattern=r"^[A-Z]{3}\d{3}$")] | None = None

    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    licence_zh: Name | None = None


class Investors(Strict):
    allowed_jurisdictions: list[Jurisdiction] = []
    """Empty means any jurisdiction not excluded."""
    excluded_jurisdictions: list[Jurisdiction] = Field(min_length=1)
    residence_check: StrictBool
    professional_investors_only: StrictBool
    pi_categories: list[Literal["individual", "corporate", "trust", "institutional"]] = []
    kyc_provider: Name | None = None

    @model_validator(mode="after")
    def _disjoint(self) -> Investors:
        both = sorted(set(self.allowed_jurisdictions) & set(self.excluded_jurisdictions))
        if both:
            raise ValueError(f"jurisdictions both allowed and excluded: {', '.join(both)}")
        return self


class Money(Strict):
    amount: Amount
    currency: Currency


class Offering(Strict):
    venue: Venue
    hk_route: Literal["PI_only_exempt", "authorised", "listed_PI_debt", "not_hong_kong"]
    investors: Investors
    minimum_subscription: Money | None = None
    launch_date: date
    close_date: date | None = None


class ServiceProvider(Strict):
    role: Literal["arranger", "distributor", "venue", "custodian", "tokenisation_platform", "it_service",
                  "legal_counsel", "auditor", "rating_agency", "trustee", "servicer", "smart_contract_auditor"]
    name: Name
    jurisdiction: Jurisdiction
    sfc_ce_number: Annotated[str, Field(pattern=r"^[A-Z]{3}\d{3}$")] | None = None
    approval_ref: Text | None = None


class Approval(Strict):
    type: Literal["ndrc_registration", "safe_registration", "data_export_assessment", "security_review",
                  "fx_registration", "odi_filing"]
    """`odi_filing`: the outbound-investment approvals or filings for an offshore issuer the filer controls."""
    status: Literal["done", "pending", "not_applicable"]
    reference: Text | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    not_applicable_reason: Text | None = None
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    reference_zh: Text | None = None
    not_applicable_reason_zh: Text | None = None

    @model_validator(mode="after")
    def _reasoned(self) -> Approval:
        if self.status == "not_applicable" and not self.not_applicable_reason:
            raise ValueError("not_applicable needs not_applicable_reason")
        return self


class Proceeds(Strict):
    use_zh: Text
    use_en: Text
    repatriation_plan: Text | None = None
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    repatriation_plan_zh: Text | None = None


class Contact(Strict):
    name: Name
    role: Name
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    phone: Name | None = None
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    role_zh: Name | None = None


class Undertaking(Strict):
    party_role: Literal["filer", "controlling_shareholder", "actual_controller", "director", "supervisor",
                        "senior_manager", "intermediary"]
    party_name: Name
    signed_on: date | None = None


class Report(Strict):
    submitted_on: date


class MaterialEvent(Strict):
    occurred_on: date
    description: Text
    # zh text (issue 14): the Chinese form of the free text above, which the Chinese documents show
    description_zh: Text | None = None
    material: StrictBool
    csrc_reported_on: date | None = None


# --- required attachments (issue 14): the documents that must accompany the filing, as files the build takes ---
AttachmentKind = Literal[
    "offering_memorandum", "trust_deed", "transfer_agreement", "servicing_agreement", "account_supervision_agreement",
    "business_licence", "resolutions", "audited_financials", "static_pool_data", "rating_report",
    "offshore_legal_opinion", "fund_flow_fx_route", "conflicts_statement", "contact_authorisation",
]


class Attachment(Strict):
    """One accompanying document: its kind, and the file (relative to the deal file) that the packet carries."""

    kind: AttachmentKind
    file: Annotated[str, Field(min_length=1)] | None = None
    """None while the document is not yet available (a blocker, ATT-01)."""
    title_zh: Name | None = None
    title_en: Name | None = None


class Filing(Strict):
    regime: Literal["abs_token_guideline", "overseas_listing", "foreign_debt"]
    status: Literal["draft", "filed", "accepted", "published", "refused"]
    """`filed`/`accepted`: pending at the CSRC; `published`: the CSRC completed and published the filing."""
    as_of: date
    """The date the rules are judged at (for example the 3-year look-back)."""
    submitted_on: date | None = None
    published_on: date | None = None
    offshore_documents: list[Literal["offering_circular", "subscription_agreement", "trust_deed",
                                     "token_terms", "legal_opinion_offshore", "rating_report",
                                     "cash_flow_report", "smart_contract_audit"]] = []
    undertakings: list[Undertaking] = []
    contacts: list[Contact] = Field(min_length=1)
    completion_report: Report | None = None
    events: list[MaterialEvent] = []
    attachments: list[Attachment] = []
    """Required accompanying documents (issue 14); ``filing build`` hashes each file into the manifest."""


class Scenario(Strict):
    """One set of cash-flow assumptions, as annual rates."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")]
    cpr: Rate = 0
    cdr: Rate = 0
    recovery_rate: Rate = 0
    recovery_lag_months: Annotated[int, Field(ge=0, le=60)] = 0
    revenue_haircut: Rate = 0
    revenue_growth: Annotated[float, Field(ge=-0.5, le=0.5)] | None = None
    # --- documents (issue 14): how the scenario is named in the filed text, and its FX shock ---
    label_zh: Name | None = None
    """The scenario's name in the Chinese documents (``name`` is a code and never shown in Chinese text)."""
    label_en: Name | None = None
    fx_shock: Rate = 0
    """Rise of each token currency against the pool currency: a tranche not in the pool currency is converted at
    ``rate × (1 + fx_shock)``, so the pool must pay more of its own currency for the same notes."""


class Cashflow(Strict):
    senior_fees_rate: Rate = 0
    """Annual fees (trustee, servicer, platform) paid before interest, as a share of the outstanding notes."""
    fx_to_pool: dict[Currency, Annotated[Amount, Field(gt=0)]] = {}
    """Units of the pool currency per unit of each tranche currency, for tranches not in the pool currency."""
    base: Scenario
    stress: list[Scenario] = []
    # --- cash-flow timeline (issue 14) ---
    revolving_until: date | None = None
    """Last day of the revolving period: until then, collections left after fees and interest buy new assets of the
    pool's kind instead of repaying principal (needed when the pool is much shorter than the tokens)."""


class Override(Strict):
    """A deliberate decision to accept a finding, kept with its reason so it shows in every output."""

    rule: Annotated[str, Field(pattern=r"^[A-Z]{2,6}(-[A-Z0-9]+)+$")]
    path: str = ""
    """Model path the override is for; empty covers every finding of the rule."""
    reason: Text
    approved_by: Name


class Deal(Strict):
    """One tokenized ABS deal."""

    schema_version: Literal["1.0"]
    deal_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    title_zh: Name
    title_en: Name
    filer: Filer
    assets: Assets
    issuer: Issuer
    structure: Structure
    token: Token
    offering: Offering
    service_providers: list[ServiceProvider] = []
    approvals: list[Approval] = []
    proceeds: Proceeds
    filing: Filing
    cashflow: Cashflow
    overrides: list[Override] = []
    # --- names in Chinese (issue 14) ---
    names_zh: dict[Name, Name] = {}
    """The Chinese name of each party the deal names in English only (intermediaries, counsel, banks, venues,
    holders): the Chinese documents show these, with the English name beside it where it identifies the party."""
