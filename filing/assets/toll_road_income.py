"""Toll-road income rights (收费公路收益权): future toll revenue until the concession ends; the tape is the road's
monthly revenue history, from which the projection grows the revenue."""

from datetime import date

from filing.assets.spec import AssetSpec, Column, Kind, RowCheckSpec

PERIOD = Column("period", Kind.month, ("期间", "月份", "period", "month"))
TOLL_REVENUE = Column("toll_revenue", Kind.amount, ("通行费收入", "tollrevenue", "revenue"))
TRAFFIC_VOLUME = Column("traffic_volume", Kind.number, ("车流量", "trafficvolume", "traffic"))


def row_checks(cut_off: date) -> list[RowCheckSpec]:
    """Revenue and traffic are not negative; each month appears once and none is after the cut-off."""
    import polars as pl  # on use: the asset classes load with every command

    return [
        RowCheckSpec("TAPE-29", "toll_revenue", pl.col("toll_revenue") < 0),
        RowCheckSpec("TAPE-29", "traffic_volume", pl.col("traffic_volume") < 0),
        RowCheckSpec("TAPE-30", "period", pl.col("period").is_duplicated() & pl.col("period").is_not_null()),
        RowCheckSpec("TAPE-21", "period", pl.col("period") > cut_off, f"the cut-off date is {cut_off.isoformat()}",
                     f"基准日为{cut_off.isoformat()}"),
    ]


SPEC = AssetSpec(
    name="toll_road_income", label_zh="收费公路收益权", label_en="Toll-road income rights",
    required=(PERIOD, TOLL_REVENUE), optional=(TRAFFIC_VOLUME,), tape="history",
    cashflow="revenue", cashflow_basis="toll_revenue", nature="charge_right", term_end="concession_end",
    row_checks=row_checks,
    scaffold_assets=("concession_end: 2040-12-31             # REPLACE: end of the toll concession",),
    scaffold_stress="revenue_haircut: 0.2")
