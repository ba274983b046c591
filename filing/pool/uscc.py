"""GB 32100 USCC checks over a whole column: computed once per distinct code, as a matrix product.

A tape repeats each obligor's code on every invoice; checking the distinct codes with numpy keeps a million rows at
milliseconds, while the weights and character set stay those of the scalar ``filing.model.identifiers``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from filing.model.identifiers import USCC_CHARSET, USCC_WEIGHTS

_USCC_CHAR = f"[{USCC_CHARSET}]"
USCC_PATTERN = f"^{_USCC_CHAR}{{2}}[0-9]{{6}}{_USCC_CHAR}{{10}}$"
"""Layout of GB 32100: positions 3-8 are the administrative-division code, all digits."""

_VALUE = np.zeros(256, dtype=np.int64)
_VALUE[np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)] = np.arange(len(USCC_CHARSET))
_CHARSET_BYTES = np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)


def check_digits_match(codes: pl.Series) -> pl.Series:
    """For well-formed 18-character codes, whether character 18 is the GB 32100 check digit of the first 17."""
    if codes.len() == 0:
        return pl.Series(codes.name, [], dtype=pl.Boolean)
    matrix = np.frombuffer("".join(codes.to_list()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    total = _VALUE[matrix[:, :17]] @ np.asarray(USCC_WEIGHTS, dtype=np.int64)
    return pl.Series(codes.name, _CHARSET_BYTES[(-total) % 31] == matrix[:, 17])


def uscc_status(codes: pl.Series) -> pl.DataFrame:
    """One row per distinct non-null code: ``uscc``, ``well_formed`` and ``check_ok`` (null when malformed)."""
    distinct = codes.drop_nulls().unique().sort().rename("uscc").to_frame()
    distinct = distinct.with_columns(pl.col("uscc").str.contains(USCC_PATTERN).alias("well_formed"))
    formed = distinct.filter("well_formed").get_column("uscc")
    checked = pl.DataFrame({"uscc": formed, "check_ok": check_digits_match(formed)},
                           schema={"uscc": pl.String, "check_ok": pl.Boolean})
    return distinct.join(checked, on="uscc", how="left")


__all__ = ["USCC_PATTERN", "check_digits_match", "uscc_status"]
