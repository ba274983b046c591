"""Equipment lease receivables (设备租赁债权): rents owed by lessees, paid in instalments down to a residual value."""

from datetime import date

from filing.assets.columns import POOL_OPTIONAL, POOL_REQUIRED
from filing.assets.spec import AssetSpec, Column, Kind, RowCheckSpec

INSTALLMENT_AMOUNT = Column("installment_amount", Kind.amount, ("租金", "每期租金", "installmentamount", "installment",
                                                                "rent"))
PAYMENT_FREQUENCY = Column("payment_frequency", Kind.frequency, ("支付频率", "付款频率", "paymentfrequency",
                                                                 "frequency"))
LEASED_ASSET_TYPE = Column("leased_asset_type", Kind.text, ("租赁物类型", "leasedassettype", "assettype",
                                                            "equipmenttype"))
RESIDUAL_VALUE = Column("residual_value", Kind.amount, ("残值", "residualvalue"))


def row_checks(cut_off: date) -> list[RowCheckSpec]:
    """A rent is positive; a residual value is neither negative nor more than the lease's original amount."""
    import polars as pl  # on use: the asset classes load with every command

    return [
        RowCheckSpec("TAPE-12", "installment_amount", pl.col("installment_amount") <= 0),
        RowCheckSpec("TAPE-29", "residual_value", pl.col("residual_value") < 0),
        RowCheckSpec("TAPE-32", "residual_value", pl.col("residual_value") > pl.col("original_amount")),
    ]


SPEC = AssetSpec(
    name="equipment_lease", label_zh="设备租赁债权", label_en="Equipment lease receivables",
    required=(*POOL_REQUIRED, INSTALLMENT_AMOUNT, PAYMENT_FREQUENCY),
    optional=(*POOL_OPTIONAL, LEASED_ASSET_TYPE, RESIDUAL_VALUE), tape="pool", cashflow="instalments",
    cashflow_basis="lease_rentals", nature="lease", rate_disclosed=True, row_checks=row_checks)
