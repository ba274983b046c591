"""Supply-chain payables (供应链应付账款): what a core enterprise owes its suppliers, confirmed by it in writing and
bought from the suppliers (reverse factoring). Each payable is paid in one sum at its due date, like a receivable;
the obligor is the core enterprise or its subsidiaries, so dispersion is tested on the suppliers (the creditors) as
SSE Guideline No. 2 §3.2.3 asks of supply-chain deals."""

from datetime import date

from filing.assets.columns import POOL_OPTIONAL, POOL_REQUIRED
from filing.assets.spec import AssetSpec, Column, Kind, RowCheckSpec

CREDITOR_ID = Column("creditor_id", Kind.text, ("供应商编号", "债权人编号", "supplierid", "creditorid", "vendorid"))
CREDITOR_NAME = Column("creditor_name", Kind.text, ("供应商名称", "供应商", "债权人名称", "suppliername",
                                                    "creditorname", "vendorname"))
CREDITOR_USCC = Column("creditor_uscc", Kind.code, ("供应商统一社会信用代码", "债权人统一社会信用代码", "supplieruscc",
                                                    "creditoruscc"))
CONFIRMATION_DATE = Column("confirmation_date", Kind.date, ("确认日", "付款确认日", "确权日", "confirmationdate",
                                                            "confirmeddate"))


def row_checks(cut_off: date) -> list[RowCheckSpec]:
    """A payable in the pool at the cut-off was confirmed by the core enterprise by then."""
    import polars as pl  # on use: the asset classes load with every command

    return [RowCheckSpec("TAPE-21", "confirmation_date", pl.col("confirmation_date") > cut_off,
                         f"the cut-off date is {cut_off.isoformat()}",
                     f"基准日为{cut_off.isoformat()}")]


SPEC = AssetSpec(
    name="supply_chain_payables", label_zh="供应链应付账款", label_en="Supply-chain payables",
    required=(*POOL_REQUIRED, CREDITOR_ID, CREDITOR_NAME),
    optional=(*POOL_OPTIONAL, CREDITOR_USCC, CONFIRMATION_DATE), tape="pool", cashflow="bullet",
    cashflow_basis="receivable_collections", nature="receivable", dispersion="creditors", row_checks=row_checks)
