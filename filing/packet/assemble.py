"""Run the stages the packet reports on (pool and its cash flows, rulebook, contract) and keep their results as data.

Why a separate step: rendering reads only what this returns, so the same documents can be rebuilt later from a
packet's ``data/`` folder alone. The contract stage is optional: a checkout without ``filing.chain.check_contract``
builds a packet without ``data/contract.json`` and the investor-restriction statement says the token was not checked.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from typing import Any

import polars as pl

from filing.analysis import analyse
from filing.model.load import LoadedDeal
from filing.packet.attachments import read_attachments
from filing.packet.data import PacketData
from filing.progress import Progress, within
from filing.rules import rulebook


def assemble(loaded: LoadedDeal, progress: Progress | None = None) -> PacketData:
    """Pool report, findings over deal and pool, contract report and the canonical tape, from one loaded deal."""
    from filing import check_deal

    pool = analyse(loaded, within(progress, "pool"))
    report = check_deal(loaded, pool)
    rules = [{key: value for key, value in rule.explain().items() if key != "text"} for rule in rulebook().rules]
    check_contract = _contract_check()
    contract = check_contract(loaded, progress=within(progress, "chain")) if check_contract else None
    return PacketData(deal_json=loaded.canonical_json(), findings=report.to_dict() | {"rules": rules},
                      pool=pool.to_dict(), contract=contract.to_dict() if contract else None,
                      tape_parquet=tape_parquet(pool.frame), attachments=read_attachments(loaded))


def _contract_check() -> Callable[[LoadedDeal], Any] | None:
    """``filing.chain.check_contract`` when the chain stage is installed; only its absence is tolerated."""
    try:
        chain = importlib.import_module("filing.chain")
    except ModuleNotFoundError as error:
        if error.name != "filing.chain":
            raise
        return None
    return getattr(chain, "check_contract", None)


def tape_parquet(frame: pl.DataFrame) -> bytes:
    """The canonical tape, rows in file order; Parquet written without statistics-dependent or clock metadata."""
    buffer = io.BytesIO()
    frame.sort("row").write_parquet(buffer, compression="zstd", compression_level=3, statistics=False)
    return buffer.getvalue()
