"""Who the pool's cash comes from: top assets and obligors, concentration, important cash-flow providers,
originator-affiliate share and receivables dispersion.

Shares are of the analysed outstanding balance, the tape's stand-in for "unpaid future cash flow" in the AMAC and SSE
definitions until the cash-flow projection refines it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from filing.pool.lazy import aggregate
from filing.pool.stats import province, section

TOP_ASSETS = 20
TOP_OBLIGORS = 10
IMPORTANT_ALONE = 0.15
"""AMAC negative list (2024) item 2 and SSE No. 1: more than 15% of unpaid future cash flow alone..."""
IMPORTANT_WITH_AFFILIATES = 0.20
"""...or more than 20% together with affiliates."""
AFFILIATE_DISCLOSURE = 0.10
"""SSE No. 1 §3.7.1 and No. 2 §2.2.3: originator and affiliates above 10% trigger special disclosure."""
MIN_UNRELATED_OBLIGORS = 10
MAX_SINGLE_OBLIGOR = 0.50
"""SSE No. 2 §3.2.3: at least 10 unrelated obligors and none above 50%."""
MIN_CREDITORS = 10
"""SSE No. 2 §3.2.3: supply-chain deals need at least 10 unrelated creditors instead (the caps on creditor
concentration it adds were not found as figures, so none is applied)."""
ASSET_TABLE_THRESHOLD = 0.01
"""SSE No. 1 §4.1.2: the top-20 table may be omitted when no asset exceeds 1% of the pool."""


@dataclass(frozen=True)
class TopAsset:
    rank: int
    row: int
    asset_id: str
    obligor_id: str
    obligor_name: str
    balance: Decimal
    share: float
    interest_rate: float | None
    remaining_term_months: float | None
    related_party: bool
    province: str | None
    industry: str | None


@dataclass(frozen=True)
class ObligorRow:
    rank: int
    obligor_id: str
    obligor_name: str
    obligor_uscc: str | None
    group: str | None
    asset_count: int
    balance: Decimal
    share: float
    related_party: bool
    dishonest: bool


@dataclass(frozen=True)
class Concentration:
    top1_share: float
    top5_share: float
    top10_share: float
    hhi: float
    """Herfindahl index of obligor shares (0-1)."""
    effective_obligors: float
    largest_group_share: float | None
    """Largest share of one obligor counted together with its group, when the tape has an obligor_group column."""


@dataclass(frozen=True)
class ImportantProvider:
    """An obligor (basis 'alone', >15%) or obligor group (basis 'with_affiliates', >20%)."""

    key: str
    name: str
    basis: str
    balance: Decimal
    share: float
    members: tuple[str, ...]
    dishonest: bool


@dataclass(frozen=True)
class AffiliateShare:
    asset_count: int
    obligor_count: int
    balance: Decimal
    share: float
    threshold: float
    above_threshold: bool


@dataclass(frozen=True)
class Dispersion:
    unrelated_obligors: int
    """Distinct unrelated obligors (or obligor groups, when given) outside the originator's affiliates."""
    min_unrelated_obligors: int
    max_obligor_share: float
    max_allowed_share: float | None
    meets: bool
    party: str = "obligors"
    """Whose dispersion: ``obligors``, or ``creditors`` (the suppliers of a supply-chain pool)."""


def obligors(pool: pl.DataFrame, dishonest: list[str]) -> pl.DataFrame:
    """One row per obligor, largest first (ties by id): balance, share, affiliation and dishonest-list status.

    Grouped by the integer ``obligor_key`` on numbers only; the obligor's texts are then taken from its first row
    (its first row with a USCC or group), so a million rows are never grouped as strings.
    """
    listed = pl.Series(dishonest, dtype=pl.String).implode()
    total = pool.get_column("balance").sum()
    index = pl.col("index")
    firsts = (pool.lazy().with_row_index("index").group_by("obligor_key")
              .agg(index.min().alias("first"), index.filter(pl.col("obligor_uscc").is_not_null()).min().alias("uscc"),
                   index.filter(pl.col("obligor_group").is_not_null()).min().alias("group"), pl.len().alias("count"),
                   pl.col("outstanding_balance").sum().alias("amount"), pl.col("balance").sum().alias("weight"),
                   pl.col("affiliated").any())
              .collect())
    texts = [pool.get_column(column).gather(firsts.get_column(at)) for column, at in (
        ("obligor_id", "first"), ("obligor_name", "first"), ("obligor_uscc", "uscc"), ("obligor_group", "group"),
        ("group_key", "first"))]
    return (firsts.drop("first", "uscc", "group").with_columns(texts)
            .with_columns((pl.col("weight") / total).alias("share"),
                          (pl.col("obligor_id").is_in(listed) | pl.col("obligor_uscc").is_in(listed).fill_null(False))
                          .alias("dishonest"))
            .sort(["weight", "obligor_id"], descending=[True, False]))


def top_assets(pool: pl.DataFrame) -> tuple[TopAsset, ...]:
    """The largest assets (ties by id); the rows at or above the 20th largest balance are found first, so only
    those few are sorted."""
    total = pool.get_column("balance").sum()
    balance = pl.col("balance")
    top = (pool.lazy().filter(balance >= balance.top_k(TOP_ASSETS).min())
           .sort(["balance", "asset_id"], descending=[True, False]).head(TOP_ASSETS)
           .with_columns(province(pl.col("region_code")).alias("province"),
                         section(pl.col("industry_code")).alias("section")).collect())
    return tuple(TopAsset(i, r["row"], r["asset_id"], r["obligor_id"], r["obligor_name"], r["outstanding_balance"],
                          r["balance"] / total, r["interest_rate"], r["remaining_term"], r["affiliated"],
                          r["province"], r["section"])
                 for i, r in enumerate(top.iter_rows(named=True), start=1))


def top_obligors(table: pl.DataFrame) -> tuple[ObligorRow, ...]:
    return tuple(ObligorRow(i, r["obligor_id"], r["obligor_name"], r["obligor_uscc"], r["obligor_group"], r["count"],
                            r["amount"], r["share"], r["affiliated"], r["dishonest"])
                 for i, r in enumerate(table.head(TOP_OBLIGORS).iter_rows(named=True), start=1))


def concentration(table: pl.DataFrame, has_groups: bool) -> Concentration:
    shares = table.get_column("share")
    hhi = float((shares ** 2).sum())
    group_share = (float(table.group_by("group_key").agg(pl.col("share").sum()).get_column("share").max())
                   if has_groups else None)
    return Concentration(float(shares.head(1).sum()), float(shares.head(5).sum()), float(shares.head(10).sum()),
                         hhi, 1 / hhi if hhi else 0.0, group_share)


def important_providers(table: pl.DataFrame, has_groups: bool) -> tuple[ImportantProvider, ...]:
    """Obligors above 15% alone and, when groups are given, groups above 20% with their affiliates."""
    found = [ImportantProvider(r["obligor_id"], r["obligor_name"], "alone", r["amount"], r["share"],
                               (r["obligor_id"],), r["dishonest"])
             for r in table.filter(pl.col("share") > IMPORTANT_ALONE).iter_rows(named=True)]
    if has_groups:
        groups = (table.filter(pl.col("obligor_group").is_not_null()).group_by("obligor_group")
                  .agg(pl.col("amount").sum(), pl.col("share").sum(), pl.col("obligor_id").sort(),
                       pl.col("dishonest").any())
                  .filter(pl.col("share") > IMPORTANT_WITH_AFFILIATES)
                  .sort(["share", "obligor_group"], descending=[True, False]))
        found += [ImportantProvider(r["obligor_group"], r["obligor_group"], "with_affiliates", r["amount"],
                                    r["share"], tuple(r["obligor_id"]), r["dishonest"])
                  for r in groups.iter_rows(named=True)]
    return tuple(found)


def affiliate_share(pool: pl.DataFrame, table: pl.DataFrame) -> AffiliateShare:
    """Assets of the originator and its affiliates; their obligors counted from the obligor table."""
    related = pl.col("affiliated")
    count, amount, weight, total = aggregate(pool, related.sum(), pl.col("outstanding_balance").filter(related).sum(),
                                             pl.col("balance").filter(related).sum(), pl.col("balance").sum())
    share = float(weight / total)
    return AffiliateShare(count, table.get_column("affiliated").sum(), amount, share, AFFILIATE_DISCLOSURE,
                          share > AFFILIATE_DISCLOSURE)


def dispersion(table: pl.DataFrame) -> Dispersion:
    unrelated = table.filter(~pl.col("affiliated")).get_column("group_key").n_unique()
    largest = float(table.get_column("share").max())
    return Dispersion(unrelated, MIN_UNRELATED_OBLIGORS, largest, MAX_SINGLE_OBLIGOR,
                      unrelated >= MIN_UNRELATED_OBLIGORS and largest <= MAX_SINGLE_OBLIGOR)


def creditor_dispersion(pool: pl.DataFrame) -> Dispersion:
    """Distinct creditors (``creditor_id``; the tape says nothing of how they are related, so each counts as
    unrelated) and the largest creditor's share; met on the count alone, as no cap figure was found."""
    count, largest = aggregate(pool, pl.col("creditor_id").n_unique(),
                               pl.col("balance").sum().over("creditor_id").max() / pl.col("balance").sum())
    return Dispersion(count, MIN_CREDITORS, float(largest), None, count >= MIN_CREDITORS, "creditors")


__all__ = ["TopAsset", "ObligorRow", "Concentration", "ImportantProvider", "AffiliateShare", "Dispersion",
           "obligors", "top_assets", "top_obligors", "concentration", "important_providers", "affiliate_share",
           "dispersion", "creditor_dispersion", "ASSET_TABLE_THRESHOLD"]
