"""Columns shared by the classes whose tape is a pool of claims on obligors (receivables, leases, payables), so each
is declared once with its aliases; a class module composes its schema from these and its own columns."""

from __future__ import annotations

from filing.assets.spec import Column, Kind

ASSET_ID = Column("asset_id", Kind.text, ("应收账款编号", "资产编号", "合同编号", "assetid", "receivableid",
                                          "invoiceid", "leaseid", "loanid"))
OBLIGOR_ID = Column("obligor_id", Kind.text, ("债务人编号", "承租人编号", "obligorid", "debtorid", "customerid",
                                              "lesseeid"))
OBLIGOR_NAME = Column("obligor_name", Kind.text, ("债务人名称", "债务人", "承租人名称", "obligorname", "debtorname",
                                                  "customername", "lesseename"))
OBLIGOR_USCC = Column("obligor_uscc", Kind.code, ("统一社会信用代码", "债务人统一社会信用代码",
                                                  "承租人统一社会信用代码", "uscc", "obligoruscc", "debtoruscc"))
REGION_CODE = Column("region_code", Kind.code, ("行政区划代码", "地区代码", "债务人地区代码", "regioncode", "region",
                                                "areacode"))
INDUSTRY_CODE = Column("industry_code", Kind.code, ("行业代码", "行业门类", "债务人行业", "industrycode", "industry",
                                                    "industrysection"))
CURRENCY = Column("currency", Kind.code, ("币种", "currency", "ccy"))
ORIGINAL_AMOUNT = Column("original_amount", Kind.amount, ("初始金额", "合同金额", "原始金额", "originalamount",
                                                          "originalbalance", "contractamount"))
OUTSTANDING_BALANCE = Column("outstanding_balance", Kind.amount, ("未偿本金余额", "剩余本金", "未偿余额",
                                                                  "outstandingbalance", "outstanding", "balance",
                                                                  "currentbalance"))
ORIGINATION_DATE = Column("origination_date", Kind.date, ("起始日", "发生日", "起租日", "originationdate", "startdate",
                                                          "invoicedate"))
MATURITY_DATE = Column("maturity_date", Kind.date, ("到期日", "maturitydate", "duedate", "enddate"))
INTEREST_RATE = Column("interest_rate", Kind.rate, ("利率", "年利率", "租赁利率", "interestrate", "rate"))
RELATED_PARTY = Column("related_party", Kind.flag, ("是否关联方", "关联方", "relatedparty", "isrelatedparty"))
OBLIGOR_GROUP = Column("obligor_group", Kind.text, ("债务人集团", "所属集团", "obligorgroup", "group"))

POOL_REQUIRED = (ASSET_ID, OBLIGOR_ID, OBLIGOR_NAME, OUTSTANDING_BALANCE, ORIGINATION_DATE, MATURITY_DATE)
"""What every pool of claims needs: which asset, owed by whom, how much, from and until when."""
POOL_OPTIONAL = (OBLIGOR_USCC, REGION_CODE, INDUSTRY_CODE, CURRENCY, ORIGINAL_AMOUNT, INTEREST_RATE, RELATED_PARTY,
                 OBLIGOR_GROUP)
"""What the distribution tables, concentration and eligibility use when the tape has it."""
